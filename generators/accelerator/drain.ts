/**
 * The drain (docs/ARCHITECTURE.md §4): one shared unit that takes a finished forward group's P
 * accumulators and requantises them one lane per cycle, writing hidden activations to the
 * activation buffer, or in the output layer tracking the argmax and writing the output errors
 * e = requant(z − target) to the error banks, where it shares the write port with the backward
 * pass's deltas.
 */
import { Bool, SInt, UInt, lit, mux, type Expr, type Module, type Signal } from '../../src/hdl/index.js';
import { activation } from '../blocks/activation.js';
import { requant } from '../blocks/requant.js';
import type { Deltas } from './backward.js';
import type { Banks } from './banks.js';
import { forwardLast, type Pipeline } from './pipeline.js';
import type { Plan } from './plan.js';
import type { LayerInfo } from './controller-ports.js';
import { perLayerUnit } from './per-layer.js';

export interface DrainState {
  readonly busy: Signal;
  readonly left: Signal;
  /** The output (neuron) index of the lane being drained. */
  readonly neuron: Signal;
  /** The lane and group being drained (training variants: where the output error goes). */
  readonly training?: { readonly lane: Signal; readonly group: Signal };
  /** A forward group's last MAC is in stage 1 or 2 (driven by drain()). */
  readonly pendingCapture: Signal;
  /** The drain will be free for the next group's capture when a new group starts now. */
  readonly willBeFree: Signal;
}

/** The drain's registers, declared before the pipeline because the controller's issue waits on them; `layer` is the controller's current layer. */
export function drainState(m: Module, plan: Plan, layer: LayerInfo<Expr>): DrainState {
  const { P, bits, trains } = plan;
  const busy = m.reg('drain_busy', Bool, { init: 0 });
  const left = m.reg('drain_left', UInt(bits.lanes), { init: 0 });
  const lane = trains ? m.reg('drain_lane', UInt(bits.lane), { init: 0 }) : undefined;
  const neuron = m.reg('drain_j', UInt(bits.neuron), { init: 0 });
  const group = trains ? m.reg('drain_grp', UInt(bits.errorAddr), { init: 0 }) : undefined;
  // Forward groups finish every rowLen cycles and the drain needs up to P cycles per group,
  // so with rowLen ≥ P the drain always keeps up (a capture may coincide with its last
  // element). Smaller layers wait until the drain is idle and no capture is on its way.
  const pendingCapture = m.wire('pending_capture', Bool);
  // (With skipZeroInputs layer 1's rows are input_count + 1 issues long.)
  // Registered: the layer and the sample's pair count settle in fwd_init, a cycle before fwd.
  const rowsLong = m.flop('drain_rows_long', layer.pairCount ? mux(layer.isFirst, layer.pairCount.ge(P - 1), layer.rowLen.ge(P)) : layer.rowLen.ge(P));
  const willBeFree = m.wire('drain_will_be_free', rowsLong.or(busy.or(pendingCapture).not()));
  const common = { busy, left, neuron, pendingCapture, willBeFree };
  return lane && group ? { ...common, training: { lane, group } } : common;
}

export interface Drain {
  /** The argmax of the output layer's accumulators: the predicted class. */
  readonly bestIndex: Signal;
  /** skipZeroActivations (§16): per activation-buffer word, whether the activation written there is non-zero. */
  readonly actNonZero?: Signal;
}

/**
 * The drain's logic. `accs` are the PEs' accumulators; `restart` (the controller's request when a
 * forward layer starts) sets the neuron index back to 0; `deltas` (training variants) the backward
 * pass's writes into the error banks of the layer below.
 */
export function drain(
  m: Module,
  plan: Plan,
  state: DrainState,
  at: {
    readonly layer: LayerInfo<Expr>;
    readonly restart: Expr;
    readonly banks: Banks;
    readonly pipe: Pipeline;
    readonly accs: readonly Expr[];
    /** Gate the shift registers' clock (an ASIC target, memories/target.ts clockGated). */
    readonly gate?: boolean;
  },
  deltas?: Deltas,
): Drain {
  const { cfg, P, bits } = plan;
  const { layer, banks, pipe } = at;
  const capture = m.wire('drain_capture', forwardLast(pipe.s2));
  const regs: Signal[] = [];
  // Capture the group's accumulators, then shift them down one lane per cycle; idle otherwise
  // (most cycles), so on an ASIC their clock is gated off then.
  m.gated(
    'drain',
    capture.or(state.busy),
    () => {
      for (let q = 0; q < P; q++) regs.push(m.reg(`drain${q}`, SInt(cfg.accBits)));
      regs.forEach((r, q) => {
        const next = regs[q + 1];
        m.when(capture, () => r.set(at.accs[q] ?? r)).elsewhen(state.busy, () => {
          if (next) r.set(next);
        });
      });
    },
    at.gate ?? false,
  );
  const z = regs[0] ?? lit(0, SInt(cfg.accBits));
  const drained = heldLayer(m, layer, capture, plan.sparseBackward);
  const actOut = hiddenActivation(m, plan, drained.index, z);
  const outputLayer = m.wire('drain_output_layer', state.busy.and(drained.isOutput));
  const bestIndex = argmax(m, plan, outputLayer, state.neuron, z);
  neuronCount(m, state, at.restart, capture);
  const tr = state.training;
  m.when(capture, () => {
    state.busy.set(1);
    state.left.set(pipe.s2.laneCount.truncate(bits.lanes));
    if (tr && pipe.s2.training) {
      tr.lane.set(0);
      tr.group.set(pipe.s2.training.group);
    }
  }).elsewhen(state.busy, () => {
    state.left.set(state.left.dec());
    state.busy.set(state.left.ne(1));
    tr?.lane.set(tr.lane.inc());
  });
  m.assign(state.pendingCapture, forwardLast(pipe.s1).or(forwardLast(pipe.s2)));
  // Activation buffer writes (hidden layers), one register stage after the activation unit. The
  // next layer starts without waiting for them (docs/ARCHITECTURE.md §4): its read of activation
  // j comes a cycle after the write of j at the earliest, both one per cycle.
  const actWrite = m.flop('act_we_q', state.busy.and(drained.isOutput.not()), { init: 0 });
  const actAddr = m.flop('act_waddr_q', drained.outActBase.add(state.neuron).truncate(bits.actAddr));
  const actData = m.flop('act_wdata_q', actOut);
  m.assign(banks.act.we, actWrite);
  m.assign(banks.act.waddr, actAddr);
  m.assign(banks.act.wdata, actData);
  const sample = layer.training;
  // skipZeroActivations (§16): which activations are non-zero, and the zero ones' errors
  const actNonZero = plan.sparseBackward ? nonZeroMap(m, plan, actWrite, actAddr, actData) : undefined;
  if (deltas && tr && banks.errors && sample) {
    const hiddenZero = actNonZero ? m.wire('err_zero_d1', actWrite.and(actData.orR().not()).and(sample.train)) : undefined;
    const errorBase = drained.errorBase ?? sample.errorBase;
    outputErrors(
      m,
      plan,
      { z, outputLayer, lane: tr.lane, group: tr.group, neuron: state.neuron, sample, errorBase, hiddenZero, errors: banks.errors },
      deltas,
    );
  }
  return actNonZero ? { bestIndex, actNonZero } : { bestIndex };
}

/**
 * The argmax of the output layer's sums, one register stage behind the drain (for timing, like
 * its writes): its last update lands in the cycle fwd_wait sees the drain idle, before emit reads
 * best_index.
 */
function argmax(m: Module, plan: Plan, outputLayer: Expr, neuron: Expr, z: Expr): Signal {
  const { cfg, sizes, bits } = plan;
  const best = m.reg('best_z', SInt(cfg.accBits));
  const bestIndex = m.reg('best_index', UInt(sizes.labelBits), { init: 0 });
  const argOn = m.flop('argmax_on_d1', outputLayer, { init: 0 });
  const argFirst = m.flop('argmax_first_d1', neuron.eq(0));
  const argZ = m.flop('argmax_z_d1', z);
  const argJ = m.flop('argmax_j_d1', neuron.truncate(Math.min(bits.neuron, sizes.labelBits)));
  m.when(argOn.and(argFirst.or(argZ.gt(best))), () => {
    best.set(argZ);
    bestIndex.set(argJ);
  });
  return bestIndex;
}

/**
 * skipZeroActivations (§16): a bit per activation-buffer word, set as the drain writes a non-zero
 * activation there and cleared as it writes a zero one; the backward pass walks its layer's bits.
 */
function nonZeroMap(m: Module, plan: Plan, we: Expr, waddr: Expr, wdata: Expr): Signal {
  const depth = plan.sizes.actDepth;
  const map = m.reg('act_nonzero', UInt(depth), { init: 0 });
  const one = lit(1, UInt(1)).shl(waddr);
  const hot = m.wire('act_nonzero_hot', one.width >= depth ? one.truncate(depth) : one.zext(depth));
  m.when(we, () => map.set(map.and(hot.not()).or(mux(wdata.orR(), hot, lit(0, UInt(depth))))));
  return map;
}

/**
 * The output error e = requant(z − target), target 1.0 at the label, written to the error banks
 * in two register stages (the difference, then the requantised error): the write lands at most
 * one cycle after the drain goes idle, still before bwd_init / upd_init's first error read.
 * The error banks' write port is shared with the backward pass's deltas, which come later.
 */
function outputErrors(
  m: Module,
  plan: Plan,
  d: {
    readonly z: Expr;
    readonly outputLayer: Expr;
    readonly lane: Expr;
    readonly group: Expr;
    readonly neuron: Expr;
    readonly sample: NonNullable<LayerInfo<Expr>['training']>;
    /** The error base of the layer being drained (held from its capture with skipZeroActivations). */
    readonly errorBase: Expr;
    /** skipZeroActivations (§16): a zero hidden activation of a training sample, at the d1 stage: its error 0 is written. */
    readonly hiddenZero?: Expr;
    readonly errors: NonNullable<Banks['errors']>;
  },
  deltas: Deltas,
): void {
  const { cfg, bits } = plan;
  const { sample } = d;
  // Only the output layer writes output errors: its formats are constants.
  const out = plan.arith[plan.L - 1];
  if (!out) throw new RangeError('generator bug: no output layer');
  const isLabel = m.wire('drain_is_label', d.neuron.eq(sample.label));
  const one = lit(1n << BigInt(out.zFrac), SInt(cfg.accBits));
  const target = mux(isLabel, one, lit(0, SInt(cfg.accBits)));
  // stage 1: the difference and where it goes; stage 2: the requantised error
  const write1 = m.flop('err_we_d1', d.outputLayer.and(sample.train), { init: 0 });
  const diff = m.flop('err_diff_d1', d.z.sub(target));
  const lane1 = m.flop('err_lane_d1', d.lane);
  const addr1 = m.flop('err_waddr_d1', d.errorBase.add(d.group).truncate(bits.errorAddr));
  const errUnit = m.instance(
    'error_unit',
    requant({ accBits: cfg.accBits + 1, accFrac: out.zFrac, out: { ...out.error, signed: true }, rounding: 'nearest' }),
    {
      acc: diff,
    },
  );
  const zero = d.hiddenZero;
  const fromDrain = m.flop('error_from_drain', zero ? write1.or(zero) : write1, { init: 0 });
  const lane2 = m.flop('err_lane_d2', lane1);
  const addr2 = m.flop('err_waddr_d2', addr1);
  const q = errUnit.out('q');
  const e2 = m.flop('err_wdata_d2', zero ? mux(zero, lit(0, q.type), q) : q);
  const e = d.errors;
  e.we.forEach((we, q) => m.assign(we, mux(fromDrain, lane2.eq(q), deltas.store.and(deltas.lane.eq(q)))));
  m.assign(e.waddr, mux(fromDrain, addr2, sample.lowerErrorBase.add(deltas.group).truncate(bits.errorAddr)));
  m.assign(e.wdata, mux(fromDrain, e2, deltas.delta));
}

/**
 * What the drain needs of the layer it drains, held from the capture of a group: the controller
 * moves on to the next layer while the last group of a hidden layer drains (§4).
 */
function heldLayer(
  m: Module,
  layer: LayerInfo<Expr>,
  capture: Expr,
  withErrorBase: boolean,
): { readonly index?: Expr; readonly isOutput: Expr; readonly outActBase: Expr; readonly errorBase?: Expr } {
  const held = (name: string, v: Expr) => {
    const r = m.reg(name, UInt(v.width));
    m.when(capture, () => r.set(v));
    return r;
  };
  const isOutput = held('drain_is_output', layer.isOutput);
  const outActBase = held('drain_out_act_base', layer.outActBase);
  // (skipZeroActivations) a hidden layer's zero errors go to its own region, not the next layer's
  const base = withErrorBase ? layer.training?.errorBase : undefined;
  return {
    ...(layer.index ? { index: held('drain_layer', layer.index) } : {}),
    isOutput,
    outActBase,
    ...(base ? { errorBase: held('drain_error_base', base) } : {}),
  };
}

/**
 * The output index of the lane being drained: one more each busy cycle, from 0 at the first
 * capture after `restart` (a layer's start): the restart comes at the next layer's fwd_init,
 * while the last group of this one may still drain (§4), so it waits for that capture.
 */
function neuronCount(m: Module, state: DrainState, restart: Expr, capture: Expr): void {
  const pending = m.reg('drain_restart_pending', Bool, { init: 0 });
  m.when(restart, () => pending.set(1)).elsewhen(capture, () => pending.set(0));
  m.when(state.busy, () => state.neuron.set(state.neuron.inc()));
  m.when(capture.and(restart.or(pending)), () => state.neuron.set(0));
}

/** Each hidden layer's sums (Wf + Af fraction bits) to its output format (the next layer's act), selected by `layer` when they differ. */
function hiddenActivation(m: Module, plan: Plan, layer: Expr | undefined, z: Expr): Expr {
  const { cfg } = plan;
  const at0 = plan.arith[0];
  if (!at0) throw new RangeError('generator bug: no weight layer');
  return perLayerUnit(
    m,
    'act_unit',
    layer,
    plan.arith.map((a) => (a.outAct ? { zFrac: a.zFrac, act: { ...a.outAct, signed: false } } : undefined)),
    (p) => activation({ zBits: cfg.accBits, zFrac: p.zFrac, act: p.act, hidden: cfg.hidden, rounding: 'nearest' }),
    { z },
    'a',
    { zFrac: at0.zFrac, act: { ...at0.act, signed: false } },
  );
}
