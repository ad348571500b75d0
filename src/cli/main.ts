/**
 * `npx taxonn <command>`: the command-line entry point. Each command is a thin layer over a
 * flow in src/flows/; errors are one line on stderr (exit 2 for bad input).
 */
import path from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { runDemo } from '../flows/demo.js';
import { generateAccelerator, writeOutputFolder } from '../flows/generate.js';
import { stimulusSeed, verify } from '../flows/verify.js';
import { readWeightsFile } from '../flows/weights-file.js';
import { addConfigOptions, configFromArgs } from './config-options.js';
import { DEFAULT_CONFIG } from '../config/index.js';
import { BINDINGS_DIR, writeBindings } from '../flows/bindings.js';
import { repoRoot } from '../hdl/source.js';
import { VERSION } from '../hdl/index.js';
import { UsageError, reportAndExit } from './errors.js';
import { positiveInt } from './coerce.js';
import { runTrainCommand, trainOptions } from './train-command.js';
import { fpgaOptions, runFpgaCommand, runSynthCommand, synthOptions } from './hardware-commands.js';
import { sweepCommand } from './sweep-command.js';
import { powerCommand } from './power-command.js';


async function main(argv: string[]): Promise<void> {
  await yargs(argv)
    .scriptName('taxonn')
    .usage('$0 <command> [options]\n\nGenerate, check and measure TaxoNN-style DNN training accelerators.')
    .command(
      'demo',
      'Generate the TaxoNN blocks and the default accelerator into rtl-out/, lint them and prove them bit-exact against the golden model in Verilator',
      (y) =>
        y
          .option('out', { type: 'string', default: path.join(repoRoot, 'rtl-out'), describe: 'output folder for the Verilog' })
          .option('vectors', { type: 'number', default: 10000, describe: 'random vectors per block', coerce: positiveInt('vectors') })
          .option('seed', { type: 'number', default: 1, describe: 'stimulus seed', coerce: positiveInt('seed') })
          .option('samples', { type: 'number', default: 20, describe: 'training samples through the whole default accelerator (0: blocks only)', coerce: (v: unknown) => (Number(v) === 0 ? 0 : positiveInt('samples')(v)) })
          .example('$0 demo', 'the default: 10,000 vectors per block, 20 samples through the accelerator')
          .example('$0 demo --vectors 100000 --seed 7 --out /tmp/rtl', 'a longer run elsewhere'),
      async (args) => {
        const t0 = performance.now();
        const { rows, ok } = await runDemo({
          out: path.resolve(args.out),
          vectors: args.vectors,
          seed: args.seed,
          log: (l) => process.stdout.write(`${l}\n`),
        });
        const passed = rows.filter((r) => r.check.mismatches === 0).length;
        const secs = ((performance.now() - t0) / 1000).toFixed(1);
        process.stdout.write(
          `\n${ok ? 'PASS' : 'FAIL'}: ${passed}/${rows.length} blocks bit-exact against the golden model, ` +
            `${rows.filter((r) => r.gates.verilator && r.gates.iverilog && r.gates.yosys && r.gates.latches === 0).length}/${rows.length} ` +
            `clean under verilator -Wall, iverilog -g2005 and yosys synth (${secs} s)\n`,
        );
        let accOk = true;
        if (args.samples > 0) {
          // The whole accelerator at the default configuration: generated next to the blocks and
          // verified against the golden model with random stalls on every stream.
          const out = path.join(path.resolve(args.out), 'taxonn');
          const gen = generateAccelerator(DEFAULT_CONFIG);
          writeOutputFolder(out, gen.files);
          const r = await verify(DEFAULT_CONFIG, { samples: args.samples, seed: stimulusSeed(DEFAULT_CONFIG.seed, args.seed), stallPermille: 300 });
          accOk = r.equivalent;
          process.stdout.write(
            `${accOk ? 'PASS' : 'FAIL'}: the accelerator ${gen.manifest.top} (${DEFAULT_CONFIG.layers.join('-')}, P = ${DEFAULT_CONFIG.pes}; ` +
              `${gen.manifest.files.length} Verilog files in ${path.relative(process.cwd(), out) || '.'}/) is bit-exact against the golden model ` +
              `on ${r.samples} samples with random stalls; ${r.cyclesPerSample.toFixed(0)} cycles per training sample\n`,
          );
        }
        if (!ok || !accOk) process.exitCode = 1;
      },
    )
    .command(
      'generate',
      'Generate the accelerator: Verilog (one file per module), manifest.json, a FuseSoC .core and a .f file list',
      (y) =>
        addConfigOptions(y)
          .option('out', { type: 'string', demandOption: true, describe: 'output folder (created; files replaced atomically)' })
          .example('$0 generate --out rtl-out/taxonn', 'the default configuration (784-64-10, P = 16)')
          .example('$0 generate --config my.json --pes 32 --out build/rtl', 'a configuration file, with one field overridden'),
      (args) => {
        const cfg = configFromArgs(args);
        const out = generateAccelerator(cfg);
        const written = writeOutputFolder(path.resolve(args.out), out.files);
        process.stdout.write(
          `${out.manifest.top}: ${out.manifest.files.length} Verilog files, ${out.manifest.memoryBits} memory bits; ` +
            `wrote ${written.length} files to ${args.out}\n`,
        );
      },
    )
    .command(
      'verify',
      'Run a random sample stream through the RTL (Verilator) and the golden model and compare them bit for bit',
      (y) =>
        addConfigOptions(y)
          .option('samples', { type: 'number', default: 20, describe: 'samples in the stream', coerce: positiveInt('samples') })
          .option('stimulus-seed', { type: 'number', default: 1, describe: 'seed of weights, inputs and stalls (combined with --seed)', coerce: positiveInt('stimulus-seed') })
          .option('stalls', { type: 'boolean', default: false, describe: 'random stalls on every valid/ready (30% of cycles)' })
          .option('wave', { type: 'string', describe: 'write a waveform (.vcd or .fst)' })
          .option('weights', { type: 'string', describe: 'initial weights: a file of integer codes in stream order (JSON array or whitespace-separated)' })
          .option('json', { type: 'boolean', default: false, describe: 'print one JSON document on stdout' })
          .example('$0 verify --samples 100 --stalls', 'the default configuration, with backpressure everywhere')
          .example('$0 verify --layers 13,7,5 --pes 3 --rounding nearest --json', 'a small odd configuration, as JSON'),
      async (args) => {
        const cfg = configFromArgs(args);
        const report = await verify(cfg, {
          samples: args.samples,
          seed: stimulusSeed(cfg.seed, args['stimulus-seed']),
          stallPermille: args.stalls ? 300 : 0,
          wave: args.wave,
          weights: args.weights ? readWeightsFile(args.weights, cfg) : undefined,
        });
        if (args.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else {
          const m = report.firstMismatch;
          process.stdout.write(
            `${report.equivalent ? 'EQUIVALENT' : 'MISMATCH'}: ${report.top}, ${report.samples} samples (${report.trainingSamples} training)` +
              `${args.stalls ? ' with random stalls' : ''}\n` +
              `  cycles per training sample ${report.cyclesPerSample.toFixed(0)}, bound ${report.boundCyclesPerSample}, ` +
              `utilization ${(100 * report.utilization).toFixed(1)}%\n` +
              (m ? `  first mismatch: sample ${m.sample}, ${m.phase}, layer ${m.layer}, neuron ${m.neuron}: expected ${m.expected}, got ${m.actual} (${m.detail})\n` : ''),
          );
        }
        if (!report.equivalent) process.exitCode = 1;
      },
    )
    .command(
      'train',
      'Train the network on a real data set (mnist, fashion-mnist, iris) with the golden model, the RTL or the float32 reference (docs/TRAINING.md)',
      (y) => trainOptions(y),
      (args) => runTrainCommand(args),
    )
    .command(
      'synth',
      'Synthesise the accelerator with Yosys: generic gates, iCE40 or Xilinx resources, or ASIC cell area with SRAM macros (docs/HARDWARE.md)',
      (y) => synthOptions(y),
      (args) => runSynthCommand(args),
    )
    .command(
      'fpga',
      'Place and route the accelerator (in a 4-pin wrapper) on an iCE40 UP5K or HX8K with nextpnr: Fmax and utilisation (docs/HARDWARE.md)',
      (y) => fpgaOptions(y),
      (args) => runFpgaCommand(args),
    )
    .command(powerCommand)
    .command(sweepCommand)
    .command(
      'bindings',
      'Regenerate the typed TS port bindings of the default blocks in sim/bindings/',
      (y) => y.example('$0 bindings', 'rewrite the files that are out of date'),
      () => {
        const changed = writeBindings();
        process.stdout.write(
          changed.length ? changed.map((f) => `wrote ${path.relative(process.cwd(), f)}\n`).join('') : `${path.relative(process.cwd(), BINDINGS_DIR)}/ is up to date\n`,
        );
      },
    )
    .demandCommand(1, 'name a command (see --help)')
    .strict()
    .version(VERSION)
    .help()
    .fail((msg, err) => {
      // yargs' own errors (unknown flag, failed coercion) are usage errors; anything else passes through.
      if (err && err.name !== 'YError') throw err;
      throw new UsageError(msg || err?.message || 'bad usage (see --help)');
    })
    .parseAsync();
}

main(hideBin(process.argv)).catch(reportAndExit);
