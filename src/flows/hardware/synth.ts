/**
 * `taxonn synth`: logic synthesis of the accelerator with Yosys, for four targets
 * (docs/HARDWARE.md explains every number and its caveats):
 *
 * - `generic`: Yosys `synth` to its internal gate library, cell counts and the `stat -tech cmos`
 *   transistor estimate. Memories are black boxes (counted in bits from the manifest), so the
 *   numbers are logic only.
 * - `ice40` (`synth_ice40 -abc9 -dff -device u -dsp -spram`, as `fpga` runs it: UP5K resources, single-port memories to SPRAM) and `xilinx` (`synth_xilinx -noiopad`): LUT, flip-flop, carry,
 *   DSP and block-RAM counts; memories are inferred as block (or LUT) RAM like in a real FPGA flow.
 * - `asic`: mapped to a liberty standard-cell library (`dfflibmap`, `abc -liberty`); memories
 *   stay black-box macros. Logic area from `stat -liberty`; with SRAM macro libraries, the area
 *   of the macros that build each memory (src/flows/hardware/sram.ts).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Config } from '../../config/index.js';
import { emitForSim } from '../../sim/from-module.js';
import { synthIce40Command, UP5K_SYNTH, cleanStatJson, run, yosys, type FoundTool } from '../../tools/index.js';
import { generateAccelerator, type MemoryInfo } from '../rtl/generate.js';
import { LibertyError, readLiberty, type LibertyLibrary } from '../formats/liberty.js';
import { staNetlistText } from '../formats/netlist.js';
import { sramMacros, tileMemory, type MacroUse, type SramMacro } from './sram.js';
import { modelledMacros, type MemoryTarget } from '../../../generators/memories/target.js';

export const SYNTH_TARGETS = ['generic', 'ice40', 'xilinx', 'asic'] as const;
export type SynthTarget = (typeof SYNTH_TARGETS)[number];

/** The default ASIC library: Debian's qflow-tech-osu018 (OSU 0.18 µm; good for area, not timing). */
export const DEFAULT_LIBERTY = '/usr/share/qflow/tech/osu018/osu018_stdcells.lib';
export const DEFAULT_LIBERTY_PACKAGE = 'qflow-tech-osu018';

export interface SynthOptions {
  readonly target: SynthTarget;
  /** asic: the standard-cell library (default DEFAULT_LIBERTY). */
  readonly liberty?: string;
  /** asic: liberty files of SRAM macros (cells with a memory() group) to build the memories from. */
  readonly sramLiberty?: readonly string[];
  /** Kill Yosys after this long (default 30 minutes). */
  readonly timeoutMs?: number;
  /** Keep the Yosys script and reports in this folder (default: a temporary folder, removed). */
  readonly workDir?: string;
  /**
   * asic: also write the mapped netlist to this file, for OpenSTA (src/flows/hardware/power/power.ts): multi-bit
   * nets split into bits, unused names purged, no attributes, and assigns to a concatenation written
   * bit by bit (formats/netlist.ts staNetlistText). The numbers are not affected.
   */
  readonly netlist?: string;
  /**
   * asic: synthesise the design flat (`synth -flatten`) but for the per-lane modules (PEs, update
   * units), so that constants crossing module boundaries are optimised away as in a flat ASIC
   * flow. The power flow does (Debian's OpenSTA 2.0.17 crashes on gates that such constants leave
   * behind; docs/HARDWARE.md, Power, Limits).
   */
  readonly flatten?: boolean;
  /**
   * Black-box every memory module whole, also one built from SRAM macros (whose decoding then
   * stays out of the netlist): the power flow, which prices each memory's accesses itself.
   */
  readonly wholeMemories?: boolean;
  /** asic: clock gates in front of the flip-flops idle in most cycles (default true; generators/memories/target.ts). */
  readonly clockGates?: boolean;
}

/** A design to synthesise: Verilog files, the top module and the memory modules in it. */
export interface SynthDesign {
  readonly top: string;
  readonly files: readonly string[];
  /** Memory modules (black-boxed for generic and asic; `module` must name a module in `files`). */
  readonly memories: readonly MemoryInfo[];
}

interface ReportBase {
  readonly top: string;
  /** Yosys version. */
  readonly yosys: string;
  /** Wall-clock seconds of the Yosys run. */
  readonly seconds: number;
  /** Cells of the synthesised design (hierarchy expanded), memory black boxes not included. */
  readonly cells: number;
  readonly cellsByType: Readonly<Record<string, number>>;
  /** Bits of all memory instances (depth × width × instances, from the manifest). */
  readonly memoryBits: number;
  readonly memories: readonly MemoryInfo[];
}

export interface GenericSynthReport extends ReportBase {
  readonly target: 'generic';
  readonly flipFlops: number;
  /** `stat -tech cmos` after turning every flip-flop into a plain D flip-flop plus gates; logic only. */
  readonly transistors: number;
}

export interface FpgaSynthReport extends ReportBase {
  readonly target: 'ice40' | 'xilinx';
  /** SB_LUT4 (ice40); LUT1..LUT6 and INV (xilinx: an INV is a LUT1). */
  readonly luts: number;
  readonly flipFlops: number;
  /** SB_CARRY (ice40); CARRY4/CARRY8 (xilinx). */
  readonly carries: number;
  /** SB_MAC16 (ice40); DSP48E1 (xilinx). */
  readonly dsps: number;
  /** SB_RAM40_4K (ice40); RAMB18E1 + RAMB36E1 (xilinx); by type in blockRamsByType. */
  readonly blockRams: number;
  readonly blockRamsByType: Readonly<Record<string, number>>;
  /** xilinx: distributed RAM and shift-register LUTs (RAM32M, RAM64X1D, SRL16E, …); ice40: 0. */
  readonly lutRams: number;
}

export interface MemoryMacroPlan extends MemoryInfo {
  /** Macros per instance. */
  readonly macros: readonly MacroUse[];
  /**
   * True: the generator built the memory from these macros, instantiated in the netlist (the
   * single-port memories). False: a 1R1W memory, priced by the tiling rule (sram.ts) as if
   * single-port macros could serve it: a lower bound.
   */
  readonly instantiated: boolean;
  readonly areaPerInstanceUm2: number;
  /** All instances. */
  readonly areaUm2: number;
  /** Memory bits / macro bits. */
  readonly efficiency: number;
}

export interface AsicSynthReport extends ReportBase {
  readonly target: 'asic';
  readonly liberty: { readonly file: string; readonly library: string };
  /** Standard cells only (memories are black boxes): Yosys `stat -liberty`. */
  readonly logicAreaUm2: number;
  /** The flip-flops' and latches' share of logicAreaUm2. */
  readonly sequentialAreaUm2: number;
  readonly flipFlops: number;
  /** Cell types that are neither in the liberty file nor memories (should be empty). */
  readonly unmapped: Readonly<Record<string, number>>;
  readonly sramLiberty: readonly string[];
  /** With SRAM macro libraries: the macros of each memory and their total area. */
  readonly memoryMacros?: readonly MemoryMacroPlan[];
  readonly memoryAreaUm2?: number;
  /** logicAreaUm2 + memoryAreaUm2 (cells and macros only: no wires, no placement density). */
  readonly totalAreaUm2?: number;
}

export type SynthReport = GenericSynthReport | FpgaSynthReport | AsicSynthReport;

/** Generates the accelerator for `cfg` and synthesises it. */
export async function synthesizeAccelerator(cfg: Config, opts: SynthOptions): Promise<SynthReport> {
  const { libs } = checkInputs(opts); // a missing tool or liberty file fails before generating anything
  const gen = generateAccelerator(cfg, asicMemoryTarget(libs?.srams ?? [], opts.clockGates));
  const { design } = emitForSim(gen.top);
  return synthesizeDesign({ top: design.top, files: design.files, memories: gen.manifest.memories }, opts);
}

/**
 * The ASIC memory target of some SRAM liberty files: the single-port memories are built from the
 * macros taxonn has a model of (generators/memories/target.ts); none: priced by tiling only.
 * `clockGates` false leaves out the clock gates of the idle flip-flops (default: in).
 */
export function asicMemoryTarget(srams: readonly LibertyLibrary[], clockGates = true): MemoryTarget {
  const macros = modelledMacros(sramMacros(srams));
  return macros.length ? { sramMacros: macros, ...(clockGates ? {} : { clockGates: false }) } : {};
}

/** The black boxes of a design's memories: each macro cell of a memory built from macros, else the memory module. */
export function memoryBlackBoxes(memories: readonly MemoryInfo[]): Map<string, number> {
  const boxes = new Map<string, number>();
  for (const m of memories) {
    if (m.inLogic) continue; // flip-flops, synthesised with the logic
    for (const u of m.macros ?? [{ cell: m.module, count: 1 }]) boxes.set(u.cell, (boxes.get(u.cell) ?? 0) + u.count * m.instances);
  }
  return boxes;
}

/** Yosys script quoting: file names go in double quotes. */
function quote(file: string): string {
  if (/["\n]/.test(file)) throw new Error(`yosys: unsupported character in file name: ${file}`);
  return `"${path.resolve(file)}"`;
}

const defaultLibertyHint = `install Debian's ${DEFAULT_LIBERTY_PACKAGE} (run \`make setup\`, or: sudo apt-get install -y ${DEFAULT_LIBERTY_PACKAGE}) or pass --liberty FILE`;

/** The libraries an asic run needs, read before Yosys starts so a bad path fails in a second. */
export function asicLibraries(opts: Pick<SynthOptions, 'liberty' | 'sramLiberty'>): { std: LibertyLibrary; stdFile: string; srams: LibertyLibrary[] } {
  const stdFile = opts.liberty ?? DEFAULT_LIBERTY;
  const std = readLiberty(stdFile, 'liberty file', opts.liberty ? undefined : defaultLibertyHint);
  const srams = (opts.sramLiberty ?? []).map((f) => {
    const lib = readLiberty(f, 'SRAM liberty file');
    if (sramMacros([lib]).length === 0) {
      throw new LibertyError(`SRAM liberty file ${f} has no memory macro (a cell with a memory() group and an area)`);
    }
    return lib;
  });
  return { std, stdFile, srams };
}

/** The options are consistent, Yosys is there and the liberty files are readable. */
function checkInputs(opts: SynthOptions): { tool: FoundTool; libs?: ReturnType<typeof asicLibraries> } {
  if (!(SYNTH_TARGETS as readonly string[]).includes(opts.target)) {
    throw new RangeError(`synth: target must be one of ${SYNTH_TARGETS.join(', ')}, got ${String(opts.target)}`);
  }
  if (opts.target !== 'asic' && (opts.liberty || opts.sramLiberty?.length)) {
    throw new LibertyError(`--liberty and --sram-liberty apply to --target asic only (got --target ${opts.target})`);
  }
  if (opts.target !== 'asic' && opts.netlist) throw new RangeError(`synth: a netlist is written for target asic only (got ${opts.target})`);
  const tool = yosys();
  return opts.target === 'asic' ? { tool, libs: asicLibraries(opts) } : { tool };
}

/** Synthesises `design` for `opts.target`. @throws ToolMissingError, LibertyError, ToolFailedError */
export async function synthesizeDesign(design: SynthDesign, opts: SynthOptions): Promise<SynthReport> {
  const { tool, libs } = checkInputs(opts);
  const dir = opts.workDir ?? (await mkdtemp(path.join(tmpdir(), 'taxonn-synth-')));
  if (opts.workDir) await mkdir(dir, { recursive: true });
  try {
    const top = design.top;
    const memories = opts.wholeMemories ? design.memories.map(({ macros: _, ...m }) => m) : design.memories;
    const boxes = opts.target === 'generic' || opts.target === 'asic' ? memoryBlackBoxes(memories) : new Map<string, number>();
    const blackBoxes = [...boxes.keys()];
    const lines = [`read_verilog ${design.files.map(quote).join(' ')}`];
    if (blackBoxes.length) lines.push(`blackbox ${blackBoxes.join(' ')}`);
    switch (opts.target) {
      case 'generic':
        lines.push(`synth -top ${top}`, `tee -q -o cells.json stat -json -top ${top}`);
        // -tech cmos prices only plain gates and $_DFF_P_: turn enables and resets into gates first.
        lines.push('dfflegalize -cell $_DFF_P_ 01', `tee -q -o cmos.json stat -json -tech cmos -top ${top}`);
        break;
      case 'ice40':
        lines.push(synthIce40Command(top, UP5K_SYNTH), `tee -q -o cells.json stat -json -top ${top}`);
        break;
      case 'xilinx':
        lines.push(`synth_xilinx -noiopad -top ${top}`, `tee -q -o cells.json stat -json -top ${top}`);
        break;
      case 'asic': {
        const lib = quote(libs!.stdFile);
        // flat, but the per-lane modules (PEs with their multipliers, update units) each synthesised
        // once: ABC on the dedicated variant's 3 × P multipliers in one netlist takes hours
        if (opts.flatten) lines.push(`hierarchy -top ${top}`, 'setattr -mod -set keep_hierarchy 1 pe_* update_*');
        lines.push(
          `synth ${opts.flatten ? '-flatten ' : ''}-top ${top}`,
          `dfflibmap -liberty ${lib}`,
          `abc -liberty ${lib}`,
          'opt_clean',
          `tee -q -o cells.json stat -json -top ${top}`,
          `tee -q -o area.txt stat -liberty ${lib} -top ${top}`,
        );
        if (opts.netlist) lines.push('splitnets', 'opt_clean -purge', `write_verilog -noattr -noexpr ${quote(opts.netlist)}`);
        break;
      }
    }
    await writeFile(path.join(dir, 'synth.ys'), `${lines.join('\n')}\n`);
    const t0 = performance.now();
    await run(tool, ['-q', '-s', 'synth.ys'], { cwd: dir, timeoutMs: opts.timeoutMs ?? 1_800_000 });
    const seconds = Math.round((performance.now() - t0) / 100) / 10;
    // OpenSTA 2.0.17 cannot read part selects in a concatenation on the left of an assign
    if (opts.netlist) await writeFile(opts.netlist, staNetlistText(await readFile(opts.netlist, 'utf8')));
    const stat = parseYosysStat(await readFile(path.join(dir, 'cells.json'), 'utf8'));
    const memorySet = new Set(blackBoxes);
    const cellsByType: Record<string, number> = {};
    for (const [type, n] of Object.entries(stat.cellsByType)) if (!memorySet.has(type)) cellsByType[type] = n;
    for (const [box, n] of boxes) {
      if ((stat.cellsByType[box] ?? 0) !== n)
        throw new Error(`synth: expected ${n} black-box instances of ${box}, Yosys reports ${stat.cellsByType[box] ?? 0}`);
    }
    const base = {
      top,
      yosys: tool.version,
      seconds,
      cells: sum(cellsByType),
      cellsByType,
      memoryBits: design.memories.reduce((s, m) => s + m.instances * m.depth * m.width, 0),
      memories: design.memories,
    };
    switch (opts.target) {
      case 'generic': {
        const cmos = parseYosysStat(await readFile(path.join(dir, 'cmos.json'), 'utf8'));
        return { target: 'generic', ...base, flipFlops: countMatching(cellsByType, /^\$_((S|AL)?DFF|DLATCH)/), transistors: cmos.transistors ?? 0 };
      }
      case 'ice40':
      case 'xilinx':
        return { target: opts.target, ...base, ...fpgaCounts(opts.target, cellsByType) };
      case 'asic':
        return asicReport(base, libs!, await readFile(path.join(dir, 'area.txt'), 'utf8'));
      default:
        throw new Error(`synth: unknown target ${String(opts.target satisfies never)}`);
    }
  } finally {
    if (!opts.workDir) await rm(dir, { recursive: true, force: true });
  }
}

function sum(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((s, n) => s + n, 0);
}

function countMatching(counts: Readonly<Record<string, number>>, re: RegExp): number {
  return Object.entries(counts).reduce((s, [t, n]) => (re.test(t) ? s + n : s), 0);
}

export interface YosysStat {
  /** The design section (totals under -top), or the only module. */
  readonly cellsByType: Readonly<Record<string, number>>;
  readonly cells: number;
  /** `stat -tech cmos`: the estimate, without its "+" (cells it cannot price, e.g. black boxes). */
  readonly transistors?: number;
}

/** Parses `stat -json [-top T] [-tech cmos]` output of Yosys 0.23 (hierarchy table lines tolerated). */
export function parseYosysStat(text: string): YosysStat {
  interface Section {
    num_cells?: number;
    num_cells_by_type?: Record<string, number>;
    estimated_num_transistors?: string | number;
  }
  const json = JSON.parse(cleanStatJson(text)) as { design?: Section; modules?: Record<string, Section> };
  const mods = Object.values(json.modules ?? {});
  const sec = json.design ?? (mods.length === 1 ? mods[0] : undefined);
  if (!sec) throw new Error('yosys stat: no design section (run stat with -top)');
  const t = sec.estimated_num_transistors;
  const transistors = t === undefined ? undefined : parseInt(String(t), 10);
  return {
    cellsByType: { ...(sec.num_cells_by_type ?? {}) },
    cells: sec.num_cells ?? 0,
    ...(transistors !== undefined && Number.isFinite(transistors) ? { transistors } : {}),
  };
}

/** "Chip area for top module '\top': 1234.5" (or "for module" with one module) of `stat -liberty`. */
export function parseStatArea(text: string): number {
  const top = /Chip area for top module '[^']*':\s*([\d.eE+-]+)/.exec(text);
  const one = [...text.matchAll(/Chip area for module '[^']*':\s*([\d.eE+-]+)/g)];
  const v = top?.[1] ?? (one.length === 1 ? one[0]![1] : undefined);
  if (v === undefined) throw new Error('yosys stat -liberty: no chip area in the report');
  return Number(v);
}

/** LUT/FF/carry/DSP/BRAM counts of an ice40 or xilinx cell list. */
export function fpgaCounts(target: 'ice40' | 'xilinx', cells: Readonly<Record<string, number>>): Omit<FpgaSynthReport, keyof ReportBase | 'target'> {
  const pick = (re: RegExp) => Object.fromEntries(Object.entries(cells).filter(([t]) => re.test(t)));
  if (target === 'ice40') {
    const blockRamsByType = pick(/^SB_(RAM40_4K|SPRAM256KA)/);
    return {
      luts: countMatching(cells, /^SB_LUT4$/),
      flipFlops: countMatching(cells, /^SB_DFF/),
      carries: countMatching(cells, /^SB_CARRY$/),
      dsps: countMatching(cells, /^SB_MAC16$/),
      blockRams: sum(blockRamsByType),
      blockRamsByType,
      lutRams: 0,
    };
  }
  const blockRamsByType = pick(/^RAMB(18|36)/);
  return {
    luts: countMatching(cells, /^(LUT[1-6]|INV)$/),
    flipFlops: countMatching(cells, /^(FD[CPRS]E|FD[CPRS]|LD[CP]E?)(_1)?$/),
    carries: countMatching(cells, /^CARRY(4|8)$/),
    dsps: countMatching(cells, /^DSP48/),
    blockRams: sum(blockRamsByType),
    blockRamsByType,
    lutRams: countMatching(cells, /^(RAM\d+[MX]|RAM\d+X\d+[SDQ]|RAM\d+M\d*|SRL(C)?\d+E?)/),
  };
}

function asicReport(base: ReportBase, libs: { std: LibertyLibrary; stdFile: string; srams: LibertyLibrary[] }, areaText: string): AsicSynthReport {
  const unmapped: Record<string, number> = {};
  let sequentialAreaUm2 = 0;
  let flipFlops = 0;
  for (const [type, n] of Object.entries(base.cellsByType)) {
    const cell = libs.std.cells.get(type);
    if (!cell) unmapped[type] = n;
    else if (cell.sequential) {
      sequentialAreaUm2 += n * cell.area;
      flipFlops += n;
    }
  }
  const report: AsicSynthReport = {
    target: 'asic',
    ...base,
    liberty: { file: libs.stdFile, library: libs.std.name },
    logicAreaUm2: round3(parseStatArea(areaText)),
    sequentialAreaUm2: round3(sequentialAreaUm2),
    flipFlops,
    unmapped,
    sramLiberty: libs.srams.map((l) => l.file ?? l.name),
  };
  if (libs.srams.length === 0) return report;
  const macros = sramMacros(libs.srams);
  const plans: MemoryMacroPlan[] = base.memories
    .filter((m) => !m.inLogic)
    .map((m) => {
      const t = m.macros ? instantiatedTiling(m, macros) : tileMemory(m.depth, m.width, macros);
      return {
        ...m,
        macros: t.macros,
        instantiated: m.macros !== undefined,
        areaPerInstanceUm2: round3(t.areaUm2),
        areaUm2: round3(t.areaUm2 * m.instances),
        efficiency: Math.round(t.efficiency * 1e4) / 1e4,
      };
    });
  const memoryAreaUm2 = round3(plans.reduce((s, p) => s + p.areaUm2, 0));
  return { ...report, memoryMacros: plans, memoryAreaUm2, totalAreaUm2: round3(report.logicAreaUm2 + memoryAreaUm2) };
}

/**
 * The area and fill of a memory built from macros: the cells the generator instantiated (the
 * synthesis checked that the netlist holds exactly these black boxes).
 */
function instantiatedTiling(m: MemoryInfo, macros: readonly SramMacro[]): { macros: readonly MacroUse[]; areaUm2: number; efficiency: number } {
  let areaUm2 = 0;
  let bits = 0;
  for (const u of m.macros ?? []) {
    const mac = macros.find((x) => x.cell === u.cell);
    if (!mac) throw new LibertyError(`synth: ${m.module} instantiates ${u.cell}, which no --sram-liberty file describes`);
    areaUm2 += u.count * mac.areaUm2;
    bits += u.count * mac.words * mac.bits;
  }
  return { macros: m.macros ?? [], areaUm2, efficiency: (m.depth * m.width) / bits };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
