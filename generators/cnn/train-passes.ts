/**
 * The training passes of a network with convolution wired into the accelerator's top
 * (docs/ARCHITECTURE.md §18 "Training"): which walk drives the PEs in each training state, the
 * memories' ports they share, and what the states wait for. Per weight layer k from the output
 * down: the backward sums cleared (k ≥ 1), the backward pass (the update walk without the bias
 * column: a weight read once per column, each issue W·e into the adder tree and the tap's sum), the
 * error pass (the errors of layer k − 1), then the update (every weight's gradient over the
 * positions, one rounding). The PEs, the weight banks and the map buffers are the forward pass's.
 */
import { volume, weightLayers } from '../../src/config/network.js';
import { Bool, SInt, UInt, lit, mux, type Expr, type Module, type Signal } from '../../src/hdl/index.js';
import { PE_OP } from '../blocks/pe.js';
import { perLayerConstant } from '../accelerator/per-layer.js';
import type { BankPorts } from '../accelerator/banks.js';
import { clockGated, type MemoryTarget } from '../memories/target.js';
import type { Drain, MacStages, PoolUnit } from './datapath.js';
import { trainOf, weightStepOf as stepOf, type CnnPlan } from './plan.js';
import {
  backwardSums,
  cnnUpdates,
  errorFlags,
  errorPass,
  errorWrites,
  outputErrors,
  singlePortTraining,
  trainBanks,
  type ErrorWrite,
  type TrainBanks,
} from './training.js';
import { errorWalk, updateWalk, type ErrorWalk, type UpdateWalk } from './train-walks.js';
import { anyTrainSkips, trainIssue, trainSkips, type TrainIssue } from './train-issue.js';
import { held, inGated } from './gating.js';
import { stepTable, toWidth } from './walks.js';

/** The states the passes run in (top.ts's FSM). */
export interface TrainStates {
  readonly step_init: Signal;
  readonly conv: Signal;
  readonly tr_init: Signal;
  readonly clear: Signal;
  readonly bwd: Signal;
  readonly bwd_wait: Signal;
  readonly err: Signal;
  readonly err_wait: Signal;
  readonly upd: Signal;
  readonly upd_wait: Signal;
}

export interface TrainPasses {
  /** The backward pass's walk starts (the sums are cleared). */
  readonly backwardStart: Expr;
  readonly updIssue: Signal;
  /** The backward pass's issue: the update walk's order without the bias (every other cycle with single-port memories). */
  readonly bwdIssue: Signal;
  /** The update walk drives the PEs and reads the layer's input map (the backward pass and the update). */
  readonly walkDrives: Expr;
  readonly uw: UpdateWalk;
  /** The map buffer the update and the error pass read, the error pass's address, and a read of either. */
  readonly updReadsOdd: Expr;
  readonly errReadsOdd: Expr;
  readonly errMapAddr: Expr;
  readonly mapRead: Expr;
  /** The update walk's issue where the stages take it: a cycle after the walk when a layer skips zeros (train-issue.ts), `mapValue` then its x. */
  issue(mapValue: Expr): TrainIssue;
  /** The PEs' operation and error operands (assigns the error banks' read port). */
  pe(t: TrainIssue): { op: Expr; zero: Expr; errors: readonly Expr[] };
  /** A pool step's output base and its kept places. */
  poolKeeps(step: Expr): { outStart: Expr; argStart: Expr; keeps: Expr };
  finish(at: FinishInputs): {
    weightRead: { ren: Expr; addr: Expr };
    weightWrite: { we: readonly Expr[]; addr: Expr; wdata: readonly Expr[] };
    run: {
      layerStep: Expr;
      clearDone: Expr;
      bwdLast: Expr;
      backwardQuiet: Expr;
      errLast: Expr;
      errQuiet: Expr;
      updLast: Expr;
      updQuiet: Expr;
    };
  };
}

export interface FinishInputs {
  readonly st: MacStages;
  readonly dr: Drain;
  readonly pool: PoolUnit;
  readonly mapValue: Expr;
  /** The update walk's issue (TrainPasses.issue). */
  readonly issue: TrainIssue;
  readonly convIssue: Expr;
  readonly output: Expr;
  readonly rx: { readonly train?: Expr; readonly label?: Expr };
  /** A sample starts (its header arrives): the groups' error flags clear. */
  readonly sampleStart: Expr;
  /** The weight banks' read data, per lane. */
  readonly weights: readonly Expr[];
}

/** The training passes of `plan` (which must train); `layer` is the weight layer being trained, `clearAddr` the sums' clear counter. */
export function trainPasses(
  m: Module,
  plan: CnnPlan,
  s: TrainStates,
  layer: Signal,
  clearAddr: Signal,
  target: MemoryTarget,
  /** The dedicated variant's learning-rate input (Q0.16). */
  learningRate?: Expr,
): TrainPasses {
  const tp = trainOf(plan);
  const perLayer = perLayerTable(m, plan, layer);
  const banks = trainBanks(m, plan, target);
  const clearDone = m.wire('clear_done', clearAddr.eq(perLayer('clear_last', (k) => (k > 0 ? volume(stepOf(plan, k).in) - 1 : 0))));
  const backwardStart = m.wire('backward_start', s.clear.and(clearDone));
  const backwardQuiet = m.wire('backward_quiet', Bool);
  const errQuiet = m.wire('err_quiet', Bool);
  const gate = clockGated(target);
  const walk = walkIssues(m, plan, s, layer, perLayer, s.tr_init.and(layer.eq(0)).or(s.err_wait.and(errQuiet)).or(backwardStart), gate);
  const { uw, updIssue, bwdIssue, gradIssue } = walk;
  // a backward pass that skips zero inputs reads them too
  const skips = trainSkips(plan);
  const bwdReads = skips.backward.some(Boolean) ? bwdIssue.and(perLayer('bwd_reads_map', (k) => (skips.backward[k] ? 1 : 0)).eq(1)) : lit(0, Bool);
  const errIssue = plan.L > 1 ? m.wire('err_issue', s.err) : undefined;
  const ew = errIssue ? errorWalk(m, plan, layer, s.bwd_wait.and(backwardQuiet), errIssue, gate) : undefined;
  return {
    backwardStart,
    updIssue,
    bwdIssue,
    walkDrives: m.wire('update_walk_drives', s.upd.or(s.bwd)),
    uw,
    updReadsOdd: perLayer('upd_reads_odd', (k) => (tp.layerStep[k] ?? 0) % 2).eq(1),
    errReadsOdd: ew?.mapOdd ?? lit(0, Bool),
    errMapAddr: ew?.mapAddr ?? lit(0, UInt(plan.bits.mapAddr)),
    mapRead: m.wire(
      'train_map_ren',
      gradIssue
        .or(bwdReads)
        .and(uw.inside)
        .and(uw.bias.not())
        .or(errIssue ?? lit(0, Bool)),
    ),
    issue: (mapValue) => trainIssue(m, plan, walk, layer, mapValue, gate),
    pe: (t) => peOperands(m, banks, walk.fused !== undefined, t),
    poolKeeps: (step) => poolKeeps(m, plan, step),
    finish: (at) =>
      finishPasses(m, plan, { s, layer, clearAddr, banks, ...walk, ew, errIssue, backwardQuiet, errQuiet, clearDone, perLayer, target, learningRate }, at),
  };
}

/**
 * The update walk and its issues. It runs twice per layer: the backward pass (no bias column),
 * then the update; the dedicated variant's fused schedule runs it once, backward and update
 * together, with the bias. Single-port memories: the backward pass, and the update of a layer
 * with one position (a weight read and the write of the column before in one cycle), issue every
 * other cycle, and with the fused schedule an issue waits while a write-back takes the banks.
 */
function walkIssues(m: Module, plan: CnnPlan, s: TrainStates, layer: Signal, perLayer: PerLayerTable, start: Expr, gate: boolean) {
  const tp = trainOf(plan);
  const slot = singlePortTraining(plan) ? m.reg('train_slot', Bool, { init: 0 }) : undefined;
  slot?.set(slot.not());
  const halfUpdate = slot ? mux(perLayer('upd_half_rate', (k) => (tp.positions[k] === 1 ? 1 : 0)).eq(1), slot, lit(1, Bool)) : undefined;
  const updIssue = m.wire('upd_issue', Bool);
  const bwdIssue = m.wire('bwd_issue', Bool);
  const fused = plan.fusedUpdate ? s.bwd : undefined;
  const uw = updateWalk(m, plan, layer, start, updIssue.or(bwdIssue), fused ? lit(0, Bool) : s.bwd, gate);
  // a column's setup cycle (a layer with padding) issues nothing
  const updOn = s.upd.and(uw.setup.not());
  m.assign(updIssue, halfUpdate ? updOn.and(halfUpdate) : updOn);
  const portBusy = fused && slot ? m.wire('fused_port_busy', Bool) : undefined;
  const bwdOn = portBusy ? s.bwd.and(uw.setup.not()).and(portBusy.not()) : s.bwd.and(uw.setup.not());
  m.assign(bwdIssue, slot ? bwdOn.and(slot) : bwdOn);
  return {
    uw,
    updIssue,
    bwdIssue,
    fused,
    portBusy,
    /** An issue whose gradient the update takes. */
    gradIssue: fused ? updIssue.or(bwdIssue) : updIssue,
  };
}

/** The PEs' operation and error operands: both passes read a position's errors at each issue that works. */
function peOperands(m: Module, banks: TrainBanks, fused: boolean, t: TrainIssue) {
  const e = banks.errors;
  m.assign(e.ren, t.valid.and(t.work));
  m.assign(e.raddr, t.errAddr);
  const op = (o: keyof typeof PE_OP) => lit(PE_OP[o], UInt(2));
  return {
    op: mux(t.bwd, op(fused ? 'fused' : 'backward'), mux(t.upd, op('gradient'), op('forward'))),
    zero: t.grad.and(t.inside.not()),
    errors: e.rdata,
  };
}

/** A pool step's output base and its kept places. */
function poolKeeps(m: Module, plan: CnnPlan, step: Expr) {
  const tp = trainOf(plan);
  const t = (name: string, f: (i: number) => number) =>
    stepTable(
      m,
      name,
      step,
      plan.steps.map((x, i) => (x.kind === 'pool' ? f(i) : 0)),
    );
  return {
    outStart: t('pool_out_start', (i) => tp.mapBase[i + 1] ?? 0),
    argStart: t('pool_arg_start', (i) => Math.max(0, tp.argBase[i] ?? 0)),
    keeps: t('pool_keeps', (i) => ((tp.argBase[i] ?? -1) >= 0 ? 1 : 0)).eq(1),
  };
}

type PerLayerTable = (name: string, f: (k: number) => number) => Signal;

/** A table over the weight layer being trained: entry k is f(k). */
const perLayerTable =
  (m: Module, plan: CnnPlan, layer: Signal) =>
  (name: string, f: (k: number) => number): Signal =>
    stepTable(
      m,
      name,
      layer,
      Array.from({ length: plan.L }, (_, k) => f(k)),
    );

/** What trainPasses built before the forward datapath exists, for finishPasses. */
interface PassesSoFar {
  readonly s: TrainStates;
  readonly layer: Signal;
  readonly clearAddr: Signal;
  readonly banks: TrainBanks;
  readonly uw: UpdateWalk;
  readonly updIssue: Signal;
  readonly bwdIssue: Signal;
  /** An issue whose gradient goes to the update: the update's, or a fused backward pass's. */
  readonly gradIssue: Expr;
  readonly portBusy: Signal | undefined;
  /** The fused backward pass (the dedicated variant's schedule), while it runs. */
  readonly fused: Expr | undefined;
  readonly ew: ErrorWalk | undefined;
  readonly errIssue: Signal | undefined;
  readonly backwardQuiet: Signal;
  readonly errQuiet: Signal;
  readonly clearDone: Expr;
  readonly perLayer: (name: string, f: (k: number) => number) => Signal;
  readonly target: MemoryTarget;
  readonly learningRate: Expr | undefined;
}

/**
 * The passes' parts that need the forward datapath (the PEs' accumulators, the drain, the pool
 * unit): the backward sums, the kept places' ports, the output errors and the error pass into the
 * error banks, the groups' error flags and the update; and what the training states wait for.
 */
function finishPasses(m: Module, plan: CnnPlan, p: PassesSoFar, at: FinishInputs): ReturnType<TrainPasses['finish']> {
  const { s, layer, banks, ew, errIssue } = p;
  const { st, issue: t } = at;
  const bsum = banks.sums
    ? backwardSums(
        m,
        plan,
        { term: t.bwd.and(t.work).and(t.inside).and(t.bias.not()), tapAddr: t.inputIndex, laneCount: t.laneCount },
        st.backward,
        banks.sums,
        { we: s.clear, addr: p.clearAddr },
        { on: errIssue ?? lit(0, Bool), addr: ew?.sumAddr ?? lit(0, UInt(plan.bits.sumAddr)) },
        clockGated(p.target),
      )
    : undefined;
  const pipeBusy = st.busy.or(t.busy);
  m.assign(p.backwardQuiet, pipeBusy.or(bsum?.busy ?? lit(0, Bool)).not());
  if (banks.args) keptPlaces(m, banks.args, at.pool, ew, errIssue);
  const oe = outputErrors(m, plan, {
    on: at.dr.busy.and(at.output).and(at.rx.train ?? lit(0, Bool)),
    z: at.dr.z,
    index: at.dr.index,
    label: at.rx.label ?? lit(0, UInt(1)),
    restart: s.step_init,
  });
  const ep =
    ew && errIssue && banks.sums
      ? errorPass(m, plan, ew, errIssue, layer, { act: at.mapValue, sum: banks.sums.rdata, kept: banks.args?.rdata ?? lit(0, UInt(2)) })
      : undefined;
  const none: ErrorWrite = {
    we: lit(0, Bool),
    lane: lit(0, UInt(plan.bits.lane)),
    addr: lit(0, UInt(plan.bits.errAddr)),
    value: lit(0, SInt(plan.formats.error.bits)),
    group: lit(0, UInt(plan.bits.group)),
  };
  errorWrites(m, banks, [oe, ep ?? none]);
  m.assign(p.errQuiet, ep ? ep.busy.not() : lit(1, Bool));
  const outLayer = lit(plan.L - 1, UInt(layer.width));
  const below = toWidth(layer.sub(1).asUInt(), layer.width);
  const has = errorFlags(m, plan, ep ? [oe, ep] : [oe], ep ? [outLayer, below] : [outLayer], at.sampleStart);
  const upd = updateStage(m, plan, {
    issue: t,
    fused: p.fused,
    layer,
    st,
    has,
    weights: at.weights,
    gate: clockGated(p.target),
    learningRate: p.learningRate,
  });
  // the backward pass reads a column's weights at its first issue: the banks hold them for its other positions
  const bwdRead = m.wire('bwd_weight_ren', t.bwd.and(t.readsColumn));
  // an issue reads the weights in its cycle, or (the stage of train-issue.ts) in the next one
  if (p.portBusy) m.assign(p.portBusy, (anyTrainSkips(plan) ? upd.fusedWriteBackNext : upd.fusedWriteBack) ?? lit(0, Bool));
  return {
    weightRead: { ren: upd.weightRead.ren.or(bwdRead), addr: mux(bwdRead, t.weightAddr, upd.weightRead.addr) },
    weightWrite: upd.weightWrite,
    run: {
      layerStep: p.perLayer('train_step', (k) => trainOf(plan).layerStep[k] ?? 0),
      clearDone: p.clearDone,
      bwdLast: p.bwdIssue.and(p.uw.last),
      backwardQuiet: p.backwardQuiet,
      errLast: ew && errIssue ? errIssue.and(ew.last) : lit(0, Bool),
      errQuiet: p.errQuiet,
      updLast: p.updIssue.and(p.uw.last),
      updQuiet: pipeBusy.not(),
    },
  };
}

/** The max pools' kept places: written by the pool unit in the forward pass, read by the error pass. */
function keptPlaces(m: Module, args: BankPorts, pool: PoolUnit, ew: ErrorWalk | undefined, errIssue: Expr | undefined): void {
  const w = pool.argWrite;
  if (!w) throw new RangeError('generator bug: kept places without a pool that writes them');
  m.assign(args.we, w.we);
  m.assign(args.waddr, toWidth(w.waddr, args.waddr.width));
  m.assign(args.wdata, w.wdata);
  m.assign(args.ren, errIssue ?? lit(0, Bool));
  m.assign(args.raddr, toWidth(ew?.argAddr ?? lit(0, UInt(1)), args.raddr.width));
}

/**
 * The update's stages: at stage 1 the column's weight is read (its last position) and whether its
 * operation is numbered is known (§17: every column of a convolution; a dense layer's non-zero
 * inputs with skipping; with skipZeroErrors only groups with an error); at stage 2 the PEs hold the
 * gradients and the update units write the new weights.
 */
function updateStage(
  m: Module,
  plan: CnnPlan,
  at: {
    readonly issue: TrainIssue;
    /** A fused backward pass (the dedicated variant's schedule): the weight was read at the column's first issue. */
    readonly fused: Expr | undefined;
    readonly layer: Signal;
    readonly st: MacStages;
    readonly has: (layer: Expr, group: Expr) => Expr;
    readonly weights: readonly Expr[];
    readonly gate: boolean;
    readonly learningRate: Expr | undefined;
  },
) {
  const { issue: t, layer, st, cfg } = { ...at, cfg: plan.cfg };
  const groupOk = cfg.skipZeroErrors ? at.has(layer, t.group) : lit(1, Bool);
  const last = t.grad.and(t.lastPos);
  const s1Last = m.flop('upd_s1_last', last, { init: 0 });
  // a column's fields move with its last position (on an ASIC their clock runs only then)
  const f1 = (name: string, e: Expr): Signal => held(m, `upd_s1_${name}`, e, last);
  const r1 = inGated(m, 'upd_s1', at.gate ? m.wire('upd_s1_clock_en', last) : undefined, () => ({
    // a column none of whose issues worked (its gradient is 0) reads and writes no weight
    worked: t.worked ? f1('worked', t.worked) : undefined,
    addr: f1('waddr', t.weightAddr),
    lanes: f1('lanes', t.laneCount),
    ok: f1('group_ok', groupOk),
    bias: f1('bias', t.bias),
    nonzero: t.nonzero ? f1('nonzero', t.nonzero) : undefined,
    fused: at.fused ? f1('fused', at.fused) : undefined,
  }));
  const { worked: s1Worked, addr: s1Addr, lanes: s1Lanes, ok: s1Ok, bias: s1Bias } = r1;
  // a dense layer issues only its non-zero inputs with skipZeroInputs (the first) or skipZeroActivations (§17)
  const kinds = cfg.network ? weightLayers(cfg.network).map((l) => l.kind) : [];
  const sparse = perLayerConstant(
    m,
    'upd_sparse',
    layer,
    kinds.map((kind, k) => (kind === 'dense' && (k === 0 ? cfg.skipZeroInputs : cfg.skipZeroActivations) ? 1 : 0)),
    1,
  ).eq(1);
  // x ≠ 0: carried from the stage that knows it (stage 1's operand is a working issue's), or stage 1's operand
  const nonzero = r1.nonzero ?? st.act.orR();
  const numbered = m.wire('upd_s1_numbered', s1Ok.and(sparse.not().or(s1Bias).or(nonzero)));
  const on = m.flop('upd_s2_last', s1Last, { init: 0 });
  // a fused pass read the column's weights at its first issue and the next column's read replaces
  // them at stage 2: each lane keeps its weight from stage 1 (loaded only then)
  const s1Fused = r1.fused;
  const f2 = (name: string, e: Expr): Signal => held(m, `upd_s2_${name}`, e, s1Last);
  const r2 = inGated(m, 'upd_s2', at.gate ? m.wire('upd_s2_clock_en', s1Last) : undefined, () => ({
    fused: s1Fused ? f2('fused', s1Fused) : undefined,
    worked: s1Worked ? f2('worked', s1Worked) : undefined,
    numbered: f2('numbered', numbered),
    lanes: f2('lanes', s1Lanes),
    waddr: f2('waddr', s1Addr),
  }));
  const s2Fused = r2.fused;
  const weights = s1Fused
    ? at.weights.map((w, q) => {
        const held = m.reg(`lane${q}_fused_w`, w.type);
        m.when(s1Last.and(s1Fused), () => held.set(w));
        return mux(s2Fused ?? lit(0, Bool), held, w);
      })
    : at.weights;
  const stage2 = { on, writes: r2.worked ?? lit(1, Bool), numbered: r2.numbered, laneCount: r2.lanes, waddr: r2.waddr };
  const u = cnnUpdates(m, plan, stage2, st.gradients, weights, layer, { gate: at.gate, learningRate: at.learningRate });
  const read = s1Worked ? s1Last.and(s1Worked) : s1Last;
  return {
    weightRead: { ren: s1Fused ? read.and(s1Fused.not()) : read, addr: s1Addr },
    weightWrite: { we: u.we, addr: stage2.waddr, wdata: u.wdata },
    // a fused pass's write-back at stage 2 in this cycle, or in the next (single-port banks: no issue reads then)
    fusedWriteBack: s2Fused ? on.and(stage2.writes).and(s2Fused) : undefined,
    fusedWriteBackNext: s1Fused ? read.and(s1Fused) : undefined,
  };
}
