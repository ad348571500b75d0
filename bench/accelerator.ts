// Benchmark of the accelerator RTL (Verilator): cycles per training sample and utilisation
// (bound / cycles) for 784-64-10 at P = 4, 16, 64 (zero skipping of inputs and errors, the
// default) and P = 16 with less of it, and RTL training samples/s on one core: random inputs with
// 80 % zeros run back to back, and real MNIST / Fashion-MNIST training through `trainOnDataset`
// (the golden model checked alongside).
// Run: npx tsx bench/accelerator.ts   (prints two markdown tables)
import { DEFAULT_CONFIG, parseConfig, sampleBoundCycles, type Config } from '../src/config/index.js';
import { randomWorkload } from '../src/flows/rtl/verify.js';
import { trainOnDataset } from '../src/flows/train.js';
import { AcceleratorSim } from '../src/flows/rtl/harness/accelerator-sim.js';
import { GoldenAccelerator } from '../src/model/accelerator.js';

const onOff = (b: boolean) => (b ? 'on' : 'off');

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
  // The bound needs each sample's update and backward MACs (they depend on its errors and activations): the golden model's.
  const golden = new GoldenAccelerator(cfg);
  golden.loadWeights(weights);
  for (const x of stream.slice(0, 2)) golden.sample(x.input, x.label, x.train);
  let bound = 0;
  for (const x of timed) {
    golden.sample(x.input, x.label, x.train);
    bound += sampleBoundCycles(cfg, x.input, true, golden.lastUpdateMacs(), golden.lastBackwardMacs());
  }
  bound /= timed.length;
  return (
    `| ${cfg.pes} | ${onOff(cfg.skipZeroInputs)} | ${onOff(cfg.skipZeroErrors)} | ${bound.toFixed(0)} | ${cycles.toFixed(0)} | ${((100 * bound) / cycles).toFixed(1)}% | ` +
    `${(res.length / secs).toFixed(0)} | ${((res.length * cycles) / secs / 1e6).toFixed(2)} | ${buildS.toFixed(1)} |`
  );
}

async function trainRow(dataset: 'mnist' | 'fashion-mnist', cfg: Config, limit: number): Promise<string> {
  const r = await trainOnDataset({ dataset, engine: 'rtl', config: cfg, epochs: 1, limit });
  if (!r.equivalent) throw new Error(`${dataset}: the RTL diverged from the golden model`);
  return `| ${dataset} | ${onOff(cfg.skipZeroInputs)} | ${onOff(cfg.skipZeroErrors)} | ${r.trainSamples} | ${(r.cyclesPerSample ?? 0).toFixed(0)} | ${r.samplesPerSecond.toFixed(0)} |`;
}

async function main() {
  const rows: string[] = [];
  for (const [pes, inputs, errors] of [
    [4, true, true],
    [16, true, true],
    [64, true, true],
    [16, true, false],
    [16, false, false],
  ] as const) {
    rows.push(await streamRow(parseConfig({ ...DEFAULT_CONFIG, pes, skipZeroInputs: inputs, skipZeroErrors: errors }), pes === 4 ? 100 : 300));
    process.stderr.write(`${rows.at(-1)}\n`);
  }
  const trains: string[] = [];
  const trainRuns = [
    ['mnist', true, true],
    ['fashion-mnist', true, true],
    ['fashion-mnist', true, false],
    ['mnist', false, false],
  ] as const;
  for (const [dataset, inputs, errors] of trainRuns) {
    trains.push(await trainRow(dataset, parseConfig({ ...DEFAULT_CONFIG, skipZeroInputs: inputs, skipZeroErrors: errors }), inputs ? 10_000 : 1000));
    process.stderr.write(`${trains.at(-1)}\n`);
  }
  process.stdout.write(
    [
      '| P | skipZeroInputs | skipZeroErrors | bound (cycles/sample) | measured cycles/sample | utilization | RTL samples/s | M cycles/s | build (s, cold or cached) |',
      '| ---: | :---: | :---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
      '| data set (784-64-10, P = 16) | skipZeroInputs | skipZeroErrors | training samples | cycles/sample | RTL training samples/s (golden alongside) |',
      '| --- | :---: | :---: | ---: | ---: | ---: |',
      ...trains,
      '',
    ].join('\n'),
  );
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
