/**
 * The accelerator of a network with convolution and pooling (docs/ARCHITECTURE.md §18): the
 * inference variant so far. P MAC PEs compute every weight layer, a convolution position by
 * position and a dense layer as the convolution whose kernel is its whole input; each step (a
 * weight layer or a pool) reads one feature-map buffer and writes the other. The host interface
 * is the dense design's (§6: s_weights, m_weights, s_ctrl, s_sample, m_result, the cycle
 * counters), so the same harness drives both.
 */
import { ConfigError, type Config } from '../../src/config/index.js';
import { Bool, Fsm, UInt, buildModule, lit, mux, type Expr, type Module, type Signal } from '../../src/hdl/index.js';
import { at as entryOf } from '../accelerator/tables.js';
import { CTRL_READBACK, RESULT_BITS, hostPorts, type HostPorts } from '../accelerator/host.js';
import { performanceCounters, topName } from '../accelerator/top.js';
import { weightPort } from '../accelerator/weight-port.js';
import { clockGated, type MemoryTarget } from '../memories/target.js';
import { cnnBanks, drain, macStages, poolUnit, type CnnBanks } from './datapath.js';
import { cnnPlan, type CnnPlan } from './plan.js';
import { trainPasses, type TrainPasses } from './train-passes.js';
import { anySkipsZeros, forwardSkip, stageOneValue } from './forward-skip.js';
import { anyTrainSkips } from './train-issue.js';
import { convWalk, poolWalk, stepTable, type ConvWalk } from './walks.js';
import { inGated } from './gating.js';

const STATES = ['idle', 'load', 'readback', 'rx_head', 'rx_data', 'step_init', 'conv', 'pool', 'step_wait', 'emit'] as const;
/** Training (the taxonn variant) adds, per weight layer from the output down: the sums cleared, the backward pass, the error pass, the update. */
const TRAIN_STATES = ['tr_init', 'clear', 'bwd', 'bwd_wait', 'err', 'err_wait', 'upd', 'upd_wait'] as const;
type State = (typeof STATES)[number] | (typeof TRAIN_STATES)[number];

/** Throws a one-line ConfigError unless the RTL of this network exists. */
export function requireCnnRtl(cfg: Config): void {
  if (cfg.variant === 'inference') return;
  const layers = cfg.network?.layers ?? [];
  const twoPools = layers.findIndex((l, i) => l.kind === 'pool' && layers[i + 1]?.kind === 'pool' && layers.slice(0, i).some((x) => x.kind !== 'pool'));
  if (twoPools >= 0)
    throw new ConfigError(
      `config: layers[${twoPools + 1}] and layers[${twoPools + 2}]: two pools in a row after a weight layer have no training RTL yet (their backward route); variant "inference" builds them (docs/ARCHITECTURE.md §18)`,
    );
}

/** The accelerator of `cfg`, whose `layers` are layer objects with convolution or pooling. */
export function cnnAccelerator(cfg: Config, target: MemoryTarget = {}): Module {
  requireCnnRtl(cfg);
  const plan = cnnPlan(cfg);
  const macros = target.sramMacros?.map((x) => x.cell);
  return buildModule(topName(cfg, target), { ...cfg, ...(macros?.length ? { sramMacros: macros } : {}) }, (m) => {
    const host = hostPorts(m, plan);
    const states: readonly State[] = plan.train ? [...STATES, ...TRAIN_STATES] : STATES;
    const fsm = new Fsm<State>(m, 'state', states, 'idle');
    const inState = Object.fromEntries(states.map((s) => [s, m.wire(`in_${s}`, fsm.is(s))])) as Record<State, Signal>;
    const step = m.reg('step', UInt(plan.bits.step), { init: 0 });
    const banks = cnnBanks(m, plan, target);
    const loadStart = m.wire('load_start', inState.idle.and(host.weightsIn.valid));
    const ctrlFire = m.wire('ctrl_fire', host.ctrl.valid.and(host.ctrl.ready));
    const readbackStart = m.wire('readback_start', ctrlFire.and(host.ctrl.data.eq(CTRL_READBACK)));
    const wp = weightPort(
      m,
      plan,
      host,
      { phases: { idle: inState.idle, load: inState.load, readback: inState.readback }, pulses: { loadStart, readbackStart } },
      banks.weights.rdata,
    );
    const rx = receive(m, plan, host, inState, clockGated(target));
    const tr = plan.train ? trainControl(m, plan, inState) : undefined;
    const passes = tr ? trainPasses(m, plan, inState, tr.layer, tr.clearAddr, target, host.learningRate) : undefined;
    const run = steps(m, plan, step, inState, banks, rx, target, passes);
    mapWrites(m, banks, rx.write, run.writes);
    weightBanks(m, plan, banks, host, wp, { read: run.weightRead, load: inState.load, readback: inState.readback, update: run.weightWrite });
    m.assign(host.result.valid, inState.emit);
    m.assign(host.result.data, run.bestIndex.zext(RESULT_BITS));
    m.assign(host.result.last, inState.emit);
    const lastStep = step.eq(plan.steps.length - 1);
    fsm.build({
      idle: () => {
        m.when(loadStart, () => fsm.goto('load'))
          .elsewhen(readbackStart, () => fsm.goto('readback'))
          .elsewhen(ctrlFire.not().and(host.sample.valid), () => fsm.goto('rx_head'));
      },
      load: () => fsm.transition(wp.load.done, 'idle'),
      readback: () => fsm.transition(wp.readback.done, 'idle'),
      rx_head: () => fsm.transition(rx.headFire, 'rx_data'),
      rx_data: () => fsm.transition(rx.done, 'step_init'),
      step_init: () => m.when(run.isPool, () => fsm.goto('pool')).otherwise(() => fsm.goto('conv')),
      conv: () => fsm.transition(run.convIssue.and(run.convLast), 'step_wait'),
      pool: () => fsm.transition(run.poolLast, 'step_wait'),
      step_wait: () =>
        m.when(run.quiet, () => {
          m.when(lastStep, () => {
            // a training sample trains from the output layer down (tr_init sets the step)
            if (tr && rx.train)
              m.when(rx.train, () => {
                fsm.goto('tr_init');
                tr.layer.set(plan.L - 1);
              }).otherwise(() => fsm.goto('emit'));
            else fsm.goto('emit');
            step.set(0);
          }).otherwise(() => {
            fsm.goto('step_init');
            step.set(step.inc());
          });
        }),
      emit: () => fsm.transition(host.result.ready, 'idle'),
      ...(tr ? trainTransitions(m, fsm, tr, run, step, plan.fusedUpdate) : {}),
    });
    const phases = {
      idle: inState.idle,
      receive: inState.rx_head.or(inState.rx_data),
      forward: inState.step_init.or(inState.conv).or(inState.pool).or(inState.step_wait),
      ...(tr ? { backward: tr.backwardPhase, update: tr.updatePhase } : {}),
      emit: inState.emit,
    };
    performanceCounters(m, Boolean(tr), phases, undefined, host.result.ready, clockGated(target));
  });
}

/** The training sequence's registers and pulses: the weight layer being trained, the sums' clear counter, the walks' starts. */
interface TrainControl {
  readonly layer: Signal;
  readonly clearAddr: Signal;
  readonly backwardPhase: Expr;
  readonly updatePhase: Expr;
}

function trainControl(m: Module, plan: CnnPlan, inState: Record<State, Signal>): TrainControl {
  const layer = m.reg('train_layer', UInt(plan.bits.layer), { init: 0 });
  const clearAddr = m.reg('clear_addr', UInt(plan.bits.sumAddr), { init: 0 });
  const s = inState;
  return {
    layer,
    clearAddr,
    backwardPhase: m.wire('phase_backward', s.tr_init.or(s.clear).or(s.bwd).or(s.bwd_wait).or(s.err).or(s.err_wait)),
    updatePhase: m.wire('phase_update', s.upd.or(s.upd_wait)),
  };
}

/**
 * The training states' transitions: per weight layer k from the output down, clear → bwd → err
 * (k ≥ 1), then upd; with the dedicated variant's fused schedule a layer k ≥ 1 is updated in its
 * backward pass, so after its error pass the next layer starts.
 */
function trainTransitions(m: Module, fsm: Fsm<State>, tr: TrainControl, run: StepRun, step: Signal, fused: boolean): Partial<Record<State, () => void>> {
  const t = run.train;
  if (!t) throw new RangeError('generator bug: training states without the training passes');
  return {
    tr_init: () => {
      step.set(t.layerStep);
      m.when(tr.layer.eq(0), () => fsm.goto('upd')).otherwise(() => {
        tr.clearAddr.set(0);
        fsm.goto('clear');
      });
    },
    clear: () => {
      tr.clearAddr.set(tr.clearAddr.inc());
      fsm.transition(t.clearDone, 'bwd');
    },
    bwd: () => fsm.transition(t.bwdLast, 'bwd_wait'),
    bwd_wait: () => fsm.transition(t.backwardQuiet, 'err'),
    err: () => fsm.transition(t.errLast, 'err_wait'),
    err_wait: () =>
      fused
        ? m.when(t.errQuiet, () => {
            tr.layer.set(tr.layer.dec());
            fsm.goto('tr_init');
          })
        : fsm.transition(t.errQuiet, 'upd'),
    upd: () => fsm.transition(t.updLast, 'upd_wait'),
    upd_wait: () =>
      m.when(t.updQuiet, () => {
        m.when(tr.layer.eq(0), () => {
          fsm.goto('emit');
          step.set(0);
        }).otherwise(() => {
          tr.layer.set(tr.layer.dec());
          fsm.goto('tr_init');
        });
      }),
  };
}

/** The sample's receive: the header beat (training: its train bit and label), then each beat's K values written to map buffer 0 one per cycle. */
function receive(m: Module, plan: CnnPlan, host: HostPorts, inState: Record<State, Signal>, gate: boolean) {
  const { K, inputs, bits } = plan;
  const Ab = plan.formats.act.bits;
  // the receive's registers change only while a sample arrives (a beat taken or being unpacked): on an ASIC their clock is gated off otherwise
  const clockEn = gate ? m.wire('rx_clock_en', Bool) : undefined;
  const { beat, unpacking, lane, index, header } = inGated(m, 'rx', clockEn, () => ({
    beat: m.reg('rx_beat', UInt(K * Ab)),
    unpacking: m.reg('rx_unpacking', Bool, { init: 0 }),
    lane: m.reg('rx_lane', UInt(Math.max(1, Math.ceil(Math.log2(K + 1)))), { init: 0 }),
    index: m.reg('rx_index', UInt(bits.mapAddr), { init: 0 }),
    header: plan.train ? { train: m.reg('rx_train', Bool, { init: 0 }), label: m.reg('rx_label', UInt(plan.sizes.labelBits), { init: 0 }) } : undefined,
  }));
  const ready = m.wire('rx_ready', inState.rx_head.or(inState.rx_data.and(unpacking.not())));
  m.assign(host.sample.ready, ready);
  const fire = m.wire('rx_fire', ready.and(host.sample.valid));
  if (clockEn) m.assign(clockEn, fire.or(unpacking));
  const headFire = m.wire('rx_head_fire', fire.and(inState.rx_head));
  const lastInput = index.eq(inputs - 1);
  m.when(headFire, () => {
    index.set(0);
    // the header: bit 0 train, then the label (the inference variant ignores both)
    header?.train.set(host.sample.data.bit(0));
    header?.label.set(host.sample.data.slice(plan.sizes.labelBits, 1));
  });
  m.when(fire.and(inState.rx_data), () => {
    beat.set(host.sample.data);
    unpacking.set(1);
    lane.set(0);
  });
  m.when(unpacking, () => {
    beat.set(K > 1 ? beat.shr(Ab).zext(K * Ab) : beat);
    index.set(index.inc());
    lane.set(lane.inc());
    m.when(lane.eq(K - 1).or(lastInput), () => unpacking.set(0));
  });
  const write = { we: unpacking, waddr: index, wdata: beat.slice(Ab - 1, 0) };
  return { headFire, done: unpacking.and(lastInput), write, ...(header ?? {}) };
}

type Receive = ReturnType<typeof receive>;

interface MapWrite {
  readonly we: Expr;
  readonly waddr: Expr;
  readonly wdata: Expr;
}

interface StepRun {
  readonly convIssue: Signal;
  readonly convLast: Expr;
  readonly poolLast: Expr;
  readonly isPool: Expr;
  /** Nothing of the step is in flight: the next step may read what it wrote. */
  readonly quiet: Expr;
  readonly bestIndex: Signal;
  readonly writes: MapWrite & { readonly readsOdd: Expr };
  /** The weight banks' read by the walks (forward, backward) or the update (at its stage 1). */
  readonly weightRead: { readonly ren: Expr; readonly addr: Expr };
  readonly weightWrite?: WeightWrite;
  readonly train?: TrainRun;
}

/** The update's weight writes (stage 2). */
interface WeightWrite {
  readonly we: readonly Expr[];
  readonly addr: Expr;
  readonly wdata: readonly Expr[];
}

/** What the training states wait for. */
interface TrainRun {
  readonly layerStep: Expr;
  readonly clearDone: Expr;
  readonly bwdLast: Expr;
  readonly backwardQuiet: Expr;
  readonly errLast: Expr;
  readonly errQuiet: Expr;
  readonly updLast: Expr;
  readonly updQuiet: Expr;
}

/** The steps' walks, the MAC pipeline with its drain, the pool unit, the map buffers' ports, and (training) the passes of §18 "Training". */
function steps(
  m: Module,
  plan: CnnPlan,
  step: Signal,
  inState: Record<State, Signal>,
  banks: CnnBanks,
  rx: Receive,
  target: MemoryTarget,
  tr?: TrainPasses,
): StepRun {
  const table = (name: string, f: (s: CnnPlan['steps'][number]) => number) => stepTable(m, name, step, plan.steps.map(f));
  const isPool = table('step_is_pool', (s) => (s.kind === 'pool' ? 1 : 0)).eq(1);
  const layer = table('step_layer', (s) => (s.kind === 'weights' ? s.layer : 0));
  const output = table('step_output', (s) => (s.kind === 'weights' && s.output ? 1 : 0)).eq(1);
  // a pool step's kind, or the kind of the pool fused into a weight step
  const isMax = table('step_pool_max', (s) => (s.pool === 'max' ? 1 : 0)).eq(1);
  const convIssue = m.wire('conv_issue', Bool);
  const poolIssue = m.wire('pool_issue', inState.pool);
  const cw = convWalk(m, plan, step, inState.step_init, convIssue, clockGated(target));
  const pw = poolWalk(m, plan, step, inState.step_init, poolIssue);
  const readsOdd = step.bit(0);
  // the buffer read: the step's input (forward), the layer's input (update) or the activations below (error pass)
  const readOdd = tr ? mux(tr.walkDrives, tr.updReadsOdd, mux(inState.err, tr.errReadsOdd, readsOdd)) : readsOdd;
  const valueOdd = tr ? m.flop('map_odd_s1', readOdd) : readsOdd;
  const mapValue = m.wire('map_value', mux(valueOdd, banks.maps[1].rdata, banks.maps[0].rdata));
  const { issue, skip, pe, value, trainIssue } = pipelineIssue(m, plan, { step, cw, convIssue, mapValue, gate: clockGated(target), ...(tr ? { tr } : {}) });
  const st = macStages(m, plan, issue, banks.weights.rdata, value, layer, pe, clockGated(target));
  const dr = drain(m, plan, st, { layer, output, fused: cw.fused, isMax, gate: clockGated(target) });
  // a group starts only when the drain will be free for its capture; a position's setup cycle issues nothing
  const forwardIssue = inState.conv.and(cw.setup.not()).and(cw.mayStart);
  m.assign(convIssue, forwardIssue);
  const pool = poolUnit(m, plan, { valid: poolIssue, place: pw.place }, mapValue, isMax, inState.step_init, tr?.poolKeeps(step), clockGated(target));
  const readAddr = m.wire(
    'map_raddr',
    tr
      ? mux(tr.walkDrives, tr.uw.mapAddr, mux(inState.err, tr.errMapAddr, mux(inState.pool, pw.mapAddr, cw.mapAddr)))
      : mux(inState.pool, pw.mapAddr, cw.mapAddr),
  );
  const forwardRead = poolIssue.or(convIssue.and(cw.bias.not()).and(tr ? inState.conv : lit(1, Bool)));
  const readOn = m.wire('map_ren', tr ? forwardRead.or(tr.mapRead) : forwardRead);
  const we = m.wire('step_we', dr.write.we.or(pool.write.we));
  const waddr = m.wire('step_waddr', mux(pool.write.we, pool.write.waddr, dr.write.waddr));
  const wdata = m.wire('step_wdata', mux(pool.write.we, pool.write.wdata, dr.write.wdata));
  banks.maps.forEach((b, i) => {
    m.assign(b.raddr, readAddr);
    m.assign(b.ren, readOn.and(i === 1 ? readOdd : readOdd.not()));
  });
  const fwdRead = skip?.weightRead ?? { ren: convIssue, addr: cw.weightAddr };
  const trained =
    trainIssue && tr?.finish({ st, dr, pool, mapValue, issue: trainIssue, convIssue, output, rx, sampleStart: rx.headFire, weights: banks.weights.rdata });
  return {
    convIssue,
    convLast: cw.last,
    poolLast: pw.last,
    isPool,
    quiet: m.wire(
      'step_quiet',
      st.busy
        .or(skip?.busy ?? lit(0, Bool))
        .or(dr.busy)
        .or(dr.write.we)
        .or(pool.busy)
        .or(pool.write.we)
        .not(),
    ),
    bestIndex: dr.bestIndex,
    writes: { we, waddr, wdata, readsOdd },
    // the walks read at issue (the forward walk a cycle later when it skips zeros), the update at its stage 1: never in one cycle (step_wait drains the forward pass)
    weightRead: trained ? { ren: fwdRead.ren.or(trained.weightRead.ren), addr: mux(trained.weightRead.ren, trained.weightRead.addr, fwdRead.addr) } : fwdRead,
    ...(trained ? { weightWrite: trained.weightWrite, train: trained.run } : {}),
  };
}

/**
 * The issue the MAC pipeline takes: the forward walk's (through the zero-skip stage when a step
 * skips zero activations, forward-skip.ts) or, training, the update walk's (the backward pass and
 * the update), with stage 1's map value and the PEs' operation.
 */
function pipelineIssue(
  m: Module,
  plan: CnnPlan,
  at: {
    readonly step: Expr;
    readonly cw: ConvWalk;
    readonly convIssue: Expr;
    readonly mapValue: Expr;
    /** Gate the clocks of the stages' registers (an ASIC target). */
    readonly gate: boolean;
    readonly tr?: TrainPasses;
  },
) {
  const { cw, tr } = at;
  const walkIssue = {
    valid: at.convIssue,
    first: cw.first,
    bias: cw.bias,
    laneCount: cw.laneCount,
    outBase: cw.outBase.truncate(plan.bits.mapAddr),
    q: cw.q,
    weightAddr: cw.weightAddr,
  };
  // zero activations: the forward issue waits a cycle for its map value and skips its weight read when it is zero
  const skip = anySkipsZeros(plan) ? forwardSkip(m, plan, at.step, walkIssue, at.mapValue, at.gate) : undefined;
  const fwd = skip?.issue ?? walkIssue;
  // the update walk's issue (the backward pass and the update), a cycle later when a layer skips zeros in training (train-issue.ts)
  const t = tr?.issue(at.mapValue);
  const issue = {
    valid: t ? fwd.valid.or(t.valid) : fwd.valid,
    // a gradient sums over a column's positions (the update, or a fused backward pass); a backward product stands alone
    first: t ? mux(t.valid, t.grad.not().or(t.sumFirst), fwd.first) : fwd.first,
    bias: t ? mux(t.valid, t.bias, fwd.bias) : fwd.bias,
    laneCount: t ? mux(t.valid, t.laneCount, fwd.laneCount) : fwd.laneCount,
    outBase: fwd.outBase,
    q: fwd.q,
    ...(skip ? { work: t ? mux(skip.busy, skip.issue.work, t.work) : skip.issue.work } : {}),
  };
  // with the skips every issue of the PEs comes through one of the stages (s0, t0): none without
  if (tr && Boolean(skip) !== anyTrainSkips(plan)) throw new RangeError('generator bug: the forward and the training zero-skip stages exist together');
  // the stages' working issues load stage 1's value (s0's: those that read their weights)
  const loads = [...(skip ? [skip.weightRead.ren] : []), ...(t && anyTrainSkips(plan) ? [t.valid.and(t.work)] : [])];
  return {
    issue,
    skip,
    trainIssue: t,
    pe: tr && t ? { ...tr.pe(t), forward: fwd.valid } : undefined,
    value: loads.length > 0 ? stageOneValue(m, loads, at.mapValue) : at.mapValue,
  };
}

/** Map buffer 0 takes the receive's writes and the odd steps' outputs; buffer 1 the even steps'. */
function mapWrites(m: Module, banks: CnnBanks, rx: MapWrite, run: MapWrite & { readonly readsOdd: Expr }): void {
  const [b0, b1] = banks.maps;
  const toEven = run.we.and(run.readsOdd);
  m.assign(b0.we, rx.we.or(toEven));
  m.assign(b0.waddr, mux(rx.we, rx.waddr, run.waddr));
  m.assign(b0.wdata, mux(rx.we, rx.wdata, run.wdata));
  m.assign(b1.we, run.we.and(run.readsOdd.not()));
  m.assign(b1.waddr, run.waddr);
  m.assign(b1.wdata, run.wdata);
}

/** The weight banks: loaded from s_weights (one lane per beat), read by the walks, the update or the read-back, written by the load or the update. */
function weightBanks(
  m: Module,
  plan: CnnPlan,
  banks: CnnBanks,
  host: HostPorts,
  wp: ReturnType<typeof weightPort>,
  at: { readonly read: { readonly ren: Expr; readonly addr: Expr }; readonly load: Expr; readonly readback: Expr; readonly update?: WeightWrite | undefined },
): void {
  const w = banks.weights;
  const loadFire = m.wire('load_fire', at.load.and(host.weightsIn.valid));
  m.assign(w.ren, at.read.ren.or(wp.readback.ren));
  m.assign(w.raddr, mux(at.readback, wp.readback.addr, at.read.addr).truncate(plan.bits.weightAddr));
  const upd = at.update;
  m.assign(w.waddr, upd ? mux(at.load, wp.load.addr, upd.addr) : wp.load.addr);
  new Set(w.wdata).forEach((d) => {
    const q = w.wdata.indexOf(d);
    m.assign(d, upd ? mux(at.load, host.weightsIn.data, entryOf(upd.wdata, q)) : host.weightsIn.data);
  });
  w.we.forEach((we, q) => m.assign(we, upd ? loadFire.and(wp.load.lane.eq(q)).or(entryOf(upd.we, q)) : loadFire.and(wp.load.lane.eq(q))));
}
