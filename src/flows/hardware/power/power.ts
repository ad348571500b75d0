/**
 * `taxonn power`: power of the accelerator on a real training workload (docs/HARDWARE.md, "Power"),
 * in the steps below, each in its own file of this folder:
 *
 * 1. Workload (workload.ts): the first N training samples of a data set go through the Verilated
 *    RTL with a VCD trace; the window measured starts after the reset and the weight load.
 * 2. Netlist (synthesis.ts): the ASIC synthesis of ../synth.ts, flattened but for the PEs and update units (memories black
 *    boxes), written out as a liberty-mapped netlist.
 * 3. Activity (activity.ts): for every flip-flop of the netlist, toggles per cycle and duty of the
 *    RTL register bit its output net is named after; input ports and the memories' read data too.
 * 4. OpenSTA (sta.ts): `report_power` with those activities, combinational activity propagated
 *    by OpenSTA.
 * 5. Memories (sram-energy.ts): with SRAM macro liberty files, reads and writes per cycle of every
 *    memory instance times the macros' read / write energy, plus their leakage.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Config } from '../../../config/index.js';
import { DATASET_NAMES, loadDataset, type Dataset, type DatasetName } from '../../../model/datasets/index.js';
import { emitForSim } from '../../../sim/from-module.js';
import { opensta, verilator, yosys, type FoundTool } from '../../../tools/index.js';
import { generateAccelerator } from '../../rtl/generate.js';
import { readLibertyGroups } from '../../formats/liberty.js';
import { sramMacros } from '../sram.js';
import { asicLibraries, asicMemoryTarget } from '../synth.js';
import { measureActivity, type MeasuredActivity } from './activity.js';
import { flopClockPins, flopOutputs, outputPins, type FlopOutput, type SramEnergy } from './liberty-power.js';
import { cellNames, logicBlocks, type LogicBlockPower } from './blocks.js';
import { gatedClockNets, gatedClockPins } from './gated-clocks.js';
import { memoryPowers, sramEnergyTable, type MemoryPower } from './sram-energy.js';
import { runPowerSta, type PowerRow, type ReportPower } from './sta.js';
import { mappedNetlist, type MappedNetlist } from './synthesis.js';
import { traceWorkload, type TracedWorkload } from './workload.js';

export type { MemoryPower } from './sram-energy.js';

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
  /** Clock gates in front of the flip-flops idle in most cycles (default true; generators/memories/target.ts). */
  clockGates?: boolean;
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
  /** energyPerSampleNj by where it goes (they add up to it). */
  perSampleNj: PerSampleEnergy;
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

/**
 * A sample's energy (nJ) by where it goes: the logic's switching (internal and net power) and
 * leakage as OpenSTA reports them, and per memory (with SRAM macros) its reads and writes per
 * sample and their energy, and its leakage.
 */
export interface PerSampleEnergy {
  /** The clock cycles a sample takes (with idleCycles: the window's cycles per sample). */
  readonly cycles: number;
  readonly logicDynamic: number;
  readonly logicLeakage: number;
  readonly sramReads: number;
  readonly sramWrites: number;
  readonly sramLeakage: number;
  readonly memories: readonly {
    readonly module: string;
    readonly role: string;
    readonly reads: number;
    readonly writes: number;
    readonly readNj: number;
    readonly writeNj: number;
    readonly leakageNj: number;
  }[];
  /**
   * The logic (dynamic and leakage) by block of the accelerator, largest first (blocks.ts: a cell
   * by its kept instance or the RTL net it drives; "unnamed logic" drives only nets synthesis
   * named). Adds up to logicDynamic + logicLeakage.
   */
  readonly logicBlocks: readonly { readonly block: string; readonly cells: number; readonly nJ: number }[];
}

/** nJ per sample from mW over `cycles` at `clockMHz`. */
function perSampleEnergy(
  logic: { internalMw: number; switchingMw: number; leakageMw: number },
  memories: readonly MemoryPower[],
  blocks: readonly LogicBlockPower[],
  cycles: number,
  clockMHz: number,
): PerSampleEnergy {
  const nj = (mW: number) => r4((mW * cycles) / clockMHz);
  const rows = memories.map((m) => {
    // readsPerCycle and writesPerCycle are per instance; pJ → nJ
    const reads = m.readsPerCycle * m.instances * cycles;
    const writes = m.writesPerCycle * m.instances * cycles;
    return {
      module: m.module,
      role: m.role,
      reads: r4(reads),
      writes: r4(writes),
      readNj: r4((reads * m.readPj) / 1e3),
      writeNj: r4((writes * m.writePj) / 1e3),
      leakageNj: nj(m.leakageMw),
    };
  });
  const sum = (f: (r: (typeof rows)[number]) => number) => r4(rows.reduce((t, r) => t + f(r), 0));
  return {
    cycles: r4(cycles),
    logicDynamic: nj(logic.internalMw + logic.switchingMw),
    logicLeakage: nj(logic.leakageMw),
    sramReads: sum((r) => r.readNj),
    sramWrites: sum((r) => r.writeNj),
    sramLeakage: sum((r) => r.leakageNj),
    memories: rows,
    logicBlocks: blocks.map((b) => ({ block: b.block, cells: b.cells, nJ: nj(b.mW) })),
  };
}

/** Bad input to the power flow (exit 2). */
export class PowerUsageError extends Error {
  override name = 'PowerUsageError';
}

/** The clock input the flow drives and measures against. */
const CLOCK = 'clk';

const secs = (t0: number) => Math.round((performance.now() - t0) / 100) / 10;
const mw = (w: number) => w * 1e3;
const r4 = (x: number) => Number(x.toPrecision(6));

/** What the checks found: the inputs of the steps. */
interface PowerInputs {
  readonly tools: { readonly yosys: FoundTool; readonly opensta: FoundTool; readonly verilator: FoundTool };
  readonly stdFile: string;
  readonly srams: ReturnType<typeof asicLibraries>['srams'];
  readonly sramFiles: string[];
  readonly data: Dataset;
  readonly after: number;
  readonly idleCycles: number;
  readonly flops: Map<string, FlopOutput[]>;
  /** Each standard cell's output pins (the logic by block). */
  readonly outputs: Map<string, string[]>;
  /** Each flip-flop cell's clock pin (the gated clocks' check). */
  readonly clockPins: Map<string, string>;
  readonly energies: Map<string, SramEnergy>;
  readonly train: boolean;
}

/** Every check before anything runs or is written: options, tools, libraries, the data set against the network. */
function checkInputs(cfg: Config, opts: PowerOptions): PowerInputs {
  if (!Number.isSafeInteger(opts.samples) || opts.samples < 1) throw new PowerUsageError(`power: samples must be a positive integer, got ${opts.samples}`);
  if (!(typeof opts.clockMHz === 'number' && Number.isFinite(opts.clockMHz) && opts.clockMHz > 0)) {
    throw new PowerUsageError(`power: the clock must be a positive number of MHz, got ${opts.clockMHz}`);
  }
  if (!(DATASET_NAMES as readonly string[]).includes(opts.dataset)) {
    throw new PowerUsageError(`power: unknown data set ${JSON.stringify(opts.dataset)} (known: ${DATASET_NAMES.join(', ')})`);
  }
  const tools = { yosys: yosys(), opensta: opensta(), verilator: verilator() };
  const libs = asicLibraries({
    ...(opts.liberty !== undefined ? { liberty: opts.liberty } : {}),
    ...(opts.sramLiberty?.length ? { sramLiberty: opts.sramLiberty } : {}),
  });
  const data = loadDataset(opts.dataset, opts.dataDir ? { dir: opts.dataDir } : {});
  checkNetwork(cfg, data);
  const idleCycles = opts.idleCycles ?? 0;
  if (!Number.isSafeInteger(idleCycles) || idleCycles < 0)
    throw new PowerUsageError(`power: idle cycles must be a non-negative integer, got ${opts.idleCycles}`);
  const after = opts.after ?? 0;
  if (!Number.isSafeInteger(after) || after < 0) throw new PowerUsageError(`power: after must be a non-negative integer, got ${opts.after}`);
  if (after + opts.samples > data.train.y.length) {
    throw new PowerUsageError(
      `power: after + samples must be at most ${data.train.y.length} (the training samples of ${data.name}), got ${after} + ${opts.samples}`,
    );
  }
  const stdGroups = readLibertyGroups(libs.stdFile);
  const flops = flopOutputs(stdGroups, libs.stdFile);
  const outputs = outputPins(stdGroups, libs.stdFile);
  const clockPins = flopClockPins(stdGroups, libs.stdFile);
  const sramFiles = libs.srams.map((l) => l.file!);
  const energies = sramEnergyTable(sramFiles);
  const train = opts.train ?? cfg.variant !== 'inference';
  return { tools, stdFile: libs.stdFile, srams: libs.srams, sramFiles, data, after, idleCycles, flops, outputs, clockPins, energies, train };
}

/** The data set's samples must fit the network's first layer, its classes the output layer. */
function checkNetwork(cfg: Config, data: Dataset): void {
  const n0 = cfg.layers[0]!;
  const nL = cfg.layers[cfg.layers.length - 1]!;
  if (data.features !== n0) {
    throw new PowerUsageError(
      `power: data set ${data.name} has ${data.features} inputs per sample, the configuration's first layer has ${n0} (layers ${cfg.layers.join(',')})`,
    );
  }
  if (data.classes > nL) {
    throw new PowerUsageError(
      `power: data set ${data.name} has ${data.classes} classes, the configuration's output layer has only ${nL} (layers ${cfg.layers.join(',')})`,
    );
  }
}

/** Runs `step`; its value and its seconds. */
async function timed<T>(step: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await step();
  return [value, secs(t0)];
}

/** Generates the accelerator for `cfg`, runs the workload and estimates its power. */
export async function estimatePower(cfg: Config, opts: PowerOptions): Promise<PowerReport> {
  const run = checkInputs(cfg, opts);
  const dir = opts.keepDir ? path.resolve(opts.keepDir) : await mkdtemp(path.join(tmpdir(), 'taxonn-power-'));
  if (opts.keepDir) await mkdir(dir, { recursive: true });
  const timeoutMs = opts.timeoutMs ?? 1_800_000;
  try {
    const gen = generateAccelerator(cfg, asicMemoryTarget(run.srams, opts.clockGates));
    const { design } = emitForSim(gen.top);
    if (!design.ports.some((p) => p.name === CLOCK && p.dir === 'input')) throw new Error(`power: ${design.top} has no clock input ${CLOCK}`);
    const workload = { data: run.data, after: run.after, samples: opts.samples, idleCycles: run.idleCycles, train: run.train };
    // the memories built from flip-flops are traced word by word (their flip-flops match them by name)
    const flopWords = Math.max(1, ...gen.manifest.memories.filter((m) => m.inLogic).map((m) => m.depth));
    const [trace, simulation] = await timed(() => traceWorkload(cfg, workload, dir, gen.top, flopWords));
    const [netlist, synthesis] = await timed(() =>
      mappedNetlist(design, gen.manifest.memories, { stdFile: run.stdFile, sramFiles: run.sramFiles }, dir, timeoutMs),
    );
    // black boxes of the power netlist: every memory but those built from flip-flops
    const boxed = gen.manifest.memories.filter((m) => !m.inLogic);
    const memoryModules = new Set(boxed.map((m) => m.module));
    const gated = gatedClockPins(netlist.modules, { top: design.top, clock: CLOCK }, run, gatedClockNets(gen.top));
    const [act, activity] = await timed(() =>
      measureActivity(
        design,
        netlist.modules,
        run.flops,
        memoryModules,
        trace,
        CLOCK,
        gated.map((g) => g.net),
      ),
    );
    const [rep, sta] = await timed(() =>
      runPowerSta({
        opensta: run.tools.opensta,
        dir,
        stdLiberty: run.stdFile,
        netlist: netlist.file,
        top: design.top,
        memories: boxed,
        clock: CLOCK,
        clockMHz: opts.clockMHz,
        walk: act.walk,
        inputs: act.inputs,
        pins: act.pins,
        gatedClocks: gated.map((g, i) => ({ pin: g.pin, rises: act.clockRises[i]! })),
        timeoutMs,
      }),
    );
    const memories = run.sramFiles.length
      ? memoryPowers(boxed, act.walk.memories, act.act, act.scope, sramMacros(run.srams), run.energies, opts.clockMHz)
      : undefined;
    const blocks = logicBlocks(rep.cells, cellNames(netlist.modules, design.top, run.outputs));
    return powerReport(cfg, opts, run, { trace, netlist, act, rep, memories, blocks, seconds: { simulation, synthesis, activity, sta } });
  } finally {
    if (!opts.keepDir) await rm(dir, { recursive: true, force: true });
  }
}

/** What the steps measured. */
interface StepResults {
  readonly trace: TracedWorkload;
  readonly netlist: MappedNetlist;
  readonly act: MeasuredActivity;
  readonly rep: ReportPower;
  readonly memories: MemoryPower[] | undefined;
  readonly blocks: readonly LogicBlockPower[];
  readonly seconds: PowerReport['seconds'];
}

/** The report: the logic as OpenSTA measured it plus the memories, in milliwatts, rounded to 6 digits. */
function powerReport(cfg: Config, opts: PowerOptions, run: PowerInputs, r: StepResults): PowerReport {
  const { memories, rep, act } = r;
  const memoryDynamic = memories?.reduce((s, m) => s + m.dynamicMw, 0) ?? 0;
  const memoryLeakage = memories?.reduce((s, m) => s + m.leakageMw, 0) ?? 0;
  const logic = { totalMw: mw(rep.total.total), internalMw: mw(rep.total.internal), switchingMw: mw(rep.total.switching), leakageMw: mw(rep.total.leakage) };
  const internalMw = logic.internalMw + memoryDynamic;
  const leakageMw = logic.leakageMw + memoryLeakage;
  const totalPowerMw = internalMw + logic.switchingMw + leakageMw;
  const groups = Object.fromEntries(
    Object.entries(rep.groups).map(([k, v]) => [
      k,
      { internal: r4(mw(v.internal)), switching: r4(mw(v.switching)), leakage: r4(mw(v.leakage)), total: r4(mw(v.total)) },
    ]),
  );
  const cyclesPerSample = r.trace.cyclesPerSample;
  const sampleCycles = run.idleCycles ? act.act.cycles / opts.samples : cyclesPerSample;
  return {
    variant: cfg.variant,
    dataset: run.data.name,
    samples: opts.samples,
    after: run.after,
    clockMHz: opts.clockMHz,
    liberty: run.stdFile,
    cyclesPerSample: r4(cyclesPerSample),
    totalPowerMw: r4(totalPowerMw),
    internalMw: r4(internalMw),
    switchingMw: r4(logic.switchingMw),
    leakageMw: r4(leakageMw),
    ...(memories ? { memoryMw: r4(memoryDynamic + memoryLeakage) } : {}),
    energyPerSampleNj: r4((totalPowerMw * sampleCycles) / opts.clockMHz),
    perSampleNj: perSampleEnergy(logic, memories ?? [], r.blocks, sampleCycles, opts.clockMHz),
    logicAreaUm2: r.netlist.report.logicAreaUm2,
    unmatchedRegisterBits: act.unmatched,
    config: cfg,
    memoryIncluded: memories !== undefined,
    note: memories
      ? 'totals include the SRAM macros (memoryMw): their read/write energy in internalMw, their leakage in leakageMw'
      : 'totals are the standard-cell logic only: memories are black boxes, not counted (give SRAM macro liberty files to count them)',
    train: run.train,
    logic: { totalMw: r4(logic.totalMw), internalMw: r4(logic.internalMw), switchingMw: r4(logic.switchingMw), leakageMw: r4(logic.leakageMw), groups },
    registerBits: act.registerBits,
    windowCycles: act.act.cycles,
    idleCycles: run.idleCycles,
    synthesisCached: r.netlist.cached,
    meanRegisterActivity: r4(act.meanActivity),
    ...(memories ? { memories } : {}),
    sramLiberty: run.sramFiles,
    tools: { yosys: run.tools.yosys.version, opensta: run.tools.opensta.version, verilator: run.tools.verilator.version },
    seconds: r.seconds,
  };
}
