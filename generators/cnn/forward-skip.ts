/**
 * Zero activations in the forward pass of a network with convolution (docs/ARCHITECTURE.md §18
 * "Zero activations in the forward pass"): the lanes hold filters and the issue broadcasts one map
 * value to all of them, so an issue whose value is zero adds nothing to any lane's sum. The walk
 * reads the map at its issue (stage 0, as without skipping); the issue then waits one cycle in a
 * stage of its own ("s0"), where the value has arrived, and only an issue that works (its value is
 * non-zero, or it is the bias, or a group's first, whose product starts the sum) reads the P weight
 * banks and enables the PEs. A skipped issue costs its cycle (one map read per cycle bounds the
 * walk) but reads no weight and leaves every multiplier operand and accumulator as it was.
 */
import { Bool, lit, type Expr, type Module, type Signal } from '../../src/hdl/index.js';
import type { WeightIssue } from './datapath.js';
import type { CnnPlan } from './plan.js';
import { stepTable } from './walks.js';
import { held, inGated } from './gating.js';

/** A forward issue as the walk gives it, with its weight address. */
export interface ForwardIssue extends WeightIssue {
  readonly weightAddr: Expr;
}

export interface ForwardSkip {
  /** The issue one cycle later, with `work`: it reads its weights and enables the PEs. */
  readonly issue: ForwardIssue & { readonly work: Expr };
  /** The weight banks' read: the working issues only. */
  readonly weightRead: { readonly ren: Expr; readonly addr: Expr };
  /** The s0 stage holds a forward issue (in flight: the step is not quiet). */
  readonly busy: Expr;
}

/** Whether step i's zero inputs are skipped: a first weight layer's with skipZeroInputs, the others' with skipZeroActivations. */
export function skipsZeros(plan: CnnPlan): readonly boolean[] {
  return plan.steps.map((s) => s.kind === 'weights' && (s.layer === 0 ? plan.cfg.skipZeroInputs : plan.cfg.skipZeroActivations));
}

/** Whether any step skips: without, the forward pass issues as before (no s0 stage). */
export const anySkipsZeros = (plan: CnnPlan): boolean => skipsZeros(plan).some(Boolean);

/** The s0 stage between the walk's issue (its map read) and the weight banks' read. */
export function forwardSkip(m: Module, plan: CnnPlan, step: Expr, issue: ForwardIssue, mapValue: Expr, gate = false): ForwardSkip {
  const valid = m.flop('s0_valid', issue.valid, { init: 0 });
  // the issue's fields move with it (on an ASIC their clock runs only in the cycles of an issue)
  const f = (name: string, e: Expr): Signal => held(m, `s0_${name}`, e, issue.valid);
  const s0 = {
    valid,
    ...inGated(m, 's0', gate ? m.wire('s0_clock_en', issue.valid) : undefined, () => ({
      first: f('first', issue.first),
      bias: f('bias', issue.bias),
      laneCount: f('lane_count', issue.laneCount),
      outBase: f('out_base', issue.outBase),
      q: f('q', issue.q),
      weightAddr: f('weight_addr', issue.weightAddr),
    })),
  };
  const skips = skipsZeros(plan);
  const gated = skips.every(Boolean) ? lit(1, Bool) : stepTable(m, 's0_skips_zeros', step, skips.map(Number)).eq(1);
  // the bias's operand is 1.0, and a group's first issue starts its sums (its product, even of a zero, replaces them)
  const work = m.wire('s0_work', s0.bias.or(s0.first).or(mapValue.orR()).or(gated.not()));
  const ren = m.wire('s0_weight_ren', valid.and(work));
  return {
    issue: { ...s0, work },
    weightRead: { ren, addr: s0.weightAddr },
    busy: valid,
  };
}

/**
 * Stage 1's map value, when the issues come through a stage that holds them a cycle after their
 * map read (every issue of the PEs does, then:
 * the forward walk's through s0, the update walk's through t0): the value the issue's stage held
 * (the map has been read again since; a skipped issue's value is not needed, so only a working one
 * loads it, and between working issues the PEs' operand does not change).
 */
export function stageOneValue(m: Module, loads: readonly Expr[], mapValue: Expr): Expr {
  const held = m.reg('s1_map_value', mapValue.type, { init: 0 });
  m.when(
    loads.reduce((a, b) => a.or(b), lit(0, Bool)),
    () => held.set(mapValue),
  );
  return held;
}
