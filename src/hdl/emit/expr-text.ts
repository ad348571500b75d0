/**
 * Expression → Verilog-2005 text. The one invariant that keeps the output lint-clean and
 * correct: every piece of text is placed only where Verilog's context width equals the IR
 * width of the expression, so Verilog never extends or truncates anything by itself. Operands
 * are extended explicitly; sign extension is pushed down to identifiers and constants, and
 * what cannot be pushed down (or sliced, which Verilog allows only on names) is materialised
 * as a named wire whose name comes from the TS names involved.
 */
import { type Expr, Signal, lit } from '../expr.js';
import { constantBits } from './known-bits.js';
import { isConstantExpr } from '../eval.js';
import { fromBits, toBits, type HdlType } from '../types.js';

export interface VText {
  readonly s: string;
  /** Verilog treats the text as signed. */
  readonly signed: boolean;
}

export interface Temp {
  readonly sig: Signal;
  readonly expr: Expr;
}

const opTag: Partial<Record<Expr['kind'], string>> = {
  add: 'sum',
  sub: 'diff',
  mul: 'prod',
  neg: 'neg',
  shr: 'shr',
  dshr: 'shr',
  dshl: 'shl',
  concat: 'cat',
  mux: 'sel',
  and: 'and',
  or: 'or',
  xor: 'xor',
  not: 'not',
  cast: 'bits',
  ext: 'ext',
  slice: 'bits',
};

export class ExprText {
  /** Bits of each signal that the emitted text reads (for the unused-bits sink). */
  readonly used = new Map<Signal, bigint>();
  readonly temps: Temp[] = [];
  readonly usedParams = new Set<string>();
  private readonly tempOf = new Map<Expr, Signal>();

  constructor(
    private readonly owner: Signal['module'],
    private readonly taken: Set<string>,
  ) {}

  /** Text for the right-hand side of an assignment to a target of `width` bits (no outer parentheses). */
  rhs(e: Expr, width: number): string {
    if (e.kind === 'mul' && e.width === width) return this.mulText(e);
    return bare(this.ext(e, width).s);
  }

  /** Text that stands alone (a condition, an index, a case selector): no outer parentheses. */
  cond(e: Expr): string {
    return bare(this.emit(e).s);
  }

  /** Text of `e` at its own width. */
  emit(e: Expr): VText {
    e = this.fold(e);
    switch (e.kind) {
      case 'const':
        if (e.constName) {
          this.usedParams.add(e.constName);
          return { s: e.constName, signed: e.signed };
        }
        return { s: constText(e.value, e.type), signed: e.signed };
      case 'ref':
        this.use(e as Signal);
        return { s: (e as Signal).name, signed: e.signed };
      case 'add':
      case 'sub': {
        const [a, b] = e.args as [Expr, Expr];
        return this.arith(e.kind, a, b, e.width);
      }
      case 'neg':
        return { s: negText(this.ext(e.args[0]!, e.width).s), signed: false };
      case 'mul':
        return this.bits(e, e.width - 1, 0);
      case 'not':
        return this.not(e.args[0]!);
      case 'and':
      case 'or':
      case 'xor': {
        const op = e.kind === 'and' ? '&' : e.kind === 'or' ? '|' : '^';
        return { s: `(${this.emit(e.args[0]!).s} ${op} ${this.emit(e.args[1]!).s})`, signed: false };
      }
      case 'andr':
      case 'orr':
      case 'xorr': {
        const op = e.kind === 'andr' ? '&' : e.kind === 'orr' ? '|' : '^';
        return { s: `(${op}${this.emit(e.args[0]!).s})`, signed: false };
      }
      case 'eq':
      case 'ne':
      case 'lt':
      case 'le':
      case 'gt':
      case 'ge':
        return this.compare(e);
      case 'shl': {
        const a = this.emit(e.args[0]!);
        return { s: `{${a.s}, ${Number(e.value)}'d0}`, signed: false };
      }
      case 'shr':
        return this.shr(e);
      case 'dshl': {
        const a = this.ext(e.args[0]!, e.width);
        return { s: `(${a.s} << ${this.emit(e.args[1]!).s})`, signed: false };
      }
      case 'dshr': {
        const a = this.emit(e.args[0]!);
        const amount = this.emit(e.args[1]!).s;
        // The shift is arithmetic only while its operand is signed, and an unsigned operand
        // anywhere in the enclosing expression would make it unsigned: $unsigned() keeps the
        // shift self-determined (its bits are the arithmetic shift's, whatever surrounds it).
        if (e.signed) return { s: `$unsigned(${asSigned(a)} >>> ${amount})`, signed: false };
        return { s: `(${a.s} >> ${amount})`, signed: false };
      }
      case 'mux': {
        const [sel, a, b] = e.args as [Expr, Expr, Expr];
        return {
          s: `(${this.emit(sel).s} ? ${this.ext(a, e.width).s} : ${this.ext(b, e.width).s})`,
          signed: false,
        };
      }
      case 'slice':
        return this.slice(e);
      case 'concat':
        return { s: `{${e.args.map((a) => this.emit(a).s).join(', ')}}`, signed: false };
      case 'ext':
        return this.ext(e.args[0]!, e.width);
      case 'cast':
        // Same bits; consumers that care about signedness consult the IR type and wrap the
        // text in $signed/$unsigned as needed.
        return this.emit(e.args[0]!);
    }
  }

  /** `e` extended to `width` bits per its signedness. */
  ext(e: Expr, width: number): VText {
    e = this.fold(e);
    if (width === e.width) return this.emit(e);
    const k = width - e.width;
    // Push the extension down where computing at the wider width gives the same value: then
    // only names and constants are ever extended, and no temporary is needed.
    switch (e.kind) {
      case 'const':
        return { s: constText(e.value, { signed: e.signed, width }), signed: e.signed };
      case 'add':
        return this.arith('add', e.args[0]!, e.args[1]!, width);
      case 'sub':
        // An unsigned difference may wrap, so only a signed one can be widened this way.
        if (e.signed) return this.arith('sub', e.args[0]!, e.args[1]!, width);
        break;
      case 'neg':
        return { s: negText(this.ext(e.args[0]!, width).s), signed: false };
      case 'mux': {
        const [sel, a, b] = e.args as [Expr, Expr, Expr];
        return { s: `(${this.emit(sel).s} ? ${this.ext(a, width).s} : ${this.ext(b, width).s})`, signed: false };
      }
      case 'ext':
        return this.ext(e.args[0]!, width);
      case 'cast': {
        // The signed view of a zero-extended value (toSInt()) is non-negative: extend it with zeros.
        const a = e.args[0]!;
        if (e.signed && a.kind === 'ext' && !a.args[0]!.signed) return this.ext(a.args[0]!, width);
        break;
      }
    }
    if (!e.signed) return { s: `{${k}'d0, ${this.emit(e).s}}`, signed: false };
    const n = this.named(e);
    const all = select(n);
    if (e.width === 1) return { s: `{${width}{${all}}}`, signed: false };
    const sign = select({ ...n, lo: n.hi });
    return { s: k === 1 ? `{${sign}, ${all}}` : `{{${k}{${sign}}}, ${all}}`, signed: false };
  }

  private arith(kind: 'add' | 'sub', a: Expr, b: Expr, width: number): VText {
    const op = kind === 'add' ? '+' : '-';
    return { s: `(${this.ext(a, width).s} ${op} ${this.ext(b, width).s})`, signed: false };
  }

  /** ~a; for one bit the logical forms: !a, and a negated comparison as its opposite (!=, >=, …). */
  private not(a: Expr): VText {
    if (a.width > 1) return { s: `(~${this.emit(a).s})`, signed: false };
    if (a.kind in opposite && !isConstantExpr(a)) return this.compare(a, opposite[a.kind as keyof typeof opposite]);
    return { s: `(!${this.emit(a).s})`, signed: false };
  }

  private compare(e: Expr, kind = e.kind): VText {
    const [a, b] = e.args as [Expr, Expr];
    const w = Math.max(a.width, b.width);
    let at = this.ext(a, w);
    let bt = this.ext(b, w);
    const op = { eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' }[kind as 'eq'];
    if (kind !== 'eq' && kind !== 'ne') {
      const conv = a.signed ? asSigned : asUnsigned;
      at = { ...at, s: conv(at) };
      bt = { ...bt, s: conv(bt) };
    }
    return { s: `(${at.s} ${op} ${bt.s})`, signed: false };
  }

  private shr(e: Expr): VText {
    const src = e.args[0]!;
    if (Number(e.value) >= src.width) {
      // Only signed sources get here (see Expr.shr): the result is the sign bit.
      return this.bits(src, src.width - 1, src.width - 1);
    }
    return this.bits(e, e.width - 1, 0);
  }

  private slice(e: Expr): VText {
    // The low bits of a sum, difference or bitwise expression: compute it at the narrow width.
    if (e.lo === 0) return this.low(e.args[0]!, e.width);
    return this.bits(e, e.width - 1, 0);
  }

  /**
   * The low `w` bits of `e` (w ≤ e.width) as text of exactly `w` bits. The low bits of +, −,
   * negation, bitwise operators and muxes depend only on the low bits of their operands, so these
   * are computed at `w` bits instead of being materialised at full width and part-selected:
   * `count <= count + 8'd1` rather than a 9-bit `count_sum` wire and `count_sum[7:0]`. Besides
   * being easier to read, this keeps truncated counters and accumulators as single expressions
   * that a simulator evaluates only where they are assigned (Verilator computes every named
   * wire on every evaluation), at their real width (no 33-bit sums for 32-bit registers).
   */
  private low(e: Expr, w: number): VText {
    e = this.fold(e);
    if (w === e.width) return this.emit(e);
    // Low bits can be constant where the whole value is not ((x | 0xff)[3:0]): write the
    // literal, as a simulator's own folding would see it.
    const c = constantBits(e, w);
    if (c !== undefined) return { s: constText(c, { signed: false, width: w }), signed: false };
    switch (e.kind) {
      case 'add':
      case 'sub': {
        const [a, b] = e.args as [Expr, Expr];
        return { s: `(${this.fit(a, w).s} ${e.kind === 'add' ? '+' : '-'} ${this.fit(b, w).s})`, signed: false };
      }
      case 'neg':
        return { s: negText(this.fit(e.args[0]!, w).s), signed: false };
      case 'not':
        return { s: `(~${this.fit(e.args[0]!, w).s})`, signed: false };
      case 'and':
      case 'or':
      case 'xor': {
        const op = e.kind === 'and' ? '&' : e.kind === 'or' ? '|' : '^';
        return { s: `(${this.fit(e.args[0]!, w).s} ${op} ${this.fit(e.args[1]!, w).s})`, signed: false };
      }
      case 'mux': {
        const [sel, a, b] = e.args as [Expr, Expr, Expr];
        return { s: `(${this.emit(sel).s} ? ${this.fit(a, w).s} : ${this.fit(b, w).s})`, signed: false };
      }
      case 'ext':
      case 'cast':
        return this.fit(e.args[0]!, w);
    }
    return this.bits(e, w - 1, 0);
  }

  /** `e` at exactly `w` bits: its low bits when it is wider, extended when it is narrower. */
  private fit(e: Expr, w: number): VText {
    return e.width >= w ? this.low(e, w) : this.ext(e, w);
  }

  /** Bits hi..lo of `src` as text: a constant, or a part-select of a name. */
  private bits(src: Expr, hi: number, lo: number): VText {
    src = this.fold(src);
    if (src.kind === 'const') {
      const v = (toBits(src.value, src.width) >> BigInt(lo)) & ((1n << BigInt(hi - lo + 1)) - 1n);
      return { s: constText(v, { signed: false, width: hi - lo + 1 }), signed: false };
    }
    const n = this.named(src, hi, lo);
    const whole = n.lo === 0 && n.hi === n.sig.width - 1;
    return { s: select(n), signed: whole && n.sig.signed };
  }

  /**
   * `e`'s bits hi..lo as bits of a name, looking through casts, slices and constant right
   * shifts (which are all just bit selections); anything else becomes a named wire.
   */
  private named(e: Expr, hi = e.width - 1, lo = 0): Named {
    for (;;) {
      if (e.kind === 'cast' || (e.kind === 'ext' && hi < e.args[0]!.width)) {
        e = e.args[0]!;
      } else if (e.kind === 'slice') {
        hi += e.lo;
        lo += e.lo;
        e = e.args[0]!;
      } else if (e.kind === 'shr' && Number(e.value) < e.args[0]!.width) {
        const n = Number(e.value);
        hi += n;
        lo += n;
        e = e.args[0]!;
      } else break;
    }
    const sig = e.kind === 'ref' ? (e as Signal) : this.materialise(e);
    this.use(sig, hi, lo);
    return { sig, hi, lo };
  }

  /**
   * A subtree that reads no signal is a constant: it is written as one literal, never as a
   * named wire of constant value (a literal has no bits to leave unused, and reads better).
   */
  private fold(e: Expr): Expr {
    if (e.kind === 'const' || e.kind === 'ref') return e;
    const v = constantBits(e, e.width);
    return v === undefined ? e : lit(fromBits(v, e.type), { signed: e.signed, width: e.width });
  }

  private materialise(e: Expr): Signal {
    let sig = this.tempOf.get(e);
    if (!sig) {
      const root = firstName(e) ?? 'tmp';
      const name = this.fresh(`${root}_${opTag[e.kind] ?? e.kind}`);
      sig = new Signal(name, { signed: e.signed, width: e.width }, 'wire', this.owner, undefined);
      this.tempOf.set(e, sig);
      this.temps.push({ sig, expr: e });
    }
    return sig;
  }

  private mulText(e: Expr): string {
    const [a, b] = e.args as [Expr, Expr];
    // A constant factor is written at the product's width: Verilog evaluates the product at that
    // width anyway, and a negative literal is a negation, which lint wants at its context width.
    const operand = (x: Expr): string => {
      const t = x.kind === 'const' && !x.constName ? this.ext(x, e.width) : x.kind === 'const' ? this.emit(x) : this.bits(x, x.width - 1, 0);
      return e.signed ? asSigned(t) : asUnsigned(t);
    };
    return `${operand(a)} * ${operand(b)}`;
  }

  private fresh(base: string): string {
    let name = base;
    for (let i = 1; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }

  private use(sig: Signal, hi = sig.width - 1, lo = 0): void {
    const mask = ((1n << BigInt(hi - lo + 1)) - 1n) << BigInt(lo);
    this.used.set(sig, (this.used.get(sig) ?? 0n) | mask);
  }
}

interface Named {
  readonly sig: Signal;
  readonly hi: number;
  readonly lo: number;
}

const opposite = { eq: 'ne', ne: 'eq', lt: 'ge', ge: 'lt', le: 'gt', gt: 'le' } as const;

/** The text without one pair of parentheses around all of it. */
function bare(s: string): string {
  if (!s.startsWith('(')) return s;
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth === 0) return i === s.length - 1 ? s.slice(1, -1) : s;
  }
  return s;
}

function select(n: Named): string {
  if (n.sig.width === 1 || (n.lo === 0 && n.hi === n.sig.width - 1)) return n.sig.name;
  return n.hi === n.lo ? `${n.sig.name}[${n.hi}]` : `${n.sig.name}[${n.hi}:${n.lo}]`;
}

function asSigned(t: VText): string {
  return t.signed ? t.s : `$signed(${t.s})`;
}

function asUnsigned(t: VText): string {
  return t.signed ? `$unsigned(${t.s})` : t.s;
}

function firstName(e: Expr): string | undefined {
  if (e.kind === 'ref') return (e as Signal).name;
  for (const a of e.args) {
    const n = firstName(a);
    if (n) return n;
  }
  return undefined;
}

/**
 * A sized literal, one style throughout: decimal below 65536 and hex above, `s` for SInt, and a
 * negative value as a negated literal of the same width (`-8'sd12`; the minimum too: `-8'sd128`
 * has the bits of -128). The emitter only places a literal where Verilog's context width equals
 * its own, so the negation never needs extending.
 */
export function constText(v: bigint, t: HdlType): string {
  const w = t.width;
  const s = t.signed ? 's' : '';
  const mag = v < 0n ? -v : v;
  const digits = mag < 65536n ? `${w}'${s}d${mag}` : `${w}'${s}h${mag.toString(16)}`;
  return v < 0n ? `-${digits}` : digits;
}

/** -x, parenthesised so that a negative operand never reads as `--`. */
function negText(x: string): string {
  return x.startsWith('-') ? `(-(${x}))` : `(-${x})`;
}
