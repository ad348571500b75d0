// Benchmark of the accelerator RTL (Verilator): cycles per training sample and utilisation
// (bound / cycles) for 784-64-10 at P = 4, 16, 64, and RTL training samples/s on one core.
// Run: npx tsx bench/accelerator.ts   (prints a markdown table)
import { DEFAULT_CONFIG, deriveSizes, parseConfig } from '../src/config/index.js';
import { randomWorkload } from '../src/flows/verify.js';
import { AcceleratorSim } from '../src/sim/accelerator/accelerator-sim.js';

async function main() {
  const rows: string[] = [];
  for (const pes of [4, 16, 64]) {
    const cfg = parseConfig({ ...DEFAULT_CONFIG, pes });
    const t0 = performance.now();
    const sim = await AcceleratorSim.create(cfg);
    const buildS = (performance.now() - t0) / 1000;
    const samples = pes === 4 ? 40 : 120;
    const { weights, samples: stream } = randomWorkload(cfg, { samples, seed: 1, stallPermille: 0, inferFraction: 0, sparsity: 0.8 });
    sim.run(weights, stream.slice(0, 2));
    const t1 = performance.now();
    const res = sim.run(undefined, stream.slice(2));
    const secs = (performance.now() - t1) / 1000;
    sim.close();
    const cycles = res.reduce((s, r) => s + r.cycles, 0) / res.length;
    const bound = deriveSizes(cfg).boundCycles;
    rows.push(
      `| ${pes} | ${bound} | ${cycles.toFixed(0)} | ${((100 * bound) / cycles).toFixed(1)}% | ${(res.length / secs).toFixed(0)} | ${((res.length * cycles) / secs / 1e6).toFixed(2)} | ${buildS.toFixed(1)} |`,
    );
    process.stderr.write(`${rows.at(-1)}\n`);
  }
  process.stdout.write(
    [
      '| P | bound (cycles/sample) | measured cycles/sample | utilization | RTL samples/s | M cycles/s | build (s, cold or cached) |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
    ].join('\n'),
  );
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
