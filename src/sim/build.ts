// Build a Verilated model plus the C ABI of src/sim/templates/capi.cpp.hbs into a
// shared library, with a content-addressed cache.
//
// Why a cache: a cold build costs seconds (mostly g++ on verilated.cpp and the
// model), while tests create the same design over and over. The key is a hash
// of everything that can change the binary; an unchanged design never rebuilds.
// Builds happen in a private temp dir that is renamed into place only when
// complete, so an interrupted or concurrent build never leaves a half-written
// entry (rename of a directory is atomic; the loser of a race keeps the winner's).

import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import Handlebars from 'handlebars';
import { run } from '../tools/tool.js';
import { make } from '../tools/make.js';
import { verilator } from '../tools/verilator.js';
import { DEFAULT_PERIOD, resolveDesign, type PortInfo, type ResolvedDesign } from './design.js';
import { diffPorts, readPorts } from './ports.js';
import { explainVerilatorFailure } from './diagnostics.js';
import { cacheDir } from './cache.js';
import { progress, type Progress } from './progress.js';
import type { SimDesign } from './types.js';

export type TraceFormat = 'vcd' | 'fst';

export interface BuildOptions {
  /** Build with waveform support (--trace / --trace-fst). Default: none. */
  trace?: TraceFormat;
  /** --x-assign unique --x-initial unique: X and initial state become seeded random values. */
  xRandom?: boolean;
  /** Cache root; default the verilator folder of the user cache (src/sim/cache.ts). */
  cacheDir?: string;
  /** Extra verilator arguments (e.g. ['-Wno-fatal'] for RTL that is not lint-clean). */
  extraArgs?: string[];
  /** Skip the check of SimDesign.ports against the RTL (saves ~0.1 s per cold build). */
  skipPortCheck?: boolean;
  /** Print nothing, even on a cold build. */
  quiet?: boolean;
  /**
   * C++ appended to the generated C ABI, in the same translation unit: it may use the harness
   * internals (Inst, get, evalNow, clockCycle, enter, TX_GUARD_*) and add TX_API functions,
   * e.g. a whole-workload driver that runs inside the compiled model (src/flows/rtl/harness/).
   */
  extension?: string;
}

export interface BuildResult {
  /** The shared library to load. */
  soPath: string;
  /** The cache entry (also holds the generated C++ and build.json). */
  dir: string;
  /** Cache key (sha256, hex). */
  hash: string;
  /** True if this call compiled the model; false on a cache hit. */
  built: boolean;
}

/** Bump when the build recipe changes in a way the hash would not see. */
const RECIPE_VERSION = 1;
const SO_NAME = 'libtxsim.so';
const TEMPLATE_URL = new URL('./templates/capi.cpp.hbs', import.meta.url);

// Passed to make. -O2 on the model (OPT_FAST) roughly doubles simulation speed
// over Verilator's default -Os (shared/notes/toolchain.md). The runtime
// (OPT_GLOBAL: verilated.cpp, trace writers) takes ~4 s to compile at -O2 vs
// ~3 s at -O1 on this machine, but it is compiled once per flag set and then
// reused (runtimeObjects below), so it gets -O2 too (faster VCD/FST writing).
// OPT_SLOW only matters for big designs (VM_PARALLEL_BUILDS): constructors.
const MAKE_OPTS = ['OPT_FAST=-O2', 'OPT_GLOBAL=-O2', 'OPT_SLOW=-O1'];
// -fvisibility=hidden: only the tx_* C ABI is exported, so two models with the
// same class names can be loaded side by side, and intra-library calls skip
// the PLT. VL_USER_*: our vl_fatal/vl_stop/vl_finish throw instead of exit().
const CFLAGS = ['-fPIC', '-fvisibility=hidden', '-DVL_USER_FATAL', '-DVL_USER_STOP', '-DVL_USER_FINISH'];

let templateFn: HandlebarsTemplateDelegate | undefined;
let templateText: string | undefined;

async function template(): Promise<HandlebarsTemplateDelegate> {
  if (!templateFn) {
    templateText = await readFile(TEMPLATE_URL, 'utf8');
    templateFn = Handlebars.compile(templateText, { noEscape: true, strict: true });
  }
  return templateFn;
}

function hex32(v: number): string {
  return `0x${(v >>> 0).toString(16)}`;
}

/** Per-port facts the C++ template needs (storage class, masks, words). */
function templatePort(p: PortInfo) {
  const topBits = p.width - 32 * (p.words - 1);
  const narrow = p.width <= 32;
  return {
    index: p.index,
    name: p.name,
    width: p.width,
    signed: p.signed,
    words: p.words,
    narrow,
    quad: p.width > 32 && p.width <= 64,
    wide: p.width > 64,
    ctype: p.width <= 8 ? 'CData' : p.width <= 16 ? 'SData' : 'IData',
    bytes: p.width <= 8 ? 1 : p.width <= 16 ? 2 : p.width <= 32 ? 4 : p.width <= 64 ? 8 : 4 * p.words,
    topBits,
    topMask: hex32(topBits === 32 ? 0xffffffff : 2 ** topBits - 1),
    lastWord: p.words - 1,
  };
}

/** The C++ source of the C ABI for this design. */
export async function renderCapi(design: ResolvedDesign, trace: TraceFormat | undefined, extension = ''): Promise<string> {
  const fn = await template();
  const ports = design.ports.map(templatePort);
  const text = fn({
    top: design.top,
    clock: design.clock ?? false,
    clocks: design.clocks.map((c) => ({ name: c.name, half: c.period / 2 })),
    multiClock: design.clocks.length > 1 || design.clocks.some((c) => c.period !== DEFAULT_PERIOD),
    traceVcd: trace === 'vcd',
    traceFst: trace === 'fst',
    ports,
    inputs: ports.filter((_, i) => design.ports[i]!.dir === 'input'),
  });
  return extension ? `${text}\n// ---- extension ----\n${extension}\n` : text;
}

function verilatorArgs(d: ResolvedDesign, opts: BuildOptions): string[] {
  const args = ['--cc', '--exe', '--top-module', d.top];
  for (const f of CFLAGS) args.push('-CFLAGS', f);
  args.push('-LDFLAGS', '-shared');
  if (opts.trace === 'vcd') args.push('--trace');
  if (opts.trace === 'fst') args.push('--trace-fst');
  // Memories over 32 entries and _-prefixed names are invisible in waves otherwise.
  if (opts.trace) args.push('--trace-max-array', '4096', '--trace-underscore');
  if (opts.xRandom) args.push('--x-assign', 'unique', '--x-initial', 'unique');
  args.push(...(opts.extraArgs ?? []));
  return args;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove temp dirs left by builds whose process died (e.g. Ctrl-C). */
async function sweepStaleTemps(root: string): Promise<void> {
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const m = /^\.tmp-[0-9a-f]+-(\d+)-/.exec(name);
    if (m && Number(m[1]) !== process.pid && !isAlive(Number(m[1]))) {
      await rm(join(root, name), { recursive: true, force: true });
    }
  }
}

// Concurrent create() calls for the same design in one process share one build.
const inflight = new Map<string, Promise<BuildResult>>();

/**
 * Build (or find in the cache) the shared library for `design`.
 * Prints one line to stderr on a cold build, nothing on a cache hit.
 * @throws ToolMissingError if verilator is missing, ToolFailedError if it fails,
 *         Error if SimDesign.ports disagrees with the RTL.
 */
export async function buildModel(design: SimDesign, opts: BuildOptions = {}): Promise<BuildResult> {
  const d = resolveDesign(design);
  const tool = verilator();
  const capi = await renderCapi(d, opts.trace, opts.extension);
  const args = verilatorArgs(d, opts);

  const h = createHash('sha256');
  const feed = (label: string, data: string | Buffer) => {
    h.update(`${label}:${data.length}:`);
    h.update(data);
  };
  feed('recipe', String(RECIPE_VERSION));
  feed('verilator', tool.version);
  feed('arch', `${process.platform}-${process.arch}`);
  feed('args', JSON.stringify([args, MAKE_OPTS]));
  feed('template', templateText ?? '');
  feed('capi', capi);
  for (const f of d.files) {
    const content = await readFile(f).catch((e: NodeJS.ErrnoException) => {
      throw new Error(`${d.top}: cannot read RTL file ${f}: ${e.code ?? e.message}`);
    });
    feed('file', content);
  }
  const hash = h.digest('hex');

  const root = resolve(opts.cacheDir ?? cacheDir('verilator'));
  const dir = join(root, hash);
  const soPath = join(dir, SO_NAME);
  if (existsSync(soPath)) return { soPath, dir, hash, built: false };

  const pending = inflight.get(dir);
  if (pending) return pending;
  const job = compile({ d, opts, args, capi, root, dir, hash }).finally(() => inflight.delete(dir));
  inflight.set(dir, job);
  return job;
}

/** One build: the design, its options and Verilator arguments, the C ABI and where it goes. */
interface BuildJob {
  readonly d: ResolvedDesign;
  readonly opts: BuildOptions;
  readonly args: string[];
  readonly capi: string;
  /** The cache root and the entry the build is renamed into. */
  readonly root: string;
  readonly dir: string;
  readonly hash: string;
}

async function compile(job: BuildJob): Promise<BuildResult> {
  const t0 = performance.now();
  await mkdir(job.root, { recursive: true });
  await sweepStaleTemps(job.root);
  const shown = progress(`verilator: building ${job.d.top}`);
  try {
    return await compileSteps(job, t0, shown);
  } finally {
    shown.done();
  }
}

async function compileSteps({ d, opts, args, capi, root, dir, hash }: BuildJob, t0: number, shown: Progress): Promise<BuildResult> {
  if (!opts.skipPortCheck) {
    shown.step('checking the ports');
    const rtlPorts = await explainVerilatorFailure(d.top, () => readPorts(d.files, d.top, opts.extraArgs));
    const problems = diffPorts(d.ports, rtlPorts);
    if (problems.length > 0) {
      throw new Error(`${d.top}: SimDesign.ports does not match the RTL:\n  ${problems.join('\n  ')}`);
    }
  }

  const tmp = join(root, `.tmp-${hash.slice(0, 12)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(tmp, { recursive: true });
  try {
    const capiPath = join(tmp, 'tx_capi.cpp');
    await writeFile(capiPath, capi);
    const files = d.files.map((f) => resolve(f));
    // Phase 1: Verilog -> C++ and a makefile.
    shown.step('verilating');
    await explainVerilatorFailure(d.top, () => run(verilator(), [...args, '-Mdir', tmp, '-o', SO_NAME, ...files, capiPath], { timeoutMs: 600_000 }));
    // Phase 2: g++, reusing the runtime objects when an earlier build made them.
    const runtime = await runtimeObjects(tmp, d.top, args, opts.extraArgs ?? [], root);
    shown.step(runtime.reused ? 'compiling the model (g++)' : 'compiling the model and the Verilator runtime (g++, once per machine)');
    await run(make(), ['-C', tmp, '-f', `V${d.top}.mk`, '-j', '2', ...MAKE_OPTS], { timeoutMs: 600_000 });
    await runtime.save();
    // Objects are only needed to relink; the .so and the sources are kept.
    for (const name of await readdir(tmp)) {
      if (/\.(o|a|d)$/.test(name)) await rm(join(tmp, name), { force: true });
    }
    const ms = Math.round(performance.now() - t0);
    await writeFile(
      join(tmp, 'build.json'),
      JSON.stringify({ top: d.top, files, args, verilator: verilator().version, ms, runtimeReused: runtime.reused }, null, 2),
    );
    try {
      await rename(tmp, dir);
    } catch (e) {
      // Another process finished the same build first: use its entry.
      const code = (e as NodeJS.ErrnoException).code;
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || !existsSync(join(dir, SO_NAME))) throw e;
      await rm(tmp, { recursive: true, force: true });
      return { soPath: join(dir, SO_NAME), dir, hash, built: false };
    }
    if (!opts.quiet) {
      shown.done();
      process.stderr.write(`verilator: built ${d.top} in ${(ms / 1000).toFixed(1)} s (${hash.slice(0, 12)})\n`);
    }
    return { soPath: join(dir, SO_NAME), dir, hash, built: true };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

let cxxVersion: string | undefined;
function compilerVersion(): string {
  const cxx = process.env.CXX ?? 'g++';
  cxxVersion ??= `${cxx} ${spawnSync(cxx, ['--version'], { encoding: 'utf8' }).stdout?.split('\n')[0] ?? '?'}`;
  return cxxVersion;
}

/**
 * Verilator's runtime (verilated.cpp, verilated_threads.cpp, the trace writers)
 * is the same for every design with the same flags, and compiling it is ~70 %
 * of a cold build. Keep its objects in <root>/runtime-<key>/ and copy them
 * into each new build dir, newer than the makefile, so make skips them.
 */
async function runtimeObjects(mdir: string, top: string, args: string[], extraArgs: string[], root: string) {
  const classes = await readFile(join(mdir, `V${top}_classes.mk`), 'utf8');
  const globals: string[] = [];
  for (const m of classes.matchAll(/^VM_GLOBAL_(?:FAST|SLOW) \+= \\\n((?:\t\S+ \\\n)*)/gm)) {
    for (const line of m[1]!.split('\n')) if (line.trim()) globals.push(line.trim().replace(/ \\$/, ''));
  }
  // Everything that reaches the runtime's compile command (the trace kind
  // selects VM_TRACE* defines; extra args may add -CFLAGS).
  const traceFlags = args.filter((a) => a.startsWith('--trace'));
  const key = createHash('sha256')
    .update(JSON.stringify([RECIPE_VERSION, verilator().version, compilerVersion(), CFLAGS, MAKE_OPTS, traceFlags, extraArgs, globals.sort()]))
    .digest('hex')
    .slice(0, 16);
  const rtDir = join(root, `runtime-${key}`);
  const objs = globals.map((g) => `${g}.o`);
  const reused = objs.length > 0 && objs.every((o) => existsSync(join(rtDir, o)));
  if (reused) {
    // copyFile gives the copies a fresh mtime, newer than the just-written makefile.
    for (const o of objs) await copyFile(join(rtDir, o), join(mdir, o));
  }
  return {
    reused,
    async save(): Promise<void> {
      if (reused || objs.length === 0) return;
      const tmp = `${rtDir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
      await mkdir(tmp, { recursive: true });
      for (const o of objs) await copyFile(join(mdir, o), join(tmp, o));
      await rename(tmp, rtDir).catch(() => rm(tmp, { recursive: true, force: true }));
    },
  };
}
