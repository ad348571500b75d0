/**
 * `npx taxonn <command>`: the command-line entry point. Each command is a thin layer over a
 * flow in src/flows/; errors are one line on stderr (exit 2 for bad input).
 */
import path from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { runDemo } from '../flows/demo.js';
import { BINDINGS_DIR, writeBindings } from '../flows/bindings.js';
import { repoRoot } from '../hdl/source.js';
import { VERSION } from '../hdl/index.js';
import { UsageError, reportAndExit } from './errors.js';

const positiveInt = (name: string) => (v: unknown) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got ${String(v)}`);
  return n;
};

async function main(argv: string[]): Promise<void> {
  await yargs(argv)
    .scriptName('taxonn')
    .usage('$0 <command> [options]\n\nGenerate, check and measure TaxoNN-style DNN training accelerators.')
    .command(
      'demo',
      'Generate the first TaxoNN blocks into rtl-out/, lint them and check each against the golden model in Verilator',
      (y) =>
        y
          .option('out', { type: 'string', default: path.join(repoRoot, 'rtl-out'), describe: 'output folder for the Verilog' })
          .option('vectors', { type: 'number', default: 10000, describe: 'random vectors per block', coerce: positiveInt('vectors') })
          .option('seed', { type: 'number', default: 1, describe: 'stimulus seed', coerce: positiveInt('seed') })
          .example('$0 demo', 'the default: 10,000 vectors per block')
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
        if (!ok) process.exitCode = 1;
      },
    )
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
