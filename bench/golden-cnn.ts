// Training throughput of the models of networks with convolution (src/model/cnn/): the golden
// model (GoldenConvNetwork) and the float32 reference (FloatConvTrainer).
// Run: npx tsx bench/golden-cnn.ts [config.json …]   (markdown rows on stdout; progress on stderr)
//
// Default configurations: examples/cnn-mnist.json and examples/cnn-fashion.json. Inputs: the
// first 2,000 MNIST training samples (quantised to the configuration's input format for the
// golden model), in order. One pass = fresh initial weights (seed 1) then the 2,000 samples; the
// result is the median of 3 timed passes after one warm-up pass, on one core.

import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { entryOf, layersText, resolveConfig, type Config } from '../src/config/index.js';
import { FloatConvTrainer } from '../src/model/cnn/float.js';
import { GoldenConvNetwork } from '../src/model/cnn/golden.js';
import { loadDataset, quantizeInputs } from '../src/model/datasets/index.js';

const SAMPLES = 2_000;
const PASSES = 3;
const files = process.argv.slice(2).length ? process.argv.slice(2) : ['examples/cnn-mnist.json', 'examples/cnn-fashion.json'];
const mnist = loadDataset('mnist');
const x = mnist.train.x.subarray(0, SAMPLES * 784);
const y = mnist.train.y;

/** Multiply-accumulates of one training sample: forward, backward (layers 2..L) and gradient. */
function macs(cfg: Config): number {
  let n = 0;
  cfg.network!.layers.forEach((l, i) => {
    if (l.kind === 'pool') return;
    const positions = l.out.height * l.out.width;
    const perPosition = (l.kind === 'conv' ? l.kernel * l.kernel * l.in.channels : l.in.height * l.in.width * l.in.channels) * l.out.channels;
    const first = cfg.network!.layers.slice(0, i).every((p) => p.kind === 'pool');
    n += positions * perPosition * (first ? 2 : 3);
  });
  return n;
}

function rate(train: (i: number) => void): number[] {
  const runs: number[] = [];
  for (let r = 0; r <= PASSES; r++) {
    const t0 = performance.now();
    for (let i = 0; i < SAMPLES; i++) train(i);
    const s = (SAMPLES / (performance.now() - t0)) * 1000;
    if (r > 0) runs.push(s); // pass 0 warms up the JIT
    process.stderr.write(`pass ${r}: ${Math.round(s)} samples/s\n`);
  }
  return runs;
}

const one = process.env.BENCH_CNN_ONE;
if (one === undefined) {
  console.log(
    `Models of networks with convolution, training throughput (${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, one core; ${SAMPLES} MNIST samples per pass)\n`,
  );
  console.log('| configuration | network | MACs per training sample | model | training samples/s (median of 3) | runs |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const file of files) {
    for (const model of ['golden', 'float']) {
      const env = { ...process.env, BENCH_CNN_ONE: `${model} ${file}` };
      const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!], { env, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`bench/golden-cnn.ts: ${model} ${file} failed (exit ${r.status})`);
      process.stdout.write(r.stdout);
    }
  }
} else {
  const [name, file] = one.split(' ') as ['golden' | 'float', string];
  const cfg = resolveConfig({ file });
  const codes = quantizeInputs(x, entryOf(cfg.act, 0));
  const golden = new GoldenConvNetwork(cfg);
  const float = new FloatConvTrainer(cfg);
  process.stderr.write(`${file}, ${name}\n`);
  const runs = rate((i) => {
    if (name === 'golden') {
      if (i === 0) golden.loadWeights(GoldenConvNetwork.initialWeights(cfg, 1));
      golden.train(codes.subarray(i * 784, (i + 1) * 784), y[i]!);
    } else {
      if (i === 0) float.loadWeights(FloatConvTrainer.withInitialWeights(cfg, 1).readWeights());
      float.train(x.subarray(i * 784, (i + 1) * 784), y[i]!);
    }
  });
  const median = [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
  console.log(
    `| ${file} | ${layersText(cfg)} | ${macs(cfg).toLocaleString('en-US')} | ${name} | **${Math.round(median).toLocaleString('en-US')}** | ${runs.map(Math.round).join(', ')} |`,
  );
}
