// Icarus Verilog: a second, independent Verilog front end (4-state) used to
// cross-check that generated RTL is plain Verilog-2005.

import { findTool, run, type FoundTool, type ToolSpec } from './tool.js';
import type { CheckResult } from './verilator.js';

export const IVERILOG: ToolSpec = {
  name: 'iverilog',
  binary: 'iverilog',
  // `iverilog -V` prints "Icarus Verilog version 11.0 (stable) ()" and exits 0.
  versionArgs: ['-V'],
  versionRegex: /Icarus Verilog version\s+(\d+(?:\.\d+)*)/,
  minVersion: '11',
  aptPackage: 'iverilog',
};

/** Locate iverilog (cached). @throws ToolMissingError | ToolVersionError */
export function iverilog(): FoundTool {
  return findTool(IVERILOG);
}

/** `iverilog -g2005 -s <top> -o /dev/null <files...>`: parse + elaborate only. */
export async function iverilogCompile(files: string[], top: string): Promise<CheckResult> {
  const r = await run(iverilog(), ['-g2005', '-s', top, '-o', '/dev/null', ...files], {
    allowFailure: true,
    timeoutMs: 120_000,
  });
  return { ok: r.code === 0, output: r.stdout + r.stderr };
}
