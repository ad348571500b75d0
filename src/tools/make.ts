// GNU make: src/sim/build.ts runs Verilator's generated makefile itself (instead
// of `verilator --build`) so it can drop in a cached, precompiled runtime.

import { findTool, type FoundTool, type ToolSpec } from './tool.js';

export const MAKE: ToolSpec = {
  name: 'make',
  binary: 'make',
  versionArgs: ['--version'],
  versionRegex: /GNU Make\s+(\d+\.\d+)/,
  minVersion: '4.0',
  aptPackage: 'make',
};

/** Locate GNU make (cached). @throws ToolMissingError | ToolVersionError */
export function make(): FoundTool {
  return findTool(MAKE);
}
