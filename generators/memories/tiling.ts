/**
 * Which SRAM macros build a memory (docs/HARDWARE.md, "SRAM macros"): the rule the ASIC memory
 * generator (macro-ram.ts) builds banks by, and the flows price them by.
 *
 * A memory of `depth` words × `width` bits is cut into consecutive ranges of addresses; each
 * range is built from one macro type, `ceil(width / macroBits)` macros side by side, covering
 * `macroWords` addresses (the last range may be partly unused). Among all such tilings, the one
 * with the smallest total macro area wins; ties go to fewer macros, then to the alphabetically
 * first cell names. A dynamic program over the depth (in steps of the greatest common divisor of
 * the macro depths) finds the optimum exactly. The ranges are laid out largest first, so with
 * power-of-two macro depths every range starts at a multiple of its own size and is selected by
 * the address's top bits alone.
 */

/** A single-port SRAM macro as a target offers it. */
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

/** One range of addresses: `across` macros of one cell side by side. */
export interface MacroRange {
  readonly cell: string;
  readonly words: number;
  readonly bits: number;
  readonly across: number;
  /** Its first address. */
  readonly base: number;
}

export interface MemoryTiling {
  /** Macro cells and counts, per memory instance. */
  readonly macros: readonly MacroUse[];
  readonly macroCount: number;
  readonly areaUm2: number;
  /** Memory bits / macro bits: how much of the macros' capacity the memory uses. */
  readonly efficiency: number;
  /** The ranges in address order (largest macros first). */
  readonly ranges: readonly MacroRange[];
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** The cheapest tiling of a `depth` × `width` memory by `macros` (see the rule at the top). */
export function tileMemory(depth: number, width: number, macros: readonly SramMacro[]): MemoryTiling {
  if (!(Number.isInteger(depth) && depth > 0 && Number.isInteger(width) && width > 0)) {
    throw new RangeError(`memory size must be positive integers, got ${depth} x ${width}`);
  }
  if (macros.length === 0) throw new RangeError('no SRAM macros to build memories from');
  const sorted = [...macros].sort((a, b) => (a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : 0));
  const unit = sorted.reduce((g, m) => gcd(g, m.words), 0);
  const n = Math.ceil(depth / unit);
  // area[i], count[i]: the cheapest way to cover at least i·unit addresses; choice[i]: its last range's macro.
  const area = new Float64Array(n + 1).fill(Infinity);
  const count = new Float64Array(n + 1).fill(Infinity);
  const choice = new Int32Array(n + 1).fill(-1);
  area[0] = 0;
  count[0] = 0;
  const eps = 1e-6;
  for (let i = 1; i <= n; i++) {
    for (let k = 0; k < sorted.length; k++) {
      const m = sorted[k] as SramMacro;
      const across = Math.ceil(width / m.bits);
      const prev = Math.max(0, i - m.words / unit);
      const a = (area[prev] as number) + across * m.areaUm2;
      const c = (count[prev] as number) + across;
      if (a < (area[i] as number) - eps || (Math.abs(a - (area[i] as number)) <= eps && c < (count[i] as number))) {
        area[i] = a;
        count[i] = c;
        choice[i] = k;
      }
    }
  }
  const picked: SramMacro[] = [];
  for (let i = n; i > 0; ) {
    const m = sorted[choice[i] as number] as SramMacro;
    picked.push(m);
    i = Math.max(0, i - m.words / unit);
  }
  picked.sort((a, b) => b.words - a.words || (a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : 0));
  const uses = new Map<string, number>();
  const ranges: MacroRange[] = [];
  let base = 0;
  let bitsCap = 0;
  for (const m of picked) {
    const across = Math.ceil(width / m.bits);
    uses.set(m.cell, (uses.get(m.cell) ?? 0) + across);
    ranges.push({ cell: m.cell, words: m.words, bits: m.bits, across, base });
    base += m.words;
    bitsCap += across * m.words * m.bits;
  }
  const list = [...uses].map(([cell, c]) => ({ cell, count: c })).sort((a, b) => (a.cell < b.cell ? -1 : 1));
  return { macros: list, macroCount: count[n] as number, areaUm2: area[n] as number, efficiency: (depth * width) / bitsCap, ranges };
}
