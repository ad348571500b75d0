/**
 * The project's defaults: the recommended low-bit configuration, from
 * ../shared/notes/fixed-point-study.md (W12A8E8 with stochastic rounding trained within
 * 0.1 pp of float32 on MNIST and Fashion-MNIST; 12-bit weights need unbiased update rounding).
 * Every field is described in docs/CONFIG.md.
 */
import type { FixedFormat } from '../hdl/index.js';
import type { Config, Format } from './schema.js';

/** A configuration whose formats and learning rate are one value for every layer (as every default is). */
export type UniformConfig = Config & { readonly weight: Format; readonly act: Format; readonly error: Format; readonly lrShift: number };

/** The configuration every field defaults to (frozen, deeply). */
export const DEFAULT_CONFIG: UniformConfig = deepFreeze({
  variant: 'taxonn',
  /** 784-64-10: MNIST-sized, one hidden layer. */
  layers: [784, 64, 10],
  pes: 16,
  /** Weights and biases: signed 12 bits, 11 fraction bits (range ±1). */
  weight: { bits: 12, frac: 11 },
  /** Activations and inputs: unsigned 8 bits, 6 fraction bits (range [0, 4)). */
  act: { bits: 8, frac: 6 },
  /** Errors and deltas: signed 8 bits, 6 fraction bits (range ±2). */
  error: { bits: 8, frac: 6 },
  /** The defaults need 30 (see minAccBits); 32 leaves headroom. */
  accBits: 32,
  /** Learning rate η = 2^-6. */
  lrShift: 6,
  rounding: 'stochastic',
  hidden: 'relu',
  /** LFSR seed (any non-zero 16-bit value). */
  seed: 0xace1,
  inputsPerBeat: 16,
  /** Zero inputs cost no cycles in layer 1 (MNIST: about 80 % of the pixels are 0). */
  skipZeroInputs: true,
  /** Update groups whose errors are all zero cost 2 cycles instead of a row (ReLU leaves many). */
  skipZeroErrors: true,
  /** The backward pass and the update of layers 2..L skip zero activations (ReLU leaves about half). */
  skipZeroActivations: true,
  fuseBackwardUpdate: false,
  /** One read and one write port per weight bank (FPGA block RAM, simulation). */
  weightPorts: '1r1w',
});

/** Fraction bits of the dedicated variant's learning-rate register (Q0.16, η = lr / 2^16). */
export const DEDICATED_LR_FRAC = 16;

/**
 * The fields a variant defaults differently from DEFAULT_CONFIG. The dedicated baseline is a
 * conventional training accelerator: 16-bit weights, activations and errors (s16q15, u16q12,
 * s16q14: the fraction bits of ../shared/notes/fixed-point-study.md and docs/RESULTS.md for 16-bit
 * formats), round-to-nearest updates (no LFSRs), and the
 * accumulator the 784-64-10 network needs (minAccBits 42) plus two bits of headroom.
 */
export function variantDefaults(variant: Config['variant']): Partial<UniformConfig> {
  if (variant !== 'dedicated') return {};
  return DEDICATED_DEFAULTS;
}

const DEDICATED_DEFAULTS: Partial<UniformConfig> = deepFreeze({
  weight: { bits: 16, frac: 15 },
  act: { bits: 16, frac: 12 },
  error: { bits: 16, frac: 14 },
  accBits: 44,
  rounding: 'nearest',
  fuseBackwardUpdate: true,
});

/** DEFAULT_CONFIG with a variant's own defaults over it. */
export function defaultsFor(variant: Config['variant']): UniformConfig {
  return variant === 'taxonn' ? DEFAULT_CONFIG : deepFreeze({ ...DEFAULT_CONFIG, variant, ...variantDefaults(variant) });
}

/** The default number formats as hdl FixedFormats, with the other arithmetic defaults. */
export const DEFAULT_FORMATS = {
  weight: { ...DEFAULT_CONFIG.weight, signed: true } satisfies FixedFormat,
  act: { ...DEFAULT_CONFIG.act, signed: false } satisfies FixedFormat,
  error: { ...DEFAULT_CONFIG.error, signed: true } satisfies FixedFormat,
  accBits: DEFAULT_CONFIG.accBits,
  lrShift: DEFAULT_CONFIG.lrShift,
  rounding: DEFAULT_CONFIG.rounding,
  seed: DEFAULT_CONFIG.seed,
} as const;

/** S = Ef + Af + k − Wf: the right shift that applies η to the product δ·a in the weight format. */
export function updateShift(
  f: { weight: Pick<FixedFormat, 'frac'>; act: Pick<FixedFormat, 'frac'>; error: Pick<FixedFormat, 'frac'> },
  lrShift: number,
): number {
  return f.error.frac + f.act.frac + lrShift - f.weight.frac;
}

export function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}
