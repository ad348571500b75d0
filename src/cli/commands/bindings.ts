/** `taxonn bindings`: regenerate the typed TS port bindings of the default blocks (test/support/bindings/). */
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { BINDINGS_DIR, writeBindings } from '../../flows/rtl/bindings.js';

export const command: CommandModule = {
  command: 'bindings',
  describe:
    "Regenerate the typed TS port bindings of taxonn's own blocks in test/support/bindings/ (for your own modules: writeBindings from 'taxonn/bindings', docs/SIM.md)",
  builder: (y) => y.example('$0 bindings', 'rewrite the files that are out of date'),
  handler: () => {
    const changed = writeBindings();
    process.stdout.write(
      changed.length
        ? changed.map((f) => `wrote ${path.relative(process.cwd(), f)}\n`).join('')
        : `${path.relative(process.cwd(), BINDINGS_DIR)}/ is up to date\n`,
    );
  },
};
