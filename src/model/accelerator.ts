/**
 * The golden model of the whole TaxoNN training accelerator: bit-exact with the RTL by
 * construction of docs/ARCHITECTURE.md §1–§3 (arithmetic, per-lane LFSRs, lanes and groups) and
 * §6 "Host interface" (the s_weights / m_weights stream order), and fast enough to be the engine
 * of training experiments (tens of thousands of 784-64-10 training samples per second on one core).
 *
 * Exactness: every value is an integer code held in a double. The constructor rejects parameters
 * for which a sum could wrap in accBits bits or leave ±2^50 (a validated configuration has
 * accBits ≤ 48 and wide enough, so neither happens) and every rounding below is written so that
 * it is exact for integers in that range: `floor((x + c) · 2^-s)` with `|x + c| < 2^53` and a
 * power-of-two scale, or, for shifts above 16, a two-step form that never adds a large constant.
 *
 * Where the document leaves room, the model assumes (the RTL agrees, test/flows/rtl/verify.test.ts):
 * padding lanes (g·P + p ≥ N_l) hold no neuron, contribute nothing to backward sums and update
 * no weight, but their LFSRs advance like every lane; a training label must be in 0..N_L−1 (an
 * error otherwise), an inference sample's label is ignored; `lfsrState` reports the §2 position
 * whatever the rounding, although only stochastic rounding with S > 0 reads the draws.
 *
 * Speed: a multiplication by a zero activation or error is skipped (exact: every rounding mode
 * maps 0 to 0, stochastic too because its random addend is below 2^S), so forward MACs run over
 * the non-zero inputs only and the update over (non-zero error rows) × (non-zero columns). The
 * LFSR of lane p is not stepped: its draw for update operation c of training sample n is the
 * precomputed `seq[(p·floor(65535/P) + Φ + c) mod 65535]` (§2), Φ being the sum of U over the
 * training samples so far (n·U; with skipZeroInputs U depends on each sample's non-zero inputs,
 * §10, with skipZeroErrors on which update groups have a non-zero error, §11), so only the phase
 * Φ mod 65535 is kept, and skipped operations cost nothing. Weights are stored per layer
 * column-major in a Float64Array (the forward pass keeps 8 outputs in registers while the
 * non-zero input columns stream by); the stream order exists only in load/readWeights. The hot
 * path allocates nothing (`train`/`infer`; `sample` returns one small object). Measured with
 * `npx tsx bench/golden.ts`.
 *
 * Index conventions: weight layers are 0-based here, k = 0..L−1 is the doc's layer l = k + 1
 * (inputs N_k = layers[k], outputs N_{k+1} = layers[k+1]).
 */
import { requireDenseLayers } from '../config/dense-only.js';
import { fusesUpdate } from '../config/derive.js';
import type { Network } from '../config/network.js';
import { LIMITS } from '../config/schema.js';
import { LFSR_PERIOD, laneStride, lfsrSequence } from './lfsr.js';
import { Rng } from './rng.js';

// ---- parameters ---------------------------------------------------------------------------

/** A fixed-point format: `bits` in total, `frac` of them fraction bits. */
export interface AcceleratorFormat {
  readonly bits: number;
  readonly frac: number;
}

/** One value for every weight layer, or a list with one per weight layer. */
export type PerLayerValue<T> = T | readonly T[];

/** Entry k of a per-layer value (the model's own reading of it: it shares no code with the generators' config helpers). */
function nth<T>(v: PerLayerValue<T>, k: number): T {
  return (Array.isArray(v) ? (v as readonly T[])[k] : v) as T;
}

/** The formats and learning rate of every weight layer, as lists of L entries. */
interface LayerFormats {
  readonly weight: readonly AcceleratorFormat[];
  readonly act: readonly AcceleratorFormat[];
  readonly error: readonly AcceleratorFormat[];
  readonly lrShift: readonly number[];
}

function layerFormats(params: AcceleratorParams): LayerFormats {
  const L = params.layers.length - 1;
  const list = <T>(v: PerLayerValue<T>) => Array.from({ length: L }, (_, k) => nth(v, k));
  return { weight: list(params.weight), act: list(params.act), error: list(params.error), lrShift: list(params.lrShift) };
}

/**
 * What the model reads from a configuration (the fields of src/config's `Config`, which is
 * assignable to it). Weights/biases and errors are signed formats, activations and inputs
 * unsigned (by definition, docs/ARCHITECTURE.md).
 */
export interface AcceleratorParams {
  /**
   * 'taxonn'; 'inference' (forward only: every sample is an inference, weights never change);
   * 'dedicated' (the same results with truncation and round-to-nearest; its learning-rate
   * multiplier draws the stochastic rounding bits differently, see the update forms in the
   * constructor, and its fused backward-and-update pass numbers the draws of layers 2..L
   * column by column: `fusesUpdate` in src/config).
   */
  readonly variant: string;
  /** N_0 (inputs), N_1, …, N_L (outputs). */
  readonly layers: readonly number[];
  /** P, the number of PEs (lanes). */
  readonly pes: number;
  /**
   * The formats and learning rate, once for every weight layer or as lists with one entry per
   * weight layer (docs/ARCHITECTURE.md §1: weight[k] of layer k + 1, act[k] its inputs, error[k]
   * its output errors, lrShift[k] its learning rate; every entry of a format has the same bits).
   */
  readonly weight: PerLayerValue<AcceleratorFormat>;
  readonly act: PerLayerValue<AcceleratorFormat>;
  readonly error: PerLayerValue<AcceleratorFormat>;
  readonly accBits: number;
  /** k in η = 2^-k. */
  readonly lrShift: PerLayerValue<number>;
  readonly rounding: 'truncate' | 'nearest' | 'stochastic';
  readonly hidden: 'relu' | 'hardsigmoid';
  /** LFSR seed, 1..65535. */
  readonly seed: number;
  /** K (only the host interface uses it; the arithmetic does not). */
  readonly inputsPerBeat: number;
  /**
   * Layer 1's update issues the non-zero inputs only (docs/ARCHITECTURE.md §10): the results are
   * the same except for which LFSR draw each update operation gets. Default false.
   */
  readonly skipZeroInputs?: boolean;
  /**
   * The update skips a group of P rows whose errors are all zero (docs/ARCHITECTURE.md §11): it
   * would change no weight, so only the LFSR numbering of the later operations differs. Default false.
   */
  readonly skipZeroErrors?: boolean;
  /** (dedicated) The backward pass of layers 2..L also updates them (§9); default true. */
  readonly fuseBackwardUpdate?: boolean;
  /**
   * The backward pass and the update of layers 2..L issue only the columns with a non-zero
   * activation (docs/ARCHITECTURE.md §16): the values are the same except for which LFSR draw
   * each update operation gets (numbered over the issued columns, as layer 1's with
   * skipZeroInputs). Default false.
   */
  readonly skipZeroActivations?: boolean;
  /** A network with convolution (src/config/network.ts) is refused: GoldenConvNetwork models it. */
  readonly network?: Network;
}

/** The numbers of docs/ARCHITECTURE.md §2–§3 that the model derives from the parameters. */
export interface AcceleratorGeometry {
  /** L, the number of weight layers. */
  readonly L: number;
  readonly P: number;
  /** G_l = ceil(N_l / P) for l = 1..L, at index l − 1. */
  readonly groups: readonly number[];
  /** Σ_l N_l · (N_{l-1} + 1): the number of codes in the s_weights stream. */
  readonly paramCount: number;
  /** Offset of layer l's first code in the stream, at index l − 1. */
  readonly streamOffsets: readonly number[];
  /** S = Ef + Af + k − Wf, the update shift of each weight layer (index l − 1). */
  readonly updateShifts: readonly number[];
  /** U = Σ_l G_l · (N_{l-1} + 1): update operations (LFSR steps per lane) per training sample. */
  readonly updateOps: number;
  /** Number c of the first update operation of layer l within a sample (layer L is first), at index l − 1. */
  readonly updateOpOffsets: readonly number[];
  /** floor(65535 / P). */
  readonly laneStride: number;
  /** Lane p's starting position in the LFSR sequence: p · floor(65535 / P). */
  readonly laneStarts: readonly number[];
  /** Σ_l G_l (N_{l-1} + 1): the weight bank depth (equal to U). */
  readonly weightBankDepth: number;
}

const pow2 = (e: number): number => 2 ** e;

function fmtText(f: AcceleratorFormat, signed: boolean): string {
  return `${signed ? 's' : 'u'}${f.bits}q${f.frac}`;
}

/** The smallest n such that lo..hi fits in n-bit two's complement. */
function twosBits(lo: bigint, hi: bigint): number {
  let n = 1;
  while (lo < -(1n << BigInt(n - 1)) || hi > (1n << BigInt(n - 1)) - 1n) n++;
  return n;
}

/**
 * Checks the parameters (throws a RangeError naming the field) and derives the geometry. The
 * checks are those the model relies on; a validated Config always passes them.
 */
export function acceleratorGeometry(params: AcceleratorParams): AcceleratorGeometry {
  checkFields(params);
  checkExactness(params);
  return geometry(params);
}

/** The fields' own ranges (those of src/config's LIMITS, checked here again: the model trusts no caller). */
function checkFields(params: AcceleratorParams): void {
  const bad = (field: string, rule: string, got: unknown): never => {
    throw new RangeError(`accelerator model: ${field} must be ${rule}, got ${JSON.stringify(got)}`);
  };
  const isInt = (v: unknown, lo: number, hi: number) => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;
  if (!['taxonn', 'inference', 'dedicated'].includes(params.variant)) bad('variant', '"taxonn", "inference" or "dedicated"', params.variant);
  const sizes = params.layers;
  if (!Array.isArray(sizes) || sizes.length < 2) bad('layers', 'a list of at least 2 layer sizes', sizes);
  sizes.forEach((n, i) => isInt(n, 1, LIMITS.maxLayerSize) || bad(`layers[${i}]`, `an integer in 1..${LIMITS.maxLayerSize}`, n));
  if (!isInt(params.pes, 1, LIMITS.maxPes)) bad('pes', `an integer in 1..${LIMITS.maxPes}`, params.pes);
  const L = sizes.length - 1;
  for (const name of ['weight', 'act', 'error', 'lrShift'] as const) {
    const v = params[name];
    if (Array.isArray(v) && v.length !== L) bad(name, `one value or a list of ${L} (one per weight layer)`, v);
  }
  const fm = layerFormats(params);
  for (let k = 0; k < L; k++) {
    const at = (name: string) => (Array.isArray(params[name as keyof AcceleratorParams]) ? `${name}[${k}]` : name);
    for (const name of ['weight', 'act', 'error'] as const) {
      const f = fm[name][k]!;
      if (!isInt(f?.bits, 2, 32)) bad(`${at(name)}.bits`, 'an integer in 2..32', f?.bits);
      if (f.bits !== fm[name][0]!.bits) bad(`${at(name)}.bits`, `${fm[name][0]!.bits}, the bits of every layer`, f.bits);
      const fracMax = name === 'act' ? f.bits - 1 : f.bits;
      if (!isInt(f.frac, 0, fracMax)) bad(`${at(name)}.frac`, `an integer in 0..${fracMax}`, f.frac);
    }
    const lr = fm.lrShift[k]!;
    if (!isInt(lr, 0, 63)) bad(at('lrShift'), 'an integer in 0..63', lr);
    const S = updateShiftOf(fm, k);
    if (S < 0) bad(at('lrShift'), `at least ${lr - S} (S = Ef + Af + lrShift − Wf must be ≥ 0)`, lr);
    if (k < L - 1 && activationShiftOf(fm, k) < 0)
      bad(`act[${k + 1}].frac`, `at most Wf + Af of layer ${k + 1} (the activation's shift must be ≥ 0)`, fm.act[k + 1]!.frac);
    if (k > 0 && backwardShiftOf(fm, k, params.hidden === 'hardsigmoid' ? 2 : 0) < 0)
      bad(`error[${k - 1}].frac`, `at most Wf + Ef of layer ${k + 1} (the backward shift must be ≥ 0)`, fm.error[k - 1]!.frac);
  }
  if (!['truncate', 'nearest', 'stochastic'].includes(params.rounding)) bad('rounding', '"truncate", "nearest" or "stochastic"', params.rounding);
  if (!['relu', 'hardsigmoid'].includes(params.hidden)) bad('hidden', '"relu" or "hardsigmoid"', params.hidden);
  if (!isInt(params.seed, 1, 65535)) bad('seed', 'an integer in 1..65535', params.seed);
  if (!isInt(params.accBits, 1, 64)) bad('accBits', 'an integer in 1..64', params.accBits);
}

/**
 * No sum may wrap in the accumulator (the configuration guarantees it; the model does not
 * model wrapping) and every intermediate must be exact in a double.
 */
function checkExactness(params: AcceleratorParams): void {
  const sizes = params.layers;
  const fm = layerFormats(params);
  const Wb = BigInt(fm.weight[0]!.bits);
  const Ab = BigInt(fm.act[0]!.bits);
  const Eb = BigInt(fm.error[0]!.bits);
  const wLo = -(1n << (Wb - 1n));
  const wHi = (1n << (Wb - 1n)) - 1n;
  const aHi = (1n << Ab) - 1n;
  const eLo = -(1n << (Eb - 1n));
  const eHi = (1n << (Eb - 1n)) - 1n;
  const limit = 1n << 50n;
  const need = (what: string, lo: bigint, hi: bigint) => {
    const bits = twosBits(lo, hi);
    if (bits > params.accBits) {
      throw new RangeError(`accelerator model: accBits = ${params.accBits} is too narrow: ${what} needs ${bits} bits (the model does not wrap sums)`);
    }
    if (-lo > limit || hi > limit) throw new RangeError(`accelerator model: ${what} can exceed 2^50, outside the model's exact range`);
  };
  for (let l = 1; l < sizes.length; l++) {
    const terms = BigInt(sizes[l - 1]! + 1);
    need(`the forward sum of layer ${l}`, wLo * aHi * terms, wHi * aHi * terms);
    if (l >= 2) {
      const n = BigInt(sizes[l]!);
      const m = wLo * eLo > wHi * eHi ? wLo * eLo : wHi * eHi;
      need(`the backward sum of layer ${l}`, wHi * eLo * n < wLo * eHi * n ? wHi * eLo * n : wLo * eHi * n, m * n);
    }
  }
  // The update's product e·a (and e·ONE_A ≤ e·max_A) is formed by the PE multiplier too.
  need('the update product e·a', eLo * aHi, eHi * aHi);
  const last = sizes.length - 2;
  const t = 1n << BigInt(fm.weight[last]!.frac + fm.act[last]!.frac);
  if (t > limit) throw new RangeError("accelerator model: the output target 2^(Wf+Af) exceeds 2^50, outside the model's exact range");
}

/** S = Ef + Af + k − Wf of weight layer k: the update's right shift. */
const updateShiftOf = (f: LayerFormats, k: number): number => f.error[k]!.frac + f.act[k]!.frac + f.lrShift[k]! - f.weight[k]!.frac;

/** Hidden weight layer k: z (fraction bits Wf + Af) to a_{k+1} (Af of layer k + 1) is a right shift by this. */
const activationShiftOf = (f: LayerFormats, k: number): number => f.weight[k]!.frac + f.act[k]!.frac - f.act[k + 1]!.frac;

/** Weight layer k ≥ 1: its backward sums (Wf + Ef + d fraction bits) to the errors of layer k − 1 is a right shift by this. */
const backwardShiftOf = (f: LayerFormats, k: number, d: number): number => f.weight[k]!.frac + f.error[k]!.frac + d - f.error[k - 1]!.frac;

/**
 * The model's own derivation of the geometry (docs/ARCHITECTURE.md §2–§3). It repeats src/config's
 * deriveSizes on purpose: the golden model checks the RTL, whose sizes come from deriveSizes.
 */
function geometry(params: AcceleratorParams): AcceleratorGeometry {
  const sizes = params.layers;
  const L = sizes.length - 1;
  const P = params.pes;
  const groups: number[] = [];
  const streamOffsets: number[] = [];
  let paramCount = 0;
  let depth = 0;
  for (let l = 1; l <= L; l++) {
    const g = Math.ceil(sizes[l]! / P);
    groups.push(g);
    streamOffsets.push(paramCount);
    paramCount += sizes[l]! * (sizes[l - 1]! + 1);
    depth += g * (sizes[l - 1]! + 1);
  }
  const updateOpOffsets = new Array<number>(L).fill(0);
  let c = 0;
  for (let l = L; l >= 1; l--) {
    updateOpOffsets[l - 1] = c;
    c += groups[l - 1]! * (sizes[l - 1]! + 1);
  }
  const stride = laneStride(P);
  return {
    L,
    P,
    groups,
    paramCount,
    streamOffsets,
    updateShifts: Array.from({ length: L }, (_, k) => updateShiftOf(layerFormats(params), k)),
    updateOps: c,
    updateOpOffsets,
    laneStride: stride,
    laneStarts: Array.from({ length: P }, (_, p) => (p * stride) % LFSR_PERIOD),
    weightBankDepth: depth,
  };
}

// ---- initial weights ----------------------------------------------------------------------

/**
 * The initial weights as real numbers (doubles), in stream order: hidden layers He-uniform
 * (U(±sqrt(6 / N_{l-1}))), the output layer Glorot-uniform (U(±sqrt(6 / (N_{l-1} + N_l)))),
 * biases 0. Draws come from `Rng(seed)`, one per weight (not per bias) in stream order, so the
 * result depends on the layer sizes and the seed only. `initialWeights` quantises exactly these
 * values; `initialFloatWeights` rounds them to float32 (the float reference trainer's start).
 */
export function initialWeightValues(layers: readonly number[], seed: number): Float64Array {
  return initialRowValues(rowShapes(layers), seed);
}

/** A weight layer as rows (outputs or filters), each of `fanIn` weights and a bias. */
export interface RowShape {
  readonly rows: number;
  readonly fanIn: number;
}

/** The row shapes of layers given as sizes: N_l rows of N_{l-1}. */
const rowShapes = (layers: readonly number[]): RowShape[] => layers.slice(1).map((rows, k) => ({ rows, fanIn: layers[k]! }));

/**
 * Initial weights as real numbers in stream order, row by row (its fanIn weights, then the bias):
 * hidden layers He-uniform U(±sqrt(6 / fanIn)), the output layer Glorot-uniform
 * U(±sqrt(6 / (fanIn + rows))), biases 0, one `Rng(seed)` draw per weight in stream order.
 * For layer sizes this is initialWeightValues; a network with convolution uses its filters' rows.
 */
export function initialRowValues(shapes: readonly RowShape[], seed: number): Float64Array {
  const values = new Float64Array(shapes.reduce((n, s) => n + s.rows * (s.fanIn + 1), 0));
  const rng = new Rng(seed);
  let o = 0;
  shapes.forEach(({ rows, fanIn }, k) => {
    const bound = k < shapes.length - 1 ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + rows));
    for (let j = 0; j < rows; j++) {
      for (let i = 0; i < fanIn; i++) values[o++] = (rng.float() * 2 - 1) * bound;
      values[o++] = 0;
    }
  });
  return values;
}

/**
 * Initial values (stream order, rows of `shapes`) as codes: each rounded to the nearest code
 * (ties up) of its layer's weight format and saturated.
 */
export function quantiseInitial(values: Float64Array, shapes: readonly RowShape[], weight: PerLayerValue<AcceleratorFormat>): Int32Array {
  const codes = new Int32Array(values.length);
  let q = 0;
  shapes.forEach(({ rows, fanIn }, k) => {
    const f = nth(weight, k);
    const scale = pow2(f.frac);
    const lo = -pow2(f.bits - 1);
    const hi = pow2(f.bits - 1) - 1;
    for (const end = q + rows * (fanIn + 1); q < end; q++) {
      const c = Math.round(values[q]! * scale);
      codes[q] = c < lo ? lo : c > hi ? hi : c;
    }
  });
  return codes;
}

/** `initialWeightValues` as float32 (stream order): the same weights before quantisation. */
export function initialFloatWeights(layers: readonly number[], seed: number): Float32Array {
  return Float32Array.from(initialWeightValues(layers, seed));
}

/**
 * Initial weight codes in stream order: `initialWeightValues(layers, seed)`, each value rounded
 * to the nearest code (ties up) and saturated to the weight format (biases 0). The result
 * depends on the layer sizes, the weight format and the seed only. (The doubles are quantised,
 * not their float32 roundings, which could land on the other side of a tie.)
 */
export function initialWeights(params: Pick<AcceleratorParams, 'layers' | 'weight'>, seed: number): Int32Array {
  const shapes = rowShapes(params.layers);
  return quantiseInitial(initialRowValues(shapes, seed), shapes, params.weight);
}

// ---- the model ------------------------------------------------------------------------------

/**
 * What one sample did, captured only when tracing is on (`setTrace(true)`). 0-based layer
 * indices: `z[k]` is z_{k+1}, `a[k]` is a_k (a[0] the input), `e[k]` is e_{k+1}.
 */
export interface AcceleratorTrace {
  readonly train: boolean;
  readonly label: number;
  readonly predicted: number;
  /** n: the number of training samples before this one since reset (the LFSR phase is n·U mod 65535 without skipping). */
  readonly sampleNumber: number;
  /** Exact accumulators (fraction bits Wf + Af), k = 0..L−1. */
  readonly z: readonly Float64Array[];
  /** Activation codes a_0 (the input) .. a_{L−1}, k = 0..L−1. */
  readonly a: readonly Int32Array[];
  /** Derivative masks m_1 .. m_{L−1} (1 or 0): `mask[k − 1]` is m_k. */
  readonly mask: readonly Uint8Array[];
  /** Error codes e_1 .. e_L, k = 0..L−1; empty for an inference sample. */
  readonly e: readonly Int32Array[];
}

export interface SampleResult {
  readonly predicted: number;
}

/** The input codes of one sample: a_0 in the activation format, N_0 of them. */
export type SampleInput = Uint8Array | Uint16Array | Int32Array | readonly number[];

export class GoldenAccelerator {
  readonly params: AcceleratorParams;
  readonly geometry: AcceleratorGeometry;

  // sizes and constants; arrays are per weight layer k (the formats may differ between layers)
  private readonly L: number;
  private readonly sizes: Int32Array;
  /** ONE_A = 2^Af of layer k's inputs (the bias operand). */
  private readonly one: Float64Array;
  private readonly aMax: number;
  private readonly wMin: number;
  private readonly wMax: number;
  private readonly eMin: number;
  private readonly eMax: number;
  // hidden layer k's activation: a = clamp(floor((z + actC) · actM) + actK, 0, actHi); mask = 0 < a < maskHi
  private readonly actC: Float64Array;
  private readonly actM: Float64Array;
  private readonly actK: Float64Array;
  private readonly actHi: Float64Array;
  private readonly maskHi: Float64Array;
  // output error: e = sat_E(floor((z − t + outC) · outM)), t = 2^(Wf+Af) at the label
  private readonly target: number;
  private readonly outC: number;
  private readonly outM: number;
  // layer k's backward: e = sat_E(floor((s + bwdC) · bwdM))
  private readonly bwdC: Float64Array;
  private readonly bwdM: Float64Array;
  // layer k's update: S ≤ 16: d = floor((p + r) · updM); S > 16: d = floor((floor(p · updPre) + r) · 2^-16)
  /** 0: int32 shift, 1: floor with S ≤ 16, 2: S > 16 (see update()). */
  private readonly updateKind: readonly (0 | 1 | 2)[];
  private readonly updM: Float64Array;
  private readonly updPre: Float64Array;
  /** r by sequence position (extended past 65535 by the longest row, so a row never wraps), per layer. */
  private readonly rnd: readonly Uint16Array[];
  private readonly seq: Uint16Array;

  // state
  /**
   * The weights, layer by layer, each layer column-major: W_l[j][i] at wOff[k] + i·N_l + j, the
   * bias at i = N_{l-1} (the forward pass then runs over contiguous columns of the non-zero inputs).
   */
  private readonly w: Float64Array;
  private readonly wOff: Int32Array;
  /** rowPos[k][j]: (lane start + c of the row's first operation) mod 65535. */
  private readonly rowPos: Int32Array[];
  private phase = 0;
  private trained = 0;

  // per-sample buffers (k = 0..L−1)
  private readonly z: Float64Array[];
  /** Dense hidden activations: act[k] = a_k for k = 1..L−1 (act[0] unused). */
  private readonly act: Int32Array[];
  /** Non-zero inputs of weight layer k: inIdx[k][0..inCount[k]) and their codes. */
  private readonly inIdx: Int32Array[];
  private readonly inVal: Int32Array[];
  private readonly inCount: Int32Array;
  /** Non-zero errors e_{k+1}: errIdx[k][0..errCount[k]) and their codes. */
  private readonly errIdx: Int32Array[];
  private readonly errVal: Int32Array[];
  private readonly errCount: Int32Array;

  private tracing = false;
  private trace: AcceleratorTrace | undefined;
  /** False for the inference variant: training samples are run as inferences. */
  private readonly trains: boolean;
  /** skipZeroInputs: layer 1's update operations are numbered over the non-zero inputs. */
  private readonly skip: boolean;
  /** 0, 1, 2, …: the draw offsets of compacted columns (layer 1 with skip). */
  private readonly iota: Int32Array;
  /** skipZeroErrors: update groups whose errors are all zero issue nothing. */
  private readonly skipErr: boolean;
  /** Scratch (either skip): this sample's row positions per layer, for the rows it updates. */
  private readonly samplePos: Int32Array[];
  /** Scratch (skipZeroErrors): whether a group of the layer being numbered has a non-zero error. */
  private readonly groupLive: Uint8Array;
  /** Either skip: the update's LFSR numbering depends on the sample (numberUpdateRows). */
  private readonly perSample: boolean;
  /**
   * Per weight layer, 1 when its update is fused with its backward pass (the dedicated variant,
   * layers 2..L: column by column, each column's groups in turn, every group issued; §9).
   */
  private readonly fused: Uint8Array;
  /** Per weight layer, the distance in LFSR steps between a row's consecutive columns: G_l when fused, else 1. */
  private readonly colStride: Int32Array;
  /** Scratch (fused layers): the draw offsets of a row's non-zero inputs. */
  private readonly fusedOff: Int32Array;
  /** skipZeroActivations: the backward pass and the update of layers 2..L issue the non-zero columns only. */
  private readonly skipAct: boolean;
  /** MACs the last training sample's backward pass issued. */
  private backwardMacsLast = 0;
  /** The update's MACs without skipping: Σ_l N_l · (N_{l-1} + 1). */
  private readonly denseUpdateMacs: number;
  /** MACs the last training sample's update issued (lanes × columns of the groups it ran). */
  private updateMacsLast = 0;

  constructor(params: AcceleratorParams, options: { trace?: boolean } = {}) {
    requireDenseLayers(params, 'the RTL generator and its golden model GoldenAccelerator do not build');
    const geometry = acceleratorGeometry(params);
    const copy = <T extends AcceleratorFormat>(v: PerLayerValue<T>) =>
      Array.isArray(v)
        ? Object.freeze((v as readonly T[]).map((f) => Object.freeze({ bits: f.bits, frac: f.frac })))
        : Object.freeze({ bits: (v as T).bits, frac: (v as T).frac });
    this.params = Object.freeze({
      ...params,
      layers: Object.freeze([...params.layers]),
      weight: copy(params.weight),
      act: copy(params.act),
      error: copy(params.error),
      lrShift: Array.isArray(params.lrShift) ? Object.freeze([...(params.lrShift as readonly number[])]) : params.lrShift,
    });
    this.geometry = geometry;
    this.trains = params.variant !== 'inference';
    this.skip = params.skipZeroInputs === true;
    this.iota = Int32Array.from({ length: Math.max(...params.layers) }, (_, i) => i);
    this.skipErr = params.skipZeroErrors === true;
    this.skipAct = params.skipZeroActivations === true;
    this.fused = Uint8Array.from(geometry.groups, (_, k) => (fusesUpdate(params, k) ? 1 : 0));
    // the layers 2..L over their non-zero columns number their draws per sample too
    this.perSample = this.skip || this.skipErr || (this.skipAct && params.layers.length > 2);
    this.samplePos = params.layers.slice(1).map((n) => new Int32Array(this.perSample ? n : 0));
    this.colStride = Int32Array.from(geometry.groups, (G, k) => (this.fused[k] ? G : 1));
    this.fusedOff = new Int32Array(Math.max(...params.layers));
    // a fused layer's update issues only its bias column beyond the backward pass's issues
    this.denseUpdateMacs = params.layers.slice(1).reduce((s, n, k) => s + n * (this.fused[k] ? 1 : params.layers[k]! + 1), 0);
    this.groupLive = new Uint8Array(Math.max(...geometry.groups));
    const fm = layerFormats(params);
    const L = geometry.L;
    this.L = L;
    this.sizes = Int32Array.from(params.layers);
    const perLayer = (f: (k: number) => number) => Float64Array.from({ length: L }, (_, k) => f(k));
    this.one = perLayer((k) => pow2(fm.act[k]!.frac));
    this.aMax = pow2(fm.act[0]!.bits) - 1;
    this.wMin = -pow2(fm.weight[0]!.bits - 1);
    this.wMax = pow2(fm.weight[0]!.bits - 1) - 1;
    this.eMin = -pow2(fm.error[0]!.bits - 1);
    this.eMax = pow2(fm.error[0]!.bits - 1) - 1;

    const acts = Array.from({ length: L }, (_, k) => (k < L - 1 ? activationConstants(params.hidden, fm, k) : undefined));
    this.actC = perLayer((k) => acts[k]?.actC ?? 0);
    this.actM = perLayer((k) => acts[k]?.actM ?? 0);
    this.actK = perLayer((k) => acts[k]?.actK ?? 0);
    this.actHi = perLayer((k) => acts[k]?.actHi ?? 0);
    this.maskHi = perLayer((k) => acts[k]?.maskHi ?? 0);
    const last = L - 1;
    const zFracL = fm.weight[last]!.frac + fm.act[last]!.frac;
    this.target = pow2(zFracL);
    const outShift = zFracL - fm.error[last]!.frac;
    this.outC = outShift > 0 ? pow2(outShift - 1) : 0;
    this.outM = pow2(-outShift);
    const d = params.hidden === 'hardsigmoid' ? 2 : 0;
    const bwdShift = (k: number) => (k > 0 ? backwardShiftOf(fm, k, d) : 0);
    this.bwdC = perLayer((k) => (bwdShift(k) > 0 ? pow2(bwdShift(k) - 1) : 0));
    this.bwdM = perLayer((k) => pow2(-bwdShift(k)));

    ({ updateKind: this.updateKind, updM: this.updM, updPre: this.updPre, seq: this.seq, rnd: this.rnd } = updateConstants(params, geometry, fm, this.aMax));

    this.w = new Float64Array(geometry.paramCount);
    this.wOff = Int32Array.from(geometry.streamOffsets);
    ({
      rowPos: this.rowPos,
      z: this.z,
      act: this.act,
      inIdx: this.inIdx,
      inVal: this.inVal,
      errIdx: this.errIdx,
      errVal: this.errVal,
    } = layerBuffers(geometry, params.layers, this.colStride));
    this.inCount = new Int32Array(L);
    this.errCount = new Int32Array(L);
    this.tracing = options.trace ?? false;
  }

  // ---- weights ------------------------------------------------------------------------------

  /** Loads all weights and biases, in s_weights stream order (docs/ARCHITECTURE.md §6). Checks length and range (nothing is loaded on an error). */
  loadWeights(codes: Int32Array | readonly number[]): void {
    const n = this.geometry.paramCount;
    if (codes.length !== n) {
      throw new RangeError(
        `loadWeights: expected ${n} codes for layers ${this.params.layers.join('-')} (Σ N_l·(N_{l-1}+1): weights then bias per row), got ${codes.length}`,
      );
    }
    const lo = this.wMin;
    const hi = this.wMax;
    for (let q = 0; q < n; q++) {
      const c = codes[q]!;
      if (!(Number.isInteger(c) && c >= lo && c <= hi)) {
        throw new RangeError(
          `loadWeights: code ${c} at index ${q} (${this.describeIndex(q)}) is outside the weight format ` +
            `${fmtText(nth(this.params.weight, 0), true)} (integers ${lo}..${hi})`,
        );
      }
    }
    this.store(codes);
  }

  /** All weights and biases, in m_weights stream order (a new array). */
  readWeights(): Int32Array {
    const out = new Int32Array(this.geometry.paramCount);
    const w = this.w;
    for (let k = 0; k < this.L; k++) {
      const nIn = this.sizes[k]!;
      const nOut = this.sizes[k + 1]!;
      const base = this.wOff[k]!;
      let q = base; // stream and storage offsets of a layer coincide (same size)
      for (let j = 0; j < nOut; j++) for (let i = 0; i <= nIn; i++) out[q++] = w[base + i * nOut + j]!;
    }
    return out;
  }

  /** Sets He/Glorot-uniform initial weights (see `initialWeights`) and returns them (stream order). */
  initWeights(seed: number): Int32Array {
    const codes = initialWeights(this.params, seed);
    this.store(codes);
    return codes;
  }

  private store(codes: ArrayLike<number>): void {
    const w = this.w;
    for (let k = 0; k < this.L; k++) {
      const nIn = this.sizes[k]!;
      const nOut = this.sizes[k + 1]!;
      const base = this.wOff[k]!;
      let q = base;
      for (let j = 0; j < nOut; j++) for (let i = 0; i <= nIn; i++) w[base + i * nOut + j] = codes[q++]!;
    }
  }

  /** "layer 2, row 3, column 7" or "layer 1, row 0, bias" for a stream index. */
  describeIndex(q: number): string {
    const offs = this.geometry.streamOffsets;
    let k = offs.length - 1;
    while (k > 0 && offs[k]! > q) k--;
    const rowLen = this.sizes[k]! + 1;
    const r = q - offs[k]!;
    const i = r % rowLen;
    return `layer ${k + 1}, row ${(r - i) / rowLen}, ${i === rowLen - 1 ? 'bias' : `column ${i}`}`;
  }

  // ---- LFSR state -----------------------------------------------------------------------------

  /** Back to the state after reset: LFSR positions to the start (weights are kept). */
  reset(): void {
    this.phase = 0;
    this.trained = 0;
    this.trace = undefined;
  }

  /** n: training samples since reset. */
  get trainedSamples(): number {
    return this.trained;
  }

  /** Lane p's current LFSR state (its next draw): seq[(p·floor(65535/P) + Φ) mod 65535], Φ = Σ U (n·U without skipping). */
  lfsrState(lane: number): number {
    if (!Number.isInteger(lane) || lane < 0 || lane >= this.geometry.P)
      throw new RangeError(`lfsrState: lane must be in 0..${this.geometry.P - 1}, got ${lane}`);
    return this.seq[(this.geometry.laneStarts[lane]! + this.phase) % LFSR_PERIOD]!;
  }

  // ---- tracing ------------------------------------------------------------------------------

  /** Capture z, activations, masks and errors of every sample (off by default: it allocates). */
  setTrace(on: boolean): void {
    this.tracing = on;
    if (!on) this.trace = undefined;
  }

  /** The trace of the last sample, if tracing was on when it ran. */
  lastTrace(): AcceleratorTrace | undefined {
    return this.trace;
  }

  // ---- samples ------------------------------------------------------------------------------

  /** One sample (§1): forward and argmax; when `train`, also output error, backward and update. */
  sample(input: SampleInput, label: number, train: boolean): SampleResult {
    return { predicted: this.run(input, label, train) };
  }

  /** `sample(input, label, true).predicted`, without the result object. */
  train(input: SampleInput, label: number): number {
    return this.run(input, label, true);
  }

  /** `sample(input, 0, false).predicted`, without the result object. */
  infer(input: SampleInput): number {
    return this.run(input, 0, false);
  }

  /**
   * The exact output accumulators z_L of the last sample (fraction bits Wf + Af), from its
   * forward pass (before the update). A live view, overwritten by the next sample.
   */
  lastOutputs(): ArrayLike<number> {
    return this.z[this.L - 1]!;
  }

  private run(input: SampleInput, label: number, trainRequested: boolean): number {
    const L = this.L;
    const train = trainRequested && this.trains;
    const nOutL = this.sizes[L]!;
    if (train && !(Number.isInteger(label) && label >= 0 && label < nOutL)) {
      throw new RangeError(`sample: label must be an integer in 0..${nOutL - 1}, got ${label}`);
    }
    this.gatherInput(input);
    for (let k = 0; k < L; k++) {
      this.forward(k);
      if (k < L - 1) this.activate(k);
    }
    const predicted = this.argmax();
    const n = this.trained;
    const phase = this.phase;
    if (train) {
      this.outputError(label);
      let backwardMacs = 0;
      for (let k = L - 1; k >= 1; k--) {
        this.backward(k);
        backwardMacs += this.sizes[k + 1]! * (this.skipAct ? this.inCount[k]! : this.sizes[k]!);
      }
      this.backwardMacsLast = backwardMacs;
      // Update l = L..1 reads e_l, a_{l−1} and W_l only, and each backward step read its W_l
      // before: updating after all backward steps is the same.
      const ops = this.perSample ? this.numberUpdateRows() : this.denseUpdateOps();
      for (let k = L - 1; k >= 0; k--) {
        this.update(k, phase);
      }
      this.trained = n + 1;
      this.phase = (phase + (ops % LFSR_PERIOD)) % LFSR_PERIOD;
    }
    if (this.tracing) this.capture(input, label, train, predicted, n);
    return predicted;
  }

  /** U without skipping (every group, every column), recording the update's MACs. */
  private denseUpdateOps(): number {
    this.updateMacsLast = this.denseUpdateMacs;
    return this.geometry.updateOps;
  }

  /**
   * Numbers this sample's update operations as the controller issues them (layer L first, group
   * by group): a group runs N_{l-1} + 1 columns (layer 1 with skipZeroInputs: non-zero inputs + 1)
   * unless skipZeroErrors and its errors are all zero. Fills samplePos[k][j] = (lane start + c of
   * row j's first operation) mod 65535 for the rows of the groups that run, records the MACs, and
   * returns U of this sample.
   */
  private numberUpdateRows(): number {
    const g = this.geometry;
    const P = g.P;
    const live = this.groupLive;
    let c = 0;
    let macs = 0;
    for (let k = this.L - 1; k >= 0; k--) {
      const nOut = this.sizes[k + 1]!;
      const fused = this.fused[k] === 1;
      // layer 1 with skipZeroInputs, layers 2..L with skipZeroActivations: over the non-zero columns
      const sparse = k === 0 ? this.skip : this.skipAct;
      const cols = (sparse ? this.inCount[k]! : this.sizes[k]!) + 1;
      const G = g.groups[k]!;
      // a fused layer (§9) issues every group, column by column: row j's column i is operation c + grp + i·G
      if (this.skipErr && !fused) {
        live.fill(0, 0, G);
        const idx = this.errIdx[k]!;
        for (let q = 0; q < this.errCount[k]!; q++) live[(idx[q]! / P) | 0] = 1;
      }
      const pos = this.samplePos[k]!;
      for (let grp = 0; grp < G; grp++) {
        if (this.skipErr && !fused && !live[grp]) continue;
        const j0 = grp * P;
        const j1 = Math.min(nOut, j0 + P);
        const cm = (fused ? c + grp : c) % LFSR_PERIOD;
        for (let j = j0; j < j1; j++) pos[j] = (g.laneStarts[j - j0]! + cm) % LFSR_PERIOD;
        if (!fused) c += cols;
        // a fused layer's issues beyond the backward pass's: its bias column
        macs += (j1 - j0) * (fused ? 1 : cols);
      }
      if (fused) c += G * cols;
    }
    this.updateMacsLast = macs;
    return c;
  }

  /**
   * The MACs the last training sample's update issued: with skipping fewer than the forward
   * pass's (sampleBoundCycles takes them for a sample's cycle bound).
   */
  lastUpdateMacs(): number {
    return this.updateMacsLast;
  }

  /**
   * The MACs the last training sample's backward pass issued: Σ_{l≥2} N_l · (its columns), the
   * columns being the non-zero activations of layer l − 1 with skipZeroActivations, else all.
   */
  lastBackwardMacs(): number {
    return this.backwardMacsLast;
  }

  /** The non-zero inputs as a list (index, code), checking every code. */
  private gatherInput(input: SampleInput): void {
    const n0 = this.sizes[0]!;
    if (input.length !== n0) throw new RangeError(`sample: expected ${n0} input codes, got ${input.length}`);
    const idx = this.inIdx[0]!;
    const val = this.inVal[0]!;
    const hi = this.aMax;
    let nz = 0;
    let bad = -1;
    if (input instanceof Uint8Array || input instanceof Uint16Array || input instanceof Int32Array) {
      // integers by construction: only the range needs checking
      for (let i = 0; i < n0; i++) {
        const v = input[i]!;
        if (v !== 0) {
          if ((v < 0 || v > hi) && bad < 0) bad = i;
          idx[nz] = i;
          val[nz] = v;
          nz++;
        }
      }
    } else {
      for (let i = 0; i < n0; i++) {
        const v = input[i]!;
        if (v !== 0) {
          if (!(v >= 1 && v <= hi && Number.isInteger(v)) && bad < 0) bad = i;
          idx[nz] = i;
          val[nz] = v;
          nz++;
        }
      }
    }
    if (bad >= 0) {
      throw new RangeError(
        `sample: input ${bad} is ${input[bad]}, outside the activation format ${fmtText(nth(this.params.act, 0), false)} (integers 0..${hi})`,
      );
    }
    this.inCount[0] = nz;
  }

  /**
   * z_{k+1}[j] = Σ W[j][i]·a_k[i] + b[j]·ONE over the non-zero a_k[i]: blocks of 4 outputs kept
   * in registers while the non-zero columns stream by (about twice as fast as one output at a time).
   */
  private forward(k: number): void {
    const w = this.w;
    const nIn = this.sizes[k]!;
    const nOut = this.sizes[k + 1]!;
    const base = this.wOff[k]!;
    const idx = this.inIdx[k]!;
    const val = this.inVal[k]!;
    const nz = this.inCount[k]!;
    const z = this.z[k]!;
    const one = this.one[k]!;
    const bias = base + nIn * nOut;
    let j = 0;
    for (; j + 8 <= nOut; j += 8) {
      const b = bias + j;
      let z0 = w[b]! * one;
      let z1 = w[b + 1]! * one;
      let z2 = w[b + 2]! * one;
      let z3 = w[b + 3]! * one;
      let z4 = w[b + 4]! * one;
      let z5 = w[b + 5]! * one;
      let z6 = w[b + 6]! * one;
      let z7 = w[b + 7]! * one;
      const o = base + j;
      for (let q = 0; q < nz; q++) {
        const c = o + idx[q]! * nOut;
        const a = val[q]!;
        z0 += w[c]! * a;
        z1 += w[c + 1]! * a;
        z2 += w[c + 2]! * a;
        z3 += w[c + 3]! * a;
        z4 += w[c + 4]! * a;
        z5 += w[c + 5]! * a;
        z6 += w[c + 6]! * a;
        z7 += w[c + 7]! * a;
      }
      z[j] = z0;
      z[j + 1] = z1;
      z[j + 2] = z2;
      z[j + 3] = z3;
      z[j + 4] = z4;
      z[j + 5] = z5;
      z[j + 6] = z6;
      z[j + 7] = z7;
    }
    for (; j + 4 <= nOut; j += 4) {
      const b = bias + j;
      let z0 = w[b]! * one;
      let z1 = w[b + 1]! * one;
      let z2 = w[b + 2]! * one;
      let z3 = w[b + 3]! * one;
      const o = base + j;
      for (let q = 0; q < nz; q++) {
        const c = o + idx[q]! * nOut;
        const a = val[q]!;
        z0 += w[c]! * a;
        z1 += w[c + 1]! * a;
        z2 += w[c + 2]! * a;
        z3 += w[c + 3]! * a;
      }
      z[j] = z0;
      z[j + 1] = z1;
      z[j + 2] = z2;
      z[j + 3] = z3;
    }
    for (; j < nOut; j++) {
      let acc = w[bias + j]! * one;
      const o = base + j;
      for (let q = 0; q < nz; q++) acc += w[o + idx[q]! * nOut]! * val[q]!;
      z[j] = acc;
    }
  }

  /** a_{k+1} from z_{k+1} (hidden layer), and the non-zero list of layer k+1's input. */
  private activate(k: number): void {
    const nOut = this.sizes[k + 1]!;
    const z = this.z[k]!;
    const a = this.act[k + 1]!;
    const idx = this.inIdx[k + 1]!;
    const val = this.inVal[k + 1]!;
    const c = this.actC[k]!;
    const m = this.actM[k]!;
    const add = this.actK[k]!;
    const hi = this.actHi[k]!;
    let nz = 0;
    for (let j = 0; j < nOut; j++) {
      let v = Math.floor((z[j]! + c) * m) + add;
      v = v < 0 ? 0 : v > hi ? hi : v;
      a[j] = v;
      if (v !== 0) {
        idx[nz] = j;
        val[nz] = v;
        nz++;
      }
    }
    this.inCount[k + 1] = nz;
  }

  /** Lowest j with the largest z_L[j]. */
  private argmax(): number {
    const z = this.z[this.L - 1]!;
    let best = 0;
    let bz = z[0]!;
    for (let j = 1; j < z.length; j++) {
      if (z[j]! > bz) {
        bz = z[j]!;
        best = j;
      }
    }
    return best;
  }

  /** e_L[j] = sat_E(rnd_n(z_L[j] − t_j, Wf + Af − Ef)), as a non-zero list. */
  private outputError(label: number): void {
    const k = this.L - 1;
    const z = this.z[k]!;
    const idx = this.errIdx[k]!;
    const val = this.errVal[k]!;
    const c = this.outC;
    const m = this.outM;
    const lo = this.eMin;
    const hi = this.eMax;
    let ne = 0;
    for (let j = 0; j < z.length; j++) {
      let e = Math.floor((z[j]! - (j === label ? this.target : 0) + c) * m);
      e = e < lo ? lo : e > hi ? hi : e;
      if (e !== 0) {
        idx[ne] = j;
        val[ne] = e;
        ne++;
      }
    }
    this.errCount[k] = ne;
  }

  /**
   * e_k from e_{k+1} through the weights of layer k (doc layer l = k + 1 ≥ 2, before its update):
   * s[i] = Σ_j W[j][i]·e[j] over the non-zero e[j], for the i with a non-zero activation (the
   * others have mask 0), then e_k[i] = m[i] ? sat_E(rnd_n(s[i], Wf + d)) : 0.
   */
  private backward(k: number): void {
    const w = this.w;
    const nOut = this.sizes[k + 1]!;
    const base = this.wOff[k]!;
    const eIdx = this.errIdx[k]!;
    const eVal = this.errVal[k]!;
    const ne = this.errCount[k]!;
    const aIdx = this.inIdx[k]!;
    const aVal = this.inVal[k]!;
    const na = this.inCount[k]!;
    const outIdx = this.errIdx[k - 1]!;
    const outVal = this.errVal[k - 1]!;
    const c = this.bwdC[k]!;
    const m = this.bwdM[k]!;
    const lo = this.eMin;
    const hi = this.eMax;
    // a_k comes from hidden layer k − 1's activation
    const maskHi = this.maskHi[k - 1]!;
    let n = 0;
    if (ne > 0) {
      for (let t = 0; t < na; t++) {
        if (aVal[t]! >= maskHi) continue; // hard-sigmoid saturated at 1: derivative 0
        const i = aIdx[t]!;
        const col = base + i * nOut;
        let s = 0;
        for (let q = 0; q < ne; q++) s += w[col + eIdx[q]!]! * eVal[q]!;
        let e = Math.floor((s + c) * m);
        e = e < lo ? lo : e > hi ? hi : e;
        if (e !== 0) {
          outIdx[n] = i;
          outVal[n] = e;
          n++;
        }
      }
    }
    this.errCount[k - 1] = n;
  }

  /**
   * W ← sat_W(W − R(e·a, S)) for the non-zero e rows × (the non-zero a columns, then the bias
   * column with a = ONE_A). The draw of row j, column i is the sequence position
   * rowPos[j] + phase + i (operation c = offset of the row's group + i). Three forms of R, chosen
   * once per model (`updateKind`): S ≤ 16 and |e·a| + r < 2^31: `(e·a + r) >> S` in int32;
   * S ≤ 16: `floor((e·a + r) · 2^-S)`; S > 16: `floor((floor(e·a · 2^-(S−16)) + r) · 2^-16)`,
   * which equals floor((e·a + r·2^(S−16)) / 2^S) without adding a large number.
   */
  private update(k: number, phase: number): void {
    const ne = this.errCount[k]!;
    if (ne === 0) return;
    const w = this.w;
    const nIn = this.sizes[k]!;
    const nOut = this.sizes[k + 1]!;
    const base = this.wOff[k]!;
    const biasCol = base + nIn * nOut;
    const eIdx = this.errIdx[k]!;
    const eVal = this.errVal[k]!;
    const aIdx = this.inIdx[k]!;
    const aVal = this.inVal[k]!;
    const na = this.inCount[k]!;
    // The draw of column i is at offset i in its row's run of operations; with skipZeroInputs
    // (layer 1) or skipZeroActivations (layers 2..L) the rows are na + 1 operations long and the
    // t-th non-zero input is at offset t.
    const sparse = k === 0 ? this.skip : this.skipAct;
    let dIdx = sparse ? this.iota : aIdx;
    let biasOff = sparse ? na : nIn;
    if (this.fused[k]) {
      // fused (§9): consecutive columns of a row are G_l operations apart (with skipZeroActivations
      // only the non-zero columns are issued: the t-th is column t of the row's run)
      const stride = this.colStride[k]!;
      const off = this.fusedOff;
      for (let t = 0; t < na; t++) off[t] = (this.skipAct ? t : aIdx[t]!) * stride;
      dIdx = off;
      biasOff = (this.skipAct ? na : nIn) * stride;
    }
    const pos = this.perSample ? this.samplePos[k]! : this.rowPos[k]!;
    const rnd = this.rnd[k]!;
    const lo = this.wMin;
    const hi = this.wMax;
    const one = this.one[k]!;
    const kind = this.updateKind[k]!;
    const S = this.geometry.updateShifts[k]!;
    const m = this.updM[k]!;
    const pre = this.updPre[k]!;
    for (let q = 0; q < ne; q++) {
      const j = eIdx[q]!;
      const e = eVal[q]!;
      let p0 = pos[j]! + phase;
      if (p0 >= LFSR_PERIOD) p0 -= LFSR_PERIOD;
      const o = base + j;
      if (kind === 0) {
        for (let t = 0; t < na; t++) {
          const i = aIdx[t]!;
          const x = w[o + i * nOut]! - ((e * aVal[t]! + rnd[p0 + dIdx[t]!]!) >> S);
          w[o + i * nOut] = x < lo ? lo : x > hi ? hi : x;
        }
      } else if (kind === 1) {
        for (let t = 0; t < na; t++) {
          const i = aIdx[t]!;
          const x = w[o + i * nOut]! - Math.floor((e * aVal[t]! + rnd[p0 + dIdx[t]!]!) * m);
          w[o + i * nOut] = x < lo ? lo : x > hi ? hi : x;
        }
      } else {
        for (let t = 0; t < na; t++) {
          const i = aIdx[t]!;
          const x = w[o + i * nOut]! - Math.floor((Math.floor(e * aVal[t]! * pre) + rnd[p0 + dIdx[t]!]!) * m);
          w[o + i * nOut] = x < lo ? lo : x > hi ? hi : x;
        }
      }
      const r = rnd[p0 + biasOff]!;
      const d = kind === 2 ? Math.floor((Math.floor(e * one * pre) + r) * m) : Math.floor((e * one + r) * m);
      const x = w[biasCol + j]! - d;
      w[biasCol + j] = x < lo ? lo : x > hi ? hi : x;
    }
  }

  private capture(input: SampleInput, label: number, train: boolean, predicted: number, n: number): void {
    const L = this.L;
    const a: Int32Array[] = [Int32Array.from(input as ArrayLike<number>)];
    const mask: Uint8Array[] = [];
    for (let k = 1; k < L; k++) {
      const ak = this.act[k]!.slice();
      a.push(ak);
      const hi = this.maskHi[k - 1]!;
      mask.push(Uint8Array.from(ak, (v) => (v > 0 && v < hi ? 1 : 0)));
    }
    const e: Int32Array[] = [];
    if (train) {
      for (let k = 0; k < L; k++) {
        const dense = new Int32Array(this.sizes[k + 1]!);
        const idx = this.errIdx[k]!;
        const val = this.errVal[k]!;
        for (let q = 0; q < this.errCount[k]!; q++) dense[idx[q]!] = val[q]!;
        e.push(dense);
      }
    }
    this.trace = {
      train,
      label,
      predicted,
      sampleNumber: n,
      z: this.z.map((x) => x.slice()),
      a,
      mask,
      e,
    };
  }
}

/**
 * The hidden activation as z·M + C → floor → + K, clamped to [0, hi], and the derivative mask's
 * upper bound (docs/ARCHITECTURE.md §1).
 */
function activationConstants(hidden: AcceleratorParams['hidden'], fm: LayerFormats, k: number): ActivationConstants {
  return activationRequantiser(hidden, activationShiftOf(fm, k), fm.act[k + 1]!);
}

/** A hidden activation a = clamp(floor((z + actC) · actM) + actK, 0, actHi); its derivative mask is 0 < a < maskHi. */
export interface ActivationConstants {
  readonly actC: number;
  readonly actM: number;
  readonly actK: number;
  readonly actHi: number;
  readonly maskHi: number;
}

/**
 * The activation's constants for sums with h more fraction bits than the activation format A
 * (h = Wf + Af − Af' ≥ 0; docs/ARCHITECTURE.md §1).
 */
export function activationRequantiser(hidden: AcceleratorParams['hidden'], h: number, A: AcceleratorFormat): ActivationConstants {
  const one = pow2(A.frac);
  if (hidden === 'relu') {
    // rnd_n(z, h)
    return { actC: h > 0 ? pow2(h - 1) : 0, actM: pow2(-h), actK: 0, actHi: pow2(A.bits) - 1, maskHi: Infinity };
  }
  // rnd_n(z + 2^(Wf+Af+1), h+2) = floor((z + 2^(h+1)) / 2^(h+2)) + 2^(Af'−1) when Af' ≥ 1,
  // floor(z / 2^(h+2)) + 1 when Af' = 0 (no large constant is added: exact for any Wf+Af).
  // min(sat_A(q), ONE_A) = clamp(q, 0, ONE_A) since ONE_A ≤ max.
  return {
    actC: A.frac >= 1 ? pow2(h + 1) : 0,
    actM: pow2(-(h + 2)),
    actK: A.frac >= 1 ? pow2(A.frac - 1) : 1,
    actHi: one,
    maskHi: one,
  };
}

/** The update's constants per layer: its arithmetic kind, scale factors, the LFSR sequence and the rounding addends. */
function updateConstants(params: AcceleratorParams, geometry: ReturnType<typeof acceleratorGeometry>, fm: ReturnType<typeof layerFormats>, aMax: number) {
  const L = geometry.L;
  const perLayer = (f: (k: number) => number) => Float64Array.from({ length: L }, (_, k) => f(k));
  const dedicated = params.variant === 'dedicated';
  // |e·a| + r < 2^31 (a ≤ max_A also bounds the bias's ONE_A): the int32 shift is exact
  const intOk = pow2(fm.error[0]!.bits - 1) * aMax + pow2(16) < pow2(31);
  // The dedicated variant multiplies e·a by lr = 2^(16−k) (Q0.16) and shifts by
  // Sd = Ef + Af − Wf + 16 ≥ 16, so its random addend is r·2^(Sd−16): the update is
  // floor((e·a·2^(16−S) + r) / 2^16) for every S, the third form below with all 16 bits of r.
  const wide = (k: number) => geometry.updateShifts[k]! > 16 || dedicated;
  const updateKind = Array.from({ length: L }, (_, k): 0 | 1 | 2 => (wide(k) ? 2 : intOk ? 0 : 1));
  const updM = perLayer((k) => pow2(-(wide(k) ? 16 : geometry.updateShifts[k]!)));
  const updPre = perLayer((k) => pow2(-(geometry.updateShifts[k]! - 16)));
  const seq = lfsrSequence(params.seed);
  // a row's draws span its columns; a fused layer's (§9) are G_l operations apart
  const maxRow = Math.max(...params.layers.slice(0, -1).map((n, k) => (n + 1) * (fusesUpdate(params, k) ? geometry.groups[k]! : 1)));
  const tables = new Map<string, Uint16Array>();
  const rnd = Array.from({ length: L }, (_, k) => {
    const key = `${geometry.updateShifts[k]} ${wide(k)}`;
    const t = tables.get(key) ?? roundingAddends(params.rounding, geometry.updateShifts[k]!, wide(k), seq, maxRow);
    tables.set(key, t);
    return t;
  });
  return { updateKind, updM, updPre, seq, rnd };
}

/**
 * The update's rounding addend for each LFSR position (one period plus the longest row, so a
 * row never wraps mid-way): 0 (truncate), half (nearest), or the state's low S bits
 * (stochastic; in the wide form all 16 bits).
 */
export function roundingAddends(rounding: AcceleratorParams['rounding'], S: number, wide: boolean, seq: ArrayLike<number>, maxRow: number): Uint16Array {
  const rs = new Uint16Array(LFSR_PERIOD + maxRow);
  for (let q = 0; q < rs.length; q++) {
    const state = seq[q % LFSR_PERIOD] ?? 0;
    if (rounding === 'nearest') rs[q] = wide ? pow2(15) : S === 0 ? 0 : pow2(S - 1);
    else if (rounding === 'stochastic') rs[q] = wide ? state : state & (pow2(S) - 1);
  }
  return rs;
}

/** Per weight layer: each row's first LFSR position, and the buffers of one sample. */
function layerBuffers(geometry: AcceleratorGeometry, layers: readonly number[], colStride: Int32Array) {
  const buffers = {
    rowPos: [] as Int32Array[],
    z: [] as Float64Array[],
    act: [] as Int32Array[],
    inIdx: [] as Int32Array[],
    inVal: [] as Int32Array[],
    errIdx: [] as Int32Array[],
    errVal: [] as Int32Array[],
  };
  for (let k = 0; k < geometry.L; k++) {
    const nIn = layers[k] ?? 0;
    const nOut = layers[k + 1] ?? 0;
    const pos = new Int32Array(nOut);
    for (let j = 0; j < nOut; j++) {
      const p = j % geometry.P;
      const g = (j - p) / geometry.P;
      // row-major groups (a group's row runs nIn + 1 operations), or fused (§9): group g is operation g of each column
      pos[j] = ((geometry.laneStarts[p] ?? 0) + (geometry.updateOpOffsets[k] ?? 0) + (colStride[k] === 1 ? g * (nIn + 1) : g)) % LFSR_PERIOD;
    }
    buffers.rowPos.push(pos);
    buffers.z.push(new Float64Array(nOut));
    buffers.act.push(new Int32Array(k === 0 ? 0 : nIn));
    buffers.inIdx.push(new Int32Array(nIn));
    buffers.inVal.push(new Int32Array(nIn));
    buffers.errIdx.push(new Int32Array(nOut));
    buffers.errVal.push(new Int32Array(nOut));
  }
  return buffers;
}
