/**
 * The golden model of a network with convolution and pooling (docs/ARCHITECTURE.md §17): the
 * arithmetic of §1 (integer codes, rnd_n and sat per format, the shifter update with the
 * configured rounding) on the layers of src/config/network.ts, and the LFSR draws of §2 numbered
 * over the update operations §17 defines. The contract the convolution RTL will be proven
 * against; today `taxonn train --engine golden` runs it.
 *
 * Every value is an integer code in a double; sums are exact (the configuration's accBits bounds
 * every forward, backward and gradient sum below 2^48), and every rounding is a floor of an
 * exact value times a power of two, as in src/model/accelerator.ts.
 */
import { layerArithmetic, type Config } from '../../config/index.js';
import { activationRequantiser, type ActivationConstants, initialRowValues, quantiseInitial, roundingAddends, type SampleInput } from '../accelerator.js';
import { LFSR_PERIOD, laneStride, lfsrSequence } from '../lfsr.js';
import { ConvNetworkCore } from './core.js';
import { networkRowShapes } from './geometry.js';

const pow2 = (n: number) => 2 ** n;

export class GoldenConvNetwork extends ConvNetworkCore {
  readonly config: Config;
  protected readonly w: Float64Array[];
  protected readonly one: Float64Array;
  private readonly aMax: number;
  private readonly wMin: number;
  private readonly wMax: number;
  private readonly eMin: number;
  private readonly eMax: number;
  private readonly act: readonly ActivationConstants[];
  /** Output error: e = sat_E(floor((z − t + outC) · outM)), t = `target` at the label. */
  private readonly target: number;
  private readonly outC: number;
  private readonly outM: number;
  /** Backward requantisation shift of layer k (k ≥ 1) before the pools' 2 bits each (avg). */
  private readonly bwdShift: Int32Array;
  /** The update's scale factors per layer: d = floor((g + r) · updM); wide, d = floor((floor(g · updPre) + r) · updM), updM = 2^-16. */
  private readonly updM: Float64Array;
  private readonly updPre: Float64Array;
  private readonly rnd: readonly Uint16Array[];
  private readonly laneStarts: Int32Array;
  private readonly P: number;
  private readonly skipInputs: boolean;
  private readonly skipAct: boolean;
  private readonly skipErr: boolean;
  /** Per weight layer, the update's wide form (S > 16, or the dedicated variant). */
  private readonly wide: readonly boolean[];
  /** Σ over the training samples so far of their update operations, mod 65535. */
  private phase = 0;
  private opsLast = 0;
  /** False for the inference variant: training samples run as inferences (as GoldenAccelerator). */
  private readonly trains: boolean;

  constructor(cfg: Config) {
    super(cfg);
    this.config = cfg;
    this.trains = cfg.variant !== 'inference';
    const ar = layerArithmetic(cfg);
    this.w = this.geo.map((g) => new Float64Array(g.rows * (g.cols + 1)));
    this.one = Float64Array.from(ar, (a) => pow2(a.act.frac));
    const W = ar[0]!.weight.bits;
    const E = ar[0]!.error.bits;
    this.aMax = pow2(ar[0]!.act.bits) - 1;
    this.wMin = -pow2(W - 1);
    this.wMax = pow2(W - 1) - 1;
    this.eMin = -pow2(E - 1);
    this.eMax = pow2(E - 1) - 1;
    this.act = ar.slice(0, -1).map((a) => activationRequantiser(cfg.hidden, a.activationShift ?? 0, a.outAct!));
    const last = ar.at(-1)!;
    this.target = pow2(last.zFrac);
    const outShift = last.zFrac - last.error.frac;
    this.outC = outShift > 0 ? pow2(outShift - 1) : 0;
    this.outM = pow2(-outShift);
    this.bwdShift = Int32Array.from(ar, (a) => a.backwardShift ?? 0);
    // the wide form: S > 16, or the dedicated variant's learning-rate multiplier (all 16 LFSR bits, docs/ARCHITECTURE.md §9)
    this.wide = ar.map((a) => a.updateShift > 16 || cfg.variant === 'dedicated');
    this.updM = Float64Array.from(ar, (a, k) => pow2(-(this.wide[k] ? 16 : a.updateShift)));
    this.updPre = Float64Array.from(ar, (a) => pow2(16 - a.updateShift));
    const seq = lfsrSequence(cfg.seed);
    const maxRow = Math.max(...this.geo.map((g) => g.cols + 1));
    this.rnd = ar.map((a, k) => roundingAddends(cfg.rounding, a.updateShift, this.wide[k]!, seq, maxRow));
    this.P = cfg.pes;
    this.laneStarts = Int32Array.from({ length: cfg.pes }, (_, p) => p * laneStride(cfg.pes));
    this.skipInputs = cfg.skipZeroInputs;
    this.skipAct = cfg.skipZeroActivations;
    this.skipErr = cfg.skipZeroErrors;
  }

  /** The initial weight codes: initialNetworkValues rounded to the nearest code (ties up), saturated. */
  static initialWeights(cfg: Config, seed: number): Int32Array {
    const network = cfg.network;
    if (!network) throw new RangeError('GoldenConvNetwork.initialWeights: the configuration has no convolution or pooling layer');
    const shapes = networkRowShapes(network);
    return quantiseInitial(initialRowValues(shapes, seed), shapes, cfg.weight);
  }

  /** Loads weight codes in stream order; checks the length and every code (nothing loaded on an error). */
  loadWeights(codes: Int32Array | readonly number[]): void {
    if (codes.length !== this.paramCount) throw new RangeError(`loadWeights: expected ${this.paramCount} codes, got ${codes.length}`);
    for (let q = 0; q < codes.length; q++) {
      const c = codes[q]!;
      if (!Number.isInteger(c) || c < this.wMin || c > this.wMax) {
        throw new RangeError(`loadWeights: code ${q} is ${c}, outside the weight format (integers ${this.wMin}..${this.wMax})`);
      }
    }
    this.loadStream(codes);
  }

  readWeights(): Int32Array {
    return this.readStream(new Int32Array(this.paramCount));
  }

  /** Update operations of the last training sample (U of §2 for this sample). */
  lastUpdateOps(): number {
    return this.opsLast;
  }

  /** The LFSR phase: Σ U over the training samples so far, mod 65535. */
  lfsrPhase(): number {
    return this.phase;
  }

  train(input: SampleInput, label: number): number {
    return this.run(input, label, this.trains);
  }

  infer(input: SampleInput): number {
    return this.run(input, 0, false);
  }

  private run(input: SampleInput, label: number, train: boolean): number {
    const nOut = this.geo[this.L - 1]!.rows;
    if (train && !(Number.isInteger(label) && label >= 0 && label < nOut))
      throw new RangeError(`sample: label must be an integer in 0..${nOut - 1}, got ${label}`);
    this.gather(input);
    const rnd = (sum: number) => Math.floor((sum + 2) / 4);
    for (let k = 0; k < this.L; k++) {
      this.poolInto(k, rnd);
      this.forward(k);
      if (k < this.L - 1) this.activate(k);
    }
    const predicted = this.argmax();
    if (!train) return predicted;
    this.outputError(label);
    for (let k = this.L - 1; k >= 1; k--) this.backward(k);
    let c = 0;
    for (let k = this.L - 1; k >= 0; k--) c = this.update(k, c);
    this.opsLast = c;
    this.phase = (this.phase + (c % LFSR_PERIOD)) % LFSR_PERIOD;
    return predicted;
  }

  private gather(input: SampleInput): void {
    const n = this.input.length;
    if (input.length !== n) throw new RangeError(`sample: expected ${n} input codes, got ${input.length}`);
    for (let i = 0; i < n; i++) {
      const v = input[i]!;
      if (!(Number.isInteger(v) && v >= 0 && v <= this.aMax))
        throw new RangeError(`sample: input ${i} is ${v}, outside the activation format (integers 0..${this.aMax})`);
      this.input[i] = v;
    }
  }

  private activate(k: number): void {
    const { actC, actM, actK, actHi } = this.act[k]!;
    const z = this.z[k]!;
    const a = this.a[k]!;
    for (let i = 0; i < z.length; i++) {
      const v = Math.floor((z[i]! + actC) * actM) + actK;
      a[i] = v < 0 ? 0 : v > actHi ? actHi : v;
    }
  }

  private outputError(label: number): void {
    const k = this.L - 1;
    const z = this.z[k]!;
    const e = this.e[k]!;
    for (let j = 0; j < z.length; j++) {
      const v = Math.floor((z[j]! - (j === label ? this.target : 0) + this.outC) * this.outM);
      e[j] = v < this.eMin ? this.eMin : v > this.eMax ? this.eMax : v;
    }
    this.markLive(k);
  }

  /** e[k − 1] = m ? sat_E(rnd_n(routed s, backwardShift + 2 per avg pool)) : 0 (no route: 0). */
  private backward(k: number): void {
    const { routed, avgPools } = this.backwardSums(k, 1);
    const shift = this.bwdShift[k]! + 2 * avgPools;
    const c = shift > 0 ? pow2(shift - 1) : 0;
    const m = pow2(-shift);
    const a = this.a[k - 1]!;
    const maskHi = this.act[k - 1]!.maskHi;
    const e = this.e[k - 1]!;
    for (let p = 0; p < e.length; p++) {
      const s = routed[p]!;
      const v = a[p]!;
      if (Number.isNaN(s) || v === 0 || v >= maskHi) {
        e[p] = 0;
        continue;
      }
      const q = Math.floor((s + c) * m);
      e[p] = q < this.eMin ? this.eMin : q > this.eMax ? this.eMax : q;
    }
    this.markLive(k - 1);
  }

  /**
   * W ← sat_W(W − R(g, S)) for weight layer k, its operations numbered from `c` (§17): groups of P
   * rows (skipped, unnumbered, when skipZeroErrors and their errors are all zero), each issuing
   * its columns then the bias; a convolution issues every column, a dense layer only the non-zero
   * inputs with skipZeroInputs (the first weight layer) or skipZeroActivations (the others).
   * Returns the next operation number.
   */
  private update(k: number, c0: number): number {
    const { rows: F, cols, layer, positions } = this.geo[k]!;
    const sparse = layer.kind === 'dense' && (k === 0 ? this.skipInputs : this.skipAct);
    // a dense layer's gradient is one product: only its non-zero inputs' columns can change
    const nz = this.nonZeroInputs(k);
    const issued = sparse ? nz : cols;
    if (layer.kind === 'conv') this.gradient(k);
    const e = this.e[k]!;
    let c = c0;
    for (let j0 = 0; j0 < F; j0 += this.P) {
      const j1 = Math.min(F, j0 + this.P);
      if (this.skipErr && !groupHasError(e, F, positions, j0, j1)) continue;
      for (let j = j0; j < j1; j++) {
        const pos = (this.laneStarts[j - j0]! + this.phase + c) % LFSR_PERIOD;
        if (layer.kind === 'conv') this.roundConvRow(k, j, pos);
        else if (e[j] !== 0) this.roundDenseRow(k, j, pos, nz, sparse);
      }
      c += issued + 1;
    }
    return c;
  }

  /** W[j][i] ← sat_W(W[j][i] − R(g, S)) over a convolution row's columns and bias, column i drawing at pos + i. */
  private roundConvRow(k: number, j: number, pos: number): void {
    const { rows: F, cols } = this.geo[k]!;
    const g = this.g[k]!;
    const rnd = this.rnd[k]!;
    const w = this.w[k]!;
    const pre = this.updPre[k]!;
    const m = this.updM[k]!;
    const wide = this.wide[k]!;
    const lo = this.wMin;
    const hi = this.wMax;
    for (let i = 0; i <= cols; i++) {
      const q = i * F + j;
      const gv = g[q]!;
      if (gv === 0) continue;
      const r = rnd[pos + i]!;
      const v = w[q]! - (wide ? Math.floor((Math.floor(gv * pre) + r) * m) : Math.floor((gv + r) * m));
      w[q] = v < lo ? lo : v > hi ? hi : v;
    }
  }

  /**
   * A dense row: g = e[j] · x[i] over the non-zero inputs (nzCol), the t-th drawing at pos + t
   * when the layer issues only those (sparse), else at pos + i; the bias after the issued columns.
   */
  private roundDenseRow(k: number, j: number, pos: number, nz: number, sparse: boolean): void {
    const { rows: F, cols } = this.geo[k]!;
    const x = this.x[k]!;
    const rnd = this.rnd[k]!;
    const w = this.w[k]!;
    const col = this.nzCol;
    const ej = this.e[k]![j]!;
    const pre = this.updPre[k]!;
    const m = this.updM[k]!;
    const wide = this.wide[k]!;
    const lo = this.wMin;
    const hi = this.wMax;
    for (let t = 0; t <= nz; t++) {
      // the bias last: its input is 1.0 (one), its draw after the issued columns
      const i = t < nz ? col[t]! : cols;
      const gv = ej * (t < nz ? x[i]! : this.one[k]!);
      const r = rnd[pos + (sparse ? t : i)]!;
      const q = i * F + j;
      const v = w[q]! - (wide ? Math.floor((Math.floor(gv * pre) + r) * m) : Math.floor((gv + r) * m));
      w[q] = v < lo ? lo : v > hi ? hi : v;
    }
  }
}

/** Whether rows j0..j1 of an error map (positions × F) have a non-zero error. */
function groupHasError(e: Float64Array, F: number, positions: number, j0: number, j1: number): boolean {
  for (let o = 0; o < positions; o++) for (let j = j0; j < j1; j++) if (e[o * F + j] !== 0) return true;
  return false;
}
