/**
 * The update units (docs/ARCHITECTURE.md §2): one per lane, w ← w − round(g · 2^-S) with the
 * lane's LFSR for stochastic rounding (the dedicated variant multiplies by its learning-rate
 * input instead of shifting), and the weight banks' write ports, shared by the weight load and
 * the update.
 */
import { DEDICATED_LR_FRAC } from '../../src/config/defaults.js';
import { entryOf, lfsrStride, type PerLayer } from '../../src/config/index.js';
import { UInt, clog2, lit, mux, type ClockDomain, type Expr, type Module } from '../../src/hdl/index.js';
import { LFSR_MASK } from '../blocks/lfsr.js';
import { update } from '../blocks/update.js';
import type { Banks } from './banks.js';
import type { HostPorts } from './host.js';
import type { Plan } from './plan.js';
import { at } from './tables.js';
import type { WeightPort } from './weight-port.js';
import { distinctIndex, perLayerConstant } from './per-layer.js';

/** The value the host drives on the dedicated variant's `learning_rate` input: η = 2^-k in Q0.16. */
export function learningRateCode(lrShift: PerLayer<number>): number {
  // The configuration gives the dedicated variant one learning rate for every layer.
  return 2 ** (DEDICATED_LR_FRAC - entryOf(lrShift, 0));
}

/** The seed of lane p's LFSR: seq[p · lfsrStride(P)] with seq[0] = seed (§2). */
export function laneSeeds(seed: number, P: number): number[] {
  const stride = lfsrStride(P);
  const seeds: number[] = [];
  let s = seed;
  for (let p = 0, n = 0; p < P; p++) {
    for (; n < p * stride; n++) s = (s >>> 1) ^ (s & 1 ? LFSR_MASK : 0);
    seeds.push(s);
  }
  return seeds;
}

/** Per lane, the updated weight and whether it may differ from the one read (blocks/update.ts `changes`). */
export interface UpdatedWeights {
  readonly next: readonly Expr[];
  readonly changes: readonly Expr[];
}

/**
 * The update units at stage 2 (`isUpdate`: a gradient is there); returns each lane's updated
 * weight. With per-layer shifts each unit rounds by every distinct shift and `layer` (stage 2's
 * layer index) selects one.
 */
export function updateUnits(
  m: Module,
  plan: Plan,
  isUpdate: Expr,
  gradients: readonly Expr[],
  banks: Banks,
  host: HostPorts,
  opts: {
    readonly layer?: Expr | undefined;
    /** One clock gate for every unit: their registers (the LFSR, the step) change only with `isUpdate`. */
    readonly gate?: boolean;
    /** Per lane, the weight to update (default the bank's read data; the dedicated variant's fused pass holds it: top.ts). */
    readonly weights?: readonly Expr[];
  } = {},
): UpdatedWeights {
  const layer = opts.layer;
  const { cfg } = plan;
  // The dedicated multiplier's product δ·a·lr has DEDICATED_LR_FRAC more fraction bits.
  const shifts = plan.arith.map((a) => (plan.dedicated ? a.updateShift - a.lrShift + DEDICATED_LR_FRAC : a.updateShift));
  const { distinct, index } = distinctIndex(shifts);
  const unit = update({
    weight: plan.formats.weight,
    gradBits: plan.gradientBits,
    shift: distinct.length === 1 ? (distinct[0] ?? 0) : distinct,
    rounding: cfg.rounding,
    ...(plan.dedicated ? { lrBits: DEDICATED_LR_FRAC } : {}),
    // single-port weight banks (§12): the rounded step registered, the subtraction at stage 3
    ...(plan.singlePortWeights ? { registered: true } : {}),
  });
  const seeds = laneSeeds(cfg.seed, plan.P);
  const lr: Record<string, Expr> = host.learningRate ? { lr: host.learningRate } : {};
  const sel: Record<string, Expr> = distinct.length > 1 ? { shift_sel: perLayerConstant(m, 's2_shift_sel', layer, index, clog2(distinct.length)) } : {};
  // The weight read at stage 1 arrives with its product at stage 2 (single-port banks: read at
  // stage 2, it arrives at stage 3 with the registered step).
  const clocked: Record<string, ClockDomain> = opts.gate ? { default: m.gatedDomain('upd', isUpdate) } : {};
  const units = (opts.weights ?? banks.weights.rdata).map((w, q) =>
    m.instance(`upd${q}`, unit, { w, grad: at(gradients, q), en: isUpdate, seed: lit(at(seeds, q), UInt(16)), ...lr, ...sel, ...clocked }),
  );
  return { next: units.map((u) => u.out('w_next')), changes: units.map((u) => u.out('changes')) };
}

/**
 * What the update writes back: each lane's new weight, when (a gradient at stage 2) and where
 * (the lane holds an output and its step or gradient is non-zero: a weight that stays as it is
 * is not rewritten, which saves the bank's write energy and leaves its contents as they would be).
 */
export interface UpdateWrites extends UpdatedWeights {
  readonly isUpdate: Expr;
  readonly laneOn: readonly Expr[];
}

/** The weight banks' write ports: the load's weight while loading, else (training variants) the update's. */
export function weightWrites(m: Module, loading: Expr, host: HostPorts, load: WeightPort['load'], banks: Banks, update?: UpdateWrites): void {
  const { weightsIn } = host;
  banks.weights.we.forEach((we, q) => {
    const wdata = at(banks.weights.wdata, q);
    if (!update) {
      m.assign(we, loading.and(weightsIn.valid).and(load.lane.eq(q)));
      m.assign(wdata, weightsIn.data);
      return;
    }
    m.assign(we, mux(loading, weightsIn.valid.and(load.lane.eq(q)), update.isUpdate.and(at(update.laneOn, q)).and(at(update.changes, q))));
    m.assign(wdata, mux(loading, weightsIn.data, at(update.next, q)));
  });
}
