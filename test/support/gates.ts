/**
 * The three gates every generated design must pass (Verilator -Wall lint, Icarus, Yosys without
 * latches), asserted for a built module: shared by the tests of each design.
 */
import { expect } from 'vitest';
import type { Module } from '../../src/hdl/index.js';
import { checkGates } from '../../src/flows/rtl/lint.js';
import { emitForSim } from '../../src/sim/from-module.js';

export async function expectGatesPass(top: Module): Promise<void> {
  const { design } = emitForSim(top);
  const g = await checkGates(design.files, design.top);
  expect(g.output).toBe('');
  expect([g.verilator, g.iverilog, g.yosys, g.latches]).toEqual([true, true, true, 0]);
}
