/** Derived sizes: hand-checked numbers, the memory layout enumerated, minAccBits by brute force. */
import { describe, expect, it } from 'vitest';
import { peWidths } from '../../generators/blocks/pe.js';
import { ConfigError, accumulatorNeed, deriveSizes, fixedFormats, parseConfig, type Config, type DerivedSizes, type Format } from '../../src/config/index.js';

const sizes = (input: object): DerivedSizes => deriveSizes(parseConfig(input));

describe('the defaults: 784-64-10, P = 16', () => {
  const d = sizes({});
  it('layers, groups and bases', () => {
    expect(d.L).toBe(2);
    expect(d.nIn).toEqual([784, 64]);
    expect(d.nOut).toEqual([64, 10]);
    expect(d.groups).toEqual([4, 1]);
    expect(d.weightBase).toEqual([0, 4 * 785]);
    expect(d.errorBase).toEqual([0, 4]);
    expect(d.layers[1]).toEqual({
      index: 1,
      nIn: 64,
      nOut: 10,
      groups: 1,
      weightBase: 3140,
      weightWords: 65,
      errorBase: 4,
      rowLen: 65,
      inActBase: 0,
      outActBase: 0,
    });
  });
  it('memory depths and widths', () => {
    expect(d.weightDepth).toBe(4 * 785 + 1 * 65); // 3205
    expect(d.weightDepth).toBe(3205);
    expect(d.errorDepth).toBe(5);
    expect(d.actBase).toEqual([0]);
    expect(d.actDepth).toBe(64);
    expect(d.inputDepth).toBe(49); // 784 / 16
    expect(d.inputWidth).toBe(128); // 16 · 8
  });
  it('arithmetic widths', () => {
    expect(d.updateShifts).toEqual([6 + 6 + 6 - 11, 6 + 6 + 6 - 11]);
    expect(d.peProductBits).toBe(12 + 9);
    // 785 · (−2^11) · 255 = −409,958,400 needs 30 bits (2^29 = 536,870,912).
    expect(d.minAccBits).toBe(30);
  });
  it('MACs and cycles', () => {
    expect(d.macs).toEqual({ forward: 50890, backward: 640, update: 50890, total: 102420 });
    expect(d.boundCycles).toBe(6402); // ceil(102420 / 16)
    expect(d.updateOps).toBe(3205);
    expect(d.lfsrStride).toBe(4095); // floor(65535 / 16)
    expect(d.labelBits).toBe(4);
  });
  it('is frozen', () => {
    expect(Object.isFrozen(d) && Object.isFrozen(d.layers) && Object.isFrozen(d.layers[0]) && Object.isFrozen(d.macs) && Object.isFrozen(d.groups)).toBe(true);
  });
});

describe('odd sizes', () => {
  it('[5, 7, 3] with P = 4', () => {
    const d = sizes({ layers: [5, 7, 3], pes: 4, inputsPerBeat: 2 });
    expect(d.groups).toEqual([2, 1]);
    expect(d.weightBase).toEqual([0, 2 * 6]);
    expect(d.weightDepth).toBe(2 * 6 + 1 * 8);
    expect(d.errorBase).toEqual([0, 2]);
    expect(d.errorDepth).toBe(3);
    expect(d.actDepth).toBe(7);
    expect(d.inputDepth).toBe(3); // ceil(5 / 2)
    expect(d.inputWidth).toBe(16);
    expect(d.macs).toEqual({ forward: 7 * 6 + 3 * 8, backward: 3 * 7, update: 66, total: 153 });
    expect(d.boundCycles).toBe(39); // ceil(153 / 4)
    expect(d.updateOps).toBe(20);
    expect(d.lfsrStride).toBe(16383);
    expect(d.labelBits).toBe(2);
  });

  it('P larger than every layer: one group each, most lanes padding', () => {
    const d = sizes({ layers: [3, 5, 2], pes: 64 });
    expect(d.groups).toEqual([1, 1]);
    expect(d.weightDepth).toBe(4 + 6);
    expect(d.errorDepth).toBe(2);
    expect(d.macs).toEqual({ forward: 5 * 4 + 2 * 6, backward: 2 * 5, update: 32, total: 74 });
    expect(d.boundCycles).toBe(2); // ceil(74 / 64)
    expect(d.lfsrStride).toBe(1023);
    expect(d.labelBits).toBe(1);
  });

  it('a single weight layer has no hidden activations and no backward MACs', () => {
    const d = sizes({ layers: [784, 10] });
    expect(d.L).toBe(1);
    expect(d.actBase).toEqual([]);
    expect(d.actDepth).toBe(0);
    expect(d.macs.backward).toBe(0);
    expect(d.macs.total).toBe(2 * 7850);
  });

  it('deep networks: bases accumulate, actBase per hidden layer', () => {
    const d = sizes({ layers: [10, 20, 30, 5], pes: 8 });
    expect(d.groups).toEqual([3, 4, 1]);
    expect(d.weightBase).toEqual([0, 33, 33 + 84]);
    expect(d.errorBase).toEqual([0, 3, 7]);
    expect(d.actBase).toEqual([0, 20]);
    expect(d.actDepth).toBe(50);
    expect(d.macs.backward).toBe(30 * 20 + 5 * 30);
  });

  it('labelBits = max(1, ceil(log2 N_L))', () => {
    for (const [n, bits] of [
      [1, 1],
      [2, 1],
      [3, 2],
      [4, 2],
      [5, 3],
      [16, 4],
      [17, 5],
      [65536, 16],
    ] as const) {
      expect(sizes({ layers: [2, n], accBits: 40 }).labelBits).toBe(bits);
    }
  });
});

describe('the memory layout of docs/ARCHITECTURE.md §3', () => {
  it.each([[{ layers: [5, 7, 3], pes: 4 }], [{ layers: [10, 20, 30, 5], pes: 8 }], [{ layers: [3, 17, 1, 9], pes: 3 }], [{ layers: [4, 2], pes: 16 }]])(
    'every weight and error of every lane has one address, the banks are exactly full: %j',
    (input) => {
      const cfg = parseConfig(input);
      const d = deriveSizes(cfg);
      const P = cfg.pes;
      for (let p = 0; p < P; p++) {
        const wSeen = new Set<number>();
        const eSeen = new Set<number>();
        for (const l of d.layers) {
          for (let g = 0; g < l.groups; g++) {
            // Padding lanes (g·P + p ≥ N_l) still own their addresses.
            for (let i = 0; i <= l.nIn; i++) wSeen.add(l.weightBase + g * (l.nIn + 1) + i);
            eSeen.add(l.errorBase + g);
          }
        }
        expect(wSeen.size).toBe(d.weightDepth);
        expect(Math.max(...wSeen)).toBe(d.weightDepth - 1);
        expect(eSeen.size).toBe(d.errorDepth);
        expect(Math.max(...eSeen)).toBe(d.errorDepth - 1);
      }
      // U update operations per sample = one per weight-bank word.
      expect(d.updateOps).toBe(d.weightDepth);
    },
  );
});

describe('minAccBits', () => {
  const F = (bits: number, frac = 0): Format => ({ bits, frac });

  /** Brute force over every operand value: the extreme sums and the bits they need. */
  function bruteForce(layers: number[], w: Format, a: Format, e: Format): number {
    const range = (lo: number, hi: number) => Array.from({ length: hi - lo + 1 }, (_, k) => lo + k);
    const ws = range(-(2 ** (w.bits - 1)), 2 ** (w.bits - 1) - 1);
    const as = range(0, 2 ** a.bits - 1);
    const es = range(-(2 ** (e.bits - 1)), 2 ** (e.bits - 1) - 1);
    const ext = (xs: number[], ys: number[]) => {
      let lo = 0;
      let hi = 0;
      for (const x of xs) for (const y of ys) [lo, hi] = [Math.min(lo, x * y), Math.max(hi, x * y)];
      return [lo, hi] as const;
    };
    const fits = (n: number, lo: number, hi: number) => lo >= -(2 ** (n - 1)) && hi <= 2 ** (n - 1) - 1;
    const [fLo, fHi] = ext(ws, as);
    const [bLo, bHi] = ext(ws, es);
    let n = Math.max(w.bits, e.bits) + Math.max(a.bits + 1, e.bits);
    const ok = (m: number) => {
      for (let l = 1; l < layers.length; l++) {
        const t = layers[l - 1]! + 1;
        if (!fits(m, fLo * t, fHi * t)) return false;
        if (l >= 2 && !fits(m, bLo * layers[l]!, bHi * layers[l]!)) return false;
      }
      return true;
    };
    while (!ok(n)) n++;
    return n;
  }

  it.each([
    [[1, 1], F(2), F(2), F(2)],
    [[3, 2], F(4), F(3), F(5)],
    [[7, 100, 3], F(5), F(4), F(3)],
    [[2, 3, 500], F(3), F(2), F(6)],
    [[1000, 2], F(6), F(6), F(2)],
    [[9, 9, 9, 9], F(8), F(8), F(8)],
  ])('%j W%o A%o E%o matches brute force', (layers, w, a, e) => {
    expect(accumulatorNeed(layers, w, a, e).bits).toBe(bruteForce(layers, w, a, e));
  });

  it('counts the bias term forward and the most-negative × most-negative product backward', () => {
    // 1 input + bias = 2 terms of (−2^(Wb−1))·(2^Ab − 1): with Wb = 2, Ab = 2: 2 · (−2) · 3 = −12 → 5 bits.
    expect(accumulatorNeed([1, 1], F(2), F(2), F(2)).bits).toBe(Math.max(5, 2 + 3));
    // Largest positive backward sum: N · 2^(Wb−1) · 2^(Eb−1) = 4 · 2 · 2 = 16 → needs 6 bits; forward needs 5.
    expect(accumulatorNeed([1, 1, 4], F(2), F(2), F(2)).bits).toBe(6);
  });

  it('is consistent with the PE generator’s product width', () => {
    for (const [w, a, e] of [
      [12, 8, 8],
      [8, 8, 12],
      [4, 16, 6],
      [16, 4, 16],
    ] as const) {
      const cfg: Config = parseConfig({ layers: [1, 1], weight: F(w), act: F(a), error: F(e), accBits: 48, lrShift: 20 });
      const pw = peWidths({ ...fixedFormats(cfg), accBits: cfg.accBits });
      expect(deriveSizes(cfg).peProductBits).toBe(pw.product);
    }
  });

  it('is what the schema enforces', () => {
    const need = deriveSizes(parseConfig({ layers: [300, 200, 100], accBits: 48 })).minAccBits;
    expect(() => parseConfig({ layers: [300, 200, 100], accBits: need })).not.toThrow();
    expect(() => parseConfig({ layers: [300, 200, 100], accBits: need - 1 })).toThrow(`accBits must be an integer in ${need}..48`);
  });
});

describe('deriveSizes validates its argument', () => {
  it('throws a ConfigError for a hand-built invalid Config', () => {
    const bad = { ...parseConfig({}), pes: 0 } as Config;
    expect(() => deriveSizes(bad)).toThrow(ConfigError);
    expect(() => deriveSizes(bad)).toThrow('config: pes must be an integer in 1..1024, got 0');
  });

  it('fixedFormats adds the signedness', () => {
    expect(fixedFormats(parseConfig({}))).toEqual({
      weight: { bits: 12, frac: 11, signed: true },
      act: { bits: 8, frac: 6, signed: false },
      error: { bits: 8, frac: 6, signed: true },
    });
  });
});
