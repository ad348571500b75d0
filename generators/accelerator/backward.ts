/**
 * The backward pass's sums (docs/ARCHITECTURE.md §4): the adder tree adds the P lanes' products
 * W·e of a column, the sum accumulates over the layer's groups, and the finished sum is
 * requantised and masked by the activation's derivative into δ of the layer below, written to
 * the error banks (by the drain's error-write port). Training variants only.
 */
import { Bool, SInt, lit, mux, type Expr, type Module, type Signal } from '../../src/hdl/index.js';
import { requant } from '../blocks/requant.js';
import { adderTree } from './adder-tree.js';
import type { Banks } from './banks.js';
import type { Stage1, Stage2 } from './pipeline.js';
import type { Plan } from './plan.js';
import { perLayerConstant, perLayerUnit } from './per-layer.js';
import { delayLine } from './tables.js';

/** The backward pass's writes of δ into the error banks of the layer below. */
export interface Deltas {
  /** A tree sum is being accumulated (the controller waits for the pipeline to empty). */
  readonly valid: Expr;
  /** A δ is requantised this cycle (the controller waits for it). */
  readonly write: Signal;
  /**
   * Write δ into the banks this cycle, into lane `lane` at group `group` of the lower layer's
   * region: a cycle after `write`, so the requantiser's carry chain and the write are in different
   * cycles (§4). It lands before the update's first error read: bwd_init waits for `write`, then
   * upd_init, then upd_err reads.
   */
  readonly store: Signal;
  readonly lane: Signal;
  readonly group: Signal;
  readonly delta: Signal;
}

type TrainingStage1 = Stage1 & { readonly training: NonNullable<Stage1['training']> };
type TrainingStage2 = Stage2 & { readonly training: NonNullable<Stage2['training']> };

/** `terms` are the lanes' backward products at stage 2 (zero on padding lanes). */
export function backward(m: Module, plan: Plan, s1: TrainingStage1, s2: TrainingStage2, terms: readonly Expr[], banks: Banks): Deltas {
  const { cfg, P } = plan;
  const T = plan.treeLatency;
  const isBackward = s2.training.isBackward;
  const treeInputs = Object.fromEntries(terms.map((e, q) => [`in${q}`, e]));
  const treeSum: Expr =
    P > 1
      ? m.instance('tree', adderTree(P, plan.backwardBits), { ...treeInputs, en: isBackward }).out('sum')
      : m.wire('tree_sum', terms[0] ?? lit(0, SInt(plan.backwardBits)));
  // Column metadata rides along the pipeline: first/last group, the column's lane/group, its mask.
  const maskHold = m.reg('col_mask_hold', Bool);
  const act = banks.act.rdata;
  // Hard-sigmoid's derivative is 0 at 1.0, in the format of the column's activation (the layer's inputs).
  const actMask =
    cfg.hidden === 'relu'
      ? act.orR()
      : act.orR().and(
          act.lt(
            perLayerConstant(
              m,
              's1_act_one_mask',
              s1.layer,
              plan.arith.map((a) => 2 ** a.act.frac),
              plan.formats.act.bits,
            ),
          ),
        );
  const s1Mask = m.wire('s1_mask', mux(s1.first, actMask, maskHold));
  m.when(s1.valid, () => maskHold.set(s1Mask));
  const s2Mask = m.flop('s2_mask', s1Mask);
  const s2ColLane = m.flop('s2_col_lane', s1.training.colLane);
  const s2ColGroup = m.flop('s2_col_grp', s1.training.colGroup);
  const s2LastOfCol = m.flop('s2_last_of_col', s1.last);
  const bValid = delayLine(m, 'bwd_valid', isBackward, T, true);
  const bFirst = delayLine(m, 'bwd_first', s2.training.first, T);
  const bLast = delayLine(m, 'bwd_last', s2LastOfCol, T);
  const bMask = delayLine(m, 'bwd_mask', s2Mask, T);
  const bLane = delayLine(m, 'bwd_lane', s2ColLane, T);
  const bGroup = delayLine(m, 'bwd_grp', s2ColGroup, T);
  const bLayer = s2.layer ? delayLine(m, 'bwd_layer', s2.layer, T) : undefined;
  const sum = m.reg('bwd_sum', SInt(cfg.accBits));
  // The tree is clog2(P) bits wider than a product; with P lanes but fewer neurons in the layer
  // (N_l < P) that can exceed accBits. Its value is a sum of at most N_l of the N_l terms whose
  // whole sum accBits is validated to hold (src/config/bounds.ts), so dropping the top bits is exact.
  const term = treeSum.width > cfg.accBits ? treeSum.truncate(cfg.accBits) : treeSum.resize(cfg.accBits);
  m.when(bValid, () => sum.set(mux(bFirst, term, sum.add(term).truncate(cfg.accBits))));
  const write = m.flop('delta_write', bValid.and(bLast), { init: 0 });
  const mask = m.flop('delta_mask', bMask);
  const lane = m.flop('delta_lane', bLane);
  const group = m.flop('delta_grp', bGroup);
  const deltaLayer = bLayer ? m.flop('delta_layer', bLayer) : undefined;
  // Each layer's sums (Wf + Ef fraction bits, + 2 for hard-sigmoid's derivative 1/4) to the error format of the layer below.
  const deltaQ = perLayerUnit(
    m,
    'delta_unit',
    deltaLayer,
    plan.arith.map((a) => (a.lowerError ? { accFrac: a.backwardFrac, out: { ...a.lowerError, signed: true } } : undefined)),
    (p) => requant({ accBits: cfg.accBits, accFrac: p.accFrac, out: p.out, rounding: 'nearest' }),
    { acc: sum },
    'q',
    { accFrac: plan.arith[0]?.backwardFrac ?? 0, out: { ...plan.formats.error } },
  );
  const delta = m.wire('delta', mux(mask, deltaQ, lit(0, SInt(plan.formats.error.bits))));
  const store = m.flop('delta_store', write, { init: 0 });
  return {
    valid: bValid,
    write,
    store,
    lane: m.flop('delta_store_lane', lane),
    group: m.flop('delta_store_grp', group),
    delta: m.flop('delta_store_value', delta),
  };
}
