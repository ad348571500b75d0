// The word layout shared with the C ABI and the packed batch API.

import { describe, expect, it } from 'vitest';
import { checkPackedTop, checkValue, fromWords, portCodec } from '../../src/sim/bits.js';
import { toWords } from '../../src/sim/bits.js';

const port = (width: number, signed: boolean) => portCodec({ name: 'p', dir: 'input', width, signed, index: 0, words: Math.ceil(width / 32) });

describe('bits', () => {
  it('packs little-endian words with the top word sign-/zero-extended', () => {
    const w = new Uint32Array(4);
    toWords(port(100, true), -2n, w, 0);
    expect(Array.from(w)).toEqual([0xfffffffe, 0xffffffff, 0xffffffff, 0xffffffff]);
    toWords(port(100, false), (1n << 99n) | 3n, w, 0);
    expect(Array.from(w)).toEqual([3, 0, 0, 8]);
    toWords(port(5, true), -16n, w, 0);
    expect(w[0]).toBe(0xfffffff0);
    toWords(port(64, true), -(1n << 63n), w, 0);
    expect(Array.from(w.subarray(0, 2))).toEqual([0, 0x80000000]);
  });

  it('round-trips every width class at the range ends', () => {
    for (const width of [1, 5, 8, 16, 31, 32, 33, 53, 63, 64, 65, 96, 97, 100, 128]) {
      for (const signed of [false, true]) {
        const p = port(width, signed);
        for (const v of [p.min, p.max, 0n, signed ? -1n : 1n]) {
          const w = new Uint32Array(p.words + 2);
          toWords(p, v, w, 1);
          expect(fromWords(p, w, 1)).toBe(v);
          expect(checkPackedTop(p, w[p.words]!)).toBeUndefined();
        }
      }
    }
  });

  it('range-checks with messages naming the port, width and value', () => {
    expect(() => checkValue(port(8, false), 256)).toThrow("poke 'p' (unsigned 8-bit, 0..255): value 256 is out of range");
    expect(() => checkValue(port(8, true), -129n)).toThrow("'p' (signed 8-bit, -128..127): value -129 is out of range");
    expect(() => checkValue(port(64, false), 2 ** 64)).toThrow(/beyond 2\^53/);
    expect(() => checkValue(port(8, false), Number.NaN)).toThrow(/not an integer/);
    expect(checkValue(port(1, false), 1)).toBe(1n);
    expect(checkPackedTop(port(8, true), 0x80)).toMatch(/sign-extended/);
    expect(checkPackedTop(port(8, true), 0xffffff80)).toBeUndefined();
    expect(checkPackedTop(port(33, false), 2)).toMatch(/zero-extended from bit 0/);
  });
});
