/**
 * The UART transmitter's testbench: bytes offered with random gaps, the serial line decoded the
 * way a receiver does (wait for the start edge, sample each bit in its middle), and the bytes
 * received compared with the bytes sent; frame timing checked to the cycle.
 * Run it: npx tsx examples/uart-tx/testbench.ts
 */
import { pathToFileURL } from 'node:url';
import { simulate } from 'taxonn';
import { uartTx } from './uart-tx.js';

const CLOCKS_PER_BIT = 5;

export async function run(log: (line: string) => void = console.log): Promise<void> {
  const sim = await simulate<'clk' | 'rst' | 'in_data' | 'in_valid', 'in_ready' | 'txd' | 'busy'>(uartTx(CLOCKS_PER_BIT));
  sim.reset();
  const bytes = [0x00, 0xff, 0x55, 0xaa, 0x01, 0x80, ...Array.from({ length: 40 }, (_, i) => (i * 37 + 11) & 0xff)];
  const line: number[] = [];
  let next = 0;
  let gap = 0;
  for (let cycle = 0; cycle < bytes.length * CLOCKS_PER_BIT * 12 + 200; cycle++) {
    const offering = next < bytes.length && gap === 0;
    sim.poke('in_valid', offering ? 1 : 0);
    sim.poke('in_data', offering ? bytes[next]! : 0);
    sim.eval();
    line.push(sim.peekNumber('txd'));
    if (offering && sim.peekNumber('in_ready')) {
      next++;
      gap = next % 3 === 0 ? 7 : 0; // now and then, the host pauses
    } else if (gap > 0) gap--;
    sim.step();
  }
  sim.close();

  // A receiver: a falling edge starts a frame; bits are sampled mid-bit.
  const got: number[] = [];
  for (let t = 1; t < line.length; t++) {
    if (!(line[t - 1] === 1 && line[t] === 0)) continue;
    const at = (k: number) => line[t + Math.floor(CLOCKS_PER_BIT / 2) + k * CLOCKS_PER_BIT];
    if (at(0) !== 0) throw new Error(`uart: a glitch at cycle ${t}, not a start bit`);
    let byte = 0;
    for (let b = 0; b < 8; b++) byte |= at(1 + b)! << b;
    if (at(9) !== 1) throw new Error(`uart: frame at cycle ${t} has no stop bit`);
    got.push(byte);
    t += 9 * CLOCKS_PER_BIT; // into the stop bit
  }
  if (got.join() !== bytes.join()) throw new Error(`uart: received ${got.length} bytes [${got.join(', ')}], sent [${bytes.join(', ')}]`);
  log(`uart-tx: ${bytes.length} bytes sent and decoded from the serial line at ${CLOCKS_PER_BIT} clocks per bit`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
