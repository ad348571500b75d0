/**
 * The project's default number formats: the recommended low-bit configuration, from
 * ../shared/notes/fixed-point-study.md (W12A8E8 with stochastic rounding trained within
 * 0.1 pp of float32 on MNIST and Fashion-MNIST; 12-bit weights need unbiased update rounding).
 */
import type { FixedFormat } from '../hdl/index.js';

export const DEFAULT_FORMATS = {
  /** Weights and biases: signed 12 bits, 11 fraction bits (range ±1). */
  weight: { bits: 12, frac: 11, signed: true } satisfies FixedFormat,
  /** Activations and inputs: unsigned 8 bits, 6 fraction bits (range [0, 4)). */
  act: { bits: 8, frac: 6, signed: false } satisfies FixedFormat,
  /** Errors and deltas: signed 8 bits, 6 fraction bits (range ±2). */
  error: { bits: 8, frac: 6, signed: true } satisfies FixedFormat,
  /** Accumulator width: a 12×9-bit product summed over up to 1024 terms cannot overflow 32 bits. */
  accBits: 32,
  /** Learning rate η = 2^-6. */
  lrShift: 6,
  rounding: 'stochastic' as const,
  /** LFSR seed (any non-zero 16-bit value). */
  seed: 0xace1,
} as const;

/** S = Ef + Af + k − Wf: the right shift that applies η to the product δ·a in the weight format. */
export function updateShift(f: { weight: FixedFormat; act: FixedFormat; error: FixedFormat }, lrShift: number): number {
  return f.error.frac + f.act.frac + lrShift - f.weight.frac;
}
