// Verilator: lint checks and the simulation back end (src/sim/build.ts).

import { findTool, run, type FoundTool, type ToolSpec } from './tool.js';

export const VERILATOR: ToolSpec = {
  name: 'verilator',
  binary: 'verilator',
  versionArgs: ['--version'],
  versionRegex: /Verilator\s+(\d+\.\d+)/,
  // 5.x: VerilatedContext API, --x-initial unique, timing-free eval used by src/sim.
  minVersion: '5.0',
  aptPackage: 'verilator',
};

/** Locate verilator (cached). @throws ToolMissingError | ToolVersionError */
export function verilator(): FoundTool {
  return findTool(VERILATOR);
}

export interface CheckResult {
  /** True when the tool exited 0 (for lint: no warnings, since -Wall warnings are fatal). */
  ok: boolean;
  /** Combined stdout + stderr. */
  output: string;
}

/**
 * `verilator --lint-only -Wall --top-module <top> <files...>`.
 * Warnings stay fatal (no -Wno-fatal), so `ok` means lint-clean.
 */
export async function verilatorLint(files: string[], top: string): Promise<CheckResult> {
  const r = await run(verilator(), ['--lint-only', '-Wall', '--top-module', top, ...files], {
    allowFailure: true,
    timeoutMs: 120_000,
  });
  return { ok: r.code === 0, output: r.stdout + r.stderr };
}
