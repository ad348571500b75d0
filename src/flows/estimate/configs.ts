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

export function estimationConfigs(): EstimationCase[] {
  // seeded, so the list never changes under the measurements
  const rng = new Rng(20261206);
  const r = () => rng.float();
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const out: EstimationCase[] = [];
  const seen = { iris: 0, mnist: 0 };
  for (let i = 0; i < ESTIMATION_CASES; i++) {
    // one case in four is MNIST-shaped (their synthesis and power runs take minutes, not seconds)
    const dataset = i % 4 === 3 ? 'mnist' : 'iris';
    const variant = pick(['taxonn', 'taxonn', 'inference'] as const);
    const hidden = dataset === 'iris' ? pick([[5], [8], [12], [16], [24], [32], [8, 6], [16, 8]]) : pick([[16], [24], [32]]);
    const layers = dataset === 'iris' ? [4, ...hidden, 3] : [784, ...hidden, 10];
    const pes = dataset === 'iris' ? pick([1, 2, 3, 4, 5, 6, 8]) : pick([2, 4, 8]);
    const wb = pick([8, 10, 12, 16]);
    const ab = pick([6, 8]);
    const eb = pick([6, 8, 10]);
    const wf = wb - (dataset === 'iris' ? 2 : 3);
    const overrides = {
      // the data set's learning rate where the formats allow it (the update shift must be ≥ 0)
      lrShift: Math.max(6, wf - (ab - 2) - (eb - 2)),
      variant,
      layers,
      pes,
      weight: { bits: wb, frac: wf },
      act: { bits: ab, frac: ab - 2 },
      error: { bits: eb, frac: eb - 2 },
      rounding: pick(['nearest', 'stochastic', 'truncate'] as const),
      skipZeroInputs: r() < 0.75,
      skipZeroErrors: r() < 0.75,
    };
    // the smallest accumulator that does not overflow, as a designer would choose it
    const wide = resolveTrainConfig(dataset, { overrides: { ...overrides, accBits: 48 } });
    const config = resolveTrainConfig(dataset, { overrides: { ...overrides, accBits: deriveSizes(wide).minAccBits } });
    const key = `${String(i).padStart(2, '0')}-${variant}-${dataset}-l${layers.join('x')}-p${pes}-w${wb}a${ab}e${eb}`;
    // alternate per data set, so both shapes are in both halves
    out.push({ key, role: seen[dataset]++ % 2 === 0 ? 'calibrate' : 'check', dataset, config });
  }
  return out;
}
