/**
 * The FIR's testbench: random samples (extremes included) through the Verilated filter and a
 * reference in plain TS, compared every cycle; the design is also emitted and lint-checked.
 * Run it: npx tsx examples/fir/testbench.ts
 */
import { pathToFileURL } from 'node:url';
import { emitDesign, simulate, verilatorLint, writeFiles } from 'taxonn';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fir, stereo } from './fir.js';

const COEFFS = [-12, 7, 30, -128, 3];

export async function run(log: (line: string) => void = console.log): Promise<void> {
  // Verilog a careful engineer would check in: lint-clean under -Wall.
  const dir = mkdtempSync(path.join(tmpdir(), 'fir-'));
  const { files } = emitDesign(stereo(COEFFS, [1, -1]));
  const written = writeFiles(dir, files);
  const lint = await verilatorLint(written, 'stereo_fir');
  if (!lint.ok) throw new Error(`lint: ${lint.output}`);
  log(`fir: ${files.map((f) => f.file).join(', ')} lint-clean in ${dir}`);

  const sim = await simulate<'clk' | 'rst' | 'x' | 'en', 'y'>(fir(COEFFS));
  sim.reset();
  const history: number[] = [0, 0, 0, 0, 0];
  let seed = 1;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % 256;
  for (let n = 0; n < 2000; n++) {
    const x = n % 97 === 0 ? -128 : n % 89 === 0 ? 127 : rand() - 128;
    const en = rand() % 4 !== 0 ? 1 : 0;
    sim.poke('x', x);
    sim.poke('en', en);
    sim.eval();
    const window = [x, ...history.slice(0, COEFFS.length - 1)];
    const want = COEFFS.reduce((s, c, k) => s + c * window[k]!, 0);
    const got = sim.peekNumber('y');
    if (got !== want) throw new Error(`fir: cycle ${n}: y = ${got}, reference ${want}`);
    if (en) history.unshift(x);
    sim.step();
  }
  sim.close();
  log('fir: 2000 cycles equal to the reference');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
