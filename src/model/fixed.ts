/**
 * Bit-exact fixed-point arithmetic, the golden counterpart of src/hdl/fixed.ts. Values are
 * bigint integers (the raw two's complement codes), so any width is exact.
 */
export type Rounding = 'truncate' | 'nearest' | 'stochastic';

export interface Format {
  readonly bits: number;
  readonly signed: boolean;
}

export const minOf = (f: Format): bigint => (f.signed ? -(1n << BigInt(f.bits - 1)) : 0n);
export const maxOf = (f: Format): bigint => (f.signed ? (1n << BigInt(f.bits - 1)) - 1n : (1n << BigInt(f.bits)) - 1n);

/** floor(x / 2^s) for s ≥ 0 (an arithmetic right shift). */
export const floorShift = (x: bigint, s: number): bigint => x >> BigInt(s);

/**
 * x · 2^-s rounded to an integer (s ≥ 0): truncate = floor; nearest = round half up;
 * stochastic = floor((x + r) / 2^s) where r is the low s bits of `random` (16-bit LFSR state),
 * or, when s > 16, the 16 random bits placed at the top of the dropped field.
 */
export function roundShift(x: bigint, s: number, mode: Rounding, random = 0): bigint {
  if (s === 0) return x;
  if (s < 0) return x << BigInt(-s);
  switch (mode) {
    case 'truncate':
      return x >> BigInt(s);
    case 'nearest':
      return (x + (1n << BigInt(s - 1))) >> BigInt(s);
    case 'stochastic': {
      const r = s <= 16 ? BigInt(random) & ((1n << BigInt(s)) - 1n) : BigInt(random & 0xffff) << BigInt(s - 16);
      return (x + r) >> BigInt(s);
    }
  }
}

export function saturate(x: bigint, f: Format): bigint {
  const lo = minOf(f);
  const hi = maxOf(f);
  return x < lo ? lo : x > hi ? hi : x;
}

/** Round then saturate: the requantisation of a value with `fromFrac` fraction bits to `to`. */
export function requantize(x: bigint, fromFrac: number, to: Format & { frac: number }, mode: Rounding, random = 0): bigint {
  return saturate(roundShift(x, fromFrac - to.frac, mode, random), to);
}

/** Two's complement wrap of x to `bits` (signed). */
export const wrapSigned = (x: bigint, bits: number): bigint => BigInt.asIntN(bits, x);
