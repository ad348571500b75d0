/**
 * `taxonn generate`: the accelerator's Verilog plus what FPGA and ASIC flows want next to it —
 * a manifest (files, top, parameters, memories), a FuseSoC core file and a `.f` file list.
 * Everything is produced in memory, written into a temporary folder and renamed into place, so
 * a failure leaves nothing half-written.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isSinglePortMemory } from '../../../generators/memories/ram.js';
import type { MemoryTarget } from '../../../generators/memories/target.js';
import type { MacroRange, MacroUse } from '../../../generators/memories/tiling.js';
import { design as designOf } from '../../../generators/design.js';
import { cnnPlan } from '../../../generators/cnn/plan.js';
import { deriveSizes, type Config } from '../../config/index.js';
import { VERSION, emitDesign, portsOf, stableJson, type Module } from '../../hdl/index.js';

export interface MemoryInfo {
  readonly module: string;
  readonly role: string;
  readonly instances: number;
  readonly depth: number;
  readonly width: number;
  /** Its ports: one read and one write ('1r1w'), or one for both ('1p': en, we, addr, wdata, rdata). */
  readonly kind: '1r1w' | '1p';
  /** The memory module's ports (clock first), for a macro or black-box replacement. */
  readonly ports: readonly { readonly name: string; readonly dir: 'input' | 'output'; readonly width: number }[];
  /**
   * Built from SRAM macros (generators/memories/macro-ram.ts): the macro cells and counts per
   * instance, instantiated in the module (black boxes for synthesis; their models simulate).
   */
  readonly macros?: readonly MacroUse[];
  /** The ASIC target builds it from flip-flops with the logic (a small 1R1W memory): no black box, no macro. */
  readonly inLogic?: boolean;
}

export interface Manifest {
  readonly generator: string;
  readonly version: string;
  readonly top: string;
  readonly files: readonly string[];
  readonly config: Config;
  readonly memories: readonly MemoryInfo[];
  readonly memoryBits: number;
  /** Files that are models of macros (simulation only: a synthesis flow uses the real cells). */
  readonly simulationModels: readonly string[];
  /** The dense design's derived sizes, or a convolutional network's steps and weight layout (generators/cnn/plan.ts). */
  readonly sizes: ReturnType<typeof deriveSizes> | CnnSizes;
}

export interface GeneratedOutput {
  readonly top: Module;
  readonly files: { file: string; text: string }[];
  readonly manifest: Manifest;
}

interface MemoryParams {
  readonly role: string;
  readonly depth: number;
  readonly width: number;
  /** Built from macros: their layout (macro-ram.ts). */
  readonly ranges?: readonly MacroRange[];
  readonly flops?: boolean;
}

/** A memory module's parameters (generators/memories: role, depth, width; a macro layout). */
function memoryParams(m: Module): MemoryParams | undefined {
  const p = m.params as Partial<MemoryParams>;
  return /_ram_/.test(m.name) && typeof p.role === 'string' && typeof p.depth === 'number' && typeof p.width === 'number' ? (p as MemoryParams) : undefined;
}

/** The macro cells and counts of a layout, by cell name (as tiling.ts lists them). */
function macroUses(ranges: readonly MacroRange[]): MacroUse[] {
  const counts = new Map<string, number>();
  for (const r of ranges) counts.set(r.cell, (counts.get(r.cell) ?? 0) + r.across);
  return [...counts].map(([cell, count]) => ({ cell, count })).sort((a, b) => (a.cell < b.cell ? -1 : 1));
}

/**
 * A short hash of the Verilog generated for `cfg` on `target`: the part of a cache key that
 * changes whenever the hardware does (its cycles, its area, its power).
 */
export function rtlHash(cfg: Config, target: MemoryTarget = {}): string {
  const files = generateAccelerator(cfg, target).files.map((f) => [f.file, f.text]);
  return createHash('sha256').update(stableJson(files)).digest('hex').slice(0, 12);
}

/** The accelerator's files for `cfg`, in memory; `target`: its memories from SRAM macros (ASIC). */
export function generateAccelerator(cfg: Config, target: MemoryTarget = {}): GeneratedOutput {
  const top = designOf(cfg, target);
  const { design, files } = emitDesign(top);
  const memories: MemoryInfo[] = [];
  const macroCells = new Set<string>();
  // instances in the whole design: a bank inside a module instantiated per lane counts per lane
  const counts = new Map<Module, number>([[top, 1]]);
  const instanceCount = (m: Module): number => {
    let n = counts.get(m);
    if (n === undefined) {
      n = 0;
      for (const parent of design.modules) {
        const here = parent.instances.filter((i) => i.module === m).length;
        if (here > 0) n += here * instanceCount(parent);
      }
      counts.set(m, n);
    }
    return n;
  };
  for (const m of design.modules) {
    const mem = memoryParams(m);
    if (!mem) continue;
    const instances = instanceCount(m);
    const ports = portsOf(m).map(({ name, dir, width }) => ({ name, dir, width }));
    const kind = isSinglePortMemory(m.name) ? '1p' : '1r1w';
    const macros = mem.ranges ? macroUses(mem.ranges) : undefined;
    for (const u of macros ?? []) macroCells.add(u.cell);
    memories.push({
      module: design.nameOf(m),
      role: mem.role,
      kind,
      instances,
      depth: mem.depth,
      width: mem.width,
      ports,
      ...(macros ? { macros } : {}),
      ...(mem.flops ? { inLogic: true } : {}),
    });
  }
  const verilog = files.map((f) => ({ file: f.file, text: f.text }));
  const manifest: Manifest = {
    generator: 'taxonn',
    version: VERSION,
    top: top.name,
    files: verilog.map((f) => f.file),
    config: cfg,
    memories,
    memoryBits: memories.reduce((s, m) => s + m.instances * m.depth * m.width, 0),
    simulationModels: verilog.map((f) => f.file).filter((f) => macroCells.has(f.replace(/\.v$/, ''))),
    sizes: cfg.network ? cnnSizes(cfg) : deriveSizes(cfg),
  };
  const extra = [
    { file: 'manifest.json', text: `${JSON.stringify(manifest, null, 2)}\n` },
    { file: `${top.name}.core`, text: fusesocCore(top.name, manifest.files) },
    { file: `${top.name}.f`, text: `${manifest.files.join('\n')}\n` },
  ];
  return { top, files: [...verilog, ...extra], manifest };
}

/** A convolutional network's sizes for the manifest: its steps, the weight layers' rows in the banks, the buffers. */
interface CnnSizes {
  readonly steps: ReturnType<typeof cnnPlan>['steps'];
  readonly layers: ReturnType<typeof cnnPlan>['sizes']['layers'];
  readonly weightDepth: number;
  readonly inputDepth: number;
  readonly mapDepth: readonly number[];
}

function cnnSizes(cfg: Config): CnnSizes {
  const p = cnnPlan(cfg);
  return { steps: p.steps, layers: p.sizes.layers, weightDepth: p.sizes.weightDepth, inputDepth: p.sizes.inputDepth, mapDepth: p.mapDepth };
}

function fusesocCore(top: string, files: readonly string[]): string {
  return [
    'CAPI=2:',
    `name: taxonn:accelerator:${top}:${VERSION}`,
    `description: TaxoNN-style DNN training accelerator generated by taxonn ${VERSION}`,
    '',
    'filesets:',
    '  rtl:',
    '    files:',
    ...files.map((f) => `      - ${f}`),
    '    file_type: verilogSource',
    '',
    'targets:',
    '  default: &default',
    '    filesets: [rtl]',
    `    toplevel: ${top}`,
    '  lint:',
    '    <<: *default',
    '    default_tool: verilator',
    '    tools:',
    '      verilator:',
    '        mode: lint-only',
    '        verilator_options: [-Wall]',
    '',
  ].join('\n');
}

/**
 * Writes `files` into `dir` atomically: first into a sibling temporary folder, then renamed
 * into place (each file replaces any old one of the same name).
 */
export function writeOutputFolder(dir: string, files: readonly { file: string; text: string }[]): string[] {
  const parent = path.dirname(path.resolve(dir));
  if (!fs.existsSync(parent)) throw new OutputError(`cannot write ${dir}: folder ${parent} does not exist`);
  const tmp = path.join(parent, `.${path.basename(dir)}.tmp-${process.pid}`);
  try {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp);
    for (const f of files) fs.writeFileSync(path.join(tmp, f.file), f.text);
    if (!fs.existsSync(dir)) {
      fs.renameSync(tmp, dir);
    } else {
      if (!fs.statSync(dir).isDirectory()) throw new OutputError(`cannot write ${dir}: it is a file, not a folder`);
      for (const f of files) fs.renameSync(path.join(tmp, f.file), path.join(dir, f.file));
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (e instanceof OutputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new OutputError(`cannot write ${dir}: ${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (e as Error).message}`);
  }
  return files.map((f) => path.join(dir, f.file));
}

/** The output folder cannot be written (bad input: exit 2). */
export class OutputError extends Error {
  override name = 'OutputError';
}
