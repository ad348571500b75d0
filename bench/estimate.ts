// Benchmark of `taxonn estimate` (src/flows/estimate/): estimates per second of the model alone,
// and the wall time of a 2,000-point estimate-only sweep through the CLI.
// Run: npx tsx bench/estimate.ts   (prints a markdown table)
//
// Timed: estimate() on three configurations (median of 5 runs of 2,000 calls each, after a
// warm-up), and `taxonn sweep --grid examples/sweep-estimate.json` into a fresh folder (one run:
// Node's start-up, the plan, 2,000 points, the CSV, JSON and plots).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../src/config/index.js';
import { estimate } from '../src/flows/estimate/estimate.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CASES: [string, object][] = [
  ['4-8-3, P = 2', { layers: [4, 8, 3], pes: 2 }],
  ['784-64-10, P = 16 (default)', {}],
  ['784-256-128-10, P = 64', { layers: [784, 256, 128, 10], pes: 64, accBits: 40 }],
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log('| configuration | µs per estimate | estimates/s |');
console.log('|---|---|---|');
for (const [name, overrides] of CASES) {
  const cfg = resolveConfig({ overrides });
  for (let i = 0; i < 200; i++) estimate(cfg);
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 2000; i++) estimate(cfg);
    runs.push((performance.now() - t0) / 2000);
  }
  const ms = median(runs);
  console.log(`| ${name} | ${(ms * 1000).toFixed(0)} | ${Math.round(1000 / ms).toLocaleString('en-US')} |`);
}

const out = mkdtempSync(join(tmpdir(), 'taxonn-bench-estimate-'));
const t0 = performance.now();
const r = spawnSync(process.execPath, [join(root, 'bin', 'taxonn.mjs'), 'sweep', '--grid', join(root, 'examples', 'sweep-estimate.json'), '--out', out], {
  cwd: root,
  encoding: 'utf8',
});
const seconds = (performance.now() - t0) / 1000;
rmSync(out, { recursive: true, force: true });
if (r.status !== 0) throw new Error(`the estimate sweep failed: ${r.stderr}`);
console.log();
console.log('| sweep | points | wall time |');
console.log('|---|---|---|');
console.log(`| examples/sweep-estimate.json, steps ["estimate"] | 2,000 | ${seconds.toFixed(1)} s |`);
