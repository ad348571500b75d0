/**
 * Hardware types: unsigned and signed bit vectors of explicit width, Bool, and a
 * fixed-point view. Width rules for every operator are documented in docs/HDL.md
 * and enforced in expr.ts.
 */

export interface HdlType {
  readonly signed: boolean;
  readonly width: number;
  /** Fixed-point view: number of fraction bits (the value is bits · 2^-frac). Metadata only. */
  readonly frac?: number;
}

/** Wider than this is refused: no chip of ours needs it, and it catches runaway widths early. */
export const MAX_WIDTH = 4096;

function checkWidth(width: number): number {
  if (!Number.isInteger(width) || width < 1 || width > MAX_WIDTH) {
    throw new RangeError(`width must be an integer in 1..${MAX_WIDTH}, got ${width}`);
  }
  return width;
}

export const UInt = (width: number): HdlType => ({ signed: false, width: checkWidth(width) });
export const SInt = (width: number): HdlType => ({ signed: true, width: checkWidth(width) });
export const Bool: HdlType = UInt(1);

/** A fixed-point format: `bits` total, `frac` fraction bits, two's complement when signed. */
export interface FixedFormat {
  readonly bits: number;
  readonly frac: number;
  readonly signed: boolean;
}

export const Fixed = (bits: number, frac: number, signed = true): HdlType => {
  if (!Number.isInteger(frac)) throw new RangeError(`frac must be an integer, got ${frac}`);
  return { signed, width: checkWidth(bits), frac };
};

export const typeOf = (f: FixedFormat): HdlType => Fixed(f.bits, f.frac, f.signed);

export function minValue(t: HdlType): bigint {
  return t.signed ? -(1n << BigInt(t.width - 1)) : 0n;
}

export function maxValue(t: HdlType): bigint {
  return t.signed ? (1n << BigInt(t.width - 1)) - 1n : (1n << BigInt(t.width)) - 1n;
}

export function fits(value: bigint, t: HdlType): boolean {
  return value >= minValue(t) && value <= maxValue(t);
}

/** The smallest type of the given signedness that holds `value`. */
export function typeForValue(value: bigint, signed: boolean): HdlType {
  if (!signed && value < 0n) throw new RangeError(`negative value ${value} has no unsigned type`);
  let w = 1;
  while (!fits(value, signed ? SInt(w) : UInt(w))) w++;
  return signed ? SInt(w) : UInt(w);
}

/** Number of address bits for a memory or state register with `n` entries (at least 1). */
export function clog2(n: number): number {
  let w = 0;
  while (2 ** w < n) w++;
  return Math.max(w, 1);
}

export const typeName = (t: HdlType): string => `${t.signed ? 'SInt' : 'UInt'}(${t.width}${t.frac !== undefined ? `, frac ${t.frac}` : ''})`;

export const sameType = (a: HdlType, b: HdlType): boolean => a.signed === b.signed && a.width === b.width;

/** Two's complement bit pattern of `value` in `width` bits, as a non-negative bigint. */
export function toBits(value: bigint, width: number): bigint {
  return BigInt.asUintN(width, value);
}

/** Interpret a `width`-bit pattern as a value of type `t`. */
export function fromBits(bits: bigint, t: HdlType): bigint {
  return t.signed ? BigInt.asIntN(t.width, bits) : BigInt.asUintN(t.width, bits);
}
