/**
 * What a design's memories are built from. By default, the library's RTL arrays (ram.ts): the
 * FPGA flows infer block RAM from them and simulation runs them. For the ASIC target (SRAM
 * macros given), the single-port memories are built from the macros (macro-ram.ts), each
 * instantiated with its real ports; a double buffer is two single-port halves (two-banks.ts).
 * A single-port memory of at most FLOP_MEMORY_BITS is flip-flops in the logic instead (a macro
 * holds 4 kbit or more), and so is every other 1R1W buffer, of any size (it needs two ports,
 * which the single-port macros lack). Only 1R1W weight banks (weightPorts '1r1w') above
 * FLOP_MEMORY_BITS stay RTL arrays, black boxes the ASIC flows price by tiling.ts as if the
 * macros could serve them (a lower bound).
 */
import type { HdlType, Module } from '../../src/hdl/index.js';
import { ihpSram1p, isIhpSram1p } from './ihp-sg13g2.js';
import { ram1pFromMacros, type MacroModel } from './macro-ram.js';
import { ram1p, ram1r1w } from './ram.js';
import { tileMemory, type SramMacro } from './tiling.js';

export interface MemoryTarget {
  /** Single-port SRAM macros to build the single-port memories from (each must have a model). */
  readonly sramMacros?: readonly SramMacro[];
  /**
   * Clock gates (m.gatedDomain) in front of the flip-flops that are idle in most cycles: the
   * memories built from flip-flops (ram.ts FlopOptions), the drain's shift registers, the update
   * units and the counters of one phase (docs/ARCHITECTURE.md §15). Default: on for the ASIC
   * target (macros given); `false` leaves them out.
   * The FPGA target has none: its clocks are global nets, and its flip-flops' enables are free.
   */
  readonly clockGates?: boolean;
}

/** Whether `target` gates the clocks of idle flip-flops (an ASIC target unless turned off). */
export function clockGated(target: MemoryTarget): boolean {
  return (target.sramMacros?.length ?? 0) > 0 && target.clockGates !== false;
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
  if (depth * type.width <= FLOP_MEMORY_BITS) return ram1p(role, depth, type, { flops: true, gated: clockGated(target) });
  for (const m of macros) {
    if (!macroModel(m.cell)) throw new RangeError(`SRAM macro ${m.cell} has no model in taxonn (known: IHP SG13G2 RM_IHPSG13_1P_<words>x<bits>_c<n>_bm_bist)`);
  }
  return ram1pFromMacros(role, depth, type, tileMemory(depth, type.width, macros), (cell, words, bits) => {
    const model = macroModel(cell);
    if (!model) throw new RangeError(`SRAM macro ${cell} has no model`);
    return model(cell, words, bits);
  });
}

/**
 * The largest memory (bits) the ASIC target builds from flip-flops. On IHP SG13G2 a bit of flops
 * with its write enable and its share of the read multiplexer is about 85 µm² (a 49 µm² flip-flop
 * and two 18 µm² multiplexers), the smallest macros about 50,000 µm² (64 × 64, 1024 × 8): flops
 * are smaller up to about 600 bits and within 1.8× at 1 kbit, and they read and write in one
 * cycle, which no single-port macro does.
 */
export const FLOP_MEMORY_BITS = 1024;

/**
 * A 1R1W memory (ram1r1w's ports). For the ASIC target flip-flops up to `maxFlopBits` (a buffer:
 * any size, since no single-port macro can stand for it), else the RTL array, a black box the
 * ASIC flows price as macros (a lower bound: the weights with weightPorts '1r1w').
 */
export function dualPortMemory(role: string, depth: number, type: HdlType, target: MemoryTarget = {}, maxFlopBits = Number.POSITIVE_INFINITY): Module {
  const flops = (target.sramMacros?.length ?? 0) > 0 && depth * type.width <= maxFlopBits;
  return ram1r1w(role, depth, type, { flops, gated: clockGated(target) });
}
