/**
 * The accelerator's memories from the configuration alone (no generation: the estimate answers in
 * milliseconds, generating the design takes 0.1 s): the same list as the generator's manifest
 * (generators/accelerator/banks.ts), which a test checks on random configurations.
 */
import { bitsOf, deriveSizes, type Config } from '../../config/index.js';

export interface EstimatedMemory {
  readonly role: 'weight' | 'error' | 'input' | 'input_index' | 'input_value' | 'act';
  readonly instances: number;
  readonly depth: number;
  readonly width: number;
}

/** ceil(log2(n + 1)), at least 1: the bits of the numbers 0..n. */
const bitsFor = (n: number): number => Math.max(1, Math.ceil(Math.log2(n + 1)));

export function memoryPlan(cfg: Config): EstimatedMemory[] {
  const s = deriveSizes(cfg);
  const P = cfg.pes;
  const ab = bitsOf(cfg.act);
  const n0 = cfg.layers[0] ?? 0;
  // 2x1p (docs/ARCHITECTURE.md §12): each lane's weights in two banks, the even and the odd addresses
  const weights =
    cfg.weightPorts === '2x1p'
      ? { role: 'weight' as const, instances: 2 * P, depth: Math.ceil(s.weightDepth / 2), width: bitsOf(cfg.weight) }
      : { role: 'weight' as const, instances: P, depth: s.weightDepth, width: bitsOf(cfg.weight) };
  const out: EstimatedMemory[] = [weights];
  // with skipZeroErrors a "non-zero" bit beside each error (banks.ts)
  if (cfg.variant !== 'inference') out.push({ role: 'error', instances: P, depth: s.errorDepth, width: bitsOf(cfg.error) + (cfg.skipZeroErrors ? 1 : 0) });
  // with skipZeroInputs: two samples' worth of (index, value) pairs (double buffering, ARCHITECTURE.md §10), in two memories
  if (cfg.skipZeroInputs) {
    out.push({ role: 'input_index', instances: 1, depth: 2 * n0, width: bitsFor(n0 - 1) }, { role: 'input_value', instances: 1, depth: 2 * n0, width: ab });
  } else out.push({ role: 'input', instances: 1, depth: s.inputDepth, width: cfg.inputsPerBeat * ab });
  if (s.actDepth > 0) out.push({ role: 'act', instances: 1, depth: s.actDepth, width: ab });
  return out;
}

export const memoryBitsOf = (mems: readonly EstimatedMemory[]): number => mems.reduce((t, m) => t + m.instances * m.depth * m.width, 0);

/** SB_RAM40_4K read/write shapes (words × bits), from Yosys' techlibs/ice40/brams.txt; each block costs 64. */
const ICE40_BRAM_SHAPES: readonly (readonly [number, number])[] = [
  [256, 16],
  [512, 8],
  [1024, 4],
  [2048, 2],
];
/**
 * Yosys (memory_libmap) maps a memory to block RAM when its blocks cost no more than the bits it
 * would take as logic; 64 per block against 0.9 per bit is the rule that matches the measured
 * syntheses (a memory of 72 bits or more in one block goes to block RAM, 48 bits stays in logic;
 * 0.8 and 80 bits while the memories' old-data reads cost Yosys an emulation on block RAM).
 */
const ICE40_LOGIC_COST_PER_BIT = 0.9;

/** Blocks for one memory: the width split into slices of the four shapes, fewest blocks. */
function ice40Blocks(depth: number, width: number): number {
  const memo = new Map<number, number>();
  const f = (w: number): number => {
    if (w <= 0) return 0;
    const hit = memo.get(w);
    if (hit !== undefined) return hit;
    const v = Math.min(...ICE40_BRAM_SHAPES.map(([d, sw]) => Math.ceil(depth / d) + f(w - sw)));
    memo.set(w, v);
    return v;
  };
  return f(width);
}

/** SB_RAM40_4K blocks of the memories on an iCE40, as `synth --target ice40` maps them (the others become logic). */
export function ice40BlockRams(memories: readonly EstimatedMemory[]): number {
  let total = 0;
  for (const m of memories) {
    const blocks = ice40Blocks(m.depth, m.width);
    if (64 * blocks <= ICE40_LOGIC_COST_PER_BIT * m.depth * m.width) total += blocks * m.instances;
  }
  return total;
}
