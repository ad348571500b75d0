/**
 * `train --formats auto`: per-layer binary points from a short float32 calibration run
 * (docs/TRAINING.md "Per-layer formats"). The float32 reference trains on the first samples of
 * the run's own epoch-0 order from the run's initial weights; per weight layer it records
 *
 *   - weights: the largest |w| of the layer, over the run (checked every 100 samples and at the
 *     end), times WEIGHT_HEADROOM: weights keep growing after a short run;
 *   - activations: the largest input activation a_{l-1} of the layer;
 *   - errors: the 99.9th percentile of the layer's non-zero |dL/dz_l| (errors are heavy-tailed:
 *     saturating the rarest 0.1 % costs less than losing a bit of every small one);
 *
 * and gives each format the most fraction bits whose range still holds that value, keeping the
 * configured bits: signed `frac = bits − 1 − i`, unsigned `frac = bits − i`, where i is the
 * smallest integer with value < 2^i, clamped to the format's legal fracs (docs/CONFIG.md).
 * The learning rates are kept; the proposal must pass the configuration's rules (e.g. every
 * update shift ≥ 0), else a ConfigError names the field.
 */
import { configDocument, entryOf, parseConfig, requireDenseLayers, type Config, type Format } from '../config/index.js';
import type { Dataset } from '../model/datasets/index.js';
import { FloatTrainer } from '../model/float.js';
import { epochOrders } from './train.js';

/** Calibration samples by default: one epoch of a small set, 10,000 of a large one. */
export const CALIBRATION_SAMPLES = 10_000;
/** Weights grow after the calibration run (784-64-10 MNIST: the largest |w| of layer 2 is 0.48 after one epoch, 0.54 after five). */
export const WEIGHT_HEADROOM = 1.25;
/** The error statistic's percentile. */
export const ERROR_PERCENTILE = 0.999;

export interface FormatCalibration {
  readonly samples: number;
  /** Per weight layer (index l − 1): the values the formats were chosen to hold. */
  readonly ranges: { readonly weight: readonly number[]; readonly act: readonly number[]; readonly error: readonly number[] };
  /** The proposed formats, one per weight layer (the configured bits, the chosen fracs). */
  readonly formats: { readonly weight: readonly Format[]; readonly act: readonly Format[]; readonly error: readonly Format[] };
  /** The configuration with the proposed formats (validated). */
  readonly config: Config;
}

/** The smallest integer i with v < 2^i (v > 0); for v = 0, −∞ (any frac holds it). */
export function integerBits(v: number): number {
  if (!(v > 0)) return Number.NEGATIVE_INFINITY;
  let i = Math.ceil(Math.log2(v)) + 0; // + 0: no -0
  if (2 ** i <= v) i++;
  return i;
}

/** The most fraction bits of a `bits`-bit format (signed or not) whose range holds `v`, within the legal fracs. */
export function fracFor(v: number, bits: number, signed: boolean): number {
  const most = signed ? bits : bits - 1;
  const frac = bits - (signed ? 1 : 0) - integerBits(v);
  return Math.max(0, Math.min(most, frac));
}

/** Runs the calibration on `data` (its training split) for `cfg` and proposes per-layer formats. */
export function calibrateFormats(cfg: Config, data: Dataset, opts: { readonly samples?: number } = {}): FormatCalibration {
  requireDenseLayers(cfg, '--formats auto does not calibrate');
  const L = cfg.layers.length - 1;
  const F = data.features;
  const nTrain = data.train.y.length;
  const samples = Math.max(1, Math.min(opts.samples ?? CALIBRATION_SAMPLES, nTrain));
  const trainer = FloatTrainer.withInitialWeights(cfg, cfg.seed);
  const [order] = epochOrders(nTrain, 1, cfg.seed);
  const wMax = new Array<number>(L).fill(0);
  const aMax = new Array<number>(L).fill(0);
  const errors: number[][] = Array.from({ length: L }, () => []);
  const sizes = cfg.layers;
  const trackWeights = () => {
    const w = trainer.readWeights();
    let q = 0;
    for (let k = 0; k < L; k++) {
      const end = q + sizes[k + 1]! * (sizes[k]! + 1);
      for (; q < end; q++) wMax[k] = Math.max(wMax[k]!, Math.abs(w[q]!));
    }
  };
  trackWeights();
  for (let s = 0; s < samples; s++) {
    const i = order?.[s] ?? s;
    trainer.train(data.train.x.subarray(i * F, (i + 1) * F), data.train.y[i]!);
    for (let k = 0; k < L; k++) {
      const a = trainer.lastInputs(k);
      for (let j = 0; j < a.length; j++) if (a[j]! > aMax[k]!) aMax[k] = a[j]!;
      const e = trainer.lastErrors(k);
      for (let j = 0; j < e.length; j++) if (e[j] !== 0) errors[k]!.push(Math.abs(e[j]!));
    }
    if (s % 100 === 99) trackWeights();
  }
  trackWeights();
  const eRange = errors.map((xs) => percentile(xs, ERROR_PERCENTILE));
  const formats = {
    weight: wMax.map((v, k) => ({ bits: entryOf(cfg.weight, k).bits, frac: fracFor(v * WEIGHT_HEADROOM, entryOf(cfg.weight, k).bits, true) })),
    act: aMax.map((v, k) => ({ bits: entryOf(cfg.act, k).bits, frac: fracFor(v, entryOf(cfg.act, k).bits, false) })),
    error: eRange.map((v, k) => ({ bits: entryOf(cfg.error, k).bits, frac: fracFor(v, entryOf(cfg.error, k).bits, true) })),
  };
  const config = parseConfig({ ...structuredClone(configDocument(cfg)), ...structuredClone(formats) });
  return { samples, ranges: { weight: wMax, act: aMax, error: eRange }, formats, config };
}

/** The p-quantile of xs (0 for none), by sorting. */
function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return 0;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
}
