// Port values <-> little-endian 32-bit words, with range checks.
//
// Why a separate module: the word layout is the contract with the C ABI
// (src/sim/templates/capi.cpp.hbs) and with users of the packed batch API, and the
// range checks are where most testbench bugs surface, so they are kept small,
// exact (bigint where needed) and testable on their own.
//
// Layout: a w-bit value takes ceil(w/32) words, least significant first, two's
// complement. The top word is sign-extended to 32 bits for signed ports and
// zero-extended for unsigned ports (the C side does this on every peek).

import type { PortInfo } from './design.js';

/** A port with its legal value range precomputed (numbers too, for the <= 32-bit fast path). */
export interface PortCodec extends PortInfo {
  min: bigint;
  max: bigint;
  /** Same as min/max; exact for widths <= 53. */
  minN: number;
  maxN: number;
  /** Bits used in the top word (1..32). */
  topBits: number;
}

export function portCodec(p: PortInfo): PortCodec {
  const w = BigInt(p.width);
  const min = p.signed ? -(1n << (w - 1n)) : 0n;
  const max = p.signed ? (1n << (w - 1n)) - 1n : (1n << w) - 1n;
  return { ...p, min, max, minN: Number(min), maxN: Number(max), topBits: p.width - 32 * (p.words - 1) };
}

export function describePort(p: PortCodec): string {
  return `'${p.name}' (${p.signed ? 'signed' : 'unsigned'} ${p.width}-bit, ${p.min}..${p.max})`;
}

/**
 * Check `value` against the port's range and return it as a bigint.
 * @throws RangeError naming the port, its width and the value
 */
export function checkValue(p: PortCodec, value: number | bigint, what = 'poke'): bigint {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      const why = Number.isInteger(value) ? 'is beyond 2^53 and may have lost bits: pass a bigint' : 'is not an integer';
      throw new RangeError(`${what} ${describePort(p)}: value ${value} ${why}`);
    }
    value = BigInt(value);
  } else if (typeof value !== 'bigint') {
    throw new TypeError(`${what} ${describePort(p)}: value must be a number or bigint, got ${typeof value}`);
  }
  if (value < p.min || value > p.max) {
    throw new RangeError(`${what} ${describePort(p)}: value ${value} is out of range`);
  }
  return value;
}

/** Write an in-range value as p.words words at out[offset...]. */
export function toWords(p: PortCodec, value: bigint, out: Uint32Array | Int32Array, offset: number): void {
  let x = BigInt.asUintN(p.width, value);
  for (let i = 0; i < p.words; i++) {
    out[offset + i] = Number(x & 0xffffffffn);
    x >>= 32n;
  }
  // Follow the layout convention: sign-extend the top word of signed ports.
  if (p.signed && value < 0n && p.topBits < 32) {
    const top = offset + p.words - 1;
    out[top] = (out[top]! | ~((1 << p.topBits) - 1)) >>> 0;
  }
}

/** Read p.words words (top word extended per the layout) as a bigint, signed if the port is. */
export function fromWords(p: PortCodec, words: Uint32Array | Int32Array, offset: number): bigint {
  let x = 0n;
  for (let i = p.words - 1; i >= 0; i--) x = (x << 32n) | BigInt(words[offset + i]! >>> 0);
  return p.signed ? BigInt.asIntN(p.width, x) : BigInt.asUintN(p.width, x);
}

/**
 * Check that the words of one packed value follow the layout (top word
 * zero-/sign-extended), i.e. the value is in range. Returns an error string or
 * undefined. Only the top word can be out of range.
 */
export function checkPackedTop(p: PortCodec, topWord: number): string | undefined {
  if (p.topBits === 32) return undefined;
  const half = 2 ** (p.topBits - 1);
  const ok = p.signed ? (topWord | 0) >= -half && (topWord | 0) < half : topWord >>> 0 < 2 * half;
  if (ok) return undefined;
  const hex = `0x${(topWord >>> 0).toString(16).padStart(8, '0')}`;
  return p.words === 1
    ? `word ${hex} is out of range ${describePort(p)}${p.signed ? ': negative values must be sign-extended to 32 bits' : ''}`
    : `top word ${hex} is out of range ${describePort(p)}: it must be ${p.signed ? 'sign' : 'zero'}-extended from bit ${p.topBits - 1}`;
}
