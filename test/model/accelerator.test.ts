/**
 * The fast golden model of the accelerator against the slow literal reference (reference.ts):
 * bit-identical predictions every sample and weights (digests and codes) for many random small
 * configurations; negative controls (each deliberately wrong reference is caught); the weight
 * stream API; and a check that the model actually learns.
 */
import { describe, expect, it } from 'vitest';
import { GoldenAccelerator, acceleratorGeometry, initialWeights, type AcceleratorFormat, type AcceleratorParams } from '../../src/model/accelerator.js';
import { weightDigest } from '../../src/model/digest.js';
import { LFSR_PERIOD, lfsrSequence, lfsrStep } from '../../src/model/lfsr.js';
import { DEFAULT_CONFIG } from '../../src/config/index.js';
import { Rng } from '../../src/model/rng.js';
import { MUTATIONS, ReferenceAccelerator, type Mutation } from './reference.js';

/** Parameters with one format and learning rate for every layer (the random configurations start so). */
type UniformParams = AcceleratorParams & {
  readonly weight: AcceleratorFormat;
  readonly act: AcceleratorFormat;
  readonly error: AcceleratorFormat;
  readonly lrShift: number;
};

const DEFAULTS: UniformParams = DEFAULT_CONFIG;

/** The largest update shift of any layer. */
const maxShift = (p: AcceleratorParams): number => Math.max(...acceleratorGeometry(p).updateShifts);

const ROUNDINGS = ['truncate', 'nearest', 'stochastic'] as const;
/** With these, S = 20 at lrShift 0 and the products e·a reach 2^31: the S > 16 forms get exercised. */
const wideFormats = { weight: { bits: 16, frac: 2 }, act: { bits: 16, frac: 12 }, error: { bits: 16, frac: 10 }, accBits: 48 };
const HIDDEN = ['relu', 'hardsigmoid'] as const;

/** A random small configuration; `i` cycles rounding × hidden so every pair is covered. */
function randomParams(rng: Rng, i: number): UniformParams {
  const L = 1 + (i % 4 === 0 ? 0 : rng.int(1, 3)); // 1..4 weight layers, mostly 2..4
  const layers = Array.from({ length: L + 1 }, () => (rng.bool(0.6) ? 2 * rng.int(0, 6) + 1 : rng.int(1, 12)));
  const maxN = Math.max(...layers);
  const pes = rng.pick([1, 1, 2, 3, 4, 5, 7, 8, maxN, maxN + 1, maxN + rng.int(2, 20), rng.int(1, 40)]);
  const fmt = (signed: boolean) => {
    const bits = rng.int(4, 16);
    return { bits, frac: rng.int(0, signed ? bits : bits - 1) };
  };
  const weight = fmt(true);
  const act = fmt(false);
  const error = fmt(true);
  // S = Ef + Af + lrShift − Wf from 0 to beyond 16 (the wide stochastic form), mostly moderate
  // (when Ef + Af > Wf + target, lrShift = 0 and S is larger than the target)
  const target = rng.bool(0.15) ? 0 : rng.bool(0.25) ? rng.int(8, 24) : rng.int(1, 7);
  const lrShift = Math.max(0, target - error.frac - act.frac + weight.frac);
  return {
    variant: 'taxonn',
    layers,
    pes,
    weight,
    act,
    error,
    accBits: 48,
    lrShift,
    rounding: ROUNDINGS[i % 3]!,
    hidden: HIDDEN[Math.floor(i / 3) % 2]!,
    seed: rng.int(1, 65535),
    inputsPerBeat: rng.int(1, 8),
    // every rounding × hidden pair with and without zero skipping (no draw: the stream stays put)
    skipZeroInputs: Math.floor(i / 6) % 2 === 1,
    skipZeroErrors: Math.floor(i / 12) % 2 === 1,
    skipZeroActivations: Math.floor(i / 24) % 2 === 1,
  };
}

/**
 * A random configuration with per-layer formats and learning rates: randomParams' bits, each
 * layer's fraction bits and learning rate drawn separately, within the rules (every shift ≥ 0).
 */
function perLayerParams(rng: Rng, i: number): AcceleratorParams {
  // i % 4 = 0 draws one weight layer: take the next i (at least two layers, the same rounding cycle otherwise)
  const base = randomParams(rng, i % 4 === 0 ? i + 1 : i);
  const L = base.layers.length - 1;
  const d = base.hidden === 'hardsigmoid' ? 2 : 0;
  const weight = Array.from({ length: L }, () => ({ bits: base.weight.bits, frac: rng.int(0, base.weight.bits) }));
  const act: AcceleratorFormat[] = [{ bits: base.act.bits, frac: rng.int(0, base.act.bits - 1) }];
  for (let k = 1; k < L; k++) act.push({ bits: base.act.bits, frac: Math.min(rng.int(0, base.act.bits - 1), weight[k - 1]!.frac + act[k - 1]!.frac) });
  const error: AcceleratorFormat[] = new Array(L);
  error[L - 1] = { bits: base.error.bits, frac: rng.int(0, base.error.bits) };
  for (let k = L - 1; k >= 1; k--) error[k - 1] = { bits: base.error.bits, frac: Math.min(rng.int(0, base.error.bits), weight[k]!.frac + error[k]!.frac + d) };
  const lrShift = weight.map((w, k) => Math.max(0, rng.int(0, 12) - error[k]!.frac - act[k]!.frac + w.frac));
  return { ...base, weight, act, error, lrShift };
}

/** Entry 0 of a per-layer value (the bits are the same in every entry). */
const first = <T>(v: T | readonly T[]): T => (Array.isArray(v) ? (v as readonly T[])[0]! : (v as T));

function randomWeights(rng: Rng, p: AcceleratorParams): Int32Array {
  if (rng.bool(0.5)) return initialWeights(p, rng.u32());
  const n = acceleratorGeometry(p).paramCount;
  const half = 2 ** (first(p.weight).bits - 1);
  // full range, or small codes (values near ±2^-3) so that not everything saturates
  const span = rng.bool(0.5) ? half : Math.max(1, Math.min(half, 2 ** Math.max(0, first(p.weight).frac - 3)));
  return Int32Array.from({ length: n }, () => Math.max(-half, Math.min(half - 1, rng.int(-span, span - 1))));
}

function randomInput(rng: Rng, p: AcceleratorParams): Int32Array {
  const max = 2 ** first(p.act).bits - 1;
  const small = rng.bool(0.5);
  return Int32Array.from({ length: p.layers[0]! }, () =>
    rng.bool(0.4) ? 0 : small ? rng.int(0, Math.min(max, 2 ** (first(p.act).frac + 1))) : rng.int(0, max),
  );
}

interface RunResult {
  /** First difference, or undefined when the two agree throughout. */
  mismatch?: string;
  trained: number;
  weightsChanged: boolean;
}

/** Runs the fast model and a reference side by side on `samples` random samples. */
function crossCheck(p: AcceleratorParams, seed: number, samples: number, mutation?: Mutation, checkTrace = false): RunResult {
  const rng = new Rng(seed);
  const fast = new GoldenAccelerator(p, { trace: checkTrace });
  const ref = new ReferenceAccelerator(p, mutation);
  const w0 = randomWeights(rng, p);
  fast.loadWeights(w0);
  ref.loadWeights(w0);
  const resetAt = rng.int(0, samples * 2); // sometimes within the run
  let trained = 0;
  for (let n = 0; n < samples; n++) {
    if (n === resetAt) {
      fast.reset();
      ref.reset();
    }
    const x = randomInput(rng, p);
    const label = rng.int(0, p.layers[p.layers.length - 1]! - 1);
    const train = rng.bool(0.75);
    if (train) trained++;
    const got = fast.sample(x, label, train).predicted;
    const want = ref.sample(x, label, train);
    if (got !== want.predicted) return { mismatch: `sample ${n}: predicted ${got}, reference ${want.predicted}`, trained, weightsChanged: true };
    if (checkTrace) {
      const t = fast.lastTrace()!;
      const L = p.layers.length - 1;
      for (let k = 0; k < L; k++) {
        expect(Array.from(t.z[k]!), `z_${k + 1} of sample ${n}`).toEqual(want.trace.z[k + 1]!.map(Number));
        expect(Array.from(t.a[k]!), `a_${k} of sample ${n}`).toEqual(want.trace.a[k]!.map(Number));
        if (train) expect(Array.from(t.e[k]!), `e_${k + 1} of sample ${n}`).toEqual(want.trace.e[k + 1]!.map(Number));
      }
      expect(t.predicted).toBe(got);
      expect(t.e.length).toBe(train ? L : 0);
    }
    // the weights after every sample (by digest; the first differing code for the message)
    const a = fast.readWeights();
    const b = ref.readWeights();
    if (weightDigest(a) !== weightDigest(b)) {
      const q = a.findIndex((v, k) => v !== b[k]);
      return { mismatch: `after sample ${n}: weight ${q} (${fast.describeIndex(q)}) is ${a[q]}, reference ${b[q]}`, trained, weightsChanged: true };
    }
    if (n % 50 === 49 || n === samples - 1) {
      for (let lane = 0; lane < p.pes; lane++) {
        if (fast.lfsrState(lane) !== ref.lanes[lane]!.state && mutation === undefined) {
          return {
            mismatch: `after sample ${n}: lane ${lane} LFSR ${fast.lfsrState(lane)}, reference ${ref.lanes[lane]!.state}`,
            trained,
            weightsChanged: true,
          };
        }
      }
    }
  }
  const changed = weightDigest(fast.readWeights()) !== weightDigest(w0);
  return { trained, weightsChanged: changed };
}

describe('GoldenAccelerator vs the literal BigInt reference', () => {
  const rng = new Rng(20260101);
  const configs = Array.from({ length: 90 }, (_, i) => randomParams(rng, i));

  it('covers the intended corners', () => {
    expect(configs.some((c) => c.pes === 1)).toBe(true);
    expect(configs.some((c) => c.pes > Math.max(...c.layers))).toBe(true);
    expect(configs.some((c) => c.layers.slice(1).some((n) => n % c.pes !== 0))).toBe(true);
    expect(configs.some((c) => maxShift(c) > 16 && c.rounding === 'stochastic')).toBe(true);
    expect(configs.some((c) => maxShift(c) === 0)).toBe(true);
    expect(new Set(configs.map((c) => c.layers.length)).size).toBe(4);
    expect(configs.some((c) => c.act.frac === 0 && c.hidden === 'hardsigmoid')).toBe(true);
    expect(configs.some((c) => c.skipZeroInputs && c.rounding === 'stochastic' && maxShift(c) > 0)).toBe(true);
    expect(configs.some((c) => !c.skipZeroInputs)).toBe(true);
    expect(configs.some((c) => c.skipZeroErrors && c.rounding === 'stochastic' && maxShift(c) > 0)).toBe(true);
    expect(configs.some((c) => c.skipZeroErrors && c.skipZeroInputs)).toBe(true);
    expect(configs.some((c) => !c.skipZeroErrors)).toBe(true);
    expect(configs.some((c) => c.skipZeroActivations && c.rounding === 'stochastic' && maxShift(c) > 0 && c.layers.length > 2)).toBe(true);
    expect(configs.some((c) => !c.skipZeroActivations && c.layers.length > 2)).toBe(true);
  });

  configs.forEach((p, i) => {
    const name =
      `#${i} ${p.layers.join('-')} P=${p.pes} W${p.weight.bits}q${p.weight.frac} A${p.act.bits}q${p.act.frac} ` +
      `E${p.error.bits}q${p.error.frac} S=${maxShift(p)} ${p.rounding} ${p.hidden}`;
    it(name, () => {
      const r = crossCheck(p, 1000 + i, 300, undefined, i % 6 === 0);
      expect(r.mismatch).toBeUndefined();
      expect(r.trained).toBeGreaterThan(150);
    });
  });

  // Update shifts around and above 16 with products large enough to move the weights often
  // (random configurations rarely move a weight with S > 16). With E16/A16 the products e·a plus
  // r can exceed 2^31, so S = 16 exercises the model's float floor form of R, S > 16 its wide
  // form; the random configurations mostly exercise its int32 shift form.
  const targeted: AcceleratorParams[] = [
    ...ROUNDINGS.flatMap((rounding) =>
      [20, 17, 16, 27].map((S) => ({
        ...DEFAULTS,
        ...wideFormats,
        weight: { bits: 16, frac: Math.max(0, 22 - S) },
        lrShift: Math.max(0, S - 22),
        layers: [7, 5, 3],
        pes: 2,
        rounding,
        hidden: S % 2 ? ('hardsigmoid' as const) : ('relu' as const),
      })),
    ),
  ];
  targeted.forEach((p, i) => {
    it(`targeted #${i}: S=${maxShift(p)} ${p.rounding} ${p.hidden}`, () => {
      const r = crossCheck(p, 3000 + i, 300, undefined, i % 2 === 0);
      expect(r.mismatch).toBeUndefined();
      expect(r.weightsChanged).toBe(true);
    });
  });

  // Per-layer formats and learning rates (docs/ARCHITECTURE.md §1): each layer's own shifts.
  const perLayer = Array.from({ length: 30 }, (_, i) => perLayerParams(rng, i));
  it('the per-layer configurations differ between layers', () => {
    const differs = (v: unknown) => Array.isArray(v) && new Set(v.map((x) => JSON.stringify(x))).size > 1;
    expect(perLayer.filter((p) => differs(p.weight) && differs(p.act) && differs(p.error) && differs(p.lrShift)).length).toBeGreaterThan(10);
  });
  perLayer.forEach((p, i) => {
    it(`per-layer #${i} ${p.layers.join('-')} P=${p.pes} S=[${acceleratorGeometry(p).updateShifts.join(',')}] ${p.rounding} ${p.hidden}`, () => {
      const r = crossCheck(p, 6000 + i, 200, undefined, i % 5 === 0);
      expect(r.mismatch).toBeUndefined();
      expect(r.trained).toBeGreaterThan(100);
    });
  });

  it('the weights actually move in most configurations (the comparison is not vacuous)', () => {
    const moved = configs.filter((p, i) => crossCheck(p, 5000 + i, 40).weightsChanged).length;
    expect(moved).toBeGreaterThan(configs.length * 0.7);
  });

  it('agrees on the default 784-64-10 configuration (a few samples)', () => {
    const r = crossCheck({ ...DEFAULTS, layers: [96, 24, 10] }, 7, 30, undefined, true);
    expect(r.mismatch).toBeUndefined();
    expect(crossCheck(DEFAULTS, 8, 4).mismatch).toBeUndefined();
  });
});

describe('negative controls: every deliberately wrong reference is detected', () => {
  const rng = new Rng(424242);
  const configs = Array.from({ length: 24 }, (_, i) => randomParams(rng, i));
  for (const mutation of MUTATIONS) {
    it(mutation, () => {
      const applicable = configs.filter((p) => {
        const S = maxShift(p);
        const L = p.layers.length - 1;
        switch (mutation) {
          case 'lane-start':
          case 'padding-idle':
          case 'update-layer-order':
            return p.rounding === 'stochastic' && S > 0 && L >= 2;
          case 'wide-low-bits':
            return p.rounding === 'stochastic' && S > 16;
          case 'hardsigmoid-deriv':
            return p.hidden === 'hardsigmoid' && L >= 2;
          case 'update-before-backward':
            return L >= 2;
          case 'skip-steps-lfsr':
            return p.rounding === 'stochastic' && S > 0 && p.skipZeroInputs === true;
          case 'skip-errors-steps-lfsr':
            return p.rounding === 'stochastic' && S > 0 && p.skipZeroErrors === true;
          case 'skip-activations-steps-lfsr':
            return p.rounding === 'stochastic' && S > 0 && p.skipZeroActivations === true && L >= 2;
          case 'first-layer-formats':
            return false; // only the per-layer configurations below apply
          default:
            return true;
        }
      });
      // extra targeted configurations so each mutant has something to bite on
      const extra: AcceleratorParams[] = [
        { ...DEFAULTS, layers: [9, 7, 5, 3], pes: 4, accBits: 48 },
        { ...DEFAULTS, layers: [9, 7, 5, 3], pes: 4, accBits: 48, hidden: 'hardsigmoid', weight: { bits: 8, frac: 5 }, lrShift: 3 },
        {
          ...DEFAULTS,
          layers: [6, 5, 3],
          pes: 3,
          accBits: 48,
          weight: { bits: 6, frac: 2 },
          act: { bits: 4, frac: 1 },
          error: { bits: 6, frac: 2 },
          lrShift: 1,
        },
        { ...DEFAULTS, ...wideFormats, layers: [7, 5, 3], pes: 2 },
      ];
      if (mutation === 'first-layer-formats') extra.splice(0, extra.length, ...Array.from({ length: 6 }, (_, i) => perLayerParams(rng, i)));
      const detected = [...applicable, ...extra].filter((p, i) => crossCheck(p, 77 + i, 200, mutation).mismatch !== undefined);
      expect(detected.length).toBeGreaterThan(0);
    });
  }
});

describe('weights in stream order', () => {
  const p: AcceleratorParams = { ...DEFAULTS, layers: [5, 3, 2], pes: 2 };
  const n = 3 * 6 + 2 * 4;

  it('geometry', () => {
    const g = acceleratorGeometry(p);
    expect(g.paramCount).toBe(n);
    expect(g.groups).toEqual([2, 1]);
    expect(g.streamOffsets).toEqual([0, 18]);
    expect(g.updateOps).toBe(2 * 6 + 1 * 4);
    expect(g.updateOpOffsets).toEqual([4, 0]);
    expect(g.laneStarts).toEqual([0, 32767]);
    expect(g.updateShifts).toEqual([6 + 6 + 6 - 11, 6 + 6 + 6 - 11]);
  });

  it('loadWeights / readWeights round trip, and readWeights is a copy', () => {
    const m = new GoldenAccelerator(p);
    const codes = Int32Array.from({ length: n }, (_, k) => ((k * 37) % 4096) - 2048);
    m.loadWeights(codes);
    const back = m.readWeights();
    expect(Array.from(back)).toEqual(Array.from(codes));
    back[0] = 5;
    expect(m.readWeights()[0]).toBe(codes[0]);
    m.loadWeights(Array.from(codes, (v) => -1 - v));
    expect(m.readWeights()[3]).toBe(-1 - codes[3]!);
  });

  it('the stream order is rows j, columns then bias: a single weight moves the right output', () => {
    const m = new GoldenAccelerator({ ...p, layers: [3, 2], pes: 1 });
    const codes = new Int32Array(2 * 4);
    codes[1 * 4 + 2] = 1024; // W_1[1][2] = 0.5
    codes[0 * 4 + 3] = 100; // b_1[0]
    m.loadWeights(codes);
    m.setTrace(true);
    m.sample(Uint8Array.of(0, 0, 64), 0, false); // a_0[2] = 1.0
    expect(Array.from(m.lastTrace()!.z[0]!)).toEqual([100 * 64, 1024 * 64]);
  });

  it('rejects a wrong length and out-of-range or fractional codes, clearly', () => {
    const m = new GoldenAccelerator(p);
    expect(() => m.loadWeights(new Int32Array(n - 1))).toThrow(/expected 26 codes for layers 5-3-2.*got 25/);
    const bad = new Int32Array(n);
    bad[20] = 2048;
    expect(() => m.loadWeights(bad)).toThrow(
      /code 2048 at index 20 \(layer 2, row 0, column 2\) is outside the weight format s12q11 \(integers -2048\.\.2047\)/,
    );
    bad[20] = 0;
    bad[17] = -2049;
    expect(() => m.loadWeights(bad)).toThrow(/index 17 \(layer 1, row 2, bias\)/);
    const frac = Array.from({ length: n }, () => 0);
    frac[3] = 0.5;
    expect(() => m.loadWeights(frac)).toThrow(/code 0.5 at index 3/);
    expect(Array.from(m.readWeights())).toEqual(new Array(n).fill(0)); // nothing loaded
  });

  it('initWeights: He (hidden) / Glorot (output) uniform, zero biases, in range, deterministic', () => {
    const q: AcceleratorParams = { ...DEFAULTS, layers: [100, 50, 10] };
    const m = new GoldenAccelerator(q);
    const w = m.initWeights(3);
    expect(Array.from(m.readWeights())).toEqual(Array.from(w));
    expect(Array.from(initialWeights(q, 3))).toEqual(Array.from(w));
    expect(Array.from(initialWeights(q, 4))).not.toEqual(Array.from(w));
    const layer1 = [];
    for (let j = 0; j < 50; j++) {
      expect(w[j * 101 + 100]).toBe(0);
      layer1.push(...w.slice(j * 101, j * 101 + 100));
    }
    const he = Math.sqrt(6 / 100) * 2048;
    expect(Math.max(...layer1)).toBeLessThanOrEqual(Math.round(he));
    expect(Math.max(...layer1)).toBeGreaterThan(0.9 * he);
    expect(Math.min(...layer1)).toBeLessThan(-0.9 * he);
    const out = Array.from(w.slice(50 * 101)).filter((_, k) => k % 51 !== 50);
    const glorot = Math.sqrt(6 / 60) * 2048;
    expect(Math.max(...out.map(Math.abs))).toBeLessThanOrEqual(Math.round(glorot));
    expect(Math.max(...out.map(Math.abs))).toBeGreaterThan(0.8 * glorot);
    // saturation: a 4-bit weight format cannot hold ±sqrt(6/1)
    const tiny = initialWeights({ layers: [1, 1], weight: { bits: 4, frac: 3 } }, 1);
    expect(Math.max(...Array.from(tiny).map(Math.abs))).toBeLessThanOrEqual(8);
  });
});

describe('samples, LFSR positions and parameters', () => {
  it('rejects bad inputs and labels', () => {
    const m = new GoldenAccelerator({ ...DEFAULTS, layers: [4, 3, 2] });
    expect(() => m.sample(new Uint8Array(3), 0, true)).toThrow(/expected 4 input codes, got 3/);
    expect(() => m.sample(Uint16Array.of(0, 256, 0, 0), 0, true)).toThrow(/input 1 is 256, outside the activation format u8q6 \(integers 0\.\.255\)/);
    expect(() => m.sample(Int32Array.of(0, 0, -1, 0), 0, true)).toThrow(/input 2 is -1/);
    expect(() => m.sample(new Uint8Array(4), 2, true)).toThrow(/label must be an integer in 0\.\.1, got 2/);
    expect(m.sample(new Uint8Array(4), 2, false).predicted).toBe(0); // inference ignores the label
    expect(m.trainedSamples).toBe(0);
  });

  it('rejects parameters the model cannot honour', () => {
    expect(() => new GoldenAccelerator({ ...DEFAULTS, lrShift: 0, weight: { bits: 16, frac: 15 } })).toThrow(/lrShift must be at least 3/);
    expect(() => new GoldenAccelerator({ ...DEFAULTS, accBits: 24 })).toThrow(/accBits = 24 is too narrow: the forward sum of layer 1 needs 30 bits/);
    expect(() => new GoldenAccelerator({ ...DEFAULTS, act: { bits: 8, frac: 8 } })).toThrow(/act\.frac must be an integer in 0\.\.7/);
    expect(() => new GoldenAccelerator({ ...DEFAULTS, seed: 0 })).toThrow(/seed/);
    expect(() => new GoldenAccelerator({ ...DEFAULTS, variant: 'other' })).toThrow(/variant/);
  });

  it('with skipZeroInputs, layer 1 issues G_1 · (non-zero inputs + 1) update operations per training sample', () => {
    const p: AcceleratorParams = { ...DEFAULTS, layers: [7, 5, 3], pes: 4, skipZeroInputs: true, skipZeroErrors: false, skipZeroActivations: false };
    const seq = lfsrSequence(p.seed);
    const m = new GoldenAccelerator(p);
    m.initWeights(1);
    let phase = 0;
    for (const x of [Uint8Array.of(10, 0, 20, 30, 0, 64, 1), Uint8Array.of(0, 0, 0, 0, 0, 0, 0), Uint8Array.of(1, 2, 3, 4, 5, 6, 7)]) {
      const nz = x.filter((v) => v !== 0).length;
      m.sample(x, 1, true);
      phase += 2 * (nz + 1) + 1 * 6;
      for (let lane = 0; lane < 4; lane++) expect(m.lfsrState(lane)).toBe(seq[(lane * 16383 + phase) % LFSR_PERIOD]);
    }
  });

  it('with skipZeroActivations, layer l ≥ 2 issues G_l · (non-zero activations of layer l − 1 + 1) update operations', () => {
    // 7 inputs, 9 hidden, 5 outputs in 2 groups of P = 4; the update is numbered over the issued columns
    const p: AcceleratorParams = { ...DEFAULTS, layers: [7, 9, 5], pes: 4, skipZeroInputs: false, skipZeroErrors: false, skipZeroActivations: true };
    const seq = lfsrSequence(p.seed);
    const m = new GoldenAccelerator(p, { trace: true });
    m.initWeights(3);
    const dense = new GoldenAccelerator({ ...p, skipZeroActivations: false });
    dense.initWeights(3);
    const rng = new Rng(9);
    let phase = 0;
    let zeros = 0;
    for (let n = 0; n < 12; n++) {
      const x = Uint8Array.from({ length: 7 }, () => rng.int(0, 255));
      const label = rng.int(0, 4);
      m.sample(x, label, true);
      dense.sample(x, label, true);
      const nz = m.lastTrace()!.a[1]!.filter((v) => v !== 0).length;
      zeros += 9 - nz;
      phase += 3 * (7 + 1) + 2 * (nz + 1);
      for (let lane = 0; lane < 4; lane++) expect(m.lfsrState(lane)).toBe(seq[(lane * 16383 + phase) % LFSR_PERIOD]);
      // the backward pass issued the non-zero columns only
      expect(m.lastBackwardMacs()).toBe(5 * nz);
      expect(dense.lastBackwardMacs()).toBe(5 * 9);
    }
    expect(zeros).toBeGreaterThan(0);
  });

  it('with skipZeroErrors, an update group runs only when one of its errors is non-zero', () => {
    // 9 inputs, 10 hidden in 3 groups of P = 4 (the last with 2 lanes), 3 outputs in 1 group
    const p: AcceleratorParams = { ...DEFAULTS, layers: [9, 10, 3], pes: 4, skipZeroInputs: true, skipZeroErrors: true, skipZeroActivations: false };
    const seq = lfsrSequence(p.seed);
    const m = new GoldenAccelerator(p, { trace: true });
    m.initWeights(4);
    const rng = new Rng(3);
    let phase = 0;
    let skipped = 0;
    for (let n = 0; n < 40; n++) {
      const x = Uint8Array.from({ length: 9 }, () => (rng.bool(0.4) ? 0 : rng.int(1, 255)));
      m.sample(x, rng.int(0, 2), true);
      const e = m.lastTrace()!.e;
      const nz = x.filter((v) => v !== 0).length;
      const live = (k: number, g: number) => Array.from(e[k]!.slice(g * 4, g * 4 + 4)).some((v) => v !== 0);
      const hidden = [0, 1, 2].filter((g) => live(0, g)).length;
      skipped += 3 - hidden + (live(1, 0) ? 0 : 1);
      phase += hidden * (nz + 1) + (live(1, 0) ? 11 : 0);
      for (let lane = 0; lane < 4; lane++) expect(m.lfsrState(lane), `sample ${n} lane ${lane}`).toBe(seq[(lane * 16383 + phase) % LFSR_PERIOD]);
      expect(m.lastUpdateMacs()).toBe([0, 1, 2].filter((g) => live(0, g)).reduce((s, g) => s + (g === 2 ? 2 : 4) * (nz + 1), 0) + (live(1, 0) ? 3 * 11 : 0));
    }
    expect(skipped).toBeGreaterThan(0); // the case is exercised
  });

  it('zero skipping changes nothing but the stochastic draws', () => {
    const run = (p: AcceleratorParams) => {
      const m = new GoldenAccelerator(p);
      m.initWeights(3);
      const rng = new Rng(11);
      for (let n = 0; n < 60; n++)
        m.train(
          Int32Array.from({ length: 40 }, () => (rng.bool(0.7) ? 0 : rng.int(1, 255))),
          rng.int(0, 9),
        );
      return weightDigest(m.readWeights());
    };
    for (const rounding of ['truncate', 'nearest'] as const) {
      const p: AcceleratorParams = { ...DEFAULTS, layers: [40, 12, 10], pes: 4, rounding };
      expect(run({ ...p, skipZeroInputs: true })).toBe(run({ ...p, skipZeroInputs: false }));
      expect(run({ ...p, skipZeroErrors: true })).toBe(run({ ...p, skipZeroErrors: false }));
    }
    const p: AcceleratorParams = { ...DEFAULTS, layers: [40, 12, 10], pes: 4, rounding: 'stochastic' };
    expect(run({ ...p, skipZeroInputs: true })).not.toBe(run({ ...p, skipZeroInputs: false }));
    expect(run({ ...p, skipZeroErrors: true })).not.toBe(run({ ...p, skipZeroErrors: false }));
  });

  it('lanes advance U per training sample, none per inference; reset restarts them', () => {
    const p: AcceleratorParams = { ...DEFAULTS, layers: [7, 5, 3], pes: 4, skipZeroInputs: false, skipZeroErrors: false, skipZeroActivations: false };
    const g = acceleratorGeometry(p);
    expect(g.updateOps).toBe(2 * 8 + 1 * 6);
    const seq = lfsrSequence(p.seed);
    const m = new GoldenAccelerator(p);
    m.initWeights(1);
    const x = Uint8Array.of(10, 0, 20, 30, 0, 64, 1);
    for (let lane = 0; lane < 4; lane++) expect(m.lfsrState(lane)).toBe(seq[lane * 16383]);
    m.sample(x, 1, false);
    expect(m.lfsrState(3)).toBe(seq[3 * 16383]);
    for (let n = 1; n <= 3; n++) {
      m.sample(x, 1, true);
      m.sample(x, 1, false);
      for (let lane = 0; lane < 4; lane++) expect(m.lfsrState(lane)).toBe(seq[(lane * 16383 + n * g.updateOps) % LFSR_PERIOD]);
    }
    expect(m.trainedSamples).toBe(3);
    const w = m.readWeights();
    m.reset();
    expect(m.trainedSamples).toBe(0);
    expect(m.lfsrState(2)).toBe(seq[2 * 16383]);
    expect(Array.from(m.readWeights())).toEqual(Array.from(w));
  });

  it('the phase wraps correctly over many periods (n·U ≫ 65535)', () => {
    const p: AcceleratorParams = { ...DEFAULTS, layers: [30, 17, 3], pes: 5, rounding: 'stochastic' };
    const fast = new GoldenAccelerator(p);
    const ref = new ReferenceAccelerator(p);
    const w = initialWeights(p, 9);
    fast.loadWeights(w);
    ref.loadWeights(w);
    const rng = new Rng(5);
    const U = acceleratorGeometry(p).updateOps;
    const samples = Math.ceil((2.5 * LFSR_PERIOD) / U);
    for (let n = 0; n < samples; n++) {
      const x = Int32Array.from({ length: 30 }, () => (rng.bool(0.3) ? 0 : rng.int(0, 255)));
      const label = rng.int(0, 2);
      expect(fast.sample(x, label, true).predicted).toBe(ref.sample(x, label, true).predicted);
    }
    expect(weightDigest(fast.readWeights())).toBe(weightDigest(ref.readWeights()));
    for (let lane = 0; lane < 5; lane++) expect(fast.lfsrState(lane)).toBe(ref.lanes[lane]!.state);
  });

  it('lfsrSequence is the LFSR of lfsrStep, one full period', () => {
    const seq = lfsrSequence(0xace1);
    expect(seq.length).toBe(65535);
    expect(seq[0]).toBe(0xace1);
    for (let n = 0; n < 1000; n++) expect(seq[n + 1]).toBe(lfsrStep(seq[n]!));
    expect(lfsrStep(seq[65534]!)).toBe(0xace1);
    expect(new Set(seq).size).toBe(65535);
  });

  it('tracing is off by default and can be switched', () => {
    const m = new GoldenAccelerator({ ...DEFAULTS, layers: [4, 3, 2] });
    m.sample(new Uint8Array(4), 0, true);
    expect(m.lastTrace()).toBeUndefined();
    m.setTrace(true);
    m.sample(Uint8Array.of(1, 2, 3, 4), 1, true);
    const t = m.lastTrace()!;
    expect(t.sampleNumber).toBe(1);
    expect(t.z.map((z) => z.length)).toEqual([3, 2]);
    expect(t.a.map((a) => a.length)).toEqual([4, 3]);
    expect(t.mask.map((a) => a.length)).toEqual([3]);
    expect(t.e.map((e) => e.length)).toEqual([3, 2]);
    m.setTrace(false);
    expect(m.lastTrace()).toBeUndefined();
  });
});

describe('it learns', () => {
  it('separates two noisy clusters (layers 4-8-2) well below chance', () => {
    const p: AcceleratorParams = { ...DEFAULTS, layers: [4, 8, 2], pes: 3, lrShift: 4 };
    const rng = new Rng(12345);
    const gauss = () => {
      // Irwin–Hall approximation of a standard normal
      let s = 0;
      for (let k = 0; k < 12; k++) s += rng.float();
      return s - 6;
    };
    const centres = [
      [0.8, 2.6, 1.0, 2.2],
      [2.4, 1.0, 2.6, 0.9],
    ];
    const make = (count: number) =>
      Array.from({ length: count }, () => {
        const label = rng.int(0, 1);
        const x = Uint8Array.from(centres[label]!, (c) => Math.max(0, Math.min(255, Math.round((c + 0.45 * gauss()) * 64))));
        return { x, label };
      });
    const trainSet = make(400);
    const testSet = make(400);
    const m = new GoldenAccelerator(p);
    m.initWeights(2);
    const errorRate = () => testSet.filter((s) => m.sample(s.x, s.label, false).predicted !== s.label).length / testSet.length;
    const before = errorRate();
    for (let epoch = 0; epoch < 10; epoch++) for (const s of trainSet) m.sample(s.x, s.label, true);
    const after = errorRate();
    expect(after).toBeLessThan(0.05);
    expect(after).toBeLessThan(before);
  });
});
