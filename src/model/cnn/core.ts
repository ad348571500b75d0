/**
 * The passes of a network with convolution that the golden model and the float32 reference share
 * (docs/ARCHITECTURE.md §17): the forward sums, the pools, the backward sums through the weights
 * before their update and the pools' routes, and the weight-gradient sums. Every sum is a plain
 * sum of products in a double: exact for the golden model's integer codes (a valid configuration
 * keeps every sum below 2^48), and the float reference's arithmetic. What differs (rounding,
 * requantisation, the update) is in the subclasses' hooks, called once per value, not per MAC.
 *
 * Index conventions: weight layers k = 0..L−1 (the doc's layer l = k + 1); x[k] is weight layer
 * k's input (after the pools before it), z[k] its sums, a[k] its activation (hidden layers),
 * e[k] its output errors; all feature maps channels last.
 */
import { volume, weightLayers, type Config, type Network, type PoolLayer } from '../../config/index.js';
import { poolBackward, poolForward, poolsBefore, weightGeometry, type WeightGeometry } from './geometry.js';

export abstract class ConvNetworkCore {
  readonly network: Network;
  /** Weights and biases in stream order. */
  readonly paramCount: number;
  protected readonly L: number;
  protected readonly geo: readonly WeightGeometry[];
  /** pools[k]: the pooling layers before weight layer k. */
  protected readonly pools: readonly (readonly PoolLayer[])[];
  /** w[k]: column-major, W[row][col] at col·rows + row, bias at cols·rows + row. */
  protected abstract readonly w: readonly (Float32Array | Float64Array)[];
  /** The bias input of weight layer k (1.0 in its input's format). */
  protected abstract readonly one: Float64Array;
  protected readonly input: Float64Array;
  protected readonly x: Float64Array[];
  protected readonly z: Float64Array[];
  protected readonly a: Float64Array[];
  protected readonly e: Float64Array[];
  /**
   * The non-zero errors of weight layer k, as a list (markLive): position errO, row errF, value
   * errV, errN[k] of them. The backward and gradient passes run over it: a max pool sends a
   * window's error to one place, ReLU masks about half, so most products would be zero.
   */
  protected readonly errO: Int32Array[];
  protected readonly errF: Int32Array[];
  protected readonly errV: Float64Array[];
  protected readonly errN: Int32Array;
  /** s[k]: backward sums over weight layer k's input (k ≥ 1). */
  protected readonly s: Float64Array[];
  /** g[k]: gradient sums, column-major as w[k]. */
  protected readonly g: Float64Array[];
  /** nonZeroInputs: the indices of weight layer k's non-zero inputs. */
  protected readonly nzCol: Int32Array;
  /** Scratch of the forward pass: one position's non-zero inputs (weight column offset, value). */
  private readonly gatherAt: Int32Array;
  private readonly gatherVal: Float64Array;
  private readonly poolOut: Float64Array[][];
  private readonly poolArg: Int32Array[][];
  private readonly poolIn: Float64Array[][];

  /**
   * The feature maps of the last sample, one per layer object (the input first, then each pool's
   * output and each hidden weight layer's activations, in the order of `layers`); the last is the
   * output layer's input.
   */
  lastMaps(): Float64Array[] {
    const maps = [this.input];
    for (let k = 0; k < this.L; k++) {
      maps.push(...this.poolOut[k]!);
      if (k < this.L - 1) maps.push(this.a[k]!);
    }
    return maps;
  }

  constructor(cfg: Config) {
    if (!cfg.network) throw new RangeError('ConvNetworkCore: the configuration has no convolution or pooling layer (use GoldenAccelerator or FloatTrainer)');
    this.network = cfg.network;
    this.geo = weightLayers(cfg.network).map(weightGeometry);
    this.L = this.geo.length;
    this.pools = poolsBefore(cfg.network);
    this.paramCount = this.geo.reduce((n, g) => n + g.rows * (g.cols + 1), 0);
    this.input = new Float64Array(volume(cfg.network.input));
    this.z = this.geo.map((g) => new Float64Array(g.outSize));
    this.a = this.geo.map((g, k) => new Float64Array(k < this.L - 1 ? g.outSize : 0));
    this.e = this.geo.map((g) => new Float64Array(g.outSize));
    this.errO = this.geo.map((g) => new Int32Array(g.outSize));
    this.errF = this.geo.map((g) => new Int32Array(g.outSize));
    this.errV = this.geo.map((g) => new Float64Array(g.outSize));
    this.errN = new Int32Array(this.geo.length);
    const maxCols = Math.max(...this.geo.map((g) => g.cols));
    this.gatherAt = new Int32Array(maxCols);
    this.nzCol = new Int32Array(Math.max(...this.geo.map((g) => g.inSize)));
    this.gatherVal = new Float64Array(maxCols);
    this.s = this.geo.map((g, k) => new Float64Array(k > 0 ? g.inSize : 0));
    this.g = this.geo.map((g) => new Float64Array(g.rows * (g.cols + 1)));
    this.poolOut = this.pools.map((ps) => ps.map((p) => new Float64Array(volume(p.out))));
    this.poolArg = this.pools.map((ps) => ps.map((p) => new Int32Array(volume(p.out))));
    this.poolIn = this.pools.map((ps, k) => (k > 0 ? ps.map((p) => new Float64Array(volume(p.in))) : []));
    // a weight layer's input: the last pool's output, else the layer below's activation (or the input)
    this.x = this.pools.map((_, k) => this.poolOut[k]!.at(-1) ?? (k === 0 ? this.input : this.a[k - 1]!));
    if (this.pools.length !== this.L) throw new Error('ConvNetworkCore: pools and weight layers disagree');
  }

  /**
   * z[k] = W · (the taps of each position) + b · one. Per position, the non-zero inputs of its
   * taps are gathered first (column offset and value); then blocks of 8 and 4 outputs are kept in
   * registers while that list streams by (as GoldenAccelerator's forward pass does).
   */
  protected forward(k: number): void {
    const { rows: F, cols, channels: C, positions, tapStart, pixel, place } = this.geo[k]!;
    const w = this.w[k]!;
    const x = this.x[k]!;
    const z = this.z[k]!;
    const one = this.one[k]!;
    const bias = cols * F;
    const at = this.gatherAt;
    const val = this.gatherVal;
    for (let o = 0; o < positions; o++) {
      let n = 0;
      for (let t = tapStart[o]!; t < tapStart[o + 1]!; t++) {
        const ib = pixel[t]! * C;
        const wb = place[t]! * C;
        for (let c = 0; c < C; c++) {
          const v = x[ib + c]!;
          if (v === 0) continue;
          at[n] = (wb + c) * F;
          val[n++] = v;
        }
      }
      const zo = o * F;
      let f = 0;
      for (; f + 8 <= F; f += 8) {
        const b = bias + f;
        let z0 = w[b]! * one;
        let z1 = w[b + 1]! * one;
        let z2 = w[b + 2]! * one;
        let z3 = w[b + 3]! * one;
        let z4 = w[b + 4]! * one;
        let z5 = w[b + 5]! * one;
        let z6 = w[b + 6]! * one;
        let z7 = w[b + 7]! * one;
        for (let q = 0; q < n; q++) {
          const col = at[q]! + f;
          const v = val[q]!;
          z0 += w[col]! * v;
          z1 += w[col + 1]! * v;
          z2 += w[col + 2]! * v;
          z3 += w[col + 3]! * v;
          z4 += w[col + 4]! * v;
          z5 += w[col + 5]! * v;
          z6 += w[col + 6]! * v;
          z7 += w[col + 7]! * v;
        }
        z[zo + f] = z0;
        z[zo + f + 1] = z1;
        z[zo + f + 2] = z2;
        z[zo + f + 3] = z3;
        z[zo + f + 4] = z4;
        z[zo + f + 5] = z5;
        z[zo + f + 6] = z6;
        z[zo + f + 7] = z7;
      }
      for (; f < F; f++) {
        let acc = w[bias + f]! * one;
        for (let q = 0; q < n; q++) acc += w[at[q]! + f]! * val[q]!;
        z[zo + f] = acc;
      }
    }
  }

  /** The pools before weight layer k, from its source (the input or a[k − 1]) to x[k]. */
  protected poolInto(k: number, avg: (sum: number) => number): void {
    const ps = this.pools[k]!;
    let src: Float64Array = k === 0 ? this.input : this.a[k - 1]!;
    ps.forEach((p, i) => {
      const out = this.poolOut[k]![i]!;
      poolForward(p, src, out, this.poolArg[k]![i]!, avg);
      src = out;
    });
  }

  /**
   * s[k] = Wᵀ e[k] over weight layer k's input (k ≥ 1), routed back through the pools before it;
   * returns the values at a[k − 1]'s places (NaN where no error reaches: a max pool's losers,
   * dropped edges) and the number of avg pools passed (each scales by `avgScale`).
   */
  protected backwardSums(k: number, avgScale: number): { readonly routed: Float64Array; readonly avgPools: number } {
    const { rows: F, channels: C, tapStart, pixel, place } = this.geo[k]!;
    const w = this.w[k]!;
    const s = this.s[k]!;
    s.fill(0);
    const eo = this.errO[k]!;
    const ef = this.errF[k]!;
    const ev = this.errV[k]!;
    const CF = C * F;
    for (let q = 0; q < this.errN[k]!; q++) {
      const o = eo[q]!;
      const f = ef[q]!;
      const v = ev[q]!;
      for (let t = tapStart[o]!; t < tapStart[o + 1]!; t++) {
        const ib = pixel[t]! * C;
        const wb = place[t]! * CF + f;
        for (let c = 0; c < C; c++) s[ib + c] += w[wb + c * F]! * v;
      }
    }
    const ps = this.pools[k]!;
    let routed = s;
    let avgPools = 0;
    for (let i = ps.length - 1; i >= 0; i--) {
      const into = this.poolIn[k]![i]!;
      poolBackward(ps[i]!, routed, into, this.poolArg[k]![i]!, avgScale);
      if (ps[i]!.pool === 'avg') avgPools++;
      routed = into;
    }
    return { routed, avgPools };
  }

  /** g[k] = Σ over positions of e ⊗ (the taps' inputs), the bias column Σ e · one. */
  protected gradient(k: number): void {
    const { rows: F, cols, channels: C, tapStart, pixel, place } = this.geo[k]!;
    const x = this.x[k]!;
    const g = this.g[k]!;
    const one = this.one[k]!;
    const bias = cols * F;
    g.fill(0);
    const eo = this.errO[k]!;
    const ef = this.errF[k]!;
    const ev = this.errV[k]!;
    const CF = C * F;
    for (let q = 0; q < this.errN[k]!; q++) {
      const o = eo[q]!;
      const f = ef[q]!;
      const v = ev[q]!;
      g[bias + f] += v * one;
      for (let t = tapStart[o]!; t < tapStart[o + 1]!; t++) {
        const ib = pixel[t]! * C;
        const wb = place[t]! * CF + f;
        for (let c = 0; c < C; c++) g[wb + c * F] += x[ib + c]! * v;
      }
    }
  }

  /** Lists the indices of weight layer k's non-zero inputs in nzCol; returns how many. */
  protected nonZeroInputs(k: number): number {
    const x = this.x[k]!;
    let n = 0;
    for (let i = 0; i < x.length; i++) if (x[i] !== 0) this.nzCol[n++] = i;
    return n;
  }

  /** Lists the non-zero errors of weight layer k (errO, errF, errV, errN). */
  protected markLive(k: number): void {
    const e = this.e[k]!;
    const F = this.geo[k]!.rows;
    const eo = this.errO[k]!;
    const ef = this.errF[k]!;
    const ev = this.errV[k]!;
    let n = 0;
    for (let i = 0; i < e.length; i++) {
      const v = e[i]!;
      if (v === 0) continue;
      const f = i % F;
      eo[n] = (i - f) / F;
      ef[n] = f;
      ev[n] = v;
      n++;
    }
    this.errN[k] = n;
  }

  /** Lowest j with the largest z_L[j]. */
  protected argmax(): number {
    const z = this.z[this.L - 1]!;
    let best = 0;
    for (let j = 1; j < z.length; j++) if (z[j]! > z[best]!) best = j;
    return best;
  }

  /** z_L of the last sample. */
  lastOutputs(): ArrayLike<number> {
    return this.z[this.L - 1]!;
  }

  /** Loads weights and biases given in stream order (per layer, row by row: its columns, then the bias) as values of the store. */
  protected loadStream(values: ArrayLike<number>): void {
    let q = 0;
    this.geo.forEach(({ rows, cols }, k) => {
      const w = this.w[k]!;
      for (let j = 0; j < rows; j++) {
        for (let i = 0; i <= cols; i++) w[i * rows + j] = values[q++]!;
      }
    });
  }

  /** The weights and biases in stream order. */
  protected readStream<T extends Float32Array | Int32Array>(out: T): T {
    let q = 0;
    this.geo.forEach(({ rows, cols }, k) => {
      const w = this.w[k]!;
      for (let j = 0; j < rows; j++) for (let i = 0; i <= cols; i++) out[q++] = w[i * rows + j]!;
    });
    return out;
  }
}
