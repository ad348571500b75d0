/**
 * `taxonn power`: power of the accelerator on a real training workload (docs/HARDWARE.md, "Power").
 *
 * 1. Workload: the first N training samples of a data set, quantised like the train flow does,
 *    go through the Verilated RTL (as training samples; as inference samples for an 'inference'
 *    variant) with a VCD trace. The window measured starts after the reset and the weight load.
 * 2. Netlist: the ASIC synthesis of src/flows/synth.ts (memories black boxes, never flattened),
 *    written out as a liberty-mapped netlist.
 * 3. Activity: for every flip-flop of the netlist, the RTL register bit that its output net is
 *    named after (Yosys keeps RTL names on flip-flop outputs): toggles per cycle and duty from the
 *    trace (src/flows/vcd.ts); input ports and the memories' read data too. Flip-flops whose net
 *    has no RTL counterpart of the same width (merged, renamed, re-encoded FSMs) are counted as
 *    `unmatchedRegisterBits` and keep OpenSTA's default activity.
 * 4. OpenSTA `report_power` with those activities (src/flows/sta-power.ts: the recipe for
 *    OpenSTA 2.0.17), combinational activity propagated by OpenSTA.
 * 5. Memories: with SRAM macro liberty files, reads and writes per cycle of every memory instance
 *    (its ren / we in the trace) times the macros' read / write energy (src/flows/liberty-power.ts),
 *    plus their leakage.
 */
import { statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Config } from '../../../config/index.js';
import { GoldenAccelerator, initialWeights } from '../../../model/accelerator.js';
import { DATASET_NAMES, loadDataset, quantizeInputs, type DatasetName } from '../../../model/datasets/index.js';
import { AcceleratorSim, type Sample } from '../../rtl/harness/accelerator-sim.js';
import { emitForSim } from '../../../sim/from-module.js';
import { opensta, run, ToolFailedError, verilator, yosys } from '../../../tools/index.js';
import { generateAccelerator, type MemoryInfo } from '../../rtl/generate.js';
import { flopOutputs, readLibertyGroups, sramEnergies, type FlopOutput, type SramEnergy } from './liberty-power.js';
import { parseNetlist, splitBitName, type NetlistModule } from '../../formats/netlist.js';
import { sramMacros, tileMemory, type MacroUse, type SramMacro } from '../sram.js';
import { parseReportPower, staPowerScript, stubLiberty, type PinActivity, type PowerRow } from './sta.js';
import { asicLibraries, synthesizeDesign, type AsicSynthReport } from '../synth.js';
import { vcdActivity, type SignalActivity, type VcdActivity } from '../../formats/vcd.js';

export interface PowerOptions {
  dataset: DatasetName;
  /** `samples` training samples of the data set (the first, or those after `after`). */
  samples: number;
  /**
   * Start from the weights after training the first `after` samples (in the golden model, which
   * the RTL equals bit for bit; loaded like any weights) and trace samples after..after+samples−1:
   * the energy of a network part-way through training rather than at its initial weights (with
   * skipZeroErrors the difference is real: trained ReLU layers leave more groups without an error).
   * Default 0.
   */
  after?: number;
  clockMHz: number;
  /** Standard-cell liberty (default: synth's DEFAULT_LIBERTY, Debian qflow-tech-osu018). */
  liberty?: string;
  /** SRAM macro liberty files: memory power from their read/write energy, included in the total. */
  sramLiberty?: readonly string[];
  /** Keep the trace, netlist, scripts and reports in this folder (default: a temporary folder, removed). */
  keepDir?: string;
  /** Folder of the data set's files (default: where its package puts them). */
  dataDir?: string;
  /** Send the samples as training (true) or inference (false) samples; default: training unless cfg.variant is 'inference'. */
  train?: boolean;
  /**
   * Clock cycles with no sample after the samples, measured too (a sample rate below the
   * accelerator's throughput; default 0). With idle cycles the energy per sample is the window's
   * energy divided by the samples.
   */
  idleCycles?: number;
  /** Kill each tool after this long (default 30 minutes). */
  timeoutMs?: number;
}

/** The SRAM power of one memory module (all its instances). */
export interface MemoryPower extends MemoryInfo {
  /** Macros per instance (the tiling rule of src/flows/sram.ts). */
  readonly macros: readonly MacroUse[];
  /** Per instance, mean accesses per clock cycle (ren / we high at a cycle). */
  readonly readsPerCycle: number;
  readonly writesPerCycle: number;
  /** Energy of one access of one instance (its macros of one address range). */
  readonly readPj: number;
  readonly writePj: number;
  /** Access energy and leakage of all instances. */
  readonly dynamicMw: number;
  readonly leakageMw: number;
  readonly mW: number;
}

export interface PowerReport {
  variant: string;
  dataset: string;
  samples: number;
  /** The traced samples start after this many (trained in the golden model first). */
  after: number;
  clockMHz: number;
  /** The standard-cell liberty file. */
  liberty: string;
  /** Mean cycles of one sample, from its header to its result. */
  cyclesPerSample: number;
  /** internalMw + switchingMw + leakageMw; includes memoryMw when `memoryIncluded`. */
  totalPowerMw: number;
  internalMw: number;
  switchingMw: number;
  leakageMw: number;
  /** SRAM macros (only with sramLiberty): access energy (in internalMw) and leakage (in leakageMw). */
  memoryMw?: number;
  /** totalPowerMw × cyclesPerSample / clock (with idleCycles: × windowCycles / samples / clock). */
  energyPerSampleNj: number;
  /** Standard cells only (memories are macros). */
  logicAreaUm2: number;
  /** Flip-flops whose output could not be matched to an RTL register bit (OpenSTA's default activity). */
  unmatchedRegisterBits: number;
  config: Config;
  /** True when memoryMw is part of the totals. */
  memoryIncluded: boolean;
  /** What the totals hold, in words. */
  note: string;
  /** Samples were sent as training samples (false: inference). */
  train: boolean;
  /** The logic alone, as OpenSTA reports it (milliwatts). */
  logic: { totalMw: number; internalMw: number; switchingMw: number; leakageMw: number; groups: Record<string, PowerRow> };
  /** Flip-flops of the netlist. */
  registerBits: number;
  /** Clock cycles of the measured window (after the weight load). */
  windowCycles: number;
  idleCycles: number;
  /** The netlist came from an earlier run in this process (same design and libraries). */
  synthesisCached: boolean;
  /** Mean toggles per cycle of the matched register bits. */
  meanRegisterActivity: number;
  memories?: MemoryPower[];
  sramLiberty: string[];
  tools: { yosys: string; opensta: string; verilator: string };
  seconds: { simulation: number; synthesis: number; activity: number; sta: number };
}

/** Synthesis results by design and libraries (the netlist text and the report). */
const synthCache = new Map<string, Promise<{ report: AsicSynthReport; netlist: string }>>();

/** Bad input to the power flow (exit 2). */
export class PowerUsageError extends Error {
  override name = 'PowerUsageError';
}

const secs = (t0: number) => Math.round((performance.now() - t0) / 100) / 10;
const mw = (w: number) => w * 1e3;
const r4 = (x: number) => Number(x.toPrecision(6));

/** The initial weights after training the samples 0..after−1 in the golden model (bit-exact with the RTL). */
function weightsAfter(cfg: Config, after: number, sampleAt: (i: number) => Sample): Int32Array {
  const w = initialWeights(cfg, cfg.seed);
  if (after === 0) return w;
  const golden = new GoldenAccelerator(cfg);
  golden.loadWeights(w);
  for (let i = 0; i < after; i++) {
    const s = sampleAt(i);
    golden.sample(s.input, s.label, s.train);
  }
  return golden.readWeights();
}

/** Generates the accelerator for `cfg`, runs the workload and estimates its power. */
export async function estimatePower(cfg: Config, opts: PowerOptions): Promise<PowerReport> {
  // ---- every check before anything runs or is written
  if (!Number.isSafeInteger(opts.samples) || opts.samples < 1) throw new PowerUsageError(`power: samples must be a positive integer, got ${opts.samples}`);
  if (!(typeof opts.clockMHz === 'number' && Number.isFinite(opts.clockMHz) && opts.clockMHz > 0)) {
    throw new PowerUsageError(`power: the clock must be a positive number of MHz, got ${opts.clockMHz}`);
  }
  if (!(DATASET_NAMES as readonly string[]).includes(opts.dataset)) {
    throw new PowerUsageError(`power: unknown data set ${JSON.stringify(opts.dataset)} (known: ${DATASET_NAMES.join(', ')})`);
  }
  const tools = { yosys: yosys(), opensta: opensta(), verilator: verilator() };
  const libs = asicLibraries({ ...(opts.liberty !== undefined ? { liberty: opts.liberty } : {}), ...(opts.sramLiberty?.length ? { sramLiberty: opts.sramLiberty } : {}) });
  const data = loadDataset(opts.dataset, opts.dataDir ? { dir: opts.dataDir } : {});
  const n0 = cfg.layers[0]!;
  const nL = cfg.layers[cfg.layers.length - 1]!;
  if (data.features !== n0) {
    throw new PowerUsageError(
      `power: data set ${data.name} has ${data.features} inputs per sample, the configuration's first layer has ${n0} (layers ${cfg.layers.join(',')})`,
    );
  }
  if (data.classes > nL) {
    throw new PowerUsageError(`power: data set ${data.name} has ${data.classes} classes, the configuration's output layer has only ${nL} (layers ${cfg.layers.join(',')})`);
  }
  const idleCycles = opts.idleCycles ?? 0;
  if (!Number.isSafeInteger(idleCycles) || idleCycles < 0) throw new PowerUsageError(`power: idle cycles must be a non-negative integer, got ${opts.idleCycles}`);
  const after = opts.after ?? 0;
  if (!Number.isSafeInteger(after) || after < 0) throw new PowerUsageError(`power: after must be a non-negative integer, got ${opts.after}`);
  if (after + opts.samples > data.train.y.length) {
    throw new PowerUsageError(
      `power: after + samples must be at most ${data.train.y.length} (the training samples of ${data.name}), got ${after} + ${opts.samples}`,
    );
  }
  const stdGroups = readLibertyGroups(libs.stdFile);
  const flops = flopOutputs(stdGroups, libs.stdFile);
  const sramFiles = libs.srams.map((l) => l.file!);
  const energies = new Map<string, SramEnergy>();
  for (const f of sramFiles) for (const e of sramEnergies(readLibertyGroups(f, 'SRAM liberty file'), f)) energies.set(e.cell, e);
  const train = opts.train ?? (cfg.variant as string) !== 'inference';

  const dir = opts.keepDir ? path.resolve(opts.keepDir) : await mkdtemp(path.join(tmpdir(), 'taxonn-power-'));
  if (opts.keepDir) await mkdir(dir, { recursive: true });
  const timeoutMs = opts.timeoutMs ?? 1_800_000;
  try {
    const gen = generateAccelerator(cfg);
    const { design } = emitForSim(gen.top);
    const top = design.top;
    const clock = 'clk';
    if (!design.ports.some((p) => p.name === clock && p.dir === 'input')) throw new Error(`power: ${top} has no clock input ${clock}`);

    // ---- 1. the workload, traced
    let t0 = performance.now();
    const F = data.features;
    const codes = quantizeInputs(data.train.x.subarray(0, (after + opts.samples) * F), cfg.act);
    const sampleAt = (i: number): Sample => ({ input: codes.subarray(i * F, (i + 1) * F), label: data.train.y[i]!, train });
    const samples: Sample[] = Array.from({ length: opts.samples }, (_, i) => sampleAt(after + i));
    const startWeights = weightsAfter(cfg, after, sampleAt);
    const wave = path.join(dir, 'trace.vcd');
    // Memory contents are not traced (--trace-max-array 1): the flow needs registers, ports and the
    // memories' ports only, and tracing the 16 weight banks of the default design makes the model's
    // C++ too big to compile in reasonable time (over 10 minutes on 2 cores).
    const sim = await AcceleratorSim.create(cfg, { wave, extraArgs: ['--trace-max-array', '1'] });
    let skipCycles: number;
    let results;
    try {
      sim.run(startWeights, []);
      skipCycles = sim.sim.cycle + sim.cycles; // reset and weight load: every cycle has one rising edge
      results = sim.run(undefined, samples);
      if (idleCycles) sim.sim.step(idleCycles); // inputs as the driver left them: no valid, no ready
    } finally {
      sim.close();
    }
    const cyclesPerSample = results.reduce((s, r) => s + r.cycles, 0) / results.length;
    const simulation = secs(t0);

    // ---- 2. the mapped netlist (once per design and libraries in a process: a sweep over clocks or data sets reuses it)
    t0 = performance.now();
    const netlistFile = path.join(dir, 'netlist.v');
    const key = JSON.stringify([design.files, [libs.stdFile, ...sramFiles].map((f) => [f, statSync(f).mtimeMs])]);
    let job = synthCache.get(key);
    const cached = job !== undefined;
    if (!job) {
      job = (async () => {
        const synthDir = path.join(dir, 'synth');
        const report = (await synthesizeDesign(
          { top, files: design.files, memories: gen.manifest.memories },
          { target: 'asic', liberty: libs.stdFile, ...(sramFiles.length ? { sramLiberty: sramFiles } : {}), workDir: synthDir, netlist: netlistFile, timeoutMs },
        )) as AsicSynthReport;
        return { report, netlist: await readFile(netlistFile, 'utf8') };
      })();
      synthCache.set(key, job);
      job.catch(() => synthCache.delete(key));
    }
    const { report: synth, netlist } = await job;
    if (cached) await writeFile(netlistFile, netlist);
    const modules = new Map(parseNetlist(netlist).map((m) => [m.name, m] as const));
    const synthesis = secs(t0);

    // ---- 3. activities from the trace
    t0 = performance.now();
    const memoryModules = new Set(gen.manifest.memories.map((m) => m.module));
    const walk = collect(modules, top, flops, memoryModules);
    const scope = ['TOP', top];
    const want = new Set<string>([...walk.flops.map((f) => [...scope, ...f.instPath, f.base].join('.'))]);
    for (const p of design.ports) if (p.dir === 'input' && p.name !== clock) want.add(`TOP.${p.name}`);
    for (const m of walk.memories) for (const port of ['ren', 'we', 'rdata']) want.add([...scope, ...m.instPath, port].join('.'));
    const act = await vcdActivity(wave, { clock: `TOP.${clock}`, skipCycles, select: (v) => want.has(v.path) });
    const applied = applyActivities(walk, act, scope);
    const inputs: PinActivity[] = [];
    for (const p of design.ports) {
      if (p.dir !== 'input' || p.name === clock) continue;
      const s = act.signals.get(`TOP.${p.name}`);
      if (!s) throw new Error(`power: input port ${p.name} is not in the trace`);
      for (let b = 0; b < p.width; b++) inputs.push({ pin: p.width > 1 ? `${p.name}[${b}]` : p.name, ...bitOf(s, b) });
    }
    const pins: PinActivity[] = [...applied.registerPins];
    for (const m of walk.memories) {
      const s = act.signals.get([...scope, ...m.instPath, 'rdata'].join('.'));
      if (!s) throw new Error(`power: ${m.path}/rdata is not in the trace`);
      const w = s.v.width;
      for (let b = 0; b < w; b++) pins.push({ pin: `${m.path}/rdata${w > 1 ? `[${b}]` : ''}`, ...bitOf(s, b) });
    }
    const activity = secs(t0);

    // ---- 4. OpenSTA
    t0 = performance.now();
    const stubFile = path.join(dir, 'memory-stubs.lib');
    await writeFile(stubFile, stubLiberty(await memoryStubs(design.files, memoryModules, clock)));
    const probe = walk.probeCell ?? walk.flops[0]?.cellPath;
    if (!probe) throw new Error(`power: the netlist of ${top} has no cells`);
    const script = staPowerScript({
      liberties: [libs.stdFile, stubFile],
      netlist: netlistFile,
      top,
      clock,
      periodNs: 1e3 / opts.clockMHz,
      memories: walk.memories.map((m) => m.path),
      registers: [...new Set(walk.flops.map((f) => f.cellPath))],
      inputs,
      pins,
      probeCell: probe,
    });
    await writeFile(path.join(dir, 'power.tcl'), script);
    const r = await run(tools.opensta, ['-no_init', '-exit', 'power.tcl'], { cwd: dir, timeoutMs });
    await writeFile(path.join(dir, 'sta.log'), r.stdout + r.stderr);
    let rep;
    try {
      rep = parseReportPower(r.stdout);
    } catch {
      throw new ToolFailedError(r.command, r.code, r.stdout, r.stderr, 'OpenSTA printed no power report');
    }
    const lost = /taxonn-not-user (\d+)/.exec(r.stdout);
    if (!lost || Number(lost[1]) !== 0) {
      throw new ToolFailedError(r.command, r.code, r.stdout, r.stderr, `OpenSTA overrode ${lost?.[1] ?? 'an unknown number of'} of the measured activities (the recipe of src/flows/sta-power.ts did not hold)`);
    }
    const sta = secs(t0);

    // ---- 5. memories
    let memories: MemoryPower[] | undefined;
    if (sramFiles.length) {
      const macros = sramMacros(libs.srams);
      memories = gen.manifest.memories.map((m) => memoryPower(m, walk.memories.filter((i) => i.module === m.module), act, scope, macros, energies, opts.clockMHz));
    }
    const memoryDynamic = memories?.reduce((s, m) => s + m.dynamicMw, 0) ?? 0;
    const memoryLeakage = memories?.reduce((s, m) => s + m.leakageMw, 0) ?? 0;
    const logic = { totalMw: mw(rep.total.total), internalMw: mw(rep.total.internal), switchingMw: mw(rep.total.switching), leakageMw: mw(rep.total.leakage) };
    const internalMw = logic.internalMw + memoryDynamic;
    const leakageMw = logic.leakageMw + memoryLeakage;
    const totalPowerMw = internalMw + logic.switchingMw + leakageMw;
    const groups = Object.fromEntries(Object.entries(rep.groups).map(([k, v]) => [k, { internal: r4(mw(v.internal)), switching: r4(mw(v.switching)), leakage: r4(mw(v.leakage)), total: r4(mw(v.total)) }]));
    return {
      variant: cfg.variant,
      dataset: data.name,
      samples: opts.samples,
      after,
      clockMHz: opts.clockMHz,
      liberty: libs.stdFile,
      cyclesPerSample: r4(cyclesPerSample),
      totalPowerMw: r4(totalPowerMw),
      internalMw: r4(internalMw),
      switchingMw: r4(logic.switchingMw),
      leakageMw: r4(leakageMw),
      ...(memories ? { memoryMw: r4(memoryDynamic + memoryLeakage) } : {}),
      energyPerSampleNj: r4((totalPowerMw * (idleCycles ? act.cycles / opts.samples : cyclesPerSample)) / opts.clockMHz),
      logicAreaUm2: synth.logicAreaUm2,
      unmatchedRegisterBits: applied.unmatched,
      config: cfg,
      memoryIncluded: memories !== undefined,
      note: memories
        ? 'totals include the SRAM macros (memoryMw): their read/write energy in internalMw, their leakage in leakageMw'
        : 'totals are the standard-cell logic only: memories are black boxes, not counted (give SRAM macro liberty files to count them)',
      train,
      logic: { totalMw: r4(logic.totalMw), internalMw: r4(logic.internalMw), switchingMw: r4(logic.switchingMw), leakageMw: r4(logic.leakageMw), groups },
      registerBits: applied.registerBits,
      windowCycles: act.cycles,
      idleCycles,
      synthesisCached: cached,
      meanRegisterActivity: r4(applied.meanActivity),
      ...(memories ? { memories } : {}),
      sramLiberty: sramFiles,
      tools: { yosys: tools.yosys.version, opensta: tools.opensta.version, verilator: tools.verilator.version },
      seconds: { simulation, synthesis, activity, sta },
    };
  } finally {
    if (!opts.keepDir) await rm(dir, { recursive: true, force: true });
  }
}

// ---- netlist → flip-flops and memories -----------------------------------------------------------

interface FlopPin {
  /** Instance path below the top (VCD scopes below the top module). */
  readonly instPath: readonly string[];
  /** OpenSTA path of the flip-flop cell. */
  readonly cellPath: string;
  readonly pin: string;
  readonly inverted: boolean;
  /** RTL name and bit of the net it drives (index undefined: a scalar net). */
  readonly base: string;
  readonly index: number | undefined;
}

interface Walk {
  readonly flops: FlopPin[];
  /** Flip-flop cells (OpenSTA paths) with at least one connected output. */
  readonly flopCells: Set<string>;
  readonly memories: { readonly module: string; readonly instPath: readonly string[]; readonly path: string }[];
  probeCell?: string;
}

function collect(modules: ReadonlyMap<string, NetlistModule>, top: string, flops: ReadonlyMap<string, readonly FlopOutput[]>, memoryModules: ReadonlySet<string>): Walk {
  const walk: Walk = { flops: [], flopCells: new Set(), memories: [] };
  const visit = (mod: NetlistModule, instPath: string[]) => {
    for (const inst of mod.instances) {
      const here = [...instPath, inst.name];
      const cellPath = here.join('/');
      const outs = flops.get(inst.type);
      if (outs) {
        for (const o of outs) {
          const bit = inst.pins.get(o.pin)?.[0];
          if (!bit || !('net' in bit)) continue;
          const { base, index } = splitBitName(bit);
          walk.flops.push({ instPath, cellPath, pin: o.pin, inverted: o.inverted, base, index });
          walk.flopCells.add(cellPath);
        }
      } else if (memoryModules.has(inst.type)) {
        walk.memories.push({ module: inst.type, instPath: here, path: cellPath });
      } else {
        const sub = modules.get(inst.type);
        if (sub) visit(sub, here);
        else walk.probeCell ??= cellPath;
      }
    }
  };
  const t = modules.get(top);
  if (!t) throw new Error(`power: module ${top} is not in the netlist`);
  visit(t, []);
  return walk;
}

function bitOf(s: SignalActivity, index: number, inverted = false): { activity: number; duty: number } {
  const i = index - Math.min(s.v.msb, s.v.lsb);
  const duty = s.duty[i]!;
  return { activity: s.toggleRate[i]!, duty: inverted ? 1 - duty : duty };
}

/** The register pins with a trace counterpart, and the count of flip-flops without one. */
function applyActivities(walk: Walk, act: VcdActivity, scope: readonly string[]): { registerPins: PinActivity[]; unmatched: number; registerBits: number; meanActivity: number } {
  // A (scope, name) group matches only if every bit the netlist uses exists in the RTL signal:
  // a re-encoded FSM (one-hot `state[0..15]` for a 4-bit `state`) must not borrow its bits.
  const groups = new Map<string, FlopPin[]>();
  for (const f of walk.flops) {
    const key = [...scope, ...f.instPath, f.base].join('.');
    const g = groups.get(key);
    if (g) g.push(f);
    else groups.set(key, [f]);
  }
  // the stored bit of every matched flip-flop (any matched output tells it)
  const stored = new Map<string, { activity: number; duty: number }>();
  for (const [key, fs] of groups) {
    const s = act.signals.get(key);
    if (!s) continue;
    const lo = Math.min(s.v.msb, s.v.lsb);
    const hi = Math.max(s.v.msb, s.v.lsb);
    const fits = fs.every((f) => (f.index === undefined ? s.v.width === 1 : f.index >= lo && f.index <= hi));
    if (!fits) continue;
    for (const f of fs) if (!stored.has(f.cellPath)) stored.set(f.cellPath, bitOf(s, f.index ?? lo, f.inverted));
  }
  // every connected output of a matched flip-flop (Q and QN alike) gets the activity
  const registerPins: PinActivity[] = [];
  for (const f of walk.flops) {
    const a = stored.get(f.cellPath);
    if (a) registerPins.push({ pin: `${f.cellPath}/${f.pin}`, activity: a.activity, duty: f.inverted ? 1 - a.duty : a.duty });
  }
  let sum = 0;
  for (const a of stored.values()) sum += a.activity;
  return { registerPins, unmatched: walk.flopCells.size - stored.size, registerBits: walk.flopCells.size, meanActivity: stored.size ? sum / stored.size : 0 };
}

/** Ports of every memory module, from its generated Verilog (ANSI header; the clock is implicit in src/hdl). */
async function memoryStubs(files: readonly string[], memoryModules: ReadonlySet<string>, clock: string) {
  const out = [];
  for (const name of memoryModules) {
    const file = files.find((f) => path.basename(f) === `${name}.v`);
    if (!file) throw new Error(`power: no Verilog file for memory module ${name}`);
    const text = await readFile(file, 'utf8');
    const ports = [...text.matchAll(/^\s*(input|output)\s+(?:wire|reg)?\s*(?:signed\s+)?(?:\[(\d+):(\d+)\]\s*)?(\w+)/gm)].map((m) => ({
      name: m[4]!,
      dir: m[1] as 'input' | 'output',
      width: m[2] === undefined ? 1 : Math.abs(Number(m[2]) - Number(m[3])) + 1,
    }));
    if (!ports.some((p) => p.name === clock)) throw new Error(`power: memory module ${name} has no ${clock} input`);
    out.push({ name, clock, ports });
  }
  return out;
}

// ---- SRAM macros ---------------------------------------------------------------------------------

/**
 * One memory module's SRAM power. An access reads or writes one address range: the
 * ceil(width / macro bits) macros side by side that hold it; with ranges of several macro types
 * the energy is their average weighted by the addresses each covers. Reads and writes per cycle
 * are the duty of the instance's ren and we (both change only at clock edges); a cycle with both
 * counts one read and one write.
 */
function memoryPower(
  m: MemoryInfo,
  instances: readonly { readonly instPath: readonly string[] }[],
  act: VcdActivity,
  scope: readonly string[],
  macros: readonly SramMacro[],
  energies: ReadonlyMap<string, SramEnergy>,
  clockMHz: number,
): MemoryPower {
  const t = tileMemory(m.depth, m.width, macros);
  let covered = 0;
  let readPj = 0;
  let writePj = 0;
  let leakageMw = 0;
  for (const u of t.macros) {
    const mac = macros.find((x) => x.cell === u.cell)!;
    const e = energies.get(u.cell) ?? { readPj: 0, writePj: 0, leakageMw: 0 };
    const across = Math.ceil(m.width / mac.bits);
    const words = (u.count / across) * mac.words;
    covered += words;
    readPj += words * across * e.readPj;
    writePj += words * across * e.writePj;
    leakageMw += u.count * e.leakageMw;
  }
  readPj /= covered || 1;
  writePj /= covered || 1;
  let reads = 0;
  let writes = 0;
  for (const i of instances) {
    const duty = (port: string) => act.signals.get([...scope, ...i.instPath, port].join('.'))?.duty[0] ?? 0;
    reads += duty('ren');
    writes += duty('we');
  }
  // pJ per cycle × MHz = µW
  const dynamicMw = ((reads * readPj + writes * writePj) * clockMHz) / 1e3;
  const leak = leakageMw * m.instances;
  const k = Math.max(1, instances.length);
  return {
    ...m,
    macros: t.macros,
    readsPerCycle: r4(reads / k),
    writesPerCycle: r4(writes / k),
    readPj: r4(readPj),
    writePj: r4(writePj),
    dynamicMw: r4(dynamicMw),
    leakageMw: r4(leak),
    mW: r4(dynamicMw + leak),
  };
}
