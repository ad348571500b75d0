/**
 * `taxonn fpga`: the accelerator placed and routed on a Lattice iCE40 (docs/HARDWARE.md).
 *
 * The accelerator is wrapped by generators/fpga-wrapper.ts (inputs through a shift register,
 * outputs XOR-reduced: four pins), synthesised with `synth_ice40 [-dsp] [-spram] -json`, then placed and
 * routed by nextpnr-ice40, whose `--report` gives the achieved Fmax and the utilisation. A design
 * that does not fit the device is a result (`fits: false` and the reason), not an error.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fpgaWrapper, type WrapperInfo } from '../../../generators/fpga-wrapper.js';
import type { Config } from '../../config/index.js';
import { emitForSim } from '../../sim/from-module.js';
import { synthIce40Command, UP5K_SYNTH, icepack, nextpnrIce40, run, yosys, ToolFailedError, type FoundTool } from '../../tools/index.js';
import { boardTop } from '../../../generators/board/board-top.js';
import { BOARDS, baudOf, pcfOf, type BoardName } from '../board/boards.js';
import { linkRate } from '../board/link-rate.js';
import { generateAccelerator } from '../rtl/generate.js';
import { fpgaCounts, parseYosysStat, type FpgaSynthReport } from './synth.js';

export const ICE40_DEVICES = {
  /**
   * iCE40 UltraPlus 5K, 48-pin QFN: 5280 logic cells, 30 BRAM, 8 DSP (SB_MAC16), 4 SPRAM (16K × 16,
   * single-port: Yosys infers them from single-port memories, weightPorts "1p").
   */
  up5k: { flag: '--up5k', package: 'sg48', ...UP5K_SYNTH },
  /** iCE40 HX8K, 256-ball BGA: 7680 logic cells, 32 BRAM, no DSP (multipliers become logic), no SPRAM. */
  hx8k: { flag: '--hx8k', package: 'ct256', family: 'hx' as const, dsp: false, spram: false },
} as const;
export type Ice40Device = keyof typeof ICE40_DEVICES;

export interface FpgaOptions {
  readonly device: Ice40Device;
  /** Target clock for nextpnr in MHz (default 12); Fmax is reported whatever the target. */
  readonly freqMhz?: number;
  /** nextpnr placer seed (default 1). */
  readonly seed?: number;
  /** Kill each tool after this long (default 30 minutes). */
  readonly timeoutMs?: number;
  /** Keep the netlist, logs and report in this folder (default: a temporary folder, removed). */
  readonly workDir?: string;
  /** Place and route the board's top (the accelerator behind its UART link) on the board's pins instead of the 4-pin wrapper. */
  readonly board?: BoardName;
  /** With a board: write the bitstream here (icepack). */
  readonly bitstream?: string;
}

/** The board's top on a board: its clock and link, the pin file, the bitstream, and what limits training. */
export interface BoardFpgaInfo {
  readonly name: BoardName;
  readonly clockMhz: number;
  readonly baud: number;
  /** The pin constraints given to nextpnr. */
  readonly pcf: string;
  /** The bitstream written (path, bytes), when asked for. */
  readonly bitstream?: { readonly path: string; readonly bytes: number };
  /** Training samples per second the link carries (frame and answer bytes, 10 bits each). */
  readonly linkSamplesPerSecond: number;
  /** Training samples per second the accelerator computes at Fmax (the estimate's cycles per sample), and at the board's clock. */
  readonly computeSamplesPerSecondAtFmax?: number;
  readonly computeSamplesPerSecondAtBoardClock: number;
  readonly cyclesPerSample: number;
  readonly limitedBy: 'link' | 'compute';
}

export interface Utilisation {
  readonly used: number;
  readonly available: number;
}

export interface FpgaReport {
  readonly device: Ice40Device;
  readonly package: string;
  /** The wrapped accelerator. */
  readonly top: string;
  /** The module placed and routed. */
  readonly wrapper: string;
  readonly wrapperInfo: WrapperInfo;
  /** Yosys counts of the wrapped design (before packing into logic cells). */
  readonly synth: Omit<FpgaSynthReport, 'memories' | 'top' | 'yosys' | 'target' | 'seconds'>;
  /** True when nextpnr placed and routed the design. */
  readonly fits: boolean;
  /** Why it does not fit (nextpnr's error and the over-used resources). */
  readonly reason?: string;
  /** Achieved Fmax of the clock `clk` (the slowest clock when there are several). */
  readonly fmaxMhz?: number;
  readonly targetMhz: number;
  /** Fmax ≥ the target: nextpnr placed and routed for the target and met it. */
  readonly meetsTarget?: boolean;
  /** Resources used / available (nextpnr's names: ICESTORM_LC, ICESTORM_RAM, ICESTORM_DSP, SB_IO, …), used > 0 or core kinds only. */
  readonly utilisation: Readonly<Record<string, Utilisation>>;
  readonly tools: { readonly yosys: string; readonly nextpnr: string };
  readonly seconds: { readonly synth: number; readonly pnr: number };
  /** With --board: the board's top, its pins, bitstream and rates. */
  readonly board?: BoardFpgaInfo;
}

/** Generates the accelerator for `cfg`, wraps it and runs it through Yosys and nextpnr. */
export async function fpgaFlow(cfg: Config, opts: FpgaOptions): Promise<FpgaReport> {
  const dev = ICE40_DEVICES[opts.device];
  // Both tools are looked up first: a missing one fails before minutes of synthesis.
  const ys = yosys();
  const pnr = nextpnrIce40();
  const gen = generateAccelerator(cfg);
  const boardInfo = opts.board ? BOARDS[opts.board] : undefined;
  if (boardInfo && boardInfo.device !== opts.device) throw new RangeError(`board ${opts.board} carries an iCE40 ${boardInfo.device}, not ${opts.device}`);
  if (opts.bitstream && !opts.board) throw new RangeError('a bitstream needs a board (its pins): give --board');
  const packer = opts.bitstream ? icepack() : undefined;
  const wrapped0 = fpgaWrapper(gen.top);
  const wrapped = boardInfo ? boardTop(gen.top, { clocksPerBit: boardInfo.clocksPerBit }) : wrapped0.module;
  const info = wrapped0.info;
  const { design } = emitForSim(wrapped);
  const dir = opts.workDir ?? (await mkdtemp(path.join(tmpdir(), 'taxonn-fpga-')));
  if (opts.workDir) await mkdir(dir, { recursive: true });
  const timeoutMs = opts.timeoutMs ?? 1_800_000;
  const targetMhz = opts.freqMhz ?? 12;
  try {
    const script = [
      `read_verilog ${design.files.map((f) => `"${path.resolve(f)}"`).join(' ')}`,
      `${synthIce40Command(design.top, dev)} -json netlist.json`,
      `tee -q -o cells.json stat -json -top ${design.top}`,
    ];
    await writeFile(path.join(dir, 'synth.ys'), `${script.join('\n')}\n`);
    let t0 = performance.now();
    await run(ys, ['-q', '-s', 'synth.ys'], { cwd: dir, timeoutMs });
    const synthSeconds = secs(t0);
    const stat = parseYosysStat(await readFile(path.join(dir, 'cells.json'), 'utf8'));
    const synth = { cells: stat.cells, cellsByType: stat.cellsByType, memoryBits: gen.manifest.memoryBits, ...fpgaCounts('ice40', stat.cellsByType) };

    const args = [
      dev.flag,
      '--package',
      dev.package,
      '--json',
      'netlist.json',
      ...(opts.board ? ['--pcf', 'board.pcf'] : ['--pcf-allow-unconstrained']),
      ...(opts.bitstream ? ['--asc', 'design.asc'] : []),
      '--freq',
      String(targetMhz),
      '--seed',
      String(opts.seed ?? 1),
      // a target above the achieved Fmax is a result (meetsTarget: false), not a failure
      '--timing-allow-fail',
      '--report',
      'report.json',
      '-l',
      'nextpnr.log',
      '-q',
    ];
    if (opts.board) await writeFile(path.join(dir, 'board.pcf'), pcfOf(opts.board));
    t0 = performance.now();
    const r = await run(pnr, args, { cwd: dir, timeoutMs, allowFailure: true });
    const pnrSeconds = secs(t0);
    const log = existsSync(path.join(dir, 'nextpnr.log')) ? await readFile(path.join(dir, 'nextpnr.log'), 'utf8') : r.stdout + r.stderr;
    const common = {
      device: opts.device,
      package: dev.package,
      top: gen.top.name,
      wrapper: design.top,
      wrapperInfo: info,
      synth,
      targetMhz,
      tools: { yosys: ys.version, nextpnr: pnr.version },
      seconds: { synth: synthSeconds, pnr: pnrSeconds },
    };
    if (r.code !== 0) {
      const failure = parseNextpnrFailure(log);
      if (!failure) throw new ToolFailedError(r.command, r.code, r.stdout, r.stderr || log, `nextpnr-ice40 failed (exit ${r.code})`);
      return { ...common, fits: false, reason: failure.reason, utilisation: failure.utilisation };
    }
    const rep = parseNextpnrReport(await readFile(path.join(dir, 'report.json'), 'utf8'));
    const fmax = rep.fmaxMhz !== undefined ? { fmaxMhz: rep.fmaxMhz, meetsTarget: rep.fmaxMhz >= targetMhz } : {};
    const board = opts.board ? await boardResult(cfg, opts.board, { dir, fmaxMhz: rep.fmaxMhz, bitstream: opts.bitstream, packer, timeoutMs }) : undefined;
    return { ...common, fits: true, ...fmax, utilisation: rep.utilisation, ...(board ? { board } : {}) };
  } finally {
    if (!opts.workDir) await rm(dir, { recursive: true, force: true });
  }
}

/** The board's part of the report: the bitstream (icepack on nextpnr's configuration), the pins and the rates. */
async function boardResult(
  cfg: Config,
  name: BoardName,
  at: { dir: string; fmaxMhz?: number; bitstream?: string; packer?: FoundTool; timeoutMs: number },
): Promise<BoardFpgaInfo> {
  const b = BOARDS[name];
  let bitstream: BoardFpgaInfo['bitstream'];
  if (at.bitstream && at.packer) {
    const out = path.resolve(at.bitstream);
    await run(at.packer, [path.join(at.dir, 'design.asc'), out], { cwd: at.dir, timeoutMs: at.timeoutMs });
    bitstream = { path: out, bytes: (await readFile(out)).length };
  }
  const rates = linkRate(cfg, baudOf(b), at.fmaxMhz, b.clockMhz);
  return { name, clockMhz: b.clockMhz, baud: baudOf(b), pcf: pcfOf(name), ...(bitstream ? { bitstream } : {}), ...rates };
}

const secs = (t0: number) => Math.round((performance.now() - t0) / 100) / 10;

/** Resource kinds always listed, used or not. */
const CORE = new Set(['ICESTORM_LC', 'ICESTORM_RAM', 'ICESTORM_DSP', 'SB_IO']);

function keep(kind: string, u: Utilisation): boolean {
  return u.used > 0 || (CORE.has(kind) && u.available > 0);
}

export interface NextpnrReport {
  /** The slowest clock's achieved Fmax. */
  readonly fmaxMhz?: number;
  /** Every clock: achieved and constrained MHz. */
  readonly clocks: Readonly<Record<string, { readonly achieved: number; readonly constraint: number }>>;
  readonly utilisation: Readonly<Record<string, Utilisation>>;
}

/** Parses nextpnr's `--report` JSON (fmax per clock, utilization per resource kind). */
export function parseNextpnrReport(text: string): NextpnrReport {
  const json = JSON.parse(text) as {
    fmax?: Record<string, { achieved?: number; constraint?: number }>;
    utilization?: Record<string, { used?: number; available?: number }>;
  };
  const clocks: Record<string, { achieved: number; constraint: number }> = {};
  for (const [name, f] of Object.entries(json.fmax ?? {})) {
    if (typeof f.achieved === 'number') clocks[name] = { achieved: round2(f.achieved), constraint: f.constraint ?? 0 };
  }
  const achieved = Object.values(clocks).map((c) => c.achieved);
  const utilisation: Record<string, Utilisation> = {};
  for (const [kind, u] of Object.entries(json.utilization ?? {})) {
    const v = { used: u.used ?? 0, available: u.available ?? 0 };
    if (keep(kind, v)) utilisation[kind] = v;
  }
  return { ...(achieved.length ? { fmaxMhz: Math.min(...achieved) } : {}), clocks, utilisation };
}

/**
 * When nextpnr fails because the design does not fit: its ERROR line and the "Device
 * utilisation" table of the log. Undefined for any other failure.
 */
export function parseNextpnrFailure(log: string): { reason: string; utilisation: Record<string, Utilisation> } | undefined {
  const utilisation: Record<string, Utilisation> = {};
  for (const m of log.matchAll(/^Info:\s+([A-Z0-9_]+):\s+(\d+)\/\s*(\d+)\s+\d+%/gm)) {
    const v = { used: Number(m[2]), available: Number(m[3]) };
    if (keep(m[1]!, v)) utilisation[m[1]!] = v;
  }
  const error = /^ERROR: (.*)$/m.exec(log)?.[1];
  const over = Object.entries(utilisation).filter(([, u]) => u.used > u.available);
  const capacity =
    over.length > 0 || (error !== undefined && /Unable to place cell|no BELs remaining|not enough|too many|exceeds|cannot be placed/i.test(error));
  if (!capacity) return undefined;
  const overText = over.map(([k, u]) => `${k} ${u.used}/${u.available}`).join(', ');
  const reason = `does not fit: ${overText ? `needs ${overText}` : error}${overText && error ? ` (nextpnr: ${error})` : ''}`;
  return { reason, utilisation };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
