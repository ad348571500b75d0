/** The examples' own testbenches (examples/<name>/testbench.ts), as a user would run them. */
import { describe, expect, it } from 'vitest';
import { run as fir } from '../../examples/fir/testbench.js';
import { run as uartTx } from '../../examples/uart-tx/testbench.js';
import { run as streamFifo } from '../../examples/stream-fifo/testbench.js';
import { run as twoClocks } from '../../examples/two-clocks/testbench.js';

const examples: [string, (log: (l: string) => void) => Promise<void>][] = [
  ['fir', fir],
  ['uart-tx', uartTx],
  ['stream-fifo', streamFifo],
  ['two-clocks', twoClocks],
];

describe('examples', () => {
  for (const [name, run] of examples) {
    it(`${name}: its testbench passes`, async () => {
      const lines: string[] = [];
      await run((l) => lines.push(l));
      expect(lines.length).toBeGreaterThan(0);
    });
  }
});
