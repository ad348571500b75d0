/**
 * The PE array: P processing elements that time-multiplex forward, backward and gradient MACs
 * (the inference variant: plain MACs; the dedicated variant: one multiplier per SGD element).
 * Stage 1 feeds them the weight banks' read data, the activation operand and the error banks'
 * read data; at stage 2 each lane has its accumulator, its backward product and its gradient.
 */
import { SInt, lit, mux, type Expr, type Module, type Signal } from '../../src/hdl/index.js';
import { mac } from '../blocks/mac.js';
import { PE_OP, pe } from '../blocks/pe.js';
import { peDedicated } from '../blocks/pe-dedicated.js';
import type { Banks } from './banks.js';
import type { Pipeline } from './pipeline.js';
import type { Plan } from './plan.js';
import { at } from './tables.js';

export interface PeArray {
  /** Per lane: the accumulator (a finished forward dot product after the group's last MAC). */
  readonly accs: readonly Expr[];
  /** Training variants, per lane at stage 2. */
  readonly training?: {
    /** The backward product, zero on lanes beyond the group's outputs (the tree's inputs). */
    readonly backwardTerms: readonly Expr[];
    readonly gradients: readonly Expr[];
    /** The lane holds one of the group's outputs. */
    readonly laneOn: readonly Signal[];
  };
}

export function peArray(m: Module, plan: Plan, pipe: Pipeline, banks: Banks): PeArray {
  const { P } = plan;
  const { s1 } = pipe;
  const weights = banks.weights.rdata;
  const accs: Expr[] = [];
  const t1 = s1.training;
  const errors = banks.errors;
  // a padding lane's PE (no neuron in the group, §4) holds still: its result is never used
  const held = Array.from({ length: P }, (_, q) => (q < plan.fullLanes ? undefined : m.wire(`lane${q}_held_s1`, s1.laneCount.gt(q))));
  const enable = (q: number) => held[q]?.and(s1.valid) ?? s1.valid;
  if (!t1 || !errors) {
    const peModule = mac(plan.pe);
    weights.forEach((weight, q) => accs.push(m.instance(`pe${q}`, peModule, { weight, act: pipe.actOperand, en: enable(q), first: s1.first }).out('acc')));
    return { accs };
  }
  const { dedicated } = plan;
  const peModule = dedicated ? peDedicated(plan.pe) : pe(plan.pe);
  const productBits = plan.backwardBits;
  const backwardTerms: Expr[] = [];
  const gradients: Expr[] = [];
  const laneOn: Signal[] = [];
  for (let q = 0; q < P; q++) {
    const peI = m.instance(`pe${q}`, peModule, {
      op: t1.op,
      weight: at(weights, q),
      act: pipe.actOperand,
      err: at(errors.rdata, q),
      en: enable(q),
      // Forward accumulates a dot product; backward and update pass each product through.
      first: dedicated ? s1.first : s1.first.or(t1.op.ne(PE_OP.forward)),
    });
    const acc = peI.out('acc');
    accs.push(acc);
    // The backward term and the gradient: the shared accumulator (after a `first` cycle) or the
    // dedicated multipliers' own registers.
    const bwdTerm = dedicated ? peI.out('bwd_product') : acc.truncate(productBits);
    gradients.push(dedicated ? peI.out('grad_product') : acc.truncate(plan.gradientBits));
    // (a register: the comparison is made at stage 1, off the backward tree's input path)
    const on = m.flop(`lane${q}_valid_s2`, s1.laneCount.gt(q));
    laneOn.push(on);
    // Backward: the lane's product, zero on padding lanes.
    backwardTerms.push(mux(on, bwdTerm, lit(0, SInt(productBits))));
  }
  return { accs, training: { backwardTerms, gradients, laneOn } };
}
