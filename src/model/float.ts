/**
 * The float32 reference trainer: the network the accelerator trains (docs/ARCHITECTURE.md §1),
 * without quantisation. Same layers, hidden activation (ReLU, or hard-sigmoid
 * clamp(z/4 + 1/2, 0, 1)), linear output layer, biases; the same MSE loss L = ½ Σ_j (z_L[j] − t_j)²
 * with t the one-hot label, so dL/dz_L = z_L − onehot; the same backward step (through the
 * weights before their update, derivative mask of the activation: ReLU a > 0, hard-sigmoid
 * 0 < a < 1 with slope 1/4); per-sample SGD with learning rate 2^-lrShift, layer L first; the
 * same prediction (argmax of z_L, ties to the lowest index). Started from `initialFloatWeights`
 * (the accelerator's initial weights before they are quantised), fed the same sample order, the
 * difference to the golden model measures quantisation only.
 *
 * Weights and biases live in a Float32Array in the accelerator's stream order (layer by layer,
 * row j: columns 0..N_{l-1}−1, then the bias); activations, errors, products and sums are
 * doubles, rounded to float32 only when a weight is stored. A zero input or activation is
 * skipped in the forward pass and the update (exact: it contributes 0).
 */
import { initialFloatWeights } from './accelerator.js';

export interface FloatTrainerParams {
  /** N_0, …, N_L. */
  readonly layers: readonly number[];
  readonly hidden: 'relu' | 'hardsigmoid';
  /** k in the learning rate 2^-k: one for every weight layer, or a list with one per weight layer. */
  readonly lrShift: number | readonly number[];
}

export class FloatTrainer {
  readonly params: FloatTrainerParams;
  /** 2^-lrShift of each weight layer. */
  readonly learningRates: readonly number[];
  private readonly L: number;
  private readonly sizes: Int32Array;
  /** Stream order: layer k's row j at wOff[k] + j·(N_k + 1), bias last. */
  private readonly w: Float32Array;
  private readonly wOff: Int32Array;
  /** z[k]: pre-activations of weight layer k (z[L−1] = z_L). */
  private readonly z: Float64Array[];
  /** a[k]: input of weight layer k (a[0] = the sample, a[k] hidden activations). */
  private readonly a: Float64Array[];
  /** e[k]: dL/dz of weight layer k. */
  private readonly e: Float64Array[];
  /** Non-zero entries of a[k]: indices nzIdx[k][0..nzCount[k]) and values nzVal[k]. */
  private readonly nzIdx: Int32Array[];
  private readonly nzVal: Float64Array[];
  private readonly nzCount: Int32Array;
  private loss = 0;

  constructor(params: FloatTrainerParams, weights?: Float32Array) {
    const sizes = params.layers;
    if (sizes.length < 2 || !sizes.every((n) => Number.isInteger(n) && n >= 1)) {
      throw new RangeError(`FloatTrainer: layers must be ≥ 2 positive integers, got ${JSON.stringify(sizes)}`);
    }
    if (params.hidden !== 'relu' && params.hidden !== 'hardsigmoid')
      throw new RangeError(`FloatTrainer: hidden must be relu or hardsigmoid, got ${String(params.hidden)}`);
    const shifts = Array.isArray(params.lrShift) ? [...(params.lrShift as readonly number[])] : sizes.slice(1).map(() => params.lrShift as number);
    if (shifts.length !== sizes.length - 1 || !shifts.every((k) => Number.isInteger(k) && k >= 0))
      throw new RangeError(`FloatTrainer: lrShift must be a non-negative integer or one per weight layer, got ${JSON.stringify(params.lrShift)}`);
    this.params = { layers: [...sizes], hidden: params.hidden, lrShift: Array.isArray(params.lrShift) ? shifts : params.lrShift };
    this.learningRates = shifts.map((k) => 2 ** -k);
    this.L = sizes.length - 1;
    this.sizes = Int32Array.from(sizes);
    const offs: number[] = [];
    let n = 0;
    for (let k = 0; k < this.L; k++) {
      offs.push(n);
      n += sizes[k + 1]! * (sizes[k]! + 1);
    }
    this.wOff = Int32Array.from(offs);
    this.w = new Float32Array(n);
    this.z = [];
    this.a = [];
    this.e = [];
    this.nzIdx = [];
    this.nzVal = [];
    for (let k = 0; k < this.L; k++) {
      this.z.push(new Float64Array(sizes[k + 1]!));
      this.a.push(new Float64Array(sizes[k]!));
      this.e.push(new Float64Array(sizes[k + 1]!));
      this.nzIdx.push(new Int32Array(sizes[k]!));
      this.nzVal.push(new Float64Array(sizes[k]!));
    }
    this.nzCount = new Int32Array(this.L);
    if (weights) this.loadWeights(weights);
  }

  /** A trainer started from `initialFloatWeights(layers, seed)`. */
  static withInitialWeights(params: FloatTrainerParams, seed: number): FloatTrainer {
    return new FloatTrainer(params, initialFloatWeights(params.layers, seed));
  }

  /** Σ N_l·(N_{l-1}+1): weights and biases. */
  get paramCount(): number {
    return this.w.length;
  }

  /** Loads weights and biases in stream order (a copy is kept). */
  loadWeights(weights: ArrayLike<number>): void {
    if (weights.length !== this.w.length) throw new RangeError(`FloatTrainer.loadWeights: expected ${this.w.length} values, got ${weights.length}`);
    for (let q = 0; q < weights.length; q++) {
      if (!Number.isFinite(weights[q]!)) throw new RangeError(`FloatTrainer.loadWeights: value ${q} is ${weights[q]}`);
    }
    this.w.set(weights);
  }

  /** The weights and biases in stream order (a copy). */
  readWeights(): Float32Array {
    return this.w.slice();
  }

  /** One SGD step on (x, label); returns the prediction of its forward pass (before the update). */
  train(x: ArrayLike<number>, label: number): number {
    const nOut = this.sizes[this.L]!;
    if (!(Number.isInteger(label) && label >= 0 && label < nOut))
      throw new RangeError(`FloatTrainer.train: label must be an integer in 0..${nOut - 1}, got ${label}`);
    const predicted = this.forward(x);
    this.backwardAndUpdate(label);
    return predicted;
  }

  /** The prediction for x (no update). */
  infer(x: ArrayLike<number>): number {
    return this.forward(x);
  }

  /** ½ Σ (z_L − onehot)² of the last `train` call. */
  get lastLoss(): number {
    return this.loss;
  }

  /** z_L of the last sample (a live view). */
  lastOutputs(): ArrayLike<number> {
    return this.z[this.L - 1]!;
  }

  /** The inputs a_k of weight layer k in the last sample (k = 0: the sample): a live view, overwritten by the next sample. */
  lastInputs(k: number): ArrayLike<number> {
    const a = this.a[k];
    if (!a) throw new RangeError(`FloatTrainer: no weight layer ${k} (0..${this.L - 1})`);
    return a;
  }

  /** The errors dL/dz of weight layer k in the last training sample: a live view, overwritten by the next one. */
  lastErrors(k: number): ArrayLike<number> {
    const e = this.e[k];
    if (!e) throw new RangeError(`FloatTrainer: no weight layer ${k} (0..${this.L - 1})`);
    return e;
  }

  private forward(x: ArrayLike<number>): number {
    const L = this.L;
    const n0 = this.sizes[0]!;
    if (x.length !== n0) throw new RangeError(`FloatTrainer: expected ${n0} inputs, got ${x.length}`);
    const a0 = this.a[0]!;
    const idx0 = this.nzIdx[0]!;
    const val0 = this.nzVal[0]!;
    let nz = 0;
    for (let i = 0; i < n0; i++) {
      const v = x[i]!;
      a0[i] = v;
      if (v !== 0) {
        idx0[nz] = i;
        val0[nz++] = v;
      }
    }
    this.nzCount[0] = nz;
    const relu = this.params.hidden === 'relu';
    const w = this.w;
    for (let k = 0; k < L; k++) {
      const nIn = this.sizes[k]!;
      const nOut = this.sizes[k + 1]!;
      const idx = this.nzIdx[k]!;
      const val = this.nzVal[k]!;
      const cnt = this.nzCount[k]!;
      const z = this.z[k]!;
      const row = nIn + 1;
      const base = this.wOff[k]!;
      let j = 0;
      // four rows at a time: each non-zero input is loaded once for all four
      for (; j + 4 <= nOut; j += 4) {
        const o0 = base + j * row;
        const o1 = o0 + row;
        const o2 = o1 + row;
        const o3 = o2 + row;
        let s0 = w[o0 + nIn]!;
        let s1 = w[o1 + nIn]!;
        let s2 = w[o2 + nIn]!;
        let s3 = w[o3 + nIn]!;
        for (let q = 0; q < cnt; q++) {
          const i = idx[q]!;
          const v = val[q]!;
          s0 += w[o0 + i]! * v;
          s1 += w[o1 + i]! * v;
          s2 += w[o2 + i]! * v;
          s3 += w[o3 + i]! * v;
        }
        z[j] = s0;
        z[j + 1] = s1;
        z[j + 2] = s2;
        z[j + 3] = s3;
      }
      for (; j < nOut; j++) {
        const o = base + j * row;
        let s = w[o + nIn]!;
        for (let q = 0; q < cnt; q++) s += w[o + idx[q]!]! * val[q]!;
        z[j] = s;
      }
      if (k < L - 1) {
        const next = this.a[k + 1]!;
        const nIdx = this.nzIdx[k + 1]!;
        const nVal = this.nzVal[k + 1]!;
        let m = 0;
        for (let j = 0; j < nOut; j++) {
          const v = relu ? (z[j]! > 0 ? z[j]! : 0) : Math.min(1, Math.max(0, z[j]! / 4 + 0.5));
          next[j] = v;
          if (v !== 0) {
            nIdx[m] = j;
            nVal[m++] = v;
          }
        }
        this.nzCount[k + 1] = m;
      }
    }
    const zL = this.z[L - 1]!;
    let best = 0;
    for (let j = 1; j < zL.length; j++) if (zL[j]! > zL[best]!) best = j;
    return best;
  }

  private backwardAndUpdate(label: number): void {
    const L = this.L;
    const zL = this.z[L - 1]!;
    const eL = this.e[L - 1]!;
    let loss = 0;
    for (let j = 0; j < zL.length; j++) {
      const d = zL[j]! - (j === label ? 1 : 0);
      eL[j] = d;
      loss += d * d;
    }
    this.loss = loss / 2;
    const w = this.w;
    const relu = this.params.hidden === 'relu';
    // backward through the weights before their update
    for (let k = L - 1; k >= 1; k--) {
      const nIn = this.sizes[k]!;
      const nOut = this.sizes[k + 1]!;
      const e = this.e[k]!;
      const below = this.e[k - 1]!;
      const a = this.a[k]!; // the activations of the layer below (hidden layer k)
      const row = nIn + 1;
      const base = this.wOff[k]!;
      for (let i = 0; i < nIn; i++) {
        const v = a[i]!;
        const masked = relu ? !(v > 0) : !(v > 0 && v < 1);
        if (masked) {
          below[i] = 0;
          continue;
        }
        let s = 0;
        for (let j = 0; j < nOut; j++) s += w[base + j * row + i]! * e[j]!;
        below[i] = relu ? s : s * 0.25;
      }
    }
    // update, layer L first
    for (let k = L - 1; k >= 0; k--) {
      const lr = this.learningRates[k]!;
      const nIn = this.sizes[k]!;
      const nOut = this.sizes[k + 1]!;
      const e = this.e[k]!;
      const idx = this.nzIdx[k]!;
      const val = this.nzVal[k]!;
      const cnt = this.nzCount[k]!;
      const row = nIn + 1;
      let o = this.wOff[k]!;
      for (let j = 0; j < nOut; j++, o += row) {
        const g = lr * e[j]!;
        if (g === 0) continue;
        for (let q = 0; q < cnt; q++) {
          const i = o + idx[q]!;
          w[i] = w[i]! - g * val[q]!;
        }
        w[o + nIn] = w[o + nIn]! - g;
      }
    }
  }
}
