/**
 * Which bits of an expression are the same for every input (known-bits analysis), so that the
 * emitter writes a literal wherever a simulator's own constant folding would find one.
 *
 * Why: Verilator's lint flags a comparison that cannot vary (CMPCONST, UNSIGNED). The IR folds
 * what it sees (src/hdl/expr.ts), but the emitter narrows sums to their kept bits and extends
 * operands, and there constants appear that the IR never had: the low bit of `x | 1`, the
 * reduction-AND of a zero-extended value, `x & 0` at a narrower width. Knowing bits (not only
 * whole values) finds them all the same way.
 */
import type { Expr } from '../expr.js';
import { foldCompare, mirrored } from '../expr.js';
import { constantValue } from '../eval.js';
import { fromBits, maxValue, minValue, toBits, type HdlType } from '../types.js';

export interface KnownBits {
  /** 1 where the bit is the same for every input. */
  readonly known: bigint;
  /** The bits' values where known (0 elsewhere). */
  readonly value: bigint;
}

const memo = new WeakMap<Expr, KnownBits>();

const ones = (w: number) => (1n << BigInt(w)) - 1n;

export function knownBits(e: Expr): KnownBits {
  let k = memo.get(e);
  if (!k) {
    k = compute(e);
    memo.set(e, k);
  }
  return k;
}

/** The low `w` bits of `e` when all of them are known, else undefined. */
export function constantBits(e: Expr, w: number): bigint | undefined {
  const k = knownBits(e);
  const mask = ones(w);
  return (k.known & mask) === mask ? k.value & mask : undefined;
}

const unknown: KnownBits = { known: 0n, value: 0n };

function exact(v: bigint, w: number): KnownBits {
  return { known: ones(w), value: toBits(v, w) };
}

/** How many low bits are known, counting from bit 0. */
function knownLow(k: KnownBits, w: number): number {
  let n = 0;
  while (n < w && (k.known >> BigInt(n)) & 1n) n++;
  return n;
}

function compute(e: Expr): KnownBits {
  const whole = constantValue(e);
  if (whole !== undefined) return exact(whole, e.width);
  const rule = RULES[e.kind];
  return rule ? rule(e, ones(e.width)) : unknown;
}

/** The known bits of operand i. */
const arg = (e: Expr, i: number): KnownBits => knownBits(e.args[i]!);

/** A rule per operator: the known bits of `e` (of width mask `all`) from its operands'. */
type Rule = (e: Expr, all: bigint) => KnownBits;

const bitwise: Record<'and' | 'or' | 'xor' | 'not', Rule> = {
  and: (e, all) => {
    const [a, b] = [arg(e, 0), arg(e, 1)];
    const zeros = (a.known & ~a.value) | (b.known & ~b.value);
    const known = (zeros | (a.known & b.known)) & all;
    return { known, value: a.value & b.value & known };
  },
  or: (e, all) => {
    const [a, b] = [arg(e, 0), arg(e, 1)];
    const setBits = (a.known & a.value) | (b.known & b.value);
    const known = (setBits | (a.known & b.known)) & all;
    return { known, value: (a.value | b.value) & known };
  },
  xor: (e, all) => {
    const [a, b] = [arg(e, 0), arg(e, 1)];
    const known = a.known & b.known & all;
    return { known, value: (a.value ^ b.value) & known };
  },
  not: (e) => {
    const a = arg(e, 0);
    return { known: a.known, value: ~a.value & a.known };
  },
};

/** Trailing known zeros of k (below w). */
function trailingZeros(k: KnownBits, w: number): number {
  let t = 0;
  while (t < w && (k.known >> BigInt(t)) & 1n && !((k.value >> BigInt(t)) & 1n)) t++;
  return t;
}

/** add, sub, mul, neg: low bits depend only on the operands' low bits, known up to the first unknown one. */
const arithmetic: Rule = (e, all) => {
  const w = e.width;
  const args = e.args.map((x) => extendKnown(knownBits(x), x.type, w));
  const [a = unknown, b = unknown] = args;
  const n = Math.min(...args.map((k) => knownLow(k, w)));
  if (e.kind === 'mul') {
    if (args.some((k) => (k.known & all) === all && k.value === 0n)) return exact(0n, w);
    // Trailing known zeros of either factor are zeros of the product.
    const z = Math.min(w, trailingZeros(a, w) + trailingZeros(b, w));
    if (z > n) return { known: ones(z), value: 0n };
  }
  if (n === 0) return unknown;
  const m = ones(n);
  const [x, y] = [a.value & m, b.value & m];
  const v = e.kind === 'add' ? x + y : e.kind === 'sub' ? x - y : e.kind === 'mul' ? x * y : -x;
  return { known: m, value: toBits(v, w) & m };
};

const shifts: Record<'shr' | 'shl' | 'dshl' | 'dshr', Rule> = {
  shr: (e, all) => {
    const a = arg(e, 0);
    // A signed source shifted by its width or more leaves its sign bit (see Expr.shr).
    const n = BigInt(Math.min(Number(e.value), e.args[0]!.width - 1));
    return { known: (a.known >> n) & all, value: (a.value >> n) & all };
  },
  shl: (e, all) => {
    const a = arg(e, 0);
    const n = BigInt(e.value);
    return { known: ((a.known << n) | ones(Number(n))) & all, value: (a.value << n) & all };
  },
  dshl: (e) => dynamicShift(e),
  dshr: (e) => dynamicShift(e),
};

/** A shift by a signal: only a source of all zeros (or, shifted right arithmetically, all ones) is known. */
function dynamicShift(e: Expr): KnownBits {
  const a = arg(e, 0);
  const aw = ones(e.args[0]!.width);
  if ((a.known & aw) === aw && a.value === 0n) return exact(0n, e.width);
  if (e.kind === 'dshr' && e.signed && (a.known & aw) === aw && a.value === aw) return exact(-1n, e.width);
  return unknown;
}

const reductions: Record<'andr' | 'orr' | 'xorr', Rule> = {
  andr: (e) => {
    const a = arg(e, 0);
    const aw = ones(e.args[0]!.width);
    if (a.known & ~a.value & aw) return exact(0n, 1);
    return (a.known & aw) === aw ? exact(1n, 1) : unknown;
  },
  orr: (e) => {
    const a = arg(e, 0);
    const aw = ones(e.args[0]!.width);
    if (a.known & a.value & aw) return exact(1n, 1);
    return (a.known & aw) === aw ? exact(0n, 1) : unknown;
  },
  xorr: (e) => {
    const a = arg(e, 0);
    const aw = ones(e.args[0]!.width);
    if ((a.known & aw) !== aw) return unknown;
    let p = 0n;
    for (let v = a.value; v; v >>= 1n) p ^= v & 1n;
    return exact(p, 1);
  },
};

const structure: Record<'ext' | 'cast' | 'slice' | 'concat' | 'mux', Rule> = {
  ext: (e) => extendKnown(arg(e, 0), e.args[0]!.type, e.width),
  cast: (e) => arg(e, 0),
  slice: (e, all) => {
    const a = arg(e, 0);
    return { known: (a.known >> BigInt(e.lo)) & all, value: (a.value >> BigInt(e.lo)) & all };
  },
  concat: (e) => {
    let known = 0n;
    let value = 0n;
    for (const p of e.args) {
      const k = knownBits(p);
      known = (known << BigInt(p.width)) | k.known;
      value = (value << BigInt(p.width)) | k.value;
    }
    return { known, value };
  },
  mux: (e, all) => {
    const [a, b] = [arg(e, 1), arg(e, 2)];
    const sel = constantBits(e.args[0]!, 1);
    if (sel !== undefined) return sel ? a : b;
    const known = a.known & b.known & ~(a.value ^ b.value) & all;
    return { known, value: a.value & known };
  },
};

const compare: Rule = (e) => compareKnown(e);

const RULES: Partial<Record<Expr['kind'], Rule>> = {
  ...bitwise,
  add: arithmetic,
  sub: arithmetic,
  mul: arithmetic,
  neg: arithmetic,
  ...shifts,
  ...reductions,
  ...structure,
  eq: compare,
  ne: compare,
  lt: compare,
  le: compare,
  gt: compare,
  ge: compare,
};

/** Known bits of a `t`-typed value extended to `w` bits (zero- or sign-extension). */
function extendKnown(k: KnownBits, t: HdlType, w: number): KnownBits {
  if (w <= t.width) return { known: k.known & ones(w), value: k.value & ones(w) };
  const high = ones(w) & ~ones(t.width);
  if (!t.signed) return { known: k.known | high, value: k.value };
  const sign = BigInt(t.width - 1);
  if (!((k.known >> sign) & 1n)) return k;
  return { known: k.known | high, value: (k.value >> sign) & 1n ? k.value | high : k.value };
}

/** The range a value of type `t` can take given its known bits. */
function rangeOf(k: KnownBits, t: HdlType): [bigint, bigint] {
  const w = t.width;
  const free = ones(w) & ~k.known;
  if (!t.signed) return [k.value, k.value | free];
  const sign = 1n << BigInt(w - 1);
  if (!(k.known & sign)) return [minValue(t), maxValue(t)];
  const lo = k.value;
  const hi = k.value | free;
  return [fromBits(lo, t), fromBits(hi, t)];
}

function compareKnown(e: Expr): KnownBits {
  const [a, b] = e.args as [Expr, Expr];
  const [ka, kb] = [knownBits(a), knownBits(b)];
  const [ra, rb] = [rangeOf(ka, a.type), rangeOf(kb, b.type)];
  const kind = e.kind as keyof typeof mirrored;
  // Decided when the ranges do not overlap in the way the operator asks about.
  let r: boolean | undefined;
  if (rb[0] === rb[1]) r = foldCompare(kind, ra[0], ra[1], rb[0]);
  else if (ra[0] === ra[1]) r = foldCompare(mirrored[kind], rb[0], rb[1], ra[0]);
  else r = decide(kind, ra, rb);
  return r === undefined ? unknown : exact(r ? 1n : 0n, 1);
}

function decide(kind: string, [alo, ahi]: [bigint, bigint], [blo, bhi]: [bigint, bigint]): boolean | undefined {
  switch (kind) {
    case 'lt':
      return ahi < blo ? true : alo >= bhi ? false : undefined;
    case 'le':
      return ahi <= blo ? true : alo > bhi ? false : undefined;
    case 'gt':
      return alo > bhi ? true : ahi <= blo ? false : undefined;
    case 'ge':
      return alo >= bhi ? true : ahi < blo ? false : undefined;
    case 'eq':
      return ahi < blo || alo > bhi ? false : undefined;
    case 'ne':
      return ahi < blo || alo > bhi ? true : undefined;
  }
  return undefined;
}
