/**
 * The numbers the RTL generator needs from a configuration: per weight layer (0-based k =
 * 0..L−1; layer k maps layers[k] inputs to layers[k+1] outputs) the lane groups and the bases of
 * its regions in the weight banks, error banks and activation buffer (docs/ARCHITECTURE.md §3).
 */
import type { FixedFormat } from '../../src/hdl/index.js';

/** The fields of the configuration this generator reads (a validated Config is assignable). */
export interface AcceleratorParams {
  /** taxonn (default), inference (forward only) or dedicated (separate multipliers): docs/ARCHITECTURE.md §9. */
  variant: 'taxonn' | 'inference' | 'dedicated';
  layers: readonly number[];
  pes: number;
  weight: { bits: number; frac: number };
  act: { bits: number; frac: number };
  error: { bits: number; frac: number };
  accBits: number;
  lrShift: number;
  rounding: 'truncate' | 'nearest' | 'stochastic';
  hidden: 'relu' | 'hardsigmoid';
  seed: number;
  inputsPerBeat: number;
  /** Layer 1 runs over the non-zero inputs only, kept as (index, value) pairs (§10). Default false. */
  skipZeroInputs?: boolean;
  /** The update skips groups whose errors are all zero (§11). Default false. */
  skipZeroErrors?: boolean;
}

export interface LayerLayout {
  readonly nIn: number;
  readonly nOut: number;
  /** ceil(nOut / P) */
  readonly groups: number;
  /** nIn + 1: a row of weights and its bias. */
  readonly rowLen: number;
  readonly weightBase: number;
  readonly errorBase: number;
  /** Base of this layer's *input* activations in the activation buffer (k ≥ 1). */
  readonly inActBase: number;
  /** Base of this layer's *output* activations in the activation buffer (hidden layers). */
  readonly outActBase: number;
}

export interface Layout {
  readonly P: number;
  readonly L: number;
  readonly layers: readonly LayerLayout[];
  readonly weightDepth: number;
  readonly errorDepth: number;
  /** Hidden activations; 0 when the network has no hidden layer. */
  readonly actDepth: number;
  readonly inputDepth: number;
  readonly K: number;
  readonly weightFmt: FixedFormat;
  readonly actFmt: FixedFormat;
  readonly errorFmt: FixedFormat;
  /** S = Ef + Af + k − Wf */
  readonly updateShift: number;
  readonly labelBits: number;
  readonly lfsrStride: number;
}

export function layout(p: AcceleratorParams): Layout {
  const P = p.pes;
  const L = p.layers.length - 1;
  const layers: LayerLayout[] = [];
  let wb = 0;
  let eb = 0;
  let ab = 0;
  for (let k = 0; k < L; k++) {
    const nIn = p.layers[k]!;
    const nOut = p.layers[k + 1]!;
    const groups = Math.ceil(nOut / P);
    const inActBase = k === 0 ? 0 : layers[k - 1]!.outActBase;
    // The output layer's activations are not stored (its drain computes errors instead).
    const outActBase = k < L - 1 ? ab : 0;
    if (k < L - 1) ab += nOut;
    layers.push({ nIn, nOut, groups, rowLen: nIn + 1, weightBase: wb, errorBase: eb, inActBase, outActBase });
    wb += groups * (nIn + 1);
    eb += groups;
  }
  return {
    P,
    L,
    layers,
    weightDepth: wb,
    errorDepth: eb,
    actDepth: ab,
    inputDepth: Math.ceil(p.layers[0]! / p.inputsPerBeat),
    K: p.inputsPerBeat,
    weightFmt: { ...p.weight, signed: true },
    actFmt: { ...p.act, signed: false },
    errorFmt: { ...p.error, signed: true },
    updateShift: p.error.frac + p.act.frac + p.lrShift - p.weight.frac,
    labelBits: Math.max(1, Math.ceil(Math.log2(p.layers[L]!))),
    lfsrStride: Math.floor(65535 / P),
  };
}
