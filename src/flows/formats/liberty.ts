/**
 * A small Liberty (.lib) reader: enough of the format to know each cell's area, whether it is
 * sequential, and the words × bits of memory macros. It parses the whole group structure
 * (groups, simple and complex attributes), so it reads a 1.7 MB standard-cell library in well
 * under a second; it does not interpret timing or power tables.
 *
 * Syntax handled: `name (args) { … }` groups, `name : value ;` simple attributes (the `;` may be
 * missing at the end of a line), `name (args) ;` complex attributes, C comments, quoted strings
 * and backslash-newline continuations. Group arguments are taken verbatim up to the closing
 * parenthesis, so pin names like `A_ADDR[5:0]` survive.
 */
import fs from 'node:fs';

/** A liberty file is missing, unreadable or not usable for what it was given for (exit 2). */
export class LibertyError extends Error {
  override name = 'LibertyError';
}

export interface LibertyGroup {
  readonly type: string;
  readonly args: readonly string[];
  /** Simple attributes, values unquoted (the last one wins when repeated). */
  readonly attrs: Readonly<Record<string, string>>;
  /** Complex attributes (`name (a, b);`) in file order. */
  readonly complex: readonly { readonly name: string; readonly args: readonly string[] }[];
  readonly groups: readonly LibertyGroup[];
  /** 1-based line of the group's name in the file. */
  readonly line: number;
}

export interface LibertyCell {
  readonly name: string;
  /** The cell's `area` attribute (µm² in the libraries used here), 0 when absent. */
  readonly area: number;
  /** True for cells with an `ff`, `latch`, `ff_bank`, `latch_bank` or `statetable` group. */
  readonly sequential: boolean;
  /** For macros with a `memory()` group (or, failing that, a `<words>x<bits>` name and a `memory_read` pin). */
  readonly memory?: { readonly words: number; readonly bits: number };
}

export interface LibertyLibrary {
  readonly name: string;
  readonly file?: string;
  readonly cells: ReadonlyMap<string, LibertyCell>;
}

class Parser {
  private pos = 0;
  private line = 1;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  fail(msg: string): never {
    throw new LibertyError(`${this.file}:${this.line}: liberty syntax error: ${msg}`);
  }

  /** Skips blanks, newlines, comments and backslash-newline continuations. */
  private skip(): void {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === 10) {
        this.line++;
        this.pos++;
      } else if (c === 32 || c === 9 || c === 13 || c === 12) {
        this.pos++;
      } else if (c === 92 /* \ */ && (t[this.pos + 1] === '\n' || (t[this.pos + 1] === '\r' && t[this.pos + 2] === '\n'))) {
        this.pos++;
      } else if (c === 47 /* / */ && t[this.pos + 1] === '*') {
        const end = t.indexOf('*/', this.pos + 2);
        if (end < 0) this.fail('unterminated comment');
        this.countLines(this.pos, end + 2);
        this.pos = end + 2;
      } else if (c === 47 && t[this.pos + 1] === '/') {
        const end = t.indexOf('\n', this.pos);
        this.pos = end < 0 ? t.length : end;
      } else {
        return;
      }
    }
  }

  private countLines(from: number, to: number): void {
    for (let i = from; i < to; i++) if (this.text.charCodeAt(i) === 10) this.line++;
  }

  private atEnd(): boolean {
    this.skip();
    return this.pos >= this.text.length;
  }

  private peek(): string {
    this.skip();
    return this.text[this.pos] ?? '';
  }

  private word(): string {
    this.skip();
    const t = this.text;
    const start = this.pos;
    if (t[this.pos] === '"') return this.quoted();
    while (this.pos < t.length && !/[\s(){}:;,"]/.test(t[this.pos]!)) this.pos++;
    if (this.pos === start) this.fail(`expected a name, found '${t[this.pos] ?? 'end of file'}'`);
    return t.slice(start, this.pos);
  }

  private quoted(): string {
    const t = this.text;
    const start = ++this.pos;
    let out = '';
    let from = start;
    for (;;) {
      const c = t[this.pos];
      if (c === undefined) this.fail('unterminated string');
      if (c === '"') break;
      if (c === '\\' && t[this.pos + 1] === '\n') {
        out += t.slice(from, this.pos);
        this.pos += 2;
        this.line++;
        from = this.pos;
        continue;
      }
      if (c === '\n') this.line++;
      this.pos++;
    }
    out += t.slice(from, this.pos);
    this.pos++;
    return out;
  }

  /** The text between the parentheses, split at top-level commas, each piece trimmed and unquoted. */
  private args(): string[] {
    const t = this.text;
    this.pos++; // (
    const out: string[] = [];
    let cur = '';
    let depth = 0;
    for (;;) {
      const c = t[this.pos];
      if (c === undefined) this.fail('unterminated argument list');
      if (c === '"') {
        cur += `"${this.quoted()}"`;
        continue;
      }
      this.pos++;
      if (c === '\n') this.line++;
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) {
        out.push(cur);
        cur = '';
        continue;
      } else if (c === '\\' && t[this.pos] === '\n') {
        continue;
      }
      cur += c;
    }
    if (cur.trim() !== '' || out.length > 0) out.push(cur);
    return out.map((a) => unquote(a.trim()));
  }

  /** Statements until `}` (or the end of the file at the top level). */
  statements(type: string, args: string[], line: number, top: boolean): LibertyGroup {
    const attrs: Record<string, string> = {};
    const complex: { name: string; args: string[] }[] = [];
    const groups: LibertyGroup[] = [];
    for (;;) {
      if (top ? this.atEnd() : false) break;
      const c = this.peek();
      if (c === '') this.fail(`missing '}' of ${type}(${args.join(', ')}) opened at line ${line}`);
      if (c === '}') {
        if (top) this.fail("unexpected '}'");
        this.pos++;
        break;
      }
      if (c === ';') {
        this.pos++;
        continue;
      }
      const nameLine = this.line;
      const name = this.word();
      const next = this.peek();
      if (next === ':') {
        this.pos++;
        attrs[name] = this.value();
      } else if (next === '(') {
        const a = this.args();
        const after = this.peek();
        if (after === '{') {
          this.pos++;
          groups.push(this.statements(name, a, nameLine, false));
        } else {
          if (after === ';') this.pos++;
          complex.push({ name, args: a });
        }
      } else {
        this.fail(`expected ':' or '(' after '${name}', found '${next || 'end of file'}'`);
      }
    }
    return { type, args, attrs, complex, groups, line };
  }

  /** A simple attribute's value: a quoted string or the words up to `;`, `}` or the end of the line. */
  private value(): string {
    const t = this.text;
    while (t[this.pos] === ' ' || t[this.pos] === '\t') this.pos++;
    let v: string;
    if (t[this.pos] === '"') {
      v = this.quoted();
    } else {
      const start = this.pos;
      while (this.pos < t.length && !/[;}\n]/.test(t[this.pos]!)) this.pos++;
      v = t.slice(start, this.pos).trim();
    }
    while (t[this.pos] === ' ' || t[this.pos] === '\t' || t[this.pos] === '\r') this.pos++;
    if (t[this.pos] === ';') this.pos++;
    return v;
  }
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

/** The file's groups: usually one `library(name) { … }`. @throws LibertyError on a syntax error */
export function parseLibertyGroups(text: string, file = '<liberty>'): LibertyGroup[] {
  return new Parser(text, file).statements('<file>', [], 1, true).groups as LibertyGroup[];
}

const SEQUENTIAL = new Set(['ff', 'latch', 'ff_bank', 'latch_bank', 'statetable']);

function hasMemoryReadPin(g: LibertyGroup): boolean {
  return g.groups.some((p) => p.type === 'memory_read' || hasMemoryReadPin(p));
}

function cellOf(g: LibertyGroup): LibertyCell {
  const name = g.args[0] ?? '';
  const area = Number(g.attrs.area ?? 0);
  const sequential = g.groups.some((s) => SEQUENTIAL.has(s.type));
  let memory: LibertyCell['memory'];
  const mem = g.groups.find((s) => s.type === 'memory');
  if (mem) {
    const aw = Number(mem.attrs.address_width);
    const ww = Number(mem.attrs.word_width);
    if (Number.isInteger(aw) && Number.isInteger(ww) && aw >= 0 && ww > 0) memory = { words: 2 ** aw, bits: ww };
  }
  if (!memory && hasMemoryReadPin(g)) {
    const m = /(\d+)x(\d+)/.exec(name);
    if (m) memory = { words: Number(m[1]), bits: Number(m[2]) };
  }
  return { name, area: Number.isFinite(area) ? area : 0, sequential, ...(memory ? { memory } : {}) };
}

/** The cells of the (first) library in `text`. @throws LibertyError */
export function parseLiberty(text: string, file?: string): LibertyLibrary {
  const lib = parseLibertyGroups(text, file).find((g) => g.type === 'library');
  if (!lib) throw new LibertyError(`${file ?? 'liberty text'}: no library(…) group: not a liberty file`);
  const cells = new Map<string, LibertyCell>();
  for (const g of lib.groups) if (g.type === 'cell') cells.set(g.args[0] ?? '', cellOf(g));
  return { name: lib.args[0] ?? '', ...(file ? { file } : {}), cells };
}

const cache = new Map<string, { mtimeMs: number; lib: LibertyLibrary }>();

/**
 * Reads and parses a liberty file (cached per path and modification time).
 * @param what what the file is for, used in the messages ("liberty file", "SRAM liberty file")
 * @param hint appended to the "not found" message (e.g. how to install the default library)
 * @throws LibertyError when missing, unreadable, unparsable or without cells
 */
export function readLiberty(file: string, what = 'liberty file', hint?: string): LibertyLibrary {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new LibertyError(`${what} ${file} not found${hint ? `: ${hint}` : ''}`);
  }
  if (!stat.isFile()) throw new LibertyError(`${what} ${file} is not a file`);
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === stat.mtimeMs) return hit.lib;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new LibertyError(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const lib = parseLiberty(text, file);
  if (lib.cells.size === 0) throw new LibertyError(`${what} ${file} defines no cells`);
  cache.set(file, { mtimeMs: stat.mtimeMs, lib });
  return lib;
}

/** The groups of a liberty file. @throws LibertyError */
export function readLibertyGroups(file: string, what = 'liberty file'): LibertyGroup[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LibertyError(code === 'ENOENT' ? `${what} ${file} not found` : `cannot read ${what} ${file}: ${code ?? (e as Error).message}`);
  }
  return parseLibertyGroups(text, file);
}
