/**
 * What a design's memories are built from. By default, the library's RTL arrays (ram.ts): the
 * FPGA flows infer block RAM from them and simulation runs them. For the ASIC target, the
 * single-port memories are built from the SRAM macros the target offers (macro-ram.ts), each
 * macro instantiated with its real ports; the 1R1W memories stay RTL arrays (black boxes that
 * the ASIC flows price by tiling.ts), since single-port macros cannot serve a read and a write
 * in one cycle.
 */
import type { HdlType, Module } from '../../src/hdl/index.js';
import { ihpSram1p, isIhpSram1p } from './ihp-sg13g2.js';
import { ram1pFromMacros, type MacroModel } from './macro-ram.js';
import { ram1p } from './ram.js';
import { tileMemory, type SramMacro } from './tiling.js';

export interface MemoryTarget {
  /** Single-port SRAM macros to build the single-port memories from (each must have a model). */
  readonly sramMacros?: readonly SramMacro[];
}

/** The model of a macro cell taxonn knows the ports and behaviour of (undefined: none). */
export function macroModel(cell: string): MacroModel | undefined {
  return isIhpSram1p(cell) ? ihpSram1p : undefined;
}

/** The macros of `macros` that taxonn can instantiate (it has their model). */
export function modelledMacros(macros: readonly SramMacro[]): SramMacro[] {
  return macros.filter((m) => macroModel(m.cell) !== undefined);
}

/** A single-port memory (ram1p's ports and behaviour), from the target's macros if it has any. */
export function singlePortMemory(role: string, depth: number, type: HdlType, target: MemoryTarget = {}): Module {
  const macros = target.sramMacros ?? [];
  if (macros.length === 0) return ram1p(role, depth, type);
  for (const m of macros) {
    if (!macroModel(m.cell)) throw new RangeError(`SRAM macro ${m.cell} has no model in taxonn (known: IHP SG13G2 RM_IHPSG13_1P_<words>x<bits>_c<n>_bm_bist)`);
  }
  return ram1pFromMacros(role, depth, type, tileMemory(depth, type.width, macros), (cell, words, bits) => {
    const model = macroModel(cell);
    if (!model) throw new RangeError(`SRAM macro ${cell} has no model`);
    return model(cell, words, bits);
  });
}
