/**
 * Switching activity from a VCD file, streamed: for every bit of the selected variables, the
 * toggles per clock cycle and the duty (fraction of time high) over a window of clock cycles.
 * Used by the power flow (src/flows/hardware/power/power.ts) on the Verilator trace of a workload.
 *
 * The window: the clock's first `skipCycles` rising edges are skipped (e.g. the reset and the
 * weight load); it starts at the first timestamp after them (for the harness of src/sim, the
 * falling edge that applies the next cycle's inputs) and lasts N clock periods, N the rising edges
 * from there to the end of the file. The period is the time between the first two rising edges.
 * Values before the window only set the starting state. Four-state values (x, z) count as 0.
 *
 * Only the variables `select` accepts are measured; the others are skipped with one map lookup
 * per value change, so a trace of millions of changes streams at several million lines a second.
 */
import { createReadStream } from 'node:fs';

/** A `$var` of the header. */
export interface VcdVar {
  /** Scope names from the outermost, e.g. ['TOP', 'top', 'pe0']. */
  readonly scope: readonly string[];
  /** The name as declared (may hold an index of its own, e.g. `mem[3]`). */
  readonly name: string;
  /** scope.join('.') + '.' + name */
  readonly path: string;
  readonly id: string;
  readonly width: number;
  /** Declared range; [0:0] when none is given. */
  readonly msb: number;
  readonly lsb: number;
}

/** Per bit of a variable, indexed by `declared bit index − min(msb, lsb)`. */
export interface SignalActivity {
  readonly v: VcdVar;
  /** Toggles per clock cycle (a clock has 2). */
  readonly toggleRate: Float64Array;
  /** Fraction of the window the bit was 1. */
  readonly duty: Float64Array;
}

export interface VcdActivity {
  /** Clock cycles in the window. */
  readonly cycles: number;
  /** Clock period in timescale units. */
  readonly period: number;
  /** e.g. "1ps". */
  readonly timescale: string;
  /** Window start and end in timescale units. */
  readonly start: number;
  readonly end: number;
  /** The selected variables, by path. */
  readonly signals: ReadonlyMap<string, SignalActivity>;
  /** Every variable of the header, by path. */
  readonly vars: ReadonlyMap<string, VcdVar>;
}

export interface VcdActivityOptions {
  /** Path of the clock variable (e.g. 'TOP.clk'). */
  readonly clock: string;
  /** Rising clock edges to skip before the window (default 0). */
  readonly skipCycles?: number;
  /** Which variables to measure (default: all). */
  readonly select?: (v: VcdVar) => boolean;
}

/** A VCD problem: a malformed file, a missing clock, an empty window. */
export class VcdError extends Error {
  override name = 'VcdError';
}

interface Track {
  readonly width: number;
  /** Current value per bit (LSB-relative index). */
  readonly value: Uint8Array;
  readonly toggles: Float64Array;
  readonly high: Float64Array;
  /** Time the bit last went to 1 (meaningful while it is 1). */
  readonly rise: Float64Array;
}

/** Incremental parser: push() text chunks, then finish(). */
export class VcdActivityParser {
  private readonly skip: number;
  private rest = '';
  private header = '';
  private inBody = false;
  private vars = new Map<string, VcdVar>();
  private timescale = '';
  private tracks = new Map<string, Track>();
  private selected = new Map<string, VcdVar[]>();
  private clockId = '';
  private clockValue = 0;
  private edges = 0;
  private edgeTimes: number[] = [];
  private time = 0;
  private inWindow = false;
  private start = 0;
  private lineNo = 0;

  constructor(private readonly opts: VcdActivityOptions) {
    this.skip = opts.skipCycles ?? 0;
    if (!Number.isSafeInteger(this.skip) || this.skip < 0) throw new RangeError(`skipCycles must be a non-negative integer, got ${opts.skipCycles}`);
  }

  push(chunk: string): void {
    let text = this.rest + chunk;
    if (!this.inBody) {
      // the header is kept whole until $enddefinitions … $end (a few MB at most)
      const at = text.indexOf('$enddefinitions', Math.max(0, this.rest.length - 64));
      const end = at < 0 ? -1 : text.indexOf('$end', at + 15);
      if (end < 0) {
        this.rest = text;
        return;
      }
      this.header = text.slice(0, end + 4);
      this.parseHeader();
      this.inBody = true;
      text = text.slice(end + 4);
    }
    let from = 0;
    for (;;) {
      const nl = text.indexOf('\n', from);
      if (nl < 0) break;
      this.line(text, from, nl);
      from = nl + 1;
    }
    this.rest = text.slice(from);
  }

  finish(): VcdActivity {
    if (!this.inBody) {
      throw new VcdError('VCD: no $enddefinitions: not a VCD file or truncated header');
    }
    if (this.rest) this.line(this.rest, 0, this.rest.length);
    this.rest = '';
    if (!this.inWindow) throw new VcdError(`VCD: the clock ${this.opts.clock} has ${this.edges} rising edges, fewer than the ${this.skip} to skip`);
    const cycles = this.edges - this.skip;
    if (cycles < 1) throw new VcdError(`VCD: no rising edge of ${this.opts.clock} after the first ${this.skip}`);
    const t = this.edgeTimes;
    if (t.length < 2) throw new VcdError(`VCD: the clock ${this.opts.clock} needs at least two rising edges to give a period`);
    const period = t[1]! - t[0]!;
    if (!(period > 0)) throw new VcdError(`VCD: clock period ${period} is not positive`);
    const end = this.start + cycles * period;
    const len = end - this.start;
    const signals = new Map<string, SignalActivity>();
    const done = new Map<Track, { toggleRate: Float64Array; duty: Float64Array }>();
    for (const [id, vs] of this.selected) {
      const tr = this.tracks.get(id)!;
      let res = done.get(tr);
      if (!res) {
        const toggleRate = new Float64Array(tr.width);
        const duty = new Float64Array(tr.width);
        for (let b = 0; b < tr.width; b++) {
          let high = tr.high[b]!;
          if (tr.value[b]) high += end - Math.max(tr.rise[b]!, this.start);
          toggleRate[b] = tr.toggles[b]! / cycles;
          duty[b] = Math.min(1, Math.max(0, high / len));
        }
        res = { toggleRate, duty };
        done.set(tr, res);
      }
      for (const v of vs) signals.set(v.path, { v, ...res });
    }
    return { cycles, period, timescale: this.timescale, start: this.start, end, signals, vars: this.vars };
  }

  private parseHeader(): void {
    const tokens = this.header.split(/\s+/).filter((s) => s !== '');
    const scope: string[] = [];
    const select = this.opts.select ?? (() => true);
    for (let i = 0; i < tokens.length; i++) {
      const tok = tokens[i]!;
      if (tok === '$scope') {
        scope.push(tokens[i + 2] ?? '');
        i = this.skipToEnd(tokens, i);
      } else if (tok === '$upscope') {
        scope.pop();
        i = this.skipToEnd(tokens, i);
      } else if (tok === '$timescale') {
        const j = this.skipToEnd(tokens, i);
        this.timescale = tokens.slice(i + 1, j).join('');
        i = j;
      } else if (tok === '$var') {
        const j = this.skipToEnd(tokens, i);
        const f = tokens.slice(i + 1, j); // type width id name [range]
        if (f.length < 4) throw new VcdError(`VCD: malformed $var: ${tokens.slice(i, j + 1).join(' ')}`);
        const width = Number(f[1]);
        const id = f[2]!;
        let name = f[3]!;
        let msb = width - 1;
        let lsb = 0;
        const last = f[f.length - 1]!;
        const range = f.length > 4 ? /^\[(-?\d+)(?::(-?\d+))?\]$/.exec(last) : null;
        if (range) {
          msb = Number(range[1]);
          lsb = range[2] === undefined ? msb : Number(range[2]);
          name = f.slice(3, -1).join('');
        } else if (f.length > 4) {
          name = f.slice(3).join('');
        }
        if (!Number.isInteger(width) || width < 1) throw new VcdError(`VCD: malformed width in $var ${name}: ${f[1]}`);
        const v: VcdVar = { scope: [...scope], name, path: [...scope, name].join('.'), id, width, msb, lsb };
        this.vars.set(v.path, v);
        if (v.path === this.opts.clock) {
          if (width !== 1) throw new VcdError(`VCD: the clock ${v.path} is ${width} bits wide`);
          this.clockId = id;
        }
        if (select(v)) {
          const list = this.selected.get(id);
          if (list) list.push(v);
          else this.selected.set(id, [v]);
          if (!this.tracks.has(id)) {
            this.tracks.set(id, {
              width,
              value: new Uint8Array(width),
              toggles: new Float64Array(width),
              high: new Float64Array(width),
              rise: new Float64Array(width),
            });
          } else if (this.tracks.get(id)!.width !== width) {
            throw new VcdError(`VCD: identifier ${id} is declared with two widths`);
          }
        }
        i = j;
      }
    }
    if (!this.clockId) throw new VcdError(`VCD: no clock variable ${this.opts.clock} in the header`);
    this.header = '';
  }

  private skipToEnd(tokens: string[], i: number): number {
    let j = i + 1;
    while (j < tokens.length && tokens[j] !== '$end') j++;
    return j;
  }

  private line(text: string, from: number, to: number): void {
    this.lineNo++;
    while (to > from && (text.charCodeAt(to - 1) === 13 || text.charCodeAt(to - 1) === 32)) to--;
    if (to <= from) return;
    const c = text.charCodeAt(from);
    if (c === 35 /* # */) {
      const t = Number(text.slice(from + 1, to));
      if (!Number.isFinite(t)) throw new VcdError(`VCD: bad timestamp at body line ${this.lineNo}: ${text.slice(from, to)}`);
      this.time = t;
      if (!this.inWindow && this.edges >= this.skip) {
        this.inWindow = true;
        this.start = t;
        // bits already high count from the window start
        for (const tr of this.tracks.values()) for (let b = 0; b < tr.width; b++) if (tr.value[b]) tr.rise[b] = t;
      }
      return;
    }
    if (c === 48 || c === 49 || c === 120 || c === 88 || c === 122 || c === 90) {
      // scalar: 0! 1! x! z!
      const id = text.slice(from + 1, to);
      const bit = c === 49 ? 1 : 0;
      if (id === this.clockId) {
        if (bit === 1 && this.clockValue === 0) {
          this.edges++;
          if (this.edgeTimes.length < 2) this.edgeTimes.push(this.time);
        }
        this.clockValue = bit;
      }
      const tr = this.tracks.get(id);
      if (tr) this.set(tr, 0, bit);
      return;
    }
    if (c === 98 || c === 66 /* b B */) {
      const sp = text.indexOf(' ', from);
      if (sp < 0 || sp >= to) throw new VcdError(`VCD: malformed vector change at body line ${this.lineNo}: ${text.slice(from, to)}`);
      const tr = this.tracks.get(text.slice(sp + 1, to));
      if (!tr) return;
      const n = sp - from - 1;
      // left-extend a short value with 0 (x/z extend as x/z, which count as 0 too)
      for (let b = 0; b < tr.width; b++) {
        const j = sp - 1 - b;
        const bit = b < n && text.charCodeAt(j) === 49 ? 1 : 0;
        if (tr.value[b] !== bit) this.set(tr, b, bit);
      }
      return;
    }
    // $dumpvars, $end, $comment, real values (r…): nothing to measure
  }

  private set(tr: Track, b: number, bit: number): void {
    if (tr.value[b] === bit) return;
    tr.value[b] = bit;
    if (!this.inWindow) return;
    tr.toggles[b]!++;
    if (bit) tr.rise[b] = this.time;
    else tr.high[b]! += this.time - Math.max(tr.rise[b]!, this.start);
  }
}

/** Activity of the selected variables of a VCD text (for small traces and tests). */
export function vcdActivityFromText(text: string, opts: VcdActivityOptions): VcdActivity {
  const p = new VcdActivityParser(opts);
  p.push(text);
  return p.finish();
}

/** Activity of the selected variables of a VCD file, streamed in 1 MB chunks. */
export async function vcdActivity(file: string, opts: VcdActivityOptions): Promise<VcdActivity> {
  const p = new VcdActivityParser(opts);
  const stream = createReadStream(file, { encoding: 'latin1', highWaterMark: 1 << 20 });
  for await (const chunk of stream) p.push(chunk as string);
  return p.finish();
}
