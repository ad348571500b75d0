// Benchmark of the Verilator harness on the signed 8x8 MAC (test/fixtures/mac.v).
// Run: npx tsx bench/sim.ts   (prints a markdown table)
//
// Measures build cost (empty cache, new design with a warm runtime cache, cache
// hit) and simulation throughput: per-cycle JS driving (3 pokes + step + 1
// peek) versus batches run inside the compiled model.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel } from '../src/sim/build.js';
import { Simulator } from '../src/sim/simulator.js';
import { MAC, mulberry32, type MacIn, type MacOut } from '../test/sim/designs.js';

const rows: [string, string, string][] = [];
const add = (what: string, value: string, note = '') => {
  rows.push([what, value, note]);
  process.stderr.write(`${what}: ${value}\n`);
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rate = (cycles: number, ms: number) => `${(((cycles / ms) * 1000) / 1e6).toFixed(2)} M cycles/s`;

async function timed<T>(f: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await f();
  return [r, performance.now() - t0];
}

const tmp = mkdtempSync(join(tmpdir(), 'taxonn-bench-'));
try {
  // --- build cost -----------------------------------------------------------
  const emptyCache = join(tmp, 'cache');
  const [, coldMs] = await timed(() => buildModel(MAC, { cacheDir: emptyCache, quiet: true }));
  add('build: empty cache (runtime + model)', seconds(coldMs), 'first build on a machine, or after a flag change');

  // A new design (unique comment) in the default cache: runtime objects reused.
  const fresh = join(tmp, 'mac.v');
  writeFileSync(fresh, `// bench ${Date.now()}\n${readFileSync(MAC.files[0]!, 'utf8')}`);
  const [freshBuild, newMs] = await timed(() => buildModel({ ...MAC, files: [fresh] }, { quiet: true }));
  rmSync(freshBuild.dir, { recursive: true, force: true });
  add('build: new design, runtime cached', seconds(newMs), 'typical cold build');

  await buildModel(MAC, { quiet: true });
  const [hit, hitMs] = await timed(() => buildModel(MAC, { quiet: true }));
  if (hit.built) throw new Error('expected a cache hit');
  add('build: cache hit', `${hitMs.toFixed(1)} ms`, 'hash RTL + template, stat the .so');
  const [warmSim, createMs] = await timed(() => Simulator.create<MacIn, MacOut>(MAC, { quiet: true }));
  warmSim.close();
  add('Simulator.create (cache hit)', `${createMs.toFixed(1)} ms`, 'includes dlopen + instance');

  // --- per-cycle JS driving ---------------------------------------------------
  const N = 2_000_000;
  const rnd = mulberry32(1);
  const a = Int32Array.from({ length: 4096 }, () => (rnd() % 256) - 128);
  const b = Int32Array.from({ length: 4096 }, () => (rnd() % 256) - 128);
  {
    const sim = await Simulator.create<MacIn, MacOut>(MAC, { quiet: true });
    sim.reset();
    let sink = 0n;
    const [, ms] = await timed(() => {
      for (let i = 0; i < N; i++) {
        sim.poke('en', 1);
        sim.poke('a', a[i & 4095]!);
        sim.poke('b', b[i & 4095]!);
        sim.step();
        sink ^= sim.peek('acc');
      }
    });
    add('single-step: 3 poke + step + peek (bigint)', rate(N, ms), `${((ms * 1e6) / N).toFixed(0)} ns/cycle`);
    let sinkN = 0;
    const [, msN] = await timed(() => {
      for (let i = 0; i < N; i++) {
        sim.poke('en', 1);
        sim.poke('a', a[i & 4095]!);
        sim.poke('b', b[i & 4095]!);
        sim.step();
        sinkN ^= sim.peekNumber('acc');
      }
    });
    add('single-step: 3 poke + step + peekNumber', rate(N, msN), `${((msN * 1e6) / N).toFixed(0)} ns/cycle`);
    if (sink === 12345n && sinkN === 12345) console.log('');
    sim.close();
  }

  // --- batches ------------------------------------------------------------------
  {
    const M = 200_000;
    const stim = Array.from({ length: M }, (_, i) => [1, a[i & 4095]!, b[i & 4095]!]);
    const sim = await Simulator.create<MacIn, MacOut>(MAC, { quiet: true });
    sim.reset();
    const [, ms] = await timed(() => sim.runBatch(['en', 'a', 'b'], stim, ['acc']));
    add('runBatch (number[][] in, bigint[][] out)', rate(M, ms), `${M} cycles, incl. JS conversion`);
    sim.close();
  }
  {
    const M = 10_000_000;
    const words = new Int32Array(3 * M);
    for (let i = 0; i < M; i++) {
      words[3 * i] = 1;
      words[3 * i + 1] = a[i & 4095]!;
      words[3 * i + 2] = b[i & 4095]!;
    }
    const out = new Int32Array(M);
    const sim = await Simulator.create<MacIn, MacOut>(MAC, { quiet: true });
    sim.reset();
    const [, ms] = await timed(() => sim.runBatchPacked(['en', 'a', 'b'], words, ['acc'], { out }));
    add('runBatchPacked (Int32Array, range-checked)', rate(M, ms), `${M / 1e6} M cycles`);
    const [, ms2] = await timed(() => sim.runBatchPacked(['en', 'a', 'b'], words, ['acc'], { out, check: false }));
    add('runBatchPacked (check: false)', rate(M, ms2), 'C++ loop only');
    sim.close();
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

console.log(`\n| measurement | result | note |\n| --- | --- | --- |`);
for (const [w, v, n] of rows) console.log(`| ${w} | ${v} | ${n} |`);
