/**
 * Which SRAM macros build each memory, and their area (docs/HARDWARE.md, "SRAM macros").
 *
 * The rule: a memory of `depth` words × `width` bits is cut into consecutive ranges of
 * addresses; each range is built from one macro type, `ceil(width / macroBits)` macros side by
 * side, covering `macroWords` addresses (the last range may be partly unused). Among all such
 * tilings, the one with the smallest total macro area wins; ties go to fewer macros, then to the
 * alphabetically first cell names. A dynamic program over the depth (in steps of the greatest
 * common divisor of the macro depths) finds the optimum exactly.
 *
 * Not modelled: the address decoding and output multiplexing between ranges, and the fact that
 * the generated memories have one read and one write port while single-port macros (like the
 * IHP RM_IHPSG13_1P_* set) have one port: see the caveats in docs/HARDWARE.md.
 */
import type { LibertyLibrary } from '../formats/liberty.js';

export interface SramMacro {
  readonly cell: string;
  readonly words: number;
  readonly bits: number;
  readonly areaUm2: number;
  /** The liberty file the macro came from. */
  readonly file?: string;
}

export interface MacroUse {
  readonly cell: string;
  /** Macros of this cell per memory instance. */
  readonly count: number;
}

export interface MemoryTiling {
  /** Macro cells and counts, per memory instance. */
  readonly macros: readonly MacroUse[];
  readonly macroCount: number;
  readonly areaUm2: number;
  /** Memory bits / macro bits: how much of the macros' capacity the memory uses. */
  readonly efficiency: number;
}

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

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** The cheapest tiling of a `depth` × `width` memory by `macros` (see the rule at the top). */
export function tileMemory(depth: number, width: number, macros: readonly SramMacro[]): MemoryTiling {
  if (!(Number.isInteger(depth) && depth > 0 && Number.isInteger(width) && width > 0)) {
    throw new RangeError(`memory size must be positive integers, got ${depth} x ${width}`);
  }
  if (macros.length === 0) throw new RangeError('no SRAM macros to build memories from');
  const unit = macros.reduce((g, m) => gcd(g, m.words), 0);
  const n = Math.ceil(depth / unit);
  // cost[i]: the cheapest way to cover at least i·unit addresses; choice[i]: its last range's macro.
  const area = new Float64Array(n + 1).fill(Infinity);
  const count = new Float64Array(n + 1).fill(Infinity);
  const choice = new Int32Array(n + 1).fill(-1);
  area[0] = 0;
  count[0] = 0;
  const eps = 1e-6;
  for (let i = 1; i <= n; i++) {
    for (let k = 0; k < macros.length; k++) {
      const m = macros[k]!;
      const across = Math.ceil(width / m.bits);
      const prev = Math.max(0, i - m.words / unit);
      const a = area[prev]! + across * m.areaUm2;
      const c = count[prev]! + across;
      if (a < area[i]! - eps || (Math.abs(a - area[i]!) <= eps && c < count[i]!)) {
        area[i] = a;
        count[i] = c;
        choice[i] = k;
      }
    }
  }
  const uses = new Map<string, number>();
  let bitsCap = 0;
  for (let i = n; i > 0; ) {
    const m = macros[choice[i]!]!;
    const across = Math.ceil(width / m.bits);
    uses.set(m.cell, (uses.get(m.cell) ?? 0) + across);
    bitsCap += across * m.words * m.bits;
    i = Math.max(0, i - m.words / unit);
  }
  const list = [...uses].map(([cell, c]) => ({ cell, count: c })).sort((a, b) => (a.cell < b.cell ? -1 : 1));
  return { macros: list, macroCount: count[n]!, areaUm2: area[n]!, efficiency: (depth * width) / bitsCap };
}
