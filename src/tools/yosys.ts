// Yosys: generic synthesis as a check that RTL is synthesisable and free of
// inferred latches (a classic bug in generated combinational logic).

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { findTool, run, type FoundTool, type ToolSpec } from './tool.js';

export const YOSYS: ToolSpec = {
  name: 'yosys',
  binary: 'yosys',
  versionArgs: ['-V'],
  versionRegex: /Yosys\s+(\d+\.\d+)/,
  minVersion: '0.23',
  aptPackage: 'yosys',
};

/** Locate yosys (cached). @throws ToolMissingError | ToolVersionError */
export function yosys(): FoundTool {
  return findTool(YOSYS);
}

/**
 * A file of Yosys' data directory (share/yosys beside the binary's bin/), e.g. the iCE40 cells'
 * simulation models `ice40/cells_sim.v`. @throws Error naming the path when it is not there
 */
export function yosysDataFile(relative: string): string {
  const bin = realpathSync(yosys().path);
  const file = join(dirname(dirname(bin)), 'share', 'yosys', relative);
  if (!existsSync(file)) throw new Error(`yosys: ${relative} is not in Yosys' data directory (looked for ${file})`);
  return file;
}

export interface SynthCheckResult {
  /** True when yosys exited 0 (parse, elaboration and synthesis succeeded). */
  ok: boolean;
  /** Cell count by cell type for the whole design under `top` (empty if !ok). */
  cells: Record<string, number>;
  /** Number of latch cells ($dlatch, $_DLATCH_*_, ...): should be 0. */
  latches: number;
  /** Combined stdout + stderr (errors only, since yosys runs with -q). */
  output: string;
}

/** Yosys script quoting: file names go in double quotes. */
function quote(path: string): string {
  if (/["\n]/.test(path)) throw new Error(`yosys: unsupported character in file name: ${path}`);
  return `"${path}"`;
}

/**
 * `yosys -q -p "read_verilog <files>; synth -top <top>; tee -q -o stat.json stat -json -top <top>"`
 * and parse the cell counts.
 */
/**
 * Yosys 0.23 `stat -json -top` prints its hierarchy table (lines like `  lfsr16   1`) into the
 * JSON for designs with repeated submodules; JSON lines always hold a quote or a bracket.
 */
export function cleanStatJson(text: string): string {
  return text
    .split('\n')
    .filter((l) => l.includes('"') || /^\s*[{}[\]],?\s*$/.test(l))
    .join('\n');
}

/** An iCE40 family as synth_ice40 -device names it (its delays drive ABC9): UltraPlus or HX. */
export type Ice40Family = 'u' | 'hx';

/**
 * The iCE40 synthesis the flows run (fpga, synth --target ice40, verify --netlist ice40, so the
 * netlist simulated is the one placed): ABC9 with the family's delays, the flip-flops given to
 * ABC too (-dff). On 784-64-10 at P = 4 on the UP5K this gives 29.2-32.8 MHz after placement over
 * seeds 1-4 where the default ABC mapping gave 25.7-27.1 (docs/HARDWARE.md), in 2 % fewer cells.
 */
export function synthIce40Command(top: string, opts: { readonly family: Ice40Family; readonly dsp: boolean; readonly spram: boolean }): string {
  return `synth_ice40 -abc9 -dff -device ${opts.family}${opts.dsp ? ' -dsp' : ''}${opts.spram ? ' -spram' : ''} -top ${top}`;
}

/** The iCE40 UP5K's synthesis: DSPs and SPRAM (the part synth --target ice40 and verify --netlist ice40 measure). */
export const UP5K_SYNTH = { family: 'u', dsp: true, spram: true } as const;

export type SynthTarget = 'generic' | 'ice40' | 'xilinx';

const synthCommand: Record<SynthTarget, (top: string) => string> = {
  generic: (top) => `synth -top ${top}`,
  ice40: (top) => `synth_ice40 -top ${top} -dsp`,
  xilinx: (top) => `synth_xilinx -top ${top}`,
};

export async function yosysSynthCheck(files: string[], top: string, target: SynthTarget = 'generic'): Promise<SynthCheckResult> {
  const dir = await mkdtemp(join(tmpdir(), 'taxonn-yosys-'));
  try {
    const script = [
      `read_verilog ${files.map((f) => quote(resolve(f))).join(' ')}`,
      synthCommand[target](top),
      // Fail on multiple drivers, undriven wires used as inputs, and combinational loops.
      'check -assert',
      // -top: totals for the hierarchy below `top` in the "design" section.
      // `tee -o` does not strip quotes, so write to a plain name in the temp cwd.
      `tee -q -o stat.json stat -json -top ${top}`,
    ].join('; ');
    const r = await run(yosys(), ['-q', '-p', script], { cwd: dir, allowFailure: true, timeoutMs: 600_000 });
    const output = r.stdout + r.stderr;
    if (r.code !== 0) return { ok: false, cells: {}, latches: 0, output };
    const stat = JSON.parse(cleanStatJson(await readFile(join(dir, 'stat.json'), 'utf8'))) as {
      design?: { num_cells_by_type?: Record<string, number> };
    };
    const cells = { ...(stat.design?.num_cells_by_type ?? {}) };
    let latches = 0;
    for (const [type, n] of Object.entries(cells)) {
      if (/dlatch/i.test(type)) latches += n;
    }
    return { ok: true, cells, latches, output };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
