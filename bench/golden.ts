// Training throughput of the golden accelerator model (src/model/accelerator.ts).
// Run: npx tsx bench/golden.ts   (prints a markdown table row; progress on stderr)
//
// Network 784-64-10, P = 16, default formats (weight s12q11, act u8q6, error s8q6, accBits 32,
// lrShift 6, stochastic rounding, ReLU). Inputs are synthetic and MNIST-like: 10 class prototypes,
// each a few random "strokes" covering about 20 % of the 28×28 pixels (80 % zeros), intensities
// mostly at 1.0 (code 64) with soft edges; every sample is its class prototype with 15 % of the
// stroke pixels dropped and as many stray pixels added, so the sparsity stays about 80 % and the
// task is learnable (like MNIST, the errors shrink as training goes, and so does the update work).
// One pass = fresh weights (initWeights(1), reset()) then PASS_SAMPLES training samples; the
// result is the median of 5 timed passes after one warm-up pass. A second row uses the same
// inputs with random labels: the output errors then never vanish, but most hidden ReLUs soon
// stop firing, so it is faster, not a worst case; it is there to show the spread.

import { cpus } from 'node:os';
import { GoldenAccelerator, type AcceleratorParams } from '../src/model/accelerator.js';
import { digestHex, weightDigest } from '../src/model/digest.js';
import { DEFAULT_CONFIG } from '../src/config/index.js';
import { Rng } from '../src/model/rng.js';

const PARAMS: AcceleratorParams = DEFAULT_CONFIG;
const PASS_SAMPLES = 20_000;
const PASSES = 5;
const DATASET = 4_000;

function prototypes(rng: Rng): Uint8Array[] {
  return Array.from({ length: 10 }, () => {
    const img = new Uint8Array(784);
    let on = 0;
    while (on < 0.2 * 784) {
      // a stroke: a random walk of a 2-pixel-wide pen
      let x = rng.int(6, 21);
      let y = rng.int(6, 21);
      const len = rng.int(10, 30);
      for (let s = 0; s < len && on < 0.2 * 784; s++) {
        for (const [dx, dy] of [
          [0, 0],
          [1, 0],
          [0, 1],
          [1, 1],
        ] as const) {
          const k = (y + dy) * 28 + (x + dx);
          if (k >= 0 && k < 784 && img[k] === 0) {
            img[k] = dx + dy === 2 ? rng.int(16, 64) : 64;
            on++;
          }
        }
        x = Math.max(2, Math.min(25, x + rng.int(-1, 1)));
        y = Math.max(2, Math.min(25, y + rng.int(-1, 1)));
      }
    }
    return img;
  });
}

function dataset(rng: Rng): { x: Uint8Array[]; y: number[]; zeros: number } {
  const protos = prototypes(rng);
  const x: Uint8Array[] = [];
  const y: number[] = [];
  let zeros = 0;
  for (let n = 0; n < DATASET; n++) {
    const label = rng.int(0, 9);
    const img = protos[label]!.slice();
    let dropped = 0;
    for (let k = 0; k < 784; k++) {
      if (img[k] !== 0 && rng.bool(0.15)) {
        img[k] = 0;
        dropped++;
      }
    }
    while (dropped > 0) {
      const k = rng.int(0, 783);
      if (img[k] === 0) {
        img[k] = rng.int(8, 64);
        dropped--;
      }
    }
    for (let k = 0; k < 784; k++) if (img[k] === 0) zeros++;
    x.push(img);
    y.push(label);
  }
  return { x, y, zeros: zeros / (784 * DATASET) };
}

const data = dataset(new Rng(2024));
const model = new GoldenAccelerator(PARAMS);

function pass(labels: readonly number[]): { ms: number; correct: number } {
  model.initWeights(1);
  model.reset();
  let correct = 0;
  const t0 = performance.now();
  for (let n = 0; n < PASS_SAMPLES; n++) {
    const k = n % DATASET;
    if (model.sample(data.x[k]!, labels[k]!, true).predicted === labels[k]) correct++;
  }
  return { ms: performance.now() - t0, correct };
}

function measure(what: string, labels: readonly number[]): string {
  pass(labels); // warm-up (JIT)
  const runs: number[] = [];
  let last = { ms: 0, correct: 0 };
  for (let r = 0; r < PASSES; r++) {
    last = pass(labels);
    const rate = (PASS_SAMPLES / last.ms) * 1000;
    runs.push(rate);
    process.stderr.write(`${what}, pass ${r + 1}: ${PASS_SAMPLES} samples in ${last.ms.toFixed(0)} ms = ${Math.round(rate)} samples/s\n`);
  }
  const median = [...runs].sort((a, b) => a - b)[Math.floor(PASSES / 2)]!;
  const digest = digestHex(weightDigest(model.readWeights()));
  return (
    `| 784-64-10, P = 16, s12q11/u8q6/s8q6, lrShift 6, stochastic | ${what}, ${(data.zeros * 100).toFixed(1)} % zeros | ` +
    `**${Math.round(median).toLocaleString('en-US')}** | ${runs.map((r) => Math.round(r)).join(', ')} | ` +
    `${((last.correct / PASS_SAMPLES) * 100).toFixed(1)} % | ${digest} |`
  );
}

// The prototype labels (learnable: the errors shrink) and random labels (see the top).
const labelRng = new Rng(77);
const rows = [
  measure('MNIST-like prototypes', data.y),
  measure(
    'same inputs, random labels',
    data.y.map(() => labelRng.int(0, 9)),
  ),
];

console.log(
  `GoldenAccelerator training throughput (${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, one core; ${PASS_SAMPLES} training samples per pass)\n`,
);
console.log(
  '| network and formats | inputs | training samples/s (median of 5) | runs, samples/s | running train accuracy, last pass | weight digest after a pass |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
