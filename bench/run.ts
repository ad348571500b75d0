// All benchmarks, one after the other (never in parallel: they would time each other).
// Run: npx tsx bench/run.ts   (or `make bench`). Progress goes to stderr; stdout gets the
// machine description and one markdown table per benchmark, ready for BENCHMARKS.md.

import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verilator } from '../src/tools/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const BENCHES: { file: string; title: string }[] = [
  { file: 'bench/generate.ts', title: 'Generation: build the modules + emit Verilog' },
  { file: 'bench/sim.ts', title: 'Simulation: Verilator build and cycles/s' },
  { file: 'bench/accelerator.ts', title: 'The accelerator in Verilator: cycles per sample, utilisation, samples/s' },
  { file: 'bench/golden.ts', title: 'The golden model: training samples/s' },
  { file: 'bench/estimate.ts', title: 'The estimate: estimates/s, and a 2,000-point estimate-only sweep' },
];

/** Runs `npx tsx <file>` in the repository root; resolves with its stdout (stderr passes through). */
function runBench(file: string): Promise<{ code: number; stdout: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('npx', ['--no-install', 'tsx', file], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (stdout += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, ms: performance.now() - t0 }));
  });
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
let verilatorVersion: string;
try {
  verilatorVersion = verilator().version;
} catch (e) {
  verilatorVersion = `not found (${(e as Error).message.split('\n')[0]})`;
}

console.log(`# taxonn benchmarks, ${new Date().toISOString()}\n`);
console.log(`- machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`);
console.log(`- Node ${process.version}, Verilator ${verilatorVersion}`);
console.log(`- load average before (1/5/15 min): ${load()}`);

let failed = 0;
for (const b of BENCHES) {
  process.stderr.write(`\n== ${b.file}\n`);
  const r = await runBench(b.file);
  console.log(`\n## ${b.title}\n\n\`npx tsx ${b.file}\` (${(r.ms / 1000).toFixed(1)} s wall, load after: ${load()})`);
  console.log(r.stdout.trimEnd());
  if (r.code !== 0) {
    failed++;
    console.log(`\n**${b.file} failed (exit code ${r.code})**`);
  }
}
process.exitCode = failed ? 1 : 0;
