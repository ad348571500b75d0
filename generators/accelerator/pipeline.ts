/**
 * The issue pipeline (docs/ARCHITECTURE.md §4): the controller raises `issue` with the issue's
 * flags; stage 1 is the cycle after (the memories' read data is valid: the activation operand is
 * selected there), stage 2 the cycle after that (the PEs' products are registered). Each stage
 * carries the flags and the metadata the later units need.
 */
import { UInt, mux, type Expr, type Module, type Signal } from '../../src/hdl/index.js';
import { PE_OP } from '../blocks/pe.js';
import type { Banks } from './banks.js';
import type { Plan } from './plan.js';
import type { ControllerOutputs, IssueInfo } from './controller-ports.js';
import { perLayerConstant } from './per-layer.js';

/** What the controller drives for an issue (all default to "no issue"); `op` is forward, backward or gradient (training variants). */
export type IssueFlags = ControllerOutputs<Expr>['issue'];

interface StageFlags {
  readonly valid: Signal;
  readonly last: Signal;
  readonly laneCount: Signal;
  /** The issuing layer (per-layer arithmetic only: it selects the layer's constants and units). */
  readonly layer?: Signal;
}

export interface Stage1 extends StageFlags {
  readonly first: Signal;
  readonly bias: Signal;
  readonly fromInput: Signal;
  readonly training?: {
    readonly op: Signal;
    readonly addr: Signal;
    readonly group: Signal;
    readonly colLane: Signal;
    readonly colGroup: Signal;
    /** A gradient issue: the update reads its weight now (stage 2 has its product). */
    readonly isUpdate: Signal;
  };
}

export interface Stage2 extends StageFlags {
  readonly training?: {
    readonly op: Signal;
    readonly first: Signal;
    readonly addr: Signal;
    readonly group: Signal;
    /** An update is at the update units: a gradient issue, or (dedicated) a fused one. */
    readonly isUpdate: Signal;
    /** A gradient issue, whose weight single-port banks read now (a fused issue read it at the issue). */
    readonly readsWeight: Signal;
    /** A backward product for the adder tree: a backward issue, or a fused one outside the bias column. */
    readonly isBackward: Signal;
    /** (dedicated) A fused issue: the update's weight is the one its backward product read. */
    readonly isFused?: Signal;
  };
}

export interface Pipeline {
  readonly issue: IssueFlags;
  readonly s1: Stage1;
  readonly s2: Stage2;
  /** The activation operand at stage 1: the bias input 1.0, the input, or the activation buffer. */
  readonly actOperand: Signal;
}

/**
 * The controller's issue (`issue`, its flags, `info` its metadata) through stage 1 and stage 2;
 * `layerIndex` (per-layer arithmetic) is the controller's layer register, carried along.
 */
export function pipeline(m: Module, plan: Plan, issue: IssueFlags, info: IssueInfo<Expr>, banks: Banks, layerIndex?: Expr): Pipeline {
  const { K } = plan;
  const A = UInt(plan.formats.act.bits);
  const tr = info.colLane && info.colGroup ? { colLane: info.colLane, colGroup: info.colGroup } : undefined;
  const valid = m.flop('s1_valid', issue.issue, { init: 0 });
  const first = m.flop('s1_first', issue.first);
  const last = m.flop('s1_last', issue.last);
  const bias = m.flop('s1_bias', issue.bias);
  const fromInput = m.flop('s1_from_input', issue.fromInput);
  const inLane = info.inLane ? m.flop('s1_in_lane', info.inLane) : undefined;
  const s1Op = issue.op ? m.flop('s1_op', issue.op) : undefined;
  const s1Addr = tr ? m.flop('s1_waddr', info.addr) : undefined;
  const laneCount = m.flop('s1_lane_count', info.laneCount);
  const s1Layer = layerIndex ? m.flop('s1_layer', layerIndex) : undefined;
  const errorAddrBits = plan.bits.errorAddr;
  const s1Group = tr ? m.flop('s1_grp', info.group.zext(Math.max(plan.bits.group, errorAddrBits)).truncate(errorAddrBits)) : undefined;
  const s1Col = tr
    ? {
        lane: m.flop('s1_col_lane', tr.colLane),
        group: m.flop('s1_col_grp', tr.colGroup),
      }
    : undefined;

  // The input operand: a lane of the input word, or the issued pair's value.
  let inValue: Signal;
  const pair = banks.input.pair;
  if (pair) inValue = m.flop('s1_input', pair.value);
  else {
    inValue = m.wire('in_lane_value', A);
    const word = banks.input.rdata;
    const laneOf = (t: number) => word.slice((t + 1) * plan.formats.act.bits - 1, t * plan.formats.act.bits);
    if (K === 1) m.assign(inValue, word);
    else if (inLane) {
      const v = inValue;
      v.set(laneOf(0));
      m.switch(inLane, (c) => {
        for (let t = 1; t < K; t++) c.is(t, () => v.set(laneOf(t)));
      });
    }
  }
  // The bias input 1.0 in the format of the layer's inputs.
  const one = perLayerConstant(
    m,
    's1_act_one',
    s1Layer,
    plan.arith.map((a) => 2 ** a.act.frac),
    plan.formats.act.bits,
  );
  const actOperand = m.wire('act_operand', mux(bias, one, mux(fromInput, inValue, banks.act.rdata)));

  const s2Valid = m.flop('s2_valid', valid, { init: 0 });
  const s2Op = s1Op ? m.flop('s2_op', s1Op) : undefined;
  const s2Last = m.flop('s2_last', last);
  const s2First = tr ? m.flop('s2_first', first) : undefined;
  const s2Addr = s1Addr ? m.flop('s2_waddr', s1Addr) : undefined;
  const s2LaneCount = m.flop('s2_lane_count', laneCount);
  const s2Layer = s1Layer ? m.flop('s2_layer', s1Layer) : undefined;
  const s2Group = s1Group ? m.flop('s2_grp', s1Group) : undefined;

  const s1: Stage1 = { valid, first, last, bias, fromInput, laneCount, ...(s1Layer ? { layer: s1Layer } : {}) };
  const s2: Stage2 = { valid: s2Valid, last: s2Last, laneCount: s2LaneCount, ...(s2Layer ? { layer: s2Layer } : {}) };
  if (!(s1Op && s2Op && s1Addr && s2Addr && s1Group && s2Group && s1Col && s2First)) return { issue, s1, s2, actOperand };
  // (taxonn: every update is a gradient issue)
  const s2Gradient = m.wire(plan.fusedUpdate ? 's2_is_gradient' : 's2_is_update', s2Valid.and(s2Op.eq(PE_OP.gradient)));
  // The update reads its weight one cycle after the issue (the PE's gradient needs no weight),
  // so the read data meets the registered product at stage 2 without a holding register.
  const s1IsUpdate = m.wire('s1_is_update', valid.and(s1Op.eq(PE_OP.gradient)));
  const s2Backward = s2Valid.and(s2Op.eq(PE_OP.backward));
  const s2Flags = plan.fusedUpdate
    ? fusedStage2(m, { valid: s2Valid, op: s2Op, gradient: s2Gradient, backward: s2Backward, bias })
    : { isUpdate: s2Gradient, readsWeight: s2Gradient, isBackward: m.wire('s2_is_backward', s2Backward) };
  return {
    issue,
    s1: { ...s1, training: { op: s1Op, addr: s1Addr, group: s1Group, colLane: s1Col.lane, colGroup: s1Col.group, isUpdate: s1IsUpdate } },
    s2: { ...s2, training: { op: s2Op, first: s2First, addr: s2Addr, group: s2Group, ...s2Flags } },
    actOperand,
  };
}

/**
 * The dedicated variant's stage-2 flags: a fused issue (backward and update of one weight, §9)
 * is an update and, outside the bias column, a backward product; its weight was read at the issue.
 */
function fusedStage2(
  m: Module,
  at: { readonly valid: Expr; readonly op: Expr; readonly gradient: Signal; readonly backward: Expr; readonly bias: Expr },
): { isUpdate: Signal; readsWeight: Signal; isBackward: Signal; isFused: Signal } {
  const isFused = m.wire('s2_is_fused', at.valid.and(at.op.eq(PE_OP.fused)));
  const bias = m.flop('s2_bias', at.bias);
  return {
    isUpdate: m.wire('s2_is_update', at.gradient.or(isFused)),
    readsWeight: at.gradient,
    isBackward: m.wire('s2_is_backward', at.backward.or(isFused.and(bias.not()))),
    isFused,
  };
}

/** A forward group's last MAC at a stage (every issue is forward in the inference variant). */
export function forwardLast(stage: { readonly valid: Expr; readonly last: Expr; readonly training?: { readonly op: Expr } }): Expr {
  const v = stage.training ? stage.valid.and(stage.training.op.eq(PE_OP.forward)) : stage.valid;
  return v.and(stage.last);
}
