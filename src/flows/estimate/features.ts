/**
 * The quantities the estimate's models are linear in, computed from the configuration alone.
 *
 * Cycles (ARCHITECTURE.md §5): the schedule's issue cycles are known, forward
 * Σ G_l · max(row_l, P + w) (a short group waits for the drain; w is fitted), backward Σ_{l≥2} N_{l-1} G_l,
 * update Σ G_l · row_l (Σ_l (G_l · (2 row_l − 1) + 1) with single-port weight banks), with row_1 = the non-zero inputs + 1 under skipZeroInputs; what the fit
 * learns is the overhead on top: per sample, per layer and phase, per group, per received beat,
 * and the adder tree's latency per phase. Update groups that skipZeroErrors skips (their errors
 * all zero: data-dependent) are not modelled: with it on, the estimate is an upper bound. The
 * dedicated variant updates layers 2..L in their backward pass (§9): of their update only the bias
 * column is issued, and they have no update phase (its waits for single-port write-backs are not
 * modelled either).
 *
 * Hardware: what each block's size grows with: the P multipliers (product of the operand widths),
 * the accumulators and the adder tree (P · accBits), the update units and their LFSRs, the drain,
 * the zero-skipping input path, the controller's counters (address bits), and the dedicated
 * variant's extra multipliers.
 */
import { bitsOf, deriveSizes, fusesUpdate, type Config } from '../../config/index.js';

const clog2 = (n: number): number => Math.max(1, Math.ceil(Math.log2(Math.max(n, 1))));

/** The issue cycles of one sample and the overhead features, at a fraction `inputZeros` of zero inputs. */
export interface CycleFeatures {
  /** Forward + backward + update issue cycles (the part the schedule fixes exactly). */
  readonly issue: number;
  /** Overhead features, in CYCLE_FEATURES order. */
  readonly overhead: readonly number[];
}

export const CYCLE_FEATURES = ['per sample', 'per layer and phase', 'per group', 'per received beat', 'adder-tree latency per phase'] as const;

/**
 * @param drainWait a forward group shorter than P + drainWait cycles waits for the drain (its P
 *   lanes, one per cycle, plus the pipeline): fitted by the calibration, per kind of variant
 */
/** The inputs layer 1 runs over: with skipZeroInputs the non-zero ones, at a fraction `inputZeros` of zeros. */
export function nonZeroInputs(cfg: Config, inputZeros: number): number {
  const n0 = cfg.layers[0] ?? 0;
  return cfg.skipZeroInputs ? Math.round((1 - inputZeros) * n0) : n0;
}

/**
 * A layer's update issues by the weight banks' ports (§12): 1r1w a row per group; 1p an issue
 * every other cycle, and the write-back stage; 2x1p a row per group and the write-back stage, and
 * where the row's columns are not consecutive (layer 1 over its non-zero inputs) a wait wherever
 * two in a row fall in the same bank (even or odd), half of them for random indices.
 */
function updateCycles(ports: Config['weightPorts'], groups: number, row: number, sparseRow: boolean): number {
  if (ports === '1p') return groups * (2 * row - 1) + 1;
  if (ports === '2x1p') return groups * (row + (sparseRow ? (row - 1) / 2 : 0)) + 1;
  return groups * row;
}

export function cycleFeatures(cfg: Config, inputZeros: number, drainWait = 0): CycleFeatures {
  const s = deriveSizes(cfg);
  const P = cfg.pes;
  const trains = cfg.variant !== 'inference';
  const nonZero = nonZeroInputs(cfg, inputZeros);
  let fwd = 0;
  let bwd = 0;
  let upd = 0;
  // forward groups, and the update's (an error fetch each)
  let groups = 0;
  let phases = s.L;
  for (const l of s.layers) {
    const row = l.index === 0 ? nonZero + 1 : l.rowLen;
    fwd += l.groups * Math.max(row, P + drainWait);
    groups += l.groups;
    if (!trains) continue;
    if (l.index >= 1) bwd += l.nIn * l.groups;
    phases += l.index >= 1 ? (fusesUpdate(cfg, l.index) ? 1 : 2) : 1;
    if (fusesUpdate(cfg, l.index)) upd += l.groups;
    else {
      upd += updateCycles(cfg.weightPorts, l.groups, row, l.index === 0 && cfg.skipZeroInputs);
      groups += l.groups;
    }
  }
  // the dense receive (header + beats) is in the sample's cycles; the sparse one overlaps the previous sample
  const beats = cfg.skipZeroInputs ? 0 : s.inputDepth + 1;
  const treeLatency = P > 1 ? Math.ceil(Math.log2(P)) : 0;
  return { issue: fwd + bwd + upd, overhead: [1, phases, groups, beats, treeLatency * phases] };
}

export const HARDWARE_FEATURES = [
  'constant',
  'training variant (error banks, backward path, update control)',
  'P × multiplier operand bits product',
  'P × accumulator bits',
  'P × update unit bits (training)',
  'P × LFSR (stochastic rounding)',
  'P × drain bits',
  'zero-skipping input path',
  'controller address bits',
  'dedicated: P × its backward, gradient and learning-rate multipliers',
] as const;

/** The hardware features, in HARDWARE_FEATURES order. */
export function hardwareFeatures(cfg: Config): number[] {
  const s = deriveSizes(cfg);
  const P = cfg.pes;
  const trains = cfg.variant !== 'inference';
  const wb = bitsOf(cfg.weight);
  const ab = bitsOf(cfg.act);
  const eb = bitsOf(cfg.error);
  // taxonn's one multiplier takes every phase's operands; the others' forward one weight × activation
  const mul = cfg.variant === 'taxonn' ? Math.max(wb, eb) * Math.max(ab + 1, eb) : wb * (ab + 1);
  // the dedicated PE's other multipliers (generators/blocks/pe-dedicated.ts): weight × error,
  // error × activation, and its update's learning rate (16 bits) × that gradient
  const dedicated = cfg.variant === 'dedicated' ? P * (wb * eb + eb * (ab + 1) + 16 * (eb + ab + 1)) : 0;
  const stochastic = cfg.rounding === 'stochastic' ? 1 : 0;
  const skipIn = cfg.skipZeroInputs ? cfg.inputsPerBeat * (ab + clog2(cfg.layers[0] ?? 1)) : 0;
  const addr = clog2(s.weightDepth) + clog2(s.errorDepth) + clog2(s.actDepth) + clog2(s.inputDepth) + clog2(Math.max(...s.layers.map((l) => l.rowLen)));
  return [
    1,
    trains ? 1 : 0,
    P * mul,
    P * cfg.accBits,
    trains ? P * (wb + Math.max(ab, eb)) : 0,
    trains ? P * stochastic * 16 : 0,
    P * Math.max(ab, eb),
    skipIn,
    addr,
    dedicated,
  ];
}
