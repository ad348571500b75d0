/**
 * `npx tsx scripts/estimate-calibrate.ts [--write]`: fits `taxonn estimate`'s models to the
 * measurements of scripts/estimate-data.ts (.cache/estimate-data/) on the configurations marked
 * `calibrate` and measures the error on those marked `check` (held out, not fitted), printing one
 * line per held-out configuration and a summary (src/flows/estimate/calibrate.ts). With --write:
 * the measurements go to test/fixtures/estimate/measurements.json and the fit to
 * src/flows/estimate/calibration.ts (a test re-fits the one and compares with the other).
 */
import fs from 'node:fs';
import path from 'node:path';
import { calibrate } from '../src/flows/estimate/calibrate.js';
import type { Measured } from '../src/flows/estimate/measured.js';
import { repoRoot } from '../src/hdl/source.js';
import { loadDataset } from '../src/model/datasets/index.js';

const DIR = path.join(repoRoot, '.cache', 'estimate-data');
const FIXTURE = path.join(repoRoot, 'test', 'fixtures', 'estimate', 'measurements.json');
const OUT = path.join(repoRoot, 'src', 'flows', 'estimate', 'calibration.ts');

/** The fraction of zero inputs in a data set's training split (what skipZeroInputs skips). */
function inputZeros(name: 'iris' | 'mnist'): number {
  const { x } = loadDataset(name).train;
  let zeros = 0;
  for (const v of x) if (v === 0) zeros++;
  return Math.round((1000 * zeros) / x.length) / 1000;
}

function main(): void {
  const measured = new Map<string, Measured>();
  for (const f of fs.existsSync(DIR) ? fs.readdirSync(DIR).sort() : []) {
    const m = JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')) as Measured;
    measured.set(m.key, m);
  }
  const zeros = { iris: inputZeros('iris'), mnist: inputZeros('mnist') };
  const { calibration, lines } = calibrate(measured, zeros);
  const f = (v: number | undefined) => (v === undefined ? '    n/a' : `${v >= 0 ? '+' : ''}${v.toFixed(1)}%`.padStart(7));
  for (const l of lines) {
    const skipping = l.cyclesSkippingErrors ? ` (with its error skipping ${f(l.cyclesSkippingErrors[0])} ${f(l.cyclesSkippingErrors[1])})` : '';
    process.stdout.write(
      `${l.key.padEnd(44)} cycles ${f(l.cycles?.[0])} ${f(l.cycles?.[1])}  area ${f(l.asicArea)}  LUT4 ${f(l.ice40Luts)}  BRAM ${f(l.ice40BlockRams)}  energy ${f(l.energy)}${skipping}\n`,
    );
  }
  process.stdout.write(`\n${calibration.note}\n`);
  for (const [k, v] of Object.entries(calibration.heldOut)) {
    process.stdout.write(`  ${k}: mean |error| ${v.meanAbsPct} %, max ${v.maxAbsPct} % over ${v.configurations}\n`);
  }
  if (!process.argv.includes('--write')) return;
  fs.mkdirSync(path.dirname(FIXTURE), { recursive: true });
  fs.writeFileSync(FIXTURE, `${JSON.stringify({ inputZeros: zeros, measurements: [...measured.values()] }, null, 1)}\n`);
  const text = [
    '// Written by scripts/estimate-calibrate.ts --write (src/flows/estimate/calibrate.ts on test/fixtures/estimate/measurements.json): do not edit.',
    "import type { Calibration } from './estimate.js';",
    '',
    `export const CALIBRATION: Calibration = ${JSON.stringify(calibration, null, 2)};`,
    '',
  ].join('\n');
  fs.writeFileSync(OUT, text);
  process.stdout.write(`wrote ${path.relative(repoRoot, FIXTURE)} and ${path.relative(repoRoot, OUT)}\n`);
}

main();
