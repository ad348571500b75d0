/** `taxonn demo`: the first blocks and the default accelerator, generated and proven bit-exact. */
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { runDemo } from '../../flows/rtl/demo.js';
import { generateAccelerator, writeOutputFolder } from '../../flows/rtl/generate.js';
import { stimulusSeed, verify } from '../../flows/rtl/verify.js';
import { DEFAULT_CONFIG } from '../../config/index.js';
import { positiveInt } from '../coerce.js';

interface DemoArgs {
  out: string;
  vectors: number;
  seed: number;
  samples: number;
}

const options = <T>(y: Argv<T>): Argv<T & DemoArgs> =>
  y
    .option('out', { type: 'string', default: 'rtl-out', describe: 'output folder for the Verilog' })
    .option('vectors', { type: 'number', default: 10000, describe: 'random vectors per block', coerce: positiveInt('vectors') })
    .option('seed', { type: 'number', default: 1, describe: 'stimulus seed', coerce: positiveInt('seed') })
    .option('samples', {
      type: 'number',
      default: 20,
      describe: 'training samples through the whole default accelerator (0: blocks only)',
      coerce: (v: unknown) => (Number(v) === 0 ? 0 : positiveInt('samples')(v)),
    })
    .example('$0 demo', 'the default: 10,000 vectors per block, 20 samples through the accelerator')
    .example('$0 demo --vectors 100000 --seed 7 --out /tmp/rtl', 'a longer run elsewhere') as unknown as Argv<T & DemoArgs>;

async function run(args: DemoArgs): Promise<void> {
  const t0 = performance.now();
  const { rows, ok } = await runDemo({ out: path.resolve(args.out), vectors: args.vectors, seed: args.seed, log: (l) => process.stdout.write(`${l}\n`) });
  const passed = rows.filter((r) => r.check.mismatches === 0).length;
  const clean = rows.filter((r) => r.gates.verilator && r.gates.iverilog && r.gates.yosys && r.gates.latches === 0).length;
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  process.stdout.write(
    `\n${ok ? 'PASS' : 'FAIL'}: ${passed}/${rows.length} blocks bit-exact against the golden model, ` +
      `${clean}/${rows.length} clean under verilator -Wall, iverilog -g2005 and yosys synth (${secs} s)\n`,
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
}

export const command: CommandModule<object, DemoArgs> = {
  command: 'demo',
  describe: 'Generate the TaxoNN blocks and the default accelerator into rtl-out/, lint them and prove them bit-exact against the golden model in Verilator',
  builder: options,
  handler: run,
};
