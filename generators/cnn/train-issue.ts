/**
 * The update walk's issue as the training stages take it (docs/ARCHITECTURE.md §18 "Zero
 * activations in the backward pass and the update"). The walk reads the layer's input x at its
 * issue. When a layer skips zeros, the issue then waits one cycle in a stage of its own ("t0_*",
 * as the forward pass's s0), where x has arrived, and only an issue that works reads the
 * position's P errors, enables the PEs and adds to a backward sum:
 * - in the update, e·x = 0 adds nothing to a gradient; the gradient sum starts at the column's
 *   first working issue, and a column without one is left as it is (no weight read, no write:
 *   its gradient is 0 and R(0) = 0), its LFSR draw still taken where §17 numbers it;
 * - in the backward pass, the sum of an input x = 0 is never used when no pool or a max pool lies
 *   between (its activations below are 0, which the error pass masks), so it is not formed; below
 *   an avg pool a zero average can hide an activation of one LSB, so there the pass skips nothing.
 * A skipped issue still takes its cycle (one map read per cycle bounds the walk).
 */
import { Bool, lit, mux, type Expr, type Module, type Signal } from '../../src/hdl/index.js';
import { trainOf, type CnnPlan } from './plan.js';
import { skipsZeros } from './forward-skip.js';
import type { UpdateWalk } from './train-walks.js';
import { stepTable } from './walks.js';
import { held, inGated } from './gating.js';

/** An issue of the update walk (the backward pass's or the update's) where the training stages take it. */
export interface TrainIssue {
  readonly valid: Expr;
  /** A backward pass's issue (taxonn's, or the dedicated variant's fused one). */
  readonly bwd: Expr;
  /** An update pass's issue. */
  readonly upd: Expr;
  /** Its gradient goes to the update (the update's, or a fused backward pass's). */
  readonly grad: Expr;
  /** The issue starts its column's gradient sum (the column's first working issue). */
  readonly sumFirst: Expr;
  /** The column's last position: its weight is read and updated. */
  readonly lastPos: Expr;
  /** The backward pass reads the column's weights (its first issue; a column of one position only if it works). */
  readonly readsColumn: Expr;
  readonly bias: Expr;
  readonly inside: Expr;
  readonly laneCount: Expr;
  readonly weightAddr: Expr;
  readonly errAddr: Expr;
  readonly inputIndex: Expr;
  readonly group: Expr;
  /** It reads its errors, enables the PEs and (backward) adds to its input's sum. */
  readonly work: Expr;
  /** At the column's last position: some issue of the column worked (otherwise its weight is neither read nor written); absent: every column works. */
  readonly worked?: Expr;
  /** x ≠ 0 (a dense layer's numbering, §17); absent without the stage (stage 1's operand says it then). */
  readonly nonzero?: Expr;
  /** The stage holds an issue (the pass is not quiet). */
  readonly busy: Expr;
}

/** The walk's issue signals the stage takes. */
export interface WalkIssue {
  readonly uw: UpdateWalk;
  readonly updIssue: Expr;
  readonly bwdIssue: Expr;
  readonly gradIssue: Expr;
}

/**
 * Per weight layer k, whether its update skips an issue of x = 0 (the layer's zero inputs are
 * skipped: the first layer's with skipZeroInputs, the others' with skipZeroActivations) and
 * whether its backward pass does (also: no pool, or a max pool, between layer k − 1 and k).
 */
export function trainSkips(plan: CnnPlan): { readonly update: readonly boolean[]; readonly backward: readonly boolean[] } {
  const tp = trainOf(plan);
  const steps = skipsZeros(plan);
  const update = tp.layerStep.map((i) => steps[i] ?? false);
  const backward = update.map((on, k) => on && k > 0 && (tp.poolBefore[k]?.pool ?? 'max') === 'max');
  return { update, backward };
}

/** Whether some weight layer skips zeros in training (the stage exists). */
export const anyTrainSkips = (plan: CnnPlan): boolean => Boolean(plan.train) && trainSkips(plan).update.some(Boolean);

/** The issue straight from the walk: every issue works (no layer skips). */
function direct(w: WalkIssue): TrainIssue {
  const { uw } = w;
  const one = lit(1, Bool);
  return {
    valid: w.updIssue.or(w.bwdIssue),
    bwd: w.bwdIssue,
    upd: w.updIssue,
    grad: w.gradIssue,
    sumFirst: uw.first,
    lastPos: uw.lastPos,
    readsColumn: uw.first,
    bias: uw.bias,
    inside: uw.inside,
    laneCount: uw.laneCount,
    weightAddr: uw.weightAddr,
    errAddr: uw.errAddr,
    inputIndex: uw.inputIndex,
    group: uw.group,
    work: one,
    busy: lit(0, Bool),
  };
}

/**
 * The training issue: straight from the walk, or (some layer skips zeros) a cycle later with
 * `work` from x, `mapValue` (the map's read data, which arrives in that cycle).
 */
export function trainIssue(m: Module, plan: CnnPlan, w: WalkIssue, layer: Expr, mapValue: Expr, gate = false): TrainIssue {
  const d = direct(w);
  if (!anyTrainSkips(plan)) return d;
  const valid = m.flop('t0_valid', d.valid, { init: 0 });
  const bwd = m.flop('t0_bwd', d.bwd, { init: 0 });
  const upd = m.flop('t0_upd', d.upd, { init: 0 });
  // the issue's fields move with it (on an ASIC their clock runs only in the cycles of an issue)
  const f = (name: string, e: Expr): Signal => held(m, `t0_${name}`, e, d.valid);
  const fields = inGated(m, 't0', gate ? m.wire('t0_clock_en', d.valid) : undefined, () => ({
    colFirst: f('col_first', w.uw.first),
    lastPos: f('last_pos', d.lastPos),
    bias: f('bias', d.bias),
    inside: f('inside', d.inside),
    laneCount: f('lane_count', d.laneCount),
    weightAddr: f('weight_addr', d.weightAddr),
    errAddr: f('err_addr', d.errAddr),
    inputIndex: f('input_index', d.inputIndex),
    group: f('group', d.group),
  }));
  const { colFirst, lastPos, bias, inside } = fields;
  const skips = trainSkips(plan);
  const table = (name: string, on: readonly boolean[]) =>
    on.every(Boolean) ? lit(1, Bool) : on.some(Boolean) ? stepTable(m, name, layer, on.map(Number)).eq(1) : lit(0, Bool);
  const gated = mux(bwd, table('t0_bwd_skips', skips.backward), table('t0_upd_skips', skips.update));
  const nonzero = m.wire('t0_nonzero', inside.and(mapValue.orR()));
  // the bias's operand is 1.0; a layer that does not skip works at every issue
  const work = m.wire('t0_work', valid.and(bias.or(nonzero).or(gated.not())));
  // an earlier issue of this column worked: its gradient sum has started
  const started = m.reg('t0_started', Bool, { init: 0 });
  const before = m.wire('t0_column_worked', started.and(colFirst.not()));
  m.when(valid, () => started.set(lastPos.not().and(work.or(before))));
  return {
    valid,
    bwd,
    upd,
    grad: m.flop('t0_grad', d.grad, { init: 0 }),
    sumFirst: before.not(),
    lastPos,
    readsColumn: colFirst.and(work.or(lastPos.not())),
    bias,
    inside,
    laneCount: fields.laneCount,
    weightAddr: fields.weightAddr,
    errAddr: fields.errAddr,
    inputIndex: fields.inputIndex,
    group: fields.group,
    work,
    worked: work.or(before),
    nonzero,
    busy: valid,
  };
}
