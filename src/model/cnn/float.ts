/**
 * The float32 reference trainer of a network with convolution (docs/ARCHITECTURE.md §17): the
 * golden model's network without quantisation, as src/model/float.ts is for dense layers. Same
 * layers and initial weights (initialNetworkValues as float32), hidden activation, linear output
 * layer, MSE loss with dL/dz_L = z_L − onehot, backward step through the weights before their
 * update and the pools (max: to the window's first largest value; avg: a quarter to each), per
 * sample SGD with learning rate 2^-lrShift per weight layer, layer L first; the weight gradient
 * of a convolution is the sum over its output positions. Weights are float32, everything else
 * doubles; the difference to the golden model measures quantisation only.
 */
import { layerArithmetic, type Config } from '../../config/index.js';
import { ConvNetworkCore } from './core.js';
import { initialNetworkValues } from './geometry.js';

export class FloatConvTrainer extends ConvNetworkCore {
  protected readonly w: Float32Array[];
  protected readonly one: Float64Array;
  private readonly hardSigmoid: boolean;
  private readonly rates: Float64Array;
  private loss = 0;

  constructor(cfg: Config) {
    super(cfg);
    this.w = this.geo.map((g) => new Float32Array(g.rows * (g.cols + 1)));
    this.one = new Float64Array(this.L).fill(1);
    this.hardSigmoid = cfg.hidden === 'hardsigmoid';
    this.rates = Float64Array.from(layerArithmetic(cfg), (a) => 2 ** -a.lrShift);
  }

  /** A trainer started from initialNetworkValues(network, seed) as float32. */
  static withInitialWeights(cfg: Config, seed: number): FloatConvTrainer {
    const t = new FloatConvTrainer(cfg);
    t.loadWeights(Float32Array.from(initialNetworkValues(cfg.network!, seed)));
    return t;
  }

  /** Loads weights and biases (values) in stream order. */
  loadWeights(values: ArrayLike<number>): void {
    if (values.length !== this.paramCount) throw new RangeError(`loadWeights: expected ${this.paramCount} values, got ${values.length}`);
    this.loadStream(values);
  }

  readWeights(): Float32Array {
    return this.readStream(new Float32Array(this.paramCount));
  }

  /** ½ Σ_j (z_L[j] − onehot_j)² of the last training sample (before its update). */
  get lastLoss(): number {
    return this.loss;
  }

  train(x: ArrayLike<number>, label: number): number {
    const predicted = this.forwardAll(x);
    const k = this.L - 1;
    const z = this.z[k]!;
    const e = this.e[k]!;
    let loss = 0;
    for (let j = 0; j < z.length; j++) {
      e[j] = z[j]! - (j === label ? 1 : 0);
      loss += e[j]! * e[j]!;
    }
    this.loss = loss / 2;
    this.markLive(k);
    for (let l = k; l >= 1; l--) this.backward(l);
    for (let l = k; l >= 0; l--) this.update(l);
    return predicted;
  }

  infer(x: ArrayLike<number>): number {
    return this.forwardAll(x);
  }

  private forwardAll(x: ArrayLike<number>): number {
    if (x.length !== this.input.length) throw new RangeError(`sample: expected ${this.input.length} inputs, got ${x.length}`);
    for (let i = 0; i < x.length; i++) this.input[i] = x[i]!;
    const mean = (sum: number) => sum / 4;
    for (let k = 0; k < this.L; k++) {
      this.poolInto(k, mean);
      this.forward(k);
      if (k < this.L - 1) this.activate(k);
    }
    return this.argmax();
  }

  private activate(k: number): void {
    const z = this.z[k]!;
    const a = this.a[k]!;
    for (let i = 0; i < z.length; i++) {
      const v = this.hardSigmoid ? z[i]! / 4 + 0.5 : z[i]!;
      a[i] = v < 0 ? 0 : this.hardSigmoid && v > 1 ? 1 : v;
    }
  }

  /** e[k − 1] = routed s · the activation's derivative (ReLU 1 where a > 0, hard-sigmoid 1/4 where 0 < a < 1). */
  private backward(k: number): void {
    const { routed } = this.backwardSums(k, 0.25);
    const a = this.a[k - 1]!;
    const e = this.e[k - 1]!;
    for (let p = 0; p < e.length; p++) {
      const s = routed[p]!;
      const v = a[p]!;
      e[p] = Number.isNaN(s) || v <= 0 || (this.hardSigmoid && v >= 1) ? 0 : this.hardSigmoid ? s / 4 : s;
    }
    this.markLive(k - 1);
  }

  /** W ← W − lr · g: a convolution's gradient summed over its positions, a dense layer's e ⊗ x over the non-zero errors and inputs. */
  private update(k: number): void {
    const w = this.w[k]!;
    const lr = this.rates[k]!;
    if (this.geo[k]!.layer.kind === 'conv') {
      this.gradient(k);
      const g = this.g[k]!;
      for (let i = 0; i < w.length; i++) if (g[i] !== 0) w[i] = w[i]! - lr * g[i]!;
      return;
    }
    const { rows: F, cols } = this.geo[k]!;
    const x = this.x[k]!;
    const nz = this.nonZeroInputs(k);
    for (let q = 0; q < this.errN[k]!; q++) {
      const j = this.errF[k]![q]!;
      const e = this.errV[k]![q]!;
      for (let t = 0; t < nz; t++) {
        const i = this.nzCol[t]!;
        w[i * F + j] = w[i * F + j]! - lr * (e * x[i]!);
      }
      w[cols * F + j] = w[cols * F + j]! - lr * e;
    }
  }
}
