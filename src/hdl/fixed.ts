/**
 * Fixed-point helpers built from the primitive operators: rounding right shifts and
 * requantisation with saturation. The golden model (src/model/fixed.ts) implements the same
 * arithmetic on numbers; docs/HDL.md states the semantics both share.
 */
import { lit, type Expr } from './expr.js';
import { Fixed, SInt, UInt, type FixedFormat, type HdlType } from './types.js';
import { reportError } from './context.js';

export type Rounding = 'truncate' | 'nearest' | 'stochastic';

/**
 * x · 2^-s rounded to an integer:
 * - truncate: floor (a bare arithmetic shift);
 * - nearest: floor(x · 2^-s + 1/2), i.e. round half up;
 * - stochastic: floor((x + r) · 2^-s) with r uniform in [0, 2^s): `random` supplies r's bits
 *   (at least min(s, its width) bits; when s is larger than its width the random bits are
 *   aligned to the top of the dropped field).
 * The result is wide enough to be exact (one bit more than the shifted value when rounding
 * can carry). s = 0 returns x.
 */
export function roundShift(x: Expr, s: number, mode: Rounding, random?: Expr): Expr {
  if (s === 0) return x;
  if (s < 0) return x.shl(-s);
  if (mode === 'truncate') return x.shr(s);
  if (s < x.width) return carryForm(x, s, mode, random);
  let addend: Expr;
  if (mode === 'nearest') {
    const half = 1n << BigInt(s - 1);
    addend = x.signed ? lit(half, SInt(s + 1)) : lit(half, UInt(s));
  } else {
    if (!random) {
      reportError('usage', 'stochastic rounding needs a random-bits input');
      return x.shr(s);
    }
    let r = random.width > s ? random.slice(s - 1, 0) : random;
    if (r.width < s) r = r.shl(s - r.width);
    addend = x.signed ? r.toSInt() : r;
  }
  return x.add(addend).shr(s);
}

/**
 * floor((x + a) · 2^-s) for an addend 0 ≤ a < 2^s (1/2 for nearest, r for stochastic), computed
 * as floor(x · 2^-s) plus the carry out of the dropped field: x[s−1:0] + a ≥ 2^s, which for
 * nearest is just bit s−1 of x. Same value and type as shifting the full-width sum, but every
 * operand is a bit-select of x or a comparison, so the emitted Verilog needs no temporary wire
 * for the sum (a simulator like Verilator evaluates every named wire on every cycle, even in a
 * unit that is idle most of the time, such as the update units).
 */
function carryForm(x: Expr, s: number, mode: 'nearest' | 'stochastic', random?: Expr): Expr {
  let carry: Expr;
  if (mode === 'nearest') carry = x.bit(s - 1);
  else {
    if (!random) {
      reportError('usage', 'stochastic rounding needs a random-bits input');
      return x.shr(s);
    }
    let r = random.width > s ? random.slice(s - 1, 0) : random.asUInt();
    if (r.width < s) r = r.shl(s - r.width);
    carry = x
      .slice(s - 1, 0)
      .add(r)
      .ge(1n << BigInt(s));
  }
  const width = x.width + 1 - s;
  const sum = x.shr(s).add(x.signed ? carry.toSInt() : carry);
  return sum.width > width ? sum.truncate(width) : sum.resize(width);
}

/**
 * Requantise `x`, a fixed-point value with `fromFrac` fraction bits, to format `to`:
 * round (per `mode`) then saturate. The result has type Fixed(to).
 */
export function requantize(x: Expr, fromFrac: number, to: FixedFormat, mode: Rounding, random?: Expr): Expr {
  const shifted = roundShift(x, fromFrac - to.frac, mode, random);
  const target: HdlType = Fixed(to.bits, to.frac, to.signed);
  return shifted.saturate(target);
}
