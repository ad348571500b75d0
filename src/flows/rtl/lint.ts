/**
 * The three gates every emitted module must pass: `verilator --lint-only -Wall` (no waivers),
 * `iverilog -g2005` (a second, independent front end), and `yosys synth` without latches.
 */
import { iverilogCompile, verilatorLint, yosysSynthCheck } from '../../tools/index.js';

export interface GateResult {
  readonly verilator: boolean;
  readonly iverilog: boolean;
  readonly yosys: boolean;
  readonly latches: number;
  /** The tools' complaints, empty when all passed. */
  readonly output: string;
}

export const gatesPassed = (g: GateResult): boolean => g.verilator && g.iverilog && g.yosys && g.latches === 0;

/** Runs the three gates on `files` with `top` as the top module. */
export async function checkGates(files: string[], top: string): Promise<GateResult> {
  const [lint, ivl, syn] = await Promise.all([verilatorLint(files, top), iverilogCompile(files, top), yosysSynthCheck(files, top)]);
  const output = [
    lint.ok ? '' : `verilator:\n${lint.output}`,
    ivl.ok ? '' : `iverilog:\n${ivl.output}`,
    syn.ok ? '' : `yosys:\n${syn.output}`,
    syn.latches ? `yosys: ${syn.latches} latch cell(s)` : '',
  ]
    .filter(Boolean)
    .join('\n');
  return { verilator: lint.ok, iverilog: ivl.ok, yosys: syn.ok, latches: syn.latches, output };
}
