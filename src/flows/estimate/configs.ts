/**
 * The configurations `taxonn estimate` is calibrated on and checked against (scripts/estimate-data.ts
 * measures them): a fixed, seeded draw over what the estimate covers, the taxonn and inference
 * variants, on Iris-shaped (4-…-3) and MNIST-shaped (784-…-10) networks, P, number formats,
 * rounding and the zero-skipping switches. Every other case calibrates, the others are held out:
 * the estimate's error is measured on configurations it was not fitted to.
 */
import { deriveSizes, type Config } from '../../config/index.js';
import { Rng } from '../../model/rng.js';
import { resolveTrainConfig } from '../train.js';

export interface EstimationCase {
  readonly key: string;
  readonly role: 'calibrate' | 'check';
  readonly dataset: 'iris' | 'mnist';
  readonly config: Config;
}

export const ESTIMATION_CASES = 44;
/** Drawn after the others from their own seed, so adding them left the first 44 as they were measured. */
export const DEDICATED_CASES = 20;

export function estimationConfigs(): EstimationCase[] {
  return [
    // seeded, so the list never changes under the measurements
    ...drawCases(20261206, 0, ESTIMATION_CASES, {
      variants: ['taxonn', 'taxonn', 'inference'],
      irisHidden: [[5], [8], [12], [16], [24], [32], [8, 6], [16, 8]],
      mnistHidden: [[16], [24], [32]],
      irisPes: [1, 2, 3, 4, 5, 6, 8],
      mnistPes: [2, 4, 8],
    }),
    // smaller networks: the dedicated PE's three multipliers make its synthesis the slowest
    ...drawCases(20261207, ESTIMATION_CASES, DEDICATED_CASES, {
      variants: ['dedicated'],
      irisHidden: [[5], [8], [12], [16], [24], [8, 6]],
      mnistHidden: [[16], [24]],
      irisPes: [1, 2, 3, 4, 6, 8],
      mnistPes: [2, 4],
    }),
  ];
}

interface Menu {
  readonly variants: readonly Config['variant'][];
  readonly irisHidden: readonly number[][];
  readonly mnistHidden: readonly number[][];
  readonly irisPes: readonly number[];
  readonly mnistPes: readonly number[];
}

/** `count` cases drawn from `menu` with their own seed, keyed from `first`. */
function drawCases(seed: number, first: number, count: number, menu: Menu): EstimationCase[] {
  const rng = new Rng(seed);
  const r = () => rng.float();
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const out: EstimationCase[] = [];
  const seen = { iris: 0, mnist: 0 };
  for (let j = 0; j < count; j++) {
    // one case in four is MNIST-shaped (their synthesis and power runs take minutes, not seconds)
    const dataset = j % 4 === 3 ? 'mnist' : 'iris';
    // (a menu of one variant draws nothing for it: the dedicated cases were measured that way)
    const variant = menu.variants.length > 1 ? pick(menu.variants) : menu.variants[0]!;
    const hidden = pick(dataset === 'iris' ? menu.irisHidden : menu.mnistHidden);
    const layers = dataset === 'iris' ? [4, ...hidden, 3] : [784, ...hidden, 10];
    const pes = pick(dataset === 'iris' ? menu.irisPes : menu.mnistPes);
    const wb = pick([8, 10, 12, 16]);
    const ab = pick([6, 8]);
    const eb = pick([6, 8, 10]);
    // the dedicated variant's learning-rate multiplier needs weight.frac ≤ error.frac + act.frac (docs/CONFIG.md)
    const wf = Math.min(wb - (dataset === 'iris' ? 2 : 3), variant === 'dedicated' ? ab - 2 + (eb - 2) : Number.POSITIVE_INFINITY);
    const overrides = {
      // the data set's learning rate where the formats allow it (the update shift must be ≥ 0)
      lrShift: Math.min(16, Math.max(6, wf - (ab - 2) - (eb - 2))),
      variant,
      layers,
      pes,
      weight: { bits: wb, frac: wf },
      act: { bits: ab, frac: ab - 2 },
      error: { bits: eb, frac: eb - 2 },
      rounding: pick(['nearest', 'stochastic', 'truncate'] as const),
      skipZeroInputs: r() < 0.75,
      skipZeroErrors: r() < 0.75,
      // the backward pass over every column: the schedule the cycle model describes, as measured
      // (skipZeroActivations came after the measurements; with it the estimate is an upper bound)
      skipZeroActivations: false,
    };
    // the smallest accumulator that does not overflow, as a designer would choose it
    const wide = resolveTrainConfig(dataset, { overrides: { ...overrides, accBits: 48 } });
    const config = resolveTrainConfig(dataset, { overrides: { ...overrides, accBits: deriveSizes(wide).minAccBits } });
    const key = `${String(first + j).padStart(2, '0')}-${variant}-${dataset}-l${layers.join('x')}-p${pes}-w${wb}a${ab}e${eb}`;
    // alternate per data set, so both shapes are in both halves
    out.push({ key, role: seen[dataset]++ % 2 === 0 ? 'calibrate' : 'check', dataset, config });
  }
  return out;
}
