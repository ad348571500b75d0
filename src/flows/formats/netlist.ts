/**
 * A reader for the structural Verilog that Yosys writes (`write_verilog -noattr -noexpr` after
 * technology mapping): modules, their wire and port ranges, and their cell instances with the net
 * bits on each pin. Enough to find the flip-flops of a mapped netlist and the net each drives
 * (src/flows/hardware/power/power.ts), and its `assign` statements as bits, to rewrite them for
 * OpenSTA (staNetlistText). Not a Verilog parser: behavioural code is not expected.
 */

/** One bit on a pin: a net bit, or a constant. `bit` is undefined for a scalar net. */
export type NetBit = { readonly net: string; readonly bit: number | undefined } | { readonly constant: '0' | '1' | 'x' | 'z' };

export interface NetlistInstance {
  /** Cell or module name. */
  readonly type: string;
  readonly name: string;
  /** Pin name → bits, most significant first (as written). Whole vectors are expanded with the declared range. */
  readonly pins: ReadonlyMap<string, readonly NetBit[]>;
}

export interface NetlistModule {
  readonly name: string;
  /** Declared ranges of wires and ports ([msb, lsb]); scalars are absent. */
  readonly ranges: ReadonlyMap<string, readonly [number, number]>;
  readonly instances: readonly NetlistInstance[];
  /** `assign lhs = rhs;` in file order, both sides as bits, most significant first. */
  readonly assigns: readonly { readonly lhs: readonly NetBit[]; readonly rhs: readonly NetBit[] }[];
}

export class NetlistError extends Error {
  override name = 'NetlistError';
}

type Tok = { readonly t: 'id' | 'num' | 'p'; readonly v: string };

const isIdStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
const isIdChar = (c: number) => isIdStart(c) || (c >= 48 && c <= 57);
const isSpace = (c: number) => c === 32 || c === 10 || c === 9 || c === 13 || c === 12;

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const d = text.charCodeAt(i + 1);
    if (isSpace(c)) {
      i++;
    } else if (c === 47 /* / */ && d === 47) {
      const e = text.indexOf('\n', i);
      i = e < 0 ? n : e;
    } else if (c === 47 && d === 42 /* * */) {
      const e = text.indexOf('*/', i + 2);
      i = e < 0 ? n : e + 2;
    } else if (c === 40 /* ( */ && d === 42) {
      const e = text.indexOf('*)', i + 2);
      i = e < 0 ? n : e + 2;
    } else if (c === 92 /* \\ */) {
      let j = i + 1;
      while (j < n && !isSpace(text.charCodeAt(j))) j++;
      out.push({ t: 'id', v: text.slice(i + 1, j) });
      i = j;
    } else if (isIdStart(c)) {
      let j = i + 1;
      while (j < n && isIdChar(text.charCodeAt(j))) j++;
      out.push({ t: 'id', v: text.slice(i, j) });
      i = j;
    } else if ((c >= 48 && c <= 57) || c === 39 /* ' */) {
      const m = /^(\d*)\s*('s?[bBoOdDhH]\s*[0-9a-fA-FxXzZ_?]+)?/.exec(text.slice(i, i + 300))!;
      if (m[0].length === 0) throw new NetlistError(`netlist: unexpected '${text[i]}'`);
      out.push({ t: 'num', v: m[0].replace(/\s+/g, '') });
      i += m[0].length;
    } else {
      out.push({ t: 'p', v: text[i]! });
      i++;
    }
  }
  return out;
}

/** The bits of a Verilog constant, most significant first. */
function constantBits(v: string): NetBit[] {
  const m = /^(\d*)'s?([bBoOdDhH])(.*)$/.exec(v);
  if (!m) {
    const val = BigInt(v);
    return val
      .toString(2)
      .split('')
      .map((b) => ({ constant: b as '0' | '1' }));
  }
  const width = m[1] ? Number(m[1]) : 32;
  const base = m[2]!.toLowerCase();
  const digits = m[3]!.replace(/_/g, '').toLowerCase();
  let bits: string;
  if (base === 'd') bits = BigInt(digits).toString(2);
  else {
    const per = base === 'b' ? 1 : base === 'o' ? 3 : 4;
    bits = digits
      .split('')
      .map((d) =>
        d === 'x' || d === 'z'
          ? d.repeat(per)
          : parseInt(d, per === 1 ? 2 : per === 3 ? 8 : 16)
              .toString(2)
              .padStart(per, '0'),
      )
      .join('');
  }
  const fill = bits[0] === 'x' || bits[0] === 'z' ? bits[0] : '0';
  bits = bits.length >= width ? bits.slice(bits.length - width) : fill.repeat(width - bits.length) + bits;
  return bits.split('').map((b) => ({ constant: b as '0' | '1' | 'x' | 'z' }));
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(k = 0): Tok | undefined {
    return this.toks[this.i + k];
  }
  private next(): Tok {
    const t = this.toks[this.i++];
    if (!t) throw new NetlistError('netlist: unexpected end of file');
    return t;
  }
  private expect(v: string): void {
    const t = this.next();
    if (t.v !== v) throw new NetlistError(`netlist: expected '${v}', found '${t.v}'`);
  }
  private skipStatement(): void {
    while (this.next().v !== ';');
  }

  modules(): NetlistModule[] {
    const out: NetlistModule[] = [];
    while (this.peek()) {
      const t = this.next();
      if (t.v === 'module') out.push(this.module());
    }
    return out;
  }

  private module(): NetlistModule {
    const name = this.next().v;
    this.skipStatement(); // port list
    const ranges = new Map<string, [number, number]>();
    const pending: { type: string; name: string; conns: [string, Tok[]][] }[] = [];
    const assigns: [Tok[], Tok[]][] = [];
    for (;;) {
      const t = this.next();
      if (t.v === 'endmodule') break;
      if (['input', 'output', 'inout', 'wire', 'reg', 'tri', 'supply0', 'supply1'].includes(t.v)) {
        const decl: Tok[] = [];
        for (let x = this.next(); x.v !== ';'; x = this.next()) decl.push(x);
        let range: [number, number] | undefined;
        const names: string[] = [];
        for (let k = 0; k < decl.length; k++) {
          const d = decl[k]!;
          if (d.v === '[') {
            range = [Number(decl[k + 1]!.v), Number(decl[k + 3]!.v)];
            k += 4;
          } else if (d.t === 'id' && !['signed', 'wire', 'reg'].includes(d.v)) names.push(d.v);
        }
        if (range) for (const nm of names) ranges.set(nm, range);
        continue;
      }
      if (t.v === 'assign') {
        const lhs: Tok[] = [];
        const rhs: Tok[] = [];
        let side = lhs;
        for (let x = this.next(); x.v !== ';'; x = this.next()) {
          if (x.v === '=' && side === lhs) side = rhs;
          else side.push(x);
        }
        assigns.push([lhs, rhs]);
        continue;
      }
      if (['parameter', 'localparam', 'defparam'].includes(t.v)) {
        this.skipStatement();
        continue;
      }
      if (t.t !== 'id') throw new NetlistError(`netlist: unexpected '${t.v}' in module ${name}`);
      // instance: TYPE [#(...)] NAME ( .PIN(expr), ... );
      if (this.peek()?.v === '#') {
        this.next();
        this.skipParens();
      }
      const inst = this.next().v;
      this.expect('(');
      const conns: [string, Tok[]][] = [];
      while (this.peek()?.v !== ')') {
        if (this.peek()?.v === ',') {
          this.next();
          continue;
        }
        this.expect('.');
        const pin = this.next().v;
        this.expect('(');
        const expr: Tok[] = [];
        let depth = 0;
        for (;;) {
          const x = this.next();
          if (x.v === '(') depth++;
          if (x.v === ')') {
            if (depth === 0) break;
            depth--;
          }
          expr.push(x);
        }
        conns.push([pin, expr]);
      }
      this.expect(')');
      this.expect(';');
      pending.push({ type: t.v, name: inst, conns });
    }
    const instances = pending.map((p) => ({
      type: p.type,
      name: p.name,
      pins: new Map(p.conns.map(([pin, e]) => [pin, bitsOf(e, ranges)] as const)),
    }));
    return { name, ranges, instances, assigns: assigns.map(([l, r]) => ({ lhs: bitsOf(l, ranges), rhs: bitsOf(r, ranges) })) };
  }

  private skipParens(): void {
    this.expect('(');
    let depth = 1;
    while (depth > 0) {
      const v = this.next().v;
      if (v === '(') depth++;
      else if (v === ')') depth--;
    }
  }
}

/** The bits of a connection expression: nets, bit and part selects, constants, concatenations. */
function bitsOf(expr: Tok[], ranges: ReadonlyMap<string, readonly [number, number]>): NetBit[] {
  const out: NetBit[] = [];
  let k = 0;
  const one = (): void => {
    const t = expr[k++];
    if (!t) return;
    if (t.v === '{' || t.v === ',' || t.v === '}') return;
    if (t.t === 'num') {
      out.push(...constantBits(t.v));
      return;
    }
    if (t.t !== 'id') throw new NetlistError(`netlist: unexpected '${t.v}' in a connection`);
    if (expr[k]?.v === '[') {
      const a = Number(expr[k + 1]!.v);
      if (expr[k + 2]?.v === ':') {
        const b = Number(expr[k + 3]!.v);
        k += 5;
        const step = a >= b ? -1 : 1;
        for (let x = a; x !== b + step; x += step) out.push({ net: t.v, bit: x });
      } else {
        k += 3;
        out.push({ net: t.v, bit: a });
      }
      return;
    }
    const r = ranges.get(t.v);
    if (!r) out.push({ net: t.v, bit: undefined });
    else {
      const step = r[0] >= r[1] ? -1 : 1;
      for (let x = r[0]; x !== r[1] + step; x += step) out.push({ net: t.v, bit: x });
    }
  };
  while (k < expr.length) one();
  return out;
}

/** Parses the modules of a structural netlist. @throws NetlistError */
export function parseNetlist(text: string): NetlistModule[] {
  return new Parser(tokenize(text)).modules();
}

/**
 * A scalar net name of the form `base[index]` (what Yosys' splitnets leaves as an escaped
 * identifier) as base and index; other names as themselves.
 */
export function splitBitName(bit: { readonly net: string; readonly bit: number | undefined }): { base: string; index: number | undefined } {
  if (bit.bit !== undefined) return { base: bit.net, index: bit.bit };
  const m = /^(.*)\[(-?\d+)\]$/.exec(bit.net);
  return m ? { base: m[1]!, index: Number(m[2]) } : { base: bit.net, index: undefined };
}

/** A bit as Verilog: `name[3]`, `\\esc.name [3]`, `1'b0`. */
function bitText(b: NetBit): string {
  if ('constant' in b) return `1'b${b.constant}`;
  const name = /^[A-Za-z_$][\w$]*$/.test(b.net) ? b.net : `\\${b.net} `;
  return b.bit === undefined ? name : `${name}[${b.bit}]`; // an escaped name ends at the space
}

/**
 * The netlist with every `assign { … } = …;` (a concatenation on the left) written as one assign
 * per bit: Debian's OpenSTA 2.0.17 rejects a part select inside such a concatenation
 * (`assign { a[4:3], a[0] } = 3'h0;` is a syntax error, after which it crashes). Yosys writes one
 * statement per line, which this relies on (checked). @throws NetlistError
 */
export function staNetlistText(text: string): string {
  const modules = parseNetlist(text);
  const lines = text.split('\n');
  const out: string[] = [];
  let m = -1;
  let a = 0;
  for (const line of lines) {
    if (/^module\s/.test(line)) {
      m++;
      a = 0;
    }
    if (!/^\s*assign\s/.test(line)) {
      out.push(line);
      continue;
    }
    const assign = modules[m]?.assigns[a++];
    if (!assign || !line.trimEnd().endsWith(';')) throw new NetlistError(`netlist: an assign statement that is not one line: ${line.trim()}`);
    if (!/^\s*assign\s*\{/.test(line)) {
      out.push(line);
      continue;
    }
    if (assign.lhs.length !== assign.rhs.length) throw new NetlistError(`netlist: the sides of ${line.trim()} differ in width`);
    const indent = /^\s*/.exec(line)?.[0] ?? '';
    assign.lhs.forEach((l, i) => out.push(`${indent}assign ${bitText(l)} = ${bitText(assign.rhs[i] as NetBit)};`));
  }
  return out.join('\n');
}
