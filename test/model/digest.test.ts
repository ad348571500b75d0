import { describe, expect, it } from 'vitest';
import { digestHex, weightDigest } from '../../src/model/digest.js';
import { Rng } from '../../src/model/rng.js';

/** FNV-1a 32 over bytes, written the textbook way with bigint (independent of Math.imul). */
function fnv1aBytes(bytes: Uint8Array): number {
  let h = 0x811c9dc5n;
  for (const b of bytes) h = ((h ^ BigInt(b)) * 0x01000193n) & 0xffffffffn;
  return Number(h);
}

/** The digest's definition: each code as its 4 little-endian bytes of the 32-bit two's complement. */
function bytesOf(codes: readonly number[]): Uint8Array {
  const out = new Uint8Array(codes.length * 4);
  const view = new DataView(out.buffer);
  codes.forEach((c, k) => view.setInt32(4 * k, c, true));
  return out;
}

describe('weightDigest', () => {
  it('FNV-1a test vectors (the byte-level reference is right)', () => {
    expect(fnv1aBytes(new Uint8Array())).toBe(0x811c9dc5);
    expect(fnv1aBytes(new TextEncoder().encode('a'))).toBe(0xe40c292c);
    expect(fnv1aBytes(new TextEncoder().encode('foobar'))).toBe(0xbf9cf968);
  });

  it('fixed values (also for the C++ harness)', () => {
    expect(weightDigest(new Int32Array())).toBe(0x811c9dc5);
    expect(weightDigest(Int32Array.of(0))).toBe(fnv1aBytes(Uint8Array.of(0, 0, 0, 0)));
    expect(weightDigest(Int32Array.of(-1))).toBe(fnv1aBytes(Uint8Array.of(255, 255, 255, 255)));
    expect(weightDigest(Int32Array.of(0x61))).toBe(fnv1aBytes(Uint8Array.of(0x61, 0, 0, 0)));
    expect(digestHex(weightDigest(Int32Array.of(1, -2, 2047, -2048)))).toBe(
      fnv1aBytes(Uint8Array.of(1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0xff, 7, 0, 0, 0, 0xf8, 0xff, 0xff))
        .toString(16)
        .padStart(8, '0'),
    );
  });

  it('agrees with the byte-level definition on random codes, arrays and Int32Arrays alike', () => {
    const rng = new Rng(9);
    for (let t = 0; t < 50; t++) {
      const codes = Array.from({ length: rng.int(0, 300) }, () => rng.int(-(2 ** 31), 2 ** 31 - 1));
      const d = weightDigest(Int32Array.from(codes));
      expect(d).toBe(fnv1aBytes(bytesOf(codes)));
      expect(weightDigest(codes)).toBe(d);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(2 ** 32);
    }
  });

  it('is order sensitive', () => {
    expect(weightDigest(Int32Array.of(1, 2))).not.toBe(weightDigest(Int32Array.of(2, 1)));
  });
});
