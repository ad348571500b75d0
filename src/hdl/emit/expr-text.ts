/**
 * Expression → Verilog-2005 text. The one invariant that keeps the output lint-clean and
 * correct: every piece of text is placed only where Verilog's context width equals the IR
 * width of the expression, so Verilog never extends or truncates anything by itself. Operands
 * are extended explicitly; sign extension is pushed down to identifiers and constants, and
 * what cannot be pushed down (or sliced, which Verilog allows only on names) is materialised
 * as a named wire whose name comes from the TS names involved.
 */
import { Expr, Signal } from '../expr.js';
import { minValue, toBits, type HdlType } from '../types.js';

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

  /** Text for the right-hand side of an assignment to a target of `width` bits. */
  rhs(e: Expr, width: number): string {
    if (e.kind === 'mul' && e.width === width) return this.mulText(e);
    return this.ext(e, width).s;
  }

  /** Text of `e` at its own width. */
  emit(e: Expr): VText {
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
        return { s: `(-${this.ext(e.args[0]!, e.width).s})`, signed: false };
      case 'mul':
        return this.bits(e, e.width - 1, 0);
      case 'not':
        return { s: `(~${this.emit(e.args[0]!).s})`, signed: false };
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
        if (e.signed) return { s: `(${asSigned(a)} >>> ${amount})`, signed: true };
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
        return { s: `(-${this.ext(e.args[0]!, width).s})`, signed: false };
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

  private compare(e: Expr): VText {
    const [a, b] = e.args as [Expr, Expr];
    const w = Math.max(a.width, b.width);
    let at = this.ext(a, w);
    let bt = this.ext(b, w);
    const op = { eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' }[e.kind as 'eq'];
    if (e.kind !== 'eq' && e.kind !== 'ne') {
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
      const n = this.named(src);
      return { s: select({ ...n, lo: n.hi }), signed: false };
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
    if (w === e.width) return this.emit(e);
    switch (e.kind) {
      case 'add':
      case 'sub': {
        const [a, b] = e.args as [Expr, Expr];
        return { s: `(${this.fit(a, w).s} ${e.kind === 'add' ? '+' : '-'} ${this.fit(b, w).s})`, signed: false };
      }
      case 'neg':
        return { s: `(-${this.fit(e.args[0]!, w).s})`, signed: false };
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
    const operand = (x: Expr): string => {
      const t = x.kind === 'const' ? this.emit(x) : this.bits(x, x.width - 1, 0);
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

/** A sized literal: decimal when small, hex when large; signed literals for SInt. */
export function constText(v: bigint, t: HdlType): string {
  const w = t.width;
  if (t.signed) {
    if (v < 0n) return v === minValue(t) ? `${w}'sh${toBits(v, w).toString(16)}` : `-${w}'sd${-v}`;
    return `${w}'sd${v}`;
  }
  return v < 65536n ? `${w}'d${v}` : `${w}'h${v.toString(16)}`;
}
