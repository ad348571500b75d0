// Benchmark of the accelerator RTL (Verilator): cycles per training sample and utilisation
// (bound / cycles) for 784-64-10 at P = 4, 16, 64 (zero skipping, the default) and P = 16 without
// it, and RTL training samples/s on one core: random inputs with 80 % zeros run back to back, and
// real MNIST / Fashion-MNIST training through `trainOnDataset` (the golden model checked alongside).
// Run: npx tsx bench/accelerator.ts   (prints two markdown tables)
import { DEFAULT_CONFIG, parseConfig, sampleBoundCycles, type Config } from '../src/config/index.js';
import { randomWorkload } from '../src/flows/verify.js';
import { trainOnDataset } from '../src/flows/train.js';
import { AcceleratorSim } from '../src/sim/accelerator/accelerator-sim.js';

async function streamRow(cfg: Config, samples: number): Promise<string> {
  const t0 = performance.now();
  const sim = await AcceleratorSim.create(cfg);
  const buildS = (performance.now() - t0) / 1000;
  const { weights, samples: stream } = randomWorkload(cfg, { samples, seed: 1, stallPermille: 0, inferFraction: 0, sparsity: 0.8 });
  sim.run(weights, stream.slice(0, 2));
  const timed = stream.slice(2);
  const t1 = performance.now();
  const res = sim.run(undefined, timed);
  const secs = (performance.now() - t1) / 1000;
  sim.close();
  const cycles = res.reduce((s, r) => s + r.cycles, 0) / res.length;
  const bound = timed.reduce((s, x) => s + sampleBoundCycles(cfg, x.input, true), 0) / timed.length;
  return (
    `| ${cfg.pes} | ${cfg.skipZeroInputs ? 'on' : 'off'} | ${bound.toFixed(0)} | ${cycles.toFixed(0)} | ${((100 * bound) / cycles).toFixed(1)}% | ` +
    `${(res.length / secs).toFixed(0)} | ${((res.length * cycles) / secs / 1e6).toFixed(2)} | ${buildS.toFixed(1)} |`
  );
}

async function trainRow(dataset: 'mnist' | 'fashion-mnist', cfg: Config, limit: number): Promise<string> {
  const r = await trainOnDataset({ dataset, engine: 'rtl', config: cfg, epochs: 1, limit });
  if (!r.equivalent) throw new Error(`${dataset}: the RTL diverged from the golden model`);
  return `| ${dataset} | ${cfg.skipZeroInputs ? 'on' : 'off'} | ${r.trainSamples} | ${(r.cyclesPerSample ?? 0).toFixed(0)} | ${r.samplesPerSecond.toFixed(0)} |`;
}

async function main() {
  const rows: string[] = [];
  for (const [pes, skip] of [[4, true], [16, true], [64, true], [16, false]] as const) {
    rows.push(await streamRow(parseConfig({ ...DEFAULT_CONFIG, pes, skipZeroInputs: skip }), pes === 4 ? 100 : 300));
    process.stderr.write(`${rows.at(-1)}\n`);
  }
  const trains: string[] = [];
  for (const [dataset, skip] of [['mnist', true], ['fashion-mnist', true], ['mnist', false]] as const) {
    trains.push(await trainRow(dataset, parseConfig({ ...DEFAULT_CONFIG, skipZeroInputs: skip }), skip ? 10_000 : 1000));
    process.stderr.write(`${trains.at(-1)}\n`);
  }
  process.stdout.write(
    [
      '| P | skipZeroInputs | bound (cycles/sample) | measured cycles/sample | utilization | RTL samples/s | M cycles/s | build (s, cold or cached) |',
      '| ---: | :---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
      '| data set (784-64-10, P = 16) | skipZeroInputs | training samples | cycles/sample | RTL training samples/s (golden alongside) |',
      '| --- | :---: | ---: | ---: | ---: |',
      ...trains,
      '',
    ].join('\n'),
  );
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
