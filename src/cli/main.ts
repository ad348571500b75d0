/**
 * `taxonn <command>`: the command-line entry point. Each command is a thin layer over a flow in
 * src/flows/, loaded only when it runs (command-table.ts); errors are one line on stderr (exit 2 for
 * bad input).
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { VERSION } from '../hdl/version.js';
import { COMMANDS } from './command-table.js';
import { UsageError, reportAndExit } from './errors.js';
import { joinNegativeValues, suggestFlags } from './argv.js';
import { setProgress } from '../sim/progress.js';

async function main(argv: string[]): Promise<void> {
  argv = joinNegativeValues(argv);
  const wanted = argv.find((a) => !a.startsWith('-'));
  let y = yargs(argv).scriptName('taxonn').usage('$0 <command> [options]\n\nGenerate, check and measure TaxoNN-style DNN training accelerators.');
  for (const c of COMMANDS) {
    // Only the command that runs is loaded; the others are listed by name for --help.
    y = y.command(c.name === wanted ? await c.load() : { command: c.name, describe: c.describe, handler: () => undefined });
  }
  await y
    .demandCommand(1, 'name a command (see --help)')
    .recommendCommands()
    // With --json, stdout is one document and stderr carries no progress display either.
    .middleware((a) => {
      if (a.json) setProgress(false);
    })
    .strict()
    .version(VERSION)
    .help()
    .fail((msg, err, yy) => {
      // yargs' own errors (unknown flag, failed coercion) are usage errors; anything else passes through.
      if (err && err.name !== 'YError') throw err;
      throw new UsageError(suggestFlags(msg || err?.message || 'bad usage (see --help)', yy, wanted));
    })
    .parseAsync();
}

main(hideBin(process.argv)).catch(reportAndExit);
