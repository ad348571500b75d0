/**
 * The SRAM macros of liberty files (cells with a memory() group); the tiling rule that builds
 * memories from them is generators/memories/tiling.ts (docs/HARDWARE.md, "SRAM macros").
 */
import type { LibertyLibrary } from '../formats/liberty.js';
import type { SramMacro } from '../../../generators/memories/tiling.js';

export { tileMemory, type MacroRange, type MacroUse, type MemoryTiling, type SramMacro } from '../../../generators/memories/tiling.js';

/** The SRAM macros (cells with a memory() group) of some liberty libraries. */
export function sramMacros(libs: readonly LibertyLibrary[]): SramMacro[] {
  const out: SramMacro[] = [];
  for (const lib of libs) {
    for (const c of lib.cells.values()) {
      if (c.memory && c.area > 0) {
        out.push({ cell: c.name, words: c.memory.words, bits: c.memory.bits, areaUm2: c.area, ...(lib.file ? { file: lib.file } : {}) });
      }
    }
  }
  return out.sort((a, b) => (a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : 0));
}
