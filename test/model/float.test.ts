/**
 * The float32 reference trainer against a literal dense implementation of the same SGD step
 * (random small networks, ReLU and hard-sigmoid, 1–3 weight layers), a finite-difference check
 * of its gradient, the shared initial weights, and that it learns Iris.
 */
import { describe, expect, it } from 'vitest';
import { GoldenAccelerator, initialFloatWeights, initialWeightValues, initialWeights } from '../../src/model/accelerator.js';
import { loadDataset } from '../../src/model/datasets/index.js';
import { FloatTrainer, type FloatTrainerParams } from '../../src/model/float.js';
import { Rng } from '../../src/model/rng.js';

/** One SGD step written out densely, W[l][j][i] with the bias at i = N_{l-1}; returns the prediction. */
function denseStep(p: FloatTrainerParams, W: number[][][], x: number[], label: number | null): number {
  const L = p.layers.length - 1;
  const a: number[][] = [x];
  const z: number[][] = [];
  for (let l = 0; l < L; l++) {
    z.push(W[l]!.map((row) => row.reduce((s, w, i) => s + w * (i < a[l]!.length ? a[l]![i]! : 1), 0)));
    if (l < L - 1) a.push(z[l]!.map((v) => (p.hidden === 'relu' ? Math.max(0, v) : Math.min(1, Math.max(0, v / 4 + 0.5)))));
  }
  const out = z[L - 1]!;
  const predicted = out.indexOf(Math.max(...out));
  if (label === null) return predicted;
  const e: number[][] = new Array(L);
  e[L - 1] = out.map((v, j) => v - (j === label ? 1 : 0));
  for (let l = L - 1; l >= 1; l--) {
    e[l - 1] = a[l]!.map((v, i) => {
      const m = p.hidden === 'relu' ? v > 0 : v > 0 && v < 1;
      if (!m) return 0;
      const s = W[l]!.reduce((acc, row, j) => acc + row[i]! * e[l]![j]!, 0);
      return p.hidden === 'relu' ? s : s / 4;
    });
  }
  const lr = 2 ** -p.lrShift;
  for (let l = L - 1; l >= 0; l--) {
    W[l]!.forEach((row, j) => row.forEach((w, i) => (row[i] = Math.fround(w - lr * e[l]![j]! * (i < a[l]!.length ? a[l]![i]! : 1)))));
  }
  return predicted;
}

function toLayers(layers: readonly number[], flat: ArrayLike<number>): number[][][] {
  const W: number[][][] = [];
  let o = 0;
  for (let l = 1; l < layers.length; l++) {
    const rows: number[][] = [];
    for (let j = 0; j < layers[l]!; j++) {
      const row: number[] = [];
      for (let i = 0; i <= layers[l - 1]!; i++) row.push(flat[o++]!);
      rows.push(row);
    }
    W.push(rows);
  }
  return W;
}

describe('FloatTrainer', () => {
  it('matches a dense literal SGD step on random networks (predictions every sample, weights within float32 rounding)', () => {
    const rng = new Rng(11);
    for (let t = 0; t < 24; t++) {
      const L = 1 + (t % 3);
      const layers = Array.from({ length: L + 1 }, () => rng.int(1, 9));
      layers[L] = Math.max(2, layers[L]!);
      const p: FloatTrainerParams = { layers, hidden: t % 2 ? 'relu' : 'hardsigmoid', lrShift: rng.int(2, 6) };
      const ft = FloatTrainer.withInitialWeights(p, t + 1);
      const W = toLayers(layers, initialFloatWeights(layers, t + 1));
      for (let s = 0; s < 60; s++) {
        const x = Array.from({ length: layers[0]! }, () => (rng.bool(0.3) ? 0 : rng.float()));
        const train = rng.bool(0.8);
        const label = rng.int(0, layers[L]! - 1);
        const want = denseStep(p, W, x, train ? label : null);
        const got = train ? ft.train(Float32Array.from(x), label) : ft.infer(x);
        expect(got, `net ${t} sample ${s}`).toBe(want);
      }
      const flat = toLayers(layers, ft.readWeights()).flat(2);
      const ref = W.flat(2);
      for (let q = 0; q < flat.length; q++) expect(Math.abs(flat[q]! - ref[q]!), `net ${t} weight ${q}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref[q]!)));
    }
  });

  it('steps along −2^-k · dL/dw of L = ½ Σ (z − onehot)² (finite differences)', () => {
    const p: FloatTrainerParams = { layers: [5, 6, 3], hidden: 'relu', lrShift: 10 };
    const w0 = Float64Array.from(initialWeightValues(p.layers, 4));
    const x = [0.2, 0.9, 0, 0.5, 1];
    const label = 2;
    const loss = (w: ArrayLike<number>) => {
      const t = new FloatTrainer({ ...p, lrShift: 60 }, Float32Array.from(w));
      t.train(x, label); // lr 2^-60: the loss of the forward pass, the weights barely move
      return t.lastLoss;
    };
    const t = new FloatTrainer(p, Float32Array.from(w0));
    t.train(x, label);
    const after = t.readWeights();
    const lr = 2 ** -p.lrShift;
    const base = Float32Array.from(w0);
    for (const q of [0, 1, 3, 5, 11, 12, 20, 35, 36, 40, 41, 48, 55]) {
      const h = 1e-3;
      const up = Float64Array.from(base);
      const down = Float64Array.from(base);
      up[q] = up[q]! + h;
      down[q] = down[q]! - h;
      const grad = (loss(up) - loss(down)) / (2 * h);
      const step = (base[q]! - after[q]!) / lr;
      expect(step, `weight ${q}`).toBeCloseTo(grad, 2);
    }
    expect(t.lastLoss).toBeCloseTo(loss(base), 6);
  });

  it('starts from the accelerator initial weights before quantisation', () => {
    const layers = [30, 12, 4];
    const v = initialWeightValues(layers, 7);
    const f = initialFloatWeights(layers, 7);
    expect(Array.from(f)).toEqual(Array.from(Float32Array.from(v)));
    const codes = initialWeights({ layers, weight: { bits: 12, frac: 10 } }, 7);
    for (let q = 0; q < v.length; q++) expect(codes[q]).toBe(Math.max(-2048, Math.min(2047, Math.round(v[q]! * 1024))));
    expect(Array.from(FloatTrainer.withInitialWeights({ layers, hidden: 'relu', lrShift: 5 }, 7).readWeights())).toEqual(Array.from(f));
  });

  it("the golden model's lastOutputs() is z_L of the last sample's forward pass", () => {
    const params = {
      variant: 'taxonn',
      layers: [6, 5, 3],
      pes: 2,
      weight: { bits: 12, frac: 10 },
      act: { bits: 8, frac: 6 },
      error: { bits: 8, frac: 6 },
      accBits: 32,
      lrShift: 5,
      rounding: 'stochastic',
      hidden: 'relu',
      seed: 9,
      inputsPerBeat: 4,
    } as const;
    const g = new GoldenAccelerator(params, { trace: true });
    g.initWeights(5);
    const rng = new Rng(2);
    for (let s = 0; s < 20; s++) {
      const x = Int32Array.from({ length: 6 }, () => rng.int(0, 255));
      if (s % 3) g.train(x, rng.int(0, 2));
      else g.infer(x);
      expect(Array.from(g.lastOutputs())).toEqual(Array.from(g.lastTrace()!.z[1]!));
    }
  });

  it('rejects bad parameters, weights, inputs and labels', () => {
    expect(() => new FloatTrainer({ layers: [3], hidden: 'relu', lrShift: 1 })).toThrow(/layers must be ≥ 2 positive integers/);
    const t = new FloatTrainer({ layers: [3, 2], hidden: 'relu', lrShift: 1 });
    expect(() => t.loadWeights(new Float32Array(7))).toThrow(/expected 8 values, got 7/);
    expect(() => t.train([0, 0], 0)).toThrow(/expected 3 inputs, got 2/);
    expect(() => t.train([0, 0, 0], 2)).toThrow(/label must be an integer in 0\.\.1, got 2/);
  });

  it('learns Iris: test error below 20 % after 30 epochs', () => {
    const d = loadDataset('iris');
    const t = FloatTrainer.withInitialWeights({ layers: [4, 16, 3], hidden: 'relu', lrShift: 5 }, 1);
    const rng = new Rng(3);
    const n = d.train.y.length;
    const order = Array.from({ length: n }, (_, i) => i);
    for (let e = 0; e < 30; e++) {
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(0, i);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const i of order) t.train(d.train.x.subarray(i * 4, i * 4 + 4), d.train.y[i]!);
    }
    let wrong = 0;
    for (let i = 0; i < d.test.y.length; i++) if (t.infer(d.test.x.subarray(i * 4, i * 4 + 4)) !== d.test.y[i]) wrong++;
    expect(wrong / d.test.y.length).toBeLessThan(0.2);
  });
});
