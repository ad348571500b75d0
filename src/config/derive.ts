/**
 * Sizes derived from a configuration: memory depths and base addresses (docs/ARCHITECTURE.md §3),
 * widths, MAC counts and the cycle lower bound (§4), LFSR stride and update operations (§2).
 *
 * Indexing: arrays over weight layers are 0-based. Entry `i` is the document's layer l = i + 1,
 * mapping N_i inputs (`nIn`) to N_{i+1} outputs (`nOut`). `actBase[h]` is the base address of
 * hidden layer h + 1's activations a_{h+1} (the outputs of weight layer index h), h = 0..L−2.
 */
import type { FixedFormat } from '../hdl/index.js';
import { accumulatorNeed } from './bounds.js';
import { bitsOf, entryOf, layerArithmetic } from './layer-arithmetic.js';
import { requireDenseLayers } from './dense-only.js';
import { configDocument, parseConfig, type Config } from './schema.js';

/** One weight layer (document layer l = index + 1). */
export interface LayerSizes {
  /** 0-based weight-layer index. */
  readonly index: number;
  /** N_{l-1}. */
  readonly nIn: number;
  /** N_l. */
  readonly nOut: number;
  /** G_l = ceil(N_l / P). */
  readonly groups: number;
  /** WB_l: first weight-bank address of the layer. */
  readonly weightBase: number;
  /** G_l · (N_{l-1} + 1): weight-bank words of the layer (its update operations, too). */
  readonly weightWords: number;
  /** EB_l: first error-bank address of the layer. */
  readonly errorBase: number;
  /** N_{l-1} + 1: a row of weights and its bias (the columns a forward or update row issues). */
  readonly rowLen: number;
  /** Base of the layer's input activations in the activation buffer (0 for the first layer, whose inputs are the sample). */
  readonly inActBase: number;
  /** Base of the layer's output activations in the activation buffer (0 for the output layer, whose outputs are not stored). */
  readonly outActBase: number;
}

export interface MacCounts {
  /** Σ_l N_l (N_{l-1} + 1). */
  readonly forward: number;
  /** Σ_{l ≥ 2} N_l · N_{l-1}. */
  readonly backward: number;
  /** Σ_l N_l (N_{l-1} + 1). */
  readonly update: number;
  readonly total: number;
}

export interface DerivedSizes {
  /** Number of weight layers (layers.length − 1). */
  readonly L: number;
  /** Per weight layer, 0-based. */
  readonly layers: readonly LayerSizes[];
  /** The same per-layer numbers as arrays, 0-based over weight layers. */
  readonly nIn: readonly number[];
  readonly nOut: readonly number[];
  readonly groups: readonly number[];
  readonly weightBase: readonly number[];
  readonly errorBase: readonly number[];
  /** Weight bank depth: Σ G_l (N_{l-1} + 1). */
  readonly weightDepth: number;
  /** Error bank depth: Σ G_l. */
  readonly errorDepth: number;
  /** Base address of each hidden layer's activations (L − 1 entries; 0-based, see the file comment). */
  readonly actBase: readonly number[];
  /** Activation buffer depth: Σ of the hidden layer sizes N_1..N_{L-1} (0 when L = 1). */
  readonly actDepth: number;
  /** Input buffer depth: ceil(N_0 / K). */
  readonly inputDepth: number;
  /** K, the inputs per s_sample beat (and per input-buffer word). */
  readonly inputsPerBeat: number;
  /** Input buffer word (and s_sample data beat) width: K · act.bits. */
  readonly inputWidth: number;
  /** S = error.frac + act.frac + lrShift − weight.frac (≥ 0) of each weight layer. */
  readonly updateShifts: readonly number[];
  /** One PE product: max(Wb, Eb) + max(Ab + 1, Eb). */
  readonly peProductBits: number;
  /** The smallest accumulator that no forward or backward sum overflows (≥ peProductBits). */
  readonly minAccBits: number;
  readonly macs: MacCounts;
  /**
   * ceil(macs.total / P): the cycle lower bound of one training sample (inference variant: of one
   * sample) when every input is non-zero; with skipZeroInputs a sample's own bound is lower
   * (`sampleBoundCycles`).
   */
  readonly boundCycles: number;
  /** U = Σ G_l (N_{l-1} + 1): update operations (LFSR steps) per training sample. */
  readonly updateOps: number;
  /** floor(65535 / P): lane p starts at seq[p · lfsrStride]. */
  readonly lfsrStride: number;
  /** max(1, ceil(log2 N_L)): width of a label / predicted class. */
  readonly labelBits: number;
}

/** The distance between consecutive lanes' LFSR starting points: lane p starts at seq[p · floor(65535 / P)] (§2). */
export const lfsrStride = (P: number): number => Math.floor(65535 / P);

/** Derive every size of `cfg` (validated first: a ConfigError if it is not a valid Config). Frozen. */
export function deriveSizes(config: Config): DerivedSizes {
  const cfg = parseConfig(configDocument(config));
  requireDenseLayers(cfg, 'the RTL generator does not build');
  const P = cfg.pes;
  const N = cfg.layers;
  const L = N.length - 1;
  const layers: LayerSizes[] = [];
  let weightBase = 0;
  let errorBase = 0;
  const actBase: number[] = [];
  let actDepth = 0;
  for (let h = 1; h < L; h++) {
    actBase.push(actDepth);
    actDepth += N[h]!;
  }
  for (let i = 0; i < L; i++) {
    const nIn = N[i]!;
    const nOut = N[i + 1]!;
    const groups = Math.ceil(nOut / P);
    const weightWords = groups * (nIn + 1);
    const inActBase = i === 0 ? 0 : actBase[i - 1]!;
    const outActBase = i < L - 1 ? actBase[i]! : 0;
    layers.push(Object.freeze({ index: i, nIn, nOut, groups, weightBase, weightWords, errorBase, rowLen: nIn + 1, inActBase, outActBase }));
    weightBase += weightWords;
    errorBase += groups;
  }
  let forward = 0;
  let backward = 0;
  for (const l of layers) {
    forward += l.nOut * (l.nIn + 1);
    if (l.index >= 1) backward += l.nOut * l.nIn;
  }
  // The inference variant runs the forward pass only (no backward, no update).
  const trains = cfg.variant !== 'inference';
  const total = trains ? 2 * forward + backward : forward;
  const need = accumulatorNeed(N, entryOf(cfg.weight, 0), entryOf(cfg.act, 0), entryOf(cfg.error, 0));
  let labelBits = 1;
  while (2 ** labelBits < N[L]!) labelBits++;
  const freeze = <T>(xs: T[]): readonly T[] => Object.freeze(xs);
  return Object.freeze({
    L,
    layers: freeze(layers),
    nIn: freeze(layers.map((l) => l.nIn)),
    nOut: freeze(layers.map((l) => l.nOut)),
    groups: freeze(layers.map((l) => l.groups)),
    weightBase: freeze(layers.map((l) => l.weightBase)),
    errorBase: freeze(layers.map((l) => l.errorBase)),
    weightDepth: weightBase,
    errorDepth: errorBase,
    actBase: freeze(actBase),
    actDepth,
    inputDepth: Math.ceil(N[0]! / cfg.inputsPerBeat),
    inputsPerBeat: cfg.inputsPerBeat,
    inputWidth: cfg.inputsPerBeat * bitsOf(cfg.act),
    updateShifts: layerArithmetic(cfg).map((a) => a.updateShift),
    peProductBits: need.peProductBits,
    minAccBits: need.bits,
    macs: Object.freeze(trains ? { forward, backward, update: forward, total } : { forward, backward: 0, update: 0, total }),
    boundCycles: Math.ceil(total / P),
    updateOps: weightBase,
    lfsrStride: lfsrStride(P),
    labelBits,
  });
}

/**
 * Whether weight layer k (0-based) updates its weights in its backward pass: the dedicated
 * variant's fused schedule (`fuseBackwardUpdate`, default on for it; docs/ARCHITECTURE.md §9),
 * for the layers that have a backward pass (k ≥ 1).
 */
export function fusesUpdate(cfg: { readonly variant: string; readonly fuseBackwardUpdate?: boolean }, k: number): boolean {
  return cfg.variant === 'dedicated' && cfg.fuseBackwardUpdate !== false && k >= 1;
}

/**
 * The cycle lower bound of one sample with the input codes `input`: the MACs the accelerator
 * issues divided by P. With skipZeroInputs, layer 1's forward and update issue (non-zero inputs
 * + 1) columns (inputs and bias) per output instead of N_0 + 1; without it, or for the other
 * layers, every column. An inference (or the inference variant) runs the forward pass only.
 * With skipZeroErrors the update's MACs depend on the sample's errors: pass them as
 * `updateMacs` (the golden model's `lastUpdateMacs()`); by default the update issues what the
 * forward pass does (the dedicated variant: layer 1's, and the bias columns of the layers its
 * backward pass updates, docs/ARCHITECTURE.md §9). With skipZeroActivations the backward pass's
 * MACs depend on the sample's hidden activations: pass them as `backwardMacs` (the golden model's
 * `lastBackwardMacs()`); by default every column.
 */
export function sampleBoundCycles(cfg: Config, input: ArrayLike<number>, train: boolean, updateMacs?: number, backwardMacs?: number): number {
  let nonZeroInputs = 0;
  for (let i = 0; i < input.length; i++) if (input[i] !== 0) nonZeroInputs++;
  const N = cfg.layers;
  let forward = 0;
  let backward = 0;
  let update = 0;
  for (let i = 0; i + 1 < N.length; i++) {
    const cols = i === 0 && cfg.skipZeroInputs ? nonZeroInputs + 1 : N[i]! + 1;
    forward += N[i + 1]! * cols;
    if (i >= 1) backward += N[i + 1]! * N[i]!;
    // the dedicated variant updates layers 2..L in its backward pass (§9): only their bias column is more
    update += N[i + 1]! * (fusesUpdate(cfg, i) ? 1 : cols);
  }
  const trains = train && cfg.variant !== 'inference';
  return Math.ceil((trains ? forward + (backwardMacs ?? backward) + (updateMacs ?? update) : forward) / cfg.pes);
}

/**
 * The configured formats of weight layer `k` (default the first) as hdl FixedFormats: weights and
 * errors signed, activations (the layer's inputs) unsigned. Their bits are the same in every layer.
 */
export function fixedFormats(
  cfg: Pick<Config, 'weight' | 'act' | 'error'>,
  k = 0,
): {
  readonly weight: FixedFormat;
  readonly act: FixedFormat;
  readonly error: FixedFormat;
} {
  return Object.freeze({
    weight: Object.freeze({ ...entryOf(cfg.weight, k), signed: true }),
    act: Object.freeze({ ...entryOf(cfg.act, k), signed: false }),
    error: Object.freeze({ ...entryOf(cfg.error, k), signed: true }),
  });
}
