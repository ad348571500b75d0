// Simulator: drive a Verilated model from TypeScript.
//
// Cost model (why the API looks like this): every poke/peek/step is one koffi
// call (tens of ns), so per-cycle JS driving reaches a few million cycles/s.
// runBatch/runBatchPacked run many cycles inside C++ and reach tens of millions.
// Everything per port (index, word count, range) is precomputed once, and one
// scratch buffer is reused, so single calls allocate nothing for ports <= 32 bits.
//
// Timing semantics (identical in step-by-step and batch use):
//   poke(...)  sets inputs; they are applied at the next eval/step.
//   eval()     settles combinational logic; peek then shows outputs for the
//              current state and the poked inputs.
//   step(n)    n clock cycles; each: the previous cycle's falling edge (clk=0,
//              eval), then the rising edge (clk=1, eval). Both edges sample the
//              poked inputs (a falling-edge clock gate too, m.gatedDomain);
//              afterwards peek shows the post-edge state, with clk still high.
//   runBatch   per cycle: apply that cycle's inputs -> eval -> record the
//              outputs -> one clock cycle. So row c of the result equals
//              poke(inputs of row c); eval(); peek(outputs); step().
// A design without a clock input may still step(): it only advances time.

import { mkdirSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { checkPackedTop, checkValue, describePort, fromWords, portCodec, toWords, type PortCodec } from './bits.js';
import { buildModel, type BuildOptions, type BuildResult, type TraceFormat } from './build.js';
import { resolveDesign, type ResolvedDesign } from './design.js';
import { loadNative, type NativeLib } from './native.js';
import type { SimDesign } from './types.js';

export interface SimulatorOptions {
  /** Write a waveform to this path (.vcd or .fst; the extension selects the format). */
  wave?: string;
  /** Randomise initial state and X assignments (--x-initial/--x-assign unique), seeded by `seed`. */
  xRandom?: boolean;
  /** Seed for xRandom, a positive int32 (default 1): the same seed gives the same run. */
  seed?: number;
  /** Verilator build cache root (default: the user cache, src/sim/cache.ts). */
  cacheDir?: string;
  /** Extra verilator arguments, e.g. ['-Wno-fatal']. */
  extraArgs?: string[];
  /** Print nothing, even on a cold build. */
  quiet?: boolean;
  /** C++ appended to the harness (see BuildOptions.extension). */
  extension?: string;
}

/** Options of runBatchPacked. */
export interface PackedBatchOptions {
  /** Number of cycles; required when there are no inputs, else stimulus.length / input row words. */
  cycles?: number;
  /** Output buffer to fill (cycles x output row words); allocated if absent. */
  out?: Uint32Array | Int32Array;
  /** Range-check the stimulus (default true; ~1 ns per word). */
  check?: boolean;
}

function waveFormat(path: string): TraceFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.vcd') return 'vcd';
  if (ext === '.fst') return 'fst';
  throw new Error(`waveform path must end in .vcd or .fst: ${path}`);
}

// Models whose Simulator was garbage-collected without close() are freed here.
const finalizer = new FinalizationRegistry<{ lib: NativeLib; handle: number }>(({ lib, handle }) => {
  lib.destroy(handle);
});

export class Simulator<I extends string = string, O extends string = string> {
  /** The validated design (clock/reset defaults filled in). */
  readonly design: ResolvedDesign;
  /** How the model library was obtained (path, cache hit or build). */
  readonly build: BuildResult;
  /** Waveform file being written, if any. */
  readonly wave: string | undefined;

  private readonly lib: NativeLib;
  private handle: number;
  private readonly ports: Map<string, PortCodec>;
  private readonly scratch: Uint32Array;
  private cycles = 0;

  private constructor(design: ResolvedDesign, build: BuildResult, lib: NativeLib, handle: number, wave: string | undefined) {
    this.design = design;
    this.build = build;
    this.lib = lib;
    this.handle = handle;
    this.wave = wave;
    this.ports = new Map(design.ports.map((p) => [p.name, portCodec(p)]));
    this.scratch = new Uint32Array(Math.max(1, ...design.ports.map((p) => p.words)));
    finalizer.register(this, { lib, handle }, this);
  }

  /**
   * Build (or fetch from the cache) and load the model, and create an instance.
   * The type parameters are the input and output port names, e.g.
   * `Simulator.create<'clk' | 'a', 'y'>(design)`, so naming a port that does
   * not exist is a type error.
   */
  static async create<I extends string = string, O extends string = string>(design: SimDesign, opts: SimulatorOptions = {}): Promise<Simulator<I, O>> {
    const resolved = resolveDesign(design);
    const seed = opts.seed ?? 1;
    if (!Number.isInteger(seed) || seed < 1 || seed > 0x7fffffff) {
      throw new RangeError(`seed must be an integer in 1..2^31-1, got ${seed}`);
    }
    const trace = opts.wave !== undefined ? waveFormat(opts.wave) : undefined;
    const buildOpts: BuildOptions = {
      trace,
      xRandom: opts.xRandom,
      cacheDir: opts.cacheDir,
      extraArgs: opts.extraArgs,
      extension: opts.extension,
      quiet: opts.quiet,
    };
    const build = await buildModel(design, buildOpts);
    const lib = loadNative(build.soPath);
    if (lib.numPorts !== resolved.ports.length) throw new Error(`${build.soPath}: port count mismatch`);
    const handle = lib.create(seed, opts.xRandom ? 2 : 0);
    if (handle < 0) throw new Error(`${design.top}: model construction failed: ${lib.lastError()}`);
    let wave: string | undefined;
    if (opts.wave !== undefined) {
      wave = resolve(opts.wave);
      mkdirSync(dirname(wave), { recursive: true });
      if (lib.traceOpen(handle, wave) !== 0) {
        lib.destroy(handle);
        throw new Error(`${design.top}: cannot open waveform ${wave}: ${lib.lastError()}`);
      }
    }
    return new Simulator<I, O>(resolved, build, lib, handle, wave);
  }

  /** Number of clock cycles run so far (step, reset and batch cycles). */
  /** The instance handle for functions added by an extension (declare them on build.soPath with koffi). */
  get nativeHandle(): number {
    return this.handle;
  }

  get cycle(): number {
    return this.cycles;
  }

  /** True once the design executed $finish. */
  get finished(): boolean {
    return this.lib.finished(this.live()) === 1;
  }

  /** Words per value of a port in the packed layout: ceil(width / 32). */
  wordsOf(name: I | O): number {
    return this.port(name, 'wordsOf').words;
  }

  /**
   * Set an input. Range-checked: unsigned ports take 0..2^w-1, signed ports
   * -2^(w-1)..2^(w-1)-1. Numbers must be safe integers (use bigint above 2^53).
   */
  poke(name: I, value: number | bigint): void {
    const h = this.handle;
    const p = this.ports.get(name);
    if (h < 0) throw this.closedError();
    if (p === undefined || p.dir !== 'input') throw this.badPort(name, 'poke', 'input');
    if (p.words === 1) {
      // Fast path: no bigint for the common case; `| 0` keeps it a small integer for koffi.
      if (typeof value === 'number' && value >= p.minN && value <= p.maxN && Number.isInteger(value)) {
        this.lib.poke32(h, p.index, value | 0);
        return;
      }
      this.lib.poke32(h, p.index, Number(BigInt.asIntN(32, checkValue(p, value))));
      return;
    }
    toWords(p, checkValue(p, value), this.scratch, 0);
    this.lib.poke(h, p.index, this.scratch);
  }

  /** Read any port; signed ports come back negative when their MSB is set. */
  peek(name: I | O): bigint {
    const h = this.handle;
    const p = this.ports.get(name);
    if (h < 0) throw this.closedError();
    if (p === undefined) throw this.badPort(name, 'peek');
    if (p.words === 1) {
      const w = this.lib.peek32(h, p.index);
      return BigInt(p.signed ? w : w >>> 0);
    }
    this.lib.peek(h, p.index, this.scratch);
    return fromWords(p, this.scratch, 0);
  }

  /** Like peek, as a number. @throws if the port is wider than 53 bits */
  peekNumber(name: I | O): number {
    const h = this.handle;
    const p = this.ports.get(name);
    if (h < 0) throw this.closedError();
    if (p === undefined) throw this.badPort(name, 'peekNumber');
    if (p.words === 1) {
      const w = this.lib.peek32(h, p.index);
      return p.signed ? w : w >>> 0;
    }
    if (p.width > 53) throw new RangeError(`peekNumber ${describePort(p)}: wider than 53 bits, use peek() (bigint)`);
    this.lib.peek(h, p.index, this.scratch);
    // Top word is sign-/zero-extended by the C side.
    const hi = p.signed ? this.scratch[1]! | 0 : this.scratch[1]!;
    return hi * 4294967296 + this.scratch[0]!;
  }

  /** Settle combinational logic after pokes (step() does this itself). */
  eval(): void {
    this.check(this.lib.eval(this.live()), 'eval');
  }

  /** Run n clock cycles (see the timing notes at the top of this file). */
  step(n = 1): void {
    const h = this.live();
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`step: n must be a non-negative integer, got ${n}`);
    while (n > 0) {
      const chunk = Math.min(n, 0xffffffff);
      this.check(this.lib.step(h, chunk), 'step');
      this.cycles += chunk;
      n -= chunk;
    }
  }

  /**
   * Run until clock `clock` has had n rising edges (its fall after the last is the next call's), every
   * other clock toggling at its own period meanwhile: the way to drive inputs of a faster (or
   * slower) domain cycle by cycle. For the primary clock it is step(n).
   */
  stepClock(clock: I, n = 1): void {
    const h = this.live();
    const k = this.design.clocks.findIndex((c) => c.name === clock);
    if (k < 0) throw new Error(`stepClock: ${this.design.top} has no clock '${clock}' (clocks: ${this.design.clocks.map((c) => c.name).join(', ') || 'none'})`);
    if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`stepClock: n must be a non-negative integer, got ${n}`);
    const before = this.lib.cycle(h);
    this.check(this.lib.stepClock(h, k, n), 'stepClock');
    this.cycles += this.lib.cycle(h) - before;
  }

  /**
   * Hold every reset at its active level (high, or low for an active-low reset) for `cycles`
   * periods of the primary clock, then release them and eval.
   */
  reset(cycles = 1): void {
    const resets = this.design.resets;
    if (resets.length === 0) throw new Error(`${this.design.top}: reset(): the design has no reset input (set SimDesign.reset or resets)`);
    for (const r of resets) this.poke(r.name as I, r.activeLow ? 0 : 1);
    this.step(cycles);
    for (const r of resets) this.poke(r.name as I, r.activeLow ? 1 : 0);
    this.eval();
  }

  /**
   * Run stimulus.length cycles inside the compiled model. stimulus[c][j] is
   * the value of inputs[j] in cycle c (range-checked like poke). Returns
   * result[c][k] = value of outputs[k] sampled in cycle c after the inputs were
   * applied and before the rising edge (signed ports negative), i.e. the same
   * as poke(row c); eval(); peek(outputs); step().
   */
  runBatch(inputs: readonly I[], stimulus: ReadonlyArray<ReadonlyArray<number | bigint>>, outputs: readonly (I | O)[]): bigint[][] {
    const ins = inputs.map((n) => this.inputPort(n, 'runBatch'));
    const outs = outputs.map((n) => this.anyPort(n, 'runBatch'));
    const cycles = stimulus.length;
    const inRow = ins.reduce((s, p) => s + p.words, 0);
    const outRow = outs.reduce((s, p) => s + p.words, 0);
    const packed = new Uint32Array(cycles * inRow);
    let off = 0;
    for (let c = 0; c < cycles; c++) {
      const row = stimulus[c]!;
      if (row.length !== ins.length) {
        throw new RangeError(`runBatch: stimulus row ${c} has ${row.length} values for ${ins.length} inputs`);
      }
      for (let j = 0; j < ins.length; j++) {
        const p = ins[j]!;
        const v = row[j]!;
        if (p.words === 1 && typeof v === 'number' && Number.isInteger(v) && v >= p.minN && v <= p.maxN) {
          packed[off] = v >>> 0; // sign-extended for negative values, per the layout
        } else {
          toWords(p, checkValue(p, v, `runBatch cycle ${c}:`), packed, off);
        }
        off += p.words;
      }
    }
    const out = new Uint32Array(cycles * outRow);
    this.callBatch(ins, outs, cycles, packed, out);
    const result: bigint[][] = new Array(cycles);
    off = 0;
    for (let c = 0; c < cycles; c++) {
      const row: bigint[] = new Array(outs.length);
      for (let k = 0; k < outs.length; k++) {
        const p = outs[k]!;
        row[k] = p.words === 1 ? BigInt(p.signed ? out[off]! | 0 : out[off]!) : fromWords(p, out, off);
        off += p.words;
      }
      result[c] = row;
    }
    return result;
  }

  /**
   * Fast batch run on packed words (no bigint, no per-value JS objects).
   * Row layout: for each cycle, the ports in the given order, each
   * ceil(width/32) little-endian words, the top word sign-extended (signed
   * ports) or zero-extended (unsigned). For ports of <= 32 bits this is one
   * word per port: view the result as Int32Array to read signed values.
   * Sampling order is that of runBatch.
   */
  runBatchPacked<T extends Uint32Array | Int32Array = Uint32Array>(
    inputs: readonly I[],
    stimulus: Uint32Array | Int32Array,
    outputs: readonly (I | O)[],
    opts: PackedBatchOptions & { out?: T } = {},
  ): T {
    const ins = inputs.map((n) => this.inputPort(n, 'runBatchPacked'));
    const outs = outputs.map((n) => this.anyPort(n, 'runBatchPacked'));
    const inRow = ins.reduce((s, p) => s + p.words, 0);
    const outRow = outs.reduce((s, p) => s + p.words, 0);
    let cycles = opts.cycles;
    if (cycles === undefined) {
      if (inRow === 0) throw new RangeError('runBatchPacked: opts.cycles is required when there are no inputs');
      if (stimulus.length % inRow !== 0) {
        throw new RangeError(`runBatchPacked: stimulus length ${stimulus.length} is not a multiple of the row size ${inRow} words`);
      }
      cycles = stimulus.length / inRow;
    }
    if (!Number.isSafeInteger(cycles) || cycles < 0 || cycles > 0xffffffff) throw new RangeError(`runBatchPacked: bad cycle count ${cycles}`);
    if (stimulus.length < cycles * inRow) {
      throw new RangeError(`runBatchPacked: stimulus has ${stimulus.length} words, ${cycles} cycles need ${cycles * inRow}`);
    }
    const out = (opts.out ?? new Uint32Array(cycles * outRow)) as T;
    if (out.length < cycles * outRow) {
      throw new RangeError(`runBatchPacked: out has ${out.length} words, ${cycles} cycles need ${cycles * outRow}`);
    }
    if (opts.check !== false) this.checkPacked(ins, inRow, cycles, stimulus);
    this.callBatch(ins, outs, cycles, stimulus, out);
    return out;
  }

  /** Finish the waveform (if any) and free the model. Idempotent. */
  close(): void {
    if (this.handle < 0) return;
    const h = this.handle;
    this.handle = -1;
    finalizer.unregister(this);
    const traced = this.wave !== undefined ? this.lib.traceClose(h) : 0;
    this.lib.destroy(h);
    if (traced === -2) throw new Error(`${this.design.top}: closing the waveform failed: ${this.lib.lastError()}`);
  }

  // --- internals ---------------------------------------------------------

  /** Range-check packed stimulus: only each port's top word can be out of range. */
  private checkPacked(ins: PortCodec[], inRow: number, cycles: number, stimulus: Uint32Array | Int32Array): void {
    // Flat arrays keep this loop at a few ns per checked word.
    const checked = ins.map((p, j) => ({ p, j, top: ins.slice(0, j + 1).reduce((s, q) => s + q.words, 0) - 1 })).filter((x) => x.p.topBits < 32);
    const n = checked.length;
    const off = Int32Array.from(checked, (x) => x.top);
    const signed = Uint8Array.from(checked, (x) => (x.p.signed ? 1 : 0));
    const lo = Float64Array.from(checked, (x) => (x.p.signed ? -(2 ** (x.p.topBits - 1)) : 0));
    const hi = Float64Array.from(checked, (x) => (x.p.signed ? 2 ** (x.p.topBits - 1) - 1 : 2 ** x.p.topBits - 1));
    for (let c = 0, base = 0; c < cycles; c++, base += inRow) {
      for (let k = 0; k < n; k++) {
        const x = stimulus[base + off[k]!]!;
        const v = signed[k] ? x | 0 : x >>> 0;
        if (v < lo[k]! || v > hi[k]!) {
          throw new RangeError(`runBatchPacked cycle ${c}: ${checkPackedTop(checked[k]!.p, x)}`);
        }
      }
    }
  }

  private callBatch(ins: PortCodec[], outs: PortCodec[], cycles: number, stimulus: Uint32Array | Int32Array, out: Uint32Array | Int32Array): void {
    const h = this.live();
    const inIdx = Int32Array.from(ins, (p) => p.index);
    const outIdx = Int32Array.from(outs, (p) => p.index);
    const rc = this.lib.runBatch(h, cycles, ins.length, inIdx, stimulus, outs.length, outIdx, out);
    this.check(rc, 'runBatch');
    this.cycles += cycles;
  }

  private live(): number {
    if (this.handle < 0) throw this.closedError();
    return this.handle;
  }

  private closedError(): Error {
    return new Error(`${this.design.top}: simulator is closed`);
  }

  private check(rc: number, what: string): void {
    if (rc === 0) return;
    if (rc === -2) throw new Error(`${this.design.top}: ${what}: ${this.lib.lastError()}`);
    throw new Error(`${this.design.top}: ${what}: bad arguments to the native model (rc ${rc})`);
  }

  private port(name: string, what: string): PortCodec {
    const p = this.ports.get(name);
    if (p === undefined) throw this.badPort(name, what);
    return p;
  }

  private inputPort(name: string, what: string): PortCodec {
    const p = this.ports.get(name);
    if (p === undefined || p.dir !== 'input') throw this.badPort(name, what, 'input');
    return p;
  }

  private anyPort(name: string, what: string): PortCodec {
    return this.port(name, what);
  }

  private badPort(name: string, what: string, need?: 'input'): Error {
    const p = this.ports.get(name);
    if (p !== undefined && need === 'input') {
      return new Error(`${what}: '${name}' is an ${p.dir} of ${this.design.top}, not an input`);
    }
    const names = [...this.ports.values()].filter((q) => !need || q.dir === need).map((q) => q.name);
    return new Error(`${what}: ${this.design.top} has no ${need ?? 'port'} named '${name}' (${need ?? 'port'}s: ${names.join(', ')})`);
  }
}
