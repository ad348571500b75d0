/**
 * Expressions and signals. Every operator checks widths and signedness when it is called, so
 * that a mistake is reported at the user's line; the result width follows the rules in
 * docs/HDL.md (add grows by one bit, multiply sums widths, no operator ever drops a bit
 * silently: narrowing is always an explicit truncate, saturate or shift).
 */
import { reportError } from './context.js';
import { constantValue, evaluate } from './eval.js';
import { callerLoc, type SourceLoc } from './source.js';
import { Bool, type HdlType, SInt, UInt, fits, fromBits, maxValue, minValue, typeName, MAX_WIDTH } from './types.js';

export type ExprKind =
  | 'const'
  | 'ref'
  | 'not'
  | 'neg'
  | 'andr'
  | 'orr'
  | 'xorr'
  | 'add'
  | 'sub'
  | 'mul'
  | 'and'
  | 'or'
  | 'xor'
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'shl'
  | 'shr'
  | 'dshl'
  | 'dshr'
  | 'mux'
  | 'slice'
  | 'concat'
  | 'ext'
  | 'cast';

/** What owns a signal: the module it was declared in. */
export interface SignalOwner {
  readonly name: string;
  /** A procedural assignment to one of its signals in the block being built (what Signal.set does). */
  procedural(target: Signal, value: Operand, loc: SourceLoc | undefined): void;
}

export type Operand = Expr | number | bigint | boolean;

export class Expr {
  /** The module whose signals this expression reads (undefined for pure constants). */
  readonly owner: SignalOwner | undefined;

  constructor(
    readonly kind: ExprKind,
    readonly type: HdlType,
    readonly args: readonly Expr[] = [],
    /** const: the value; slice: hi; shl/shr: amount. */
    readonly value: bigint = 0n,
    /** slice: lo. */
    readonly lo: number = 0,
    /** A poisoned expression came out of an operator that already reported an error: no cascades. */
    readonly poisoned: boolean = false,
    /** Optional name of a constant (FSM state), emitted as a localparam. */
    readonly constName?: string,
  ) {
    let owner: SignalOwner | undefined;
    for (const a of args) {
      if (!a.owner) continue;
      if (owner && a.owner !== owner) {
        reportError(
          'cross-module',
          `expression mixes signals of module ${owner.name} and module ${a.owner.name}; ` +
            `a signal can only be used in the module that declares it (connect it through a port)`,
        );
        break;
      }
      owner = a.owner;
    }
    this.owner = owner;
  }

  get width(): number {
    return this.type.width;
  }

  get signed(): boolean {
    return this.type.signed;
  }

  /** Human description for messages: the signal name, or the operator. */
  describe(): string {
    return this.kind === 'const' ? `constant ${this.value}` : `${this.kind} expression`;
  }

  // ---- arithmetic -------------------------------------------------------------------------

  /** a + b, width max(wa, wb) + 1: never overflows. */
  add(b: Operand): Expr {
    return arith('add', this, b);
  }

  /** a - b, width max(wa, wb) + 1: never overflows (for UInt the result wraps below zero: use SInt). */
  sub(b: Operand): Expr {
    return arith('sub', this, b);
  }

  /** a + b at the wider operand's width: the carry is dropped, the sum wraps around. */
  addWrap(b: Operand): Expr {
    const o = coerce(this, b, 'addWrap');
    if (!o) return poison(this.type);
    return arith('add', this, o).truncate(Math.max(this.width, o.width));
  }

  /** a - b at the wider operand's width, wrapping around. */
  subWrap(b: Operand): Expr {
    const o = coerce(this, b, 'subWrap');
    if (!o) return poison(this.type);
    return arith('sub', this, o).truncate(Math.max(this.width, o.width));
  }

  /** a + 1 at a's width, wrapping from the maximum to the minimum: the counter step. */
  inc(): Expr {
    return this.add(1).truncate(this.width);
  }

  /** a - 1 at a's width, wrapping from the minimum to the maximum. */
  dec(): Expr {
    return this.sub(1).truncate(this.width);
  }

  /** a · b, width wa + wb. */
  mul(b: Operand): Expr {
    const o = coerce(this, b, 'mul');
    if (!o) return poison(this.type.signed ? SInt(this.width * 2) : UInt(this.width * 2));
    return node('mul', { signed: this.signed, width: checkedWidth(this.width + o.width) }, [this, o]);
  }

  /** -a for SInt, width w + 1. */
  neg(): Expr {
    if (!this.signed) {
      reportError('type', `neg() needs a signed operand, got ${typeName(this.type)}: convert with .toSInt() first`);
      return poison(SInt(this.width + 1));
    }
    return node('neg', SInt(checkedWidth(this.width + 1)), [this]);
  }

  // ---- bitwise ------------------------------------------------------------------------------

  not(): Expr {
    if (this.kind === 'not') return this.args[0]!;
    return node('not', this.type, [this]);
  }

  and(b: Operand): Expr {
    return bitwise('and', this, b);
  }

  or(b: Operand): Expr {
    return bitwise('or', this, b);
  }

  xor(b: Operand): Expr {
    return bitwise('xor', this, b);
  }

  andR(): Expr {
    return node('andr', Bool, [this]);
  }

  orR(): Expr {
    return node('orr', Bool, [this]);
  }

  xorR(): Expr {
    return node('xorr', Bool, [this]);
  }

  // ---- comparison ---------------------------------------------------------------------------

  eq(b: Operand): Expr {
    return compare('eq', this, b);
  }

  ne(b: Operand): Expr {
    return compare('ne', this, b);
  }

  lt(b: Operand): Expr {
    return compare('lt', this, b);
  }

  le(b: Operand): Expr {
    return compare('le', this, b);
  }

  gt(b: Operand): Expr {
    return compare('gt', this, b);
  }

  ge(b: Operand): Expr {
    return compare('ge', this, b);
  }

  // ---- shifts -------------------------------------------------------------------------------

  /**
   * Left shift. By a constant n: width w + n (exact). By a UInt signal s: width w + 2^ws − 1
   * (exact); truncate the result explicitly if you know the range is smaller.
   */
  shl(n: number | Expr): Expr {
    if (typeof n === 'number') {
      if (!checkShift(n)) return poison(this.type);
      if (n === 0) return this;
      return node('shl', { signed: this.signed, width: checkedWidth(this.width + n) }, [this], BigInt(n));
    }
    if (n.signed) {
      reportError('type', `shift amount must be unsigned, got ${typeName(n.type)}`);
      return poison(this.type);
    }
    const grow = 2 ** n.width - 1;
    if (this.width + grow > MAX_WIDTH) {
      reportError('width', `shl by a ${n.width}-bit amount would give ${this.width + grow} bits; narrow the amount first`);
      return poison(this.type);
    }
    return node('dshl', { signed: this.signed, width: this.width + grow }, [this, n]);
  }

  /**
   * Right shift, arithmetic (floor) for SInt and logical for UInt. By a constant n the
   * dropped bits leave the result: width max(w − n, 1). By a UInt signal: width w.
   */
  shr(n: number | Expr): Expr {
    if (typeof n === 'number') {
      if (!checkShift(n)) return poison(this.type);
      if (n === 0) return this;
      if (n >= this.width && !this.signed) return lit(0n, UInt(1));
      return node('shr', { signed: this.signed, width: Math.max(this.width - n, 1) }, [this], BigInt(n));
    }
    if (n.signed) {
      reportError('type', `shift amount must be unsigned, got ${typeName(n.type)}`);
      return poison(this.type);
    }
    return node('dshr', this.type, [this, n]);
  }

  // ---- slicing and resizing -----------------------------------------------------------------

  /** Bits hi..lo (inclusive) as UInt(hi − lo + 1). */
  slice(hi: number, lo: number): Expr {
    if (!Number.isInteger(hi) || !Number.isInteger(lo) || lo < 0 || hi < lo || hi >= this.width) {
      reportError('width', `slice [${hi}:${lo}] is out of range for ${this.describe()} of type ${typeName(this.type)}`);
      return poison(UInt(Math.max(1, hi - lo + 1)));
    }
    if (lo === 0 && hi === this.width - 1 && !this.signed) return this;
    return node('slice', UInt(hi - lo + 1), [this], BigInt(hi), lo);
  }

  /** Bit i as Bool. */
  bit(i: number): Expr {
    return this.slice(i, i);
  }

  /** The most significant bit (the sign bit of an SInt). */
  msb(): Expr {
    return this.bit(this.width - 1);
  }

  /** Extend to `width` bits: sign-extension for SInt, zero-extension for UInt. Never narrows. */
  resize(width: number): Expr {
    if (width < this.width) {
      reportError('width', `resize(${width}) would narrow ${this.describe()} of type ${typeName(this.type)}; use truncate(), saturate() or shr()`);
      return poison({ signed: this.signed, width });
    }
    if (width === this.width) return this;
    return node('ext', { signed: this.signed, width: checkedWidth(width) }, [this]);
  }

  /** Zero-extension of a UInt. */
  zext(width: number): Expr {
    if (this.signed) {
      reportError('type', `zext() of signed ${typeName(this.type)}: use sext(), or asUInt() first if you mean the bits`);
      return poison(UInt(width));
    }
    return this.resize(width);
  }

  /** Sign-extension of an SInt. */
  sext(width: number): Expr {
    if (!this.signed) {
      reportError('type', `sext() of unsigned ${typeName(this.type)}: use zext(), or toSInt() for a value-preserving signed copy`);
      return poison(SInt(width));
    }
    return this.resize(width);
  }

  /** Keep the low `width` bits (wraps); same signedness. The explicit way to drop high bits. */
  truncate(width: number): Expr {
    if (width > this.width) {
      reportError('width', `truncate(${width}) is wider than ${typeName(this.type)}; use resize()`);
      return poison({ signed: this.signed, width });
    }
    if (width === this.width) return this;
    const bits = this.slice(width - 1, 0);
    return this.signed ? bits.asSInt() : bits;
  }

  /** Reinterpret the bits as signed (same width). */
  asSInt(): Expr {
    if (this.signed) return this;
    return node('cast', SInt(this.width), [this]);
  }

  /** Reinterpret the bits as unsigned (same width). */
  asUInt(): Expr {
    if (!this.signed) return this;
    return node('cast', UInt(this.width), [this]);
  }

  /** Value-preserving conversion of a UInt to SInt(w + 1); an SInt is returned unchanged. */
  toSInt(): Expr {
    if (this.signed) return this;
    return this.resize(this.width + 1).asSInt();
  }

  /**
   * Clamp to the range of `t` (any signedness and width), keeping the value when it fits.
   * The result has type `t` (with its fixed-point view, if any).
   */
  saturate(t: HdlType): Expr {
    const lo = minValue(t);
    const hi = maxValue(t);
    const bits = this.rangeBits(t);
    const aboveMax = maxValue(this.type) > hi ? (bits ? bits.aboveMax : this.gt(hi)) : undefined;
    const belowMin = minValue(this.type) < lo ? (bits ? bits.belowMin : this.lt(lo)) : undefined;
    // Where neither clamp applies the value fits t, so re-typing its bits is exact.
    let inRange: Expr;
    if (this.width >= t.width) {
      const low = this.width > t.width ? this.slice(t.width - 1, 0) : this;
      inRange = t.signed ? low.asSInt() : low.asUInt();
    } else if (t.signed) {
      inRange = this.toSInt().resize(t.width);
    } else {
      inRange = this.asUInt().resize(t.width);
    }
    const plain = { signed: t.signed, width: t.width };
    let out = inRange;
    if (belowMin) out = mux(belowMin, lit(lo, plain), out);
    if (aboveMax) out = mux(aboveMax, lit(hi, plain), out);
    return withType(out, t);
  }

  /**
   * Whether a value at least as wide as `t` is above or below t's range, from its top bits alone
   * (no comparator: on an FPGA a comparison against a constant is a carry chain, these are a few
   * LUTs). Undefined for a narrower value (saturate() compares then). A flag is exact wherever
   * saturate() uses it, that is wherever the value's type reaches beyond that side of t's range.
   */
  private rangeBits(t: HdlType): { aboveMax: Expr; belowMin: Expr } | undefined {
    const n = this.width;
    const m = t.width;
    if (n < m || n < 2 || m < 1) return undefined;
    const no = lit(0, Bool);
    const sign = this.bit(n - 1);
    if (this.signed && t.signed) {
      if (n === m) return { aboveMax: no, belowMin: no };
      const mid = this.slice(n - 2, m - 1);
      return { aboveMax: sign.not().and(mid.orR()), belowMin: sign.and(mid.andR().not()) };
    }
    if (this.signed) return { aboveMax: n - 1 > m ? sign.not().and(this.slice(n - 2, m).orR()) : no, belowMin: sign };
    if (!t.signed) return { aboveMax: n > m ? this.slice(n - 1, m).orR() : no, belowMin: no };
    return { aboveMax: this.slice(n - 1, m - 1).orR(), belowMin: no };
  }

  /** Attach a fixed-point view (frac bits) to the same bits. */
  withFrac(frac: number): Expr {
    return withType(this, { signed: this.signed, width: this.width, frac });
  }
}

/** A named signal: port, wire, register, memory read data or instance output. */
export type SignalRole = 'input' | 'output' | 'wire' | 'reg' | 'memread' | 'instout';

export class Signal extends Expr {
  constructor(
    readonly name: string,
    type: HdlType,
    readonly role: SignalRole,
    readonly module: SignalOwner,
    readonly loc: SourceLoc | undefined,
  ) {
    super('ref', type);
    (this as { owner: SignalOwner | undefined }).owner = module;
  }

  override describe(): string {
    return `signal '${this.name}'`;
  }

  /** Procedural assignment (last one wins, inside when/switch blocks); see ModuleBuilder. */
  set(value: Operand): void {
    this.module.procedural(this, value, callerLoc());
  }
}

// ---- constructors ---------------------------------------------------------------------------

/** A constant of type `t`; an error when the value does not fit. */
export function lit(value: number | bigint | boolean, t: HdlType, name?: string): Expr {
  const v = toBigInt(value);
  if (v === undefined) {
    reportError('type', `constant ${String(value)} is not an integer`);
    return poison(t);
  }
  if (!fits(v, t)) {
    reportError('width', `constant ${v} does not fit ${typeName(t)} (range ${minValue(t)}..${maxValue(t)})`);
    return poison(t);
  }
  return new Expr('const', t, [], v, 0, false, name);
}

/** The smallest unsigned (or signed, for negatives) constant holding `value`. */
export function constant(value: number | bigint): Expr {
  const v = toBigInt(value) ?? 0n;
  let w = 1;
  const signed = v < 0n;
  while (!fits(v, signed ? SInt(w) : UInt(w))) w++;
  return lit(v, signed ? SInt(w) : UInt(w));
}

/** sel ? a : b. Both branches must agree in signedness; the narrower one is extended. */
export function mux(sel: Operand, whenTrue: Operand, whenFalse: Operand): Expr {
  const s = toExpr(sel, Bool);
  if (s.width !== 1) {
    reportError('width', `mux select must be 1 bit wide, got ${typeName(s.type)}`);
    return poison(typeof whenTrue === 'object' ? whenTrue.type : Bool);
  }
  let a: Expr;
  let b: Expr;
  if (whenTrue instanceof Expr) {
    a = whenTrue;
    b = toExpr(whenFalse, a.type);
  } else if (whenFalse instanceof Expr) {
    b = whenFalse;
    a = toExpr(whenTrue, b.type);
  } else {
    a = constant(toBigInt(whenTrue) ?? 0n);
    b = constant(toBigInt(whenFalse) ?? 0n);
    if (a.signed !== b.signed) {
      a = a.toSInt();
      b = b.toSInt();
    }
  }
  if (a.signed !== b.signed) {
    reportError('type', `mux branches differ in signedness: ${typeName(a.type)} and ${typeName(b.type)}`);
    return poison(a.type);
  }
  if (s.poisoned || a.poisoned || b.poisoned) return poison(a.width >= b.width ? a.type : b.type);
  const w = Math.max(a.width, b.width);
  if (s.kind === 'const') return (s.value === 1n ? a : b).resize(w);
  return node('mux', { signed: a.signed, width: w }, [s, a.resize(w), b.resize(w)]);
}

/** Concatenation, first argument in the most significant bits; UInt of the summed width. */
export function cat(...parts: Expr[]): Expr {
  if (parts.length === 0) {
    reportError('width', 'cat() of nothing');
    return poison(UInt(1));
  }
  if (parts.length === 1) return parts[0]!.asUInt();
  const w = parts.reduce((s, p) => s + p.width, 0);
  return node('concat', UInt(checkedWidth(w)), parts);
}

// ---- helpers --------------------------------------------------------------------------------

function toBigInt(v: number | bigint | boolean): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (!Number.isSafeInteger(v)) return undefined;
  return BigInt(v);
}

/** Turn a TS literal into a constant typed like `like`; expressions pass through. */
export function toExpr(v: Operand, like: HdlType): Expr {
  if (v instanceof Expr) return v;
  return lit(v, { signed: like.signed, width: like.width });
}

function poison(t: HdlType): Expr {
  return new Expr('const', t, [], 0n, 0, true);
}

function node(kind: ExprKind, t: HdlType, args: Expr[], value = 0n, lo = 0): Expr {
  const poisoned = args.some((a) => a.poisoned);
  const e = new Expr(kind, t, args, value, lo, poisoned);
  if (poisoned) return e;
  // Constant folding, and the annihilators a simulator's own folding would find (0 · x, 0 & x,
  // 0 << x, all-ones | x): the result is then a constant that later operators can see, so that a
  // comparison with it folds too instead of reaching Verilog as a constant comparison.
  const v = args.every((a) => constantValue(a) !== undefined) ? evaluate(e, () => 0n) : annihilated(e);
  return v === undefined ? e : new Expr('const', t, [], v);
}

function annihilated(e: Expr): bigint | undefined {
  if (e.args.length === 2 && sameExpr(e.args[0]!, e.args[1]!, 3)) {
    // x ^ x, x - x, x == x, x < x, …: constant whatever x is.
    switch (e.kind) {
      case 'xor':
      case 'sub':
      case 'ne':
      case 'lt':
      case 'gt':
        return 0n;
      case 'eq':
      case 'le':
      case 'ge':
        return 1n;
    }
  }
  const c = e.args.map(constantValue);
  const zero = (i: number) => c[i] === 0n;
  const ones = (i: number) => c[i] !== undefined && BigInt.asUintN(e.args[i]!.width, c[i]!) === (1n << BigInt(e.args[i]!.width)) - 1n;
  switch (e.kind) {
    case 'mul':
    case 'and':
      return zero(0) || zero(1) ? 0n : undefined;
    case 'or':
      return ones(0) || ones(1) ? fromBits((1n << BigInt(e.width)) - 1n, e.type) : undefined;
    case 'shl':
    case 'shr':
    case 'dshl':
      return zero(0) ? 0n : undefined;
    case 'dshr':
      return zero(0) ? 0n : e.signed && c[0] === -1n ? -1n : undefined;
  }
  return undefined;
}

/** Structurally the same expression (up to `depth` levels; beyond that only the same object counts). */
function sameExpr(a: Expr, b: Expr, depth: number): boolean {
  if (a === b) return true;
  if (depth === 0 || a.kind !== b.kind || a.kind === 'ref' || a.kind === 'const') return false;
  if (a.value !== b.value || a.lo !== b.lo || a.width !== b.width || a.signed !== b.signed || a.args.length !== b.args.length) return false;
  return a.args.every((x, i) => sameExpr(x, b.args[i]!, depth - 1));
}

function withType(e: Expr, t: HdlType): Expr {
  if (e.type.width !== t.width || e.type.signed !== t.signed) throw new Error('internal: withType changes bits');
  if (e.type.frac === t.frac) return e;
  if (e instanceof Signal) return new Expr('cast', t, [e]);
  return new Expr(e.kind, t, e.args, e.value, e.lo, e.poisoned, e.constName);
}

function checkedWidth(w: number): number {
  if (w > MAX_WIDTH) {
    reportError('width', `result would be ${w} bits wide, more than the ${MAX_WIDTH}-bit limit`);
    return MAX_WIDTH;
  }
  return w;
}

function checkShift(n: number): boolean {
  if (!Number.isInteger(n) || n < 0 || n > MAX_WIDTH) {
    reportError('width', `shift amount must be an integer in 0..${MAX_WIDTH}, got ${n}`);
    return false;
  }
  return true;
}

/** The right operand as an expression of the left's signedness, or undefined after an error. */
function coerce(a: Expr, b: Operand, op: string): Expr | undefined {
  if (!(b instanceof Expr)) {
    const v = toBigInt(b);
    if (v === undefined) {
      reportError('type', `${op}: ${String(b)} is not an integer`);
      return undefined;
    }
    if (!a.signed && v < 0n) {
      reportError('type', `${op}: negative constant ${v} with unsigned ${a.describe()} (${typeName(a.type)})`);
      return undefined;
    }
    let w = 1;
    while (!fits(v, a.signed ? SInt(w) : UInt(w))) w++;
    return lit(v, a.signed ? SInt(w) : UInt(w));
  }
  if (a.signed !== b.signed) {
    if (a.poisoned || b.poisoned) return undefined;
    reportError(
      'type',
      `${op}: operands differ in signedness: ${a.describe()} is ${typeName(a.type)}, ${b.describe()} is ${typeName(b.type)}; ` +
        `convert the unsigned one with .toSInt()`,
    );
    return undefined;
  }
  return b;
}

function arith(kind: 'add' | 'sub', a: Expr, b: Operand): Expr {
  const o = coerce(a, b, kind);
  if (!o) return poison({ signed: a.signed, width: a.width + 1 });
  return node(kind, { signed: a.signed, width: checkedWidth(Math.max(a.width, o.width) + 1) }, [a, o]);
}

function bitwise(kind: 'and' | 'or' | 'xor', a: Expr, b: Operand): Expr {
  const o = b instanceof Expr ? b : toExpr(b, a.type);
  if (o.width !== a.width || o.signed !== a.signed) {
    if (!a.poisoned && !o.poisoned) {
      reportError('width', `${kind}: operands must have the same type: ${a.describe()} is ${typeName(a.type)}, ${o.describe()} is ${typeName(o.type)}`);
    }
    return poison(a.type);
  }
  return node(kind, a.type, [a, o]);
}

function compare(kind: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge', a: Expr, b: Operand): Expr {
  // A constant outside the other side's range folds to a constant result (and would make
  // Verilator warn about a constant comparison), so fold it here.
  if (!(b instanceof Expr)) {
    const v = toBigInt(b);
    if (v === undefined) {
      reportError('type', `${kind}: ${String(b)} is not an integer`);
      return poison(Bool);
    }
    const lo = minValue(a.type);
    const hi = maxValue(a.type);
    const folded = foldCompare(kind, lo, hi, v);
    if (folded !== undefined) return lit(folded ? 1n : 0n, Bool);
    return node(kind, Bool, [a, lit(v, a.type)]);
  }
  const o = coerce(a, b, kind);
  if (!o) return poison(Bool);
  // The same folding when either side is a constant expression: a comparison that cannot vary
  // is a constant (and Verilator's lint would flag it).
  const va = constantValue(a);
  const vb = constantValue(o);
  if (va !== undefined && vb !== undefined)
    return lit(
      evaluate(node(kind, Bool, [a, o]), () => 0n),
      Bool,
    );
  if (vb !== undefined) {
    const folded = foldCompare(kind, minValue(a.type), maxValue(a.type), vb);
    if (folded !== undefined) return lit(folded ? 1n : 0n, Bool);
  } else if (va !== undefined) {
    const folded = foldCompare(mirrored[kind], minValue(o.type), maxValue(o.type), va);
    if (folded !== undefined) return lit(folded ? 1n : 0n, Bool);
  }
  return node(kind, Bool, [a, o]);
}

/** c OP x  ⟺  x mirrored[OP] c. */
export const mirrored = { eq: 'eq', ne: 'ne', lt: 'gt', le: 'ge', gt: 'lt', ge: 'le' } as const;

/** The comparison's result when it is the same for every value of a in [lo, hi], else undefined. */
export function foldCompare(kind: string, lo: bigint, hi: bigint, v: bigint): boolean | undefined {
  switch (kind) {
    case 'eq':
      return v < lo || v > hi ? false : lo === hi ? true : undefined;
    case 'ne':
      return v < lo || v > hi ? true : lo === hi ? false : undefined;
    case 'lt':
      return hi < v ? true : lo >= v ? false : undefined;
    case 'le':
      return hi <= v ? true : lo > v ? false : undefined;
    case 'gt':
      return lo > v ? true : hi <= v ? false : undefined;
    case 'ge':
      return lo >= v ? true : hi < v ? false : undefined;
  }
  return undefined;
}
