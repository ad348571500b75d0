/**
 * The accelerator of a network with convolution and pooling (docs/ARCHITECTURE.md §18): the
 * inference variant so far. P MAC PEs compute every weight layer, a convolution position by
 * position and a dense layer as the convolution whose kernel is its whole input; each step (a
 * weight layer or a pool) reads one feature-map buffer and writes the other. The host interface
 * is the dense design's (§6: s_weights, m_weights, s_ctrl, s_sample, m_result, the cycle
 * counters), so the same harness drives both.
 */
import { ConfigError, type Config } from '../../src/config/index.js';
import { Bool, Fsm, UInt, buildModule, mux, type Expr, type Module, type Signal } from '../../src/hdl/index.js';
import { CTRL_READBACK, RESULT_BITS, hostPorts, type HostPorts } from '../accelerator/host.js';
import { performanceCounters, topName } from '../accelerator/top.js';
import { weightPort } from '../accelerator/weight-port.js';
import type { MemoryTarget } from '../memories/target.js';
import { cnnBanks, drain, macStages, poolUnit, type CnnBanks } from './datapath.js';
import { cnnPlan, type CnnPlan } from './plan.js';
import { convWalk, poolWalk, stepTable } from './walks.js';

const STATES = ['idle', 'load', 'readback', 'rx_head', 'rx_data', 'step_init', 'conv', 'pool', 'step_wait', 'emit'] as const;
type State = (typeof STATES)[number];

/** Throws a one-line ConfigError unless the RTL of this network exists (the inference variant). */
export function requireCnnRtl(cfg: Config): void {
  if (cfg.variant === 'inference') return;
  throw new ConfigError(
    `config: variant "${cfg.variant}" of a network with convolution has no RTL yet: the generator builds its forward pass (variant "inference"); ` +
      'training runs in `taxonn train --engine golden` (docs/ARCHITECTURE.md §18)',
  );
}

/** The accelerator of `cfg`, whose `layers` are layer objects with convolution or pooling. */
export function cnnAccelerator(cfg: Config, target: MemoryTarget = {}): Module {
  requireCnnRtl(cfg);
  const plan = cnnPlan(cfg);
  const macros = target.sramMacros?.map((x) => x.cell);
  return buildModule(topName(cfg, target), { ...cfg, ...(macros?.length ? { sramMacros: macros } : {}) }, (m) => {
    const host = hostPorts(m, plan);
    const fsm = new Fsm(m, 'state', STATES, 'idle');
    const inState = Object.fromEntries(STATES.map((s) => [s, m.wire(`in_${s}`, fsm.is(s))])) as Record<State, Signal>;
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
    const rx = receive(m, plan, host, inState);
    const run = steps(m, plan, step, inState, banks);
    mapWrites(m, banks, rx.write, run.writes);
    weightBanks(m, plan, banks, host, wp, { issue: run.convIssue, addr: run.weightAddr, load: inState.load, readback: inState.readback });
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
            fsm.goto('emit');
            step.set(0);
          }).otherwise(() => {
            fsm.goto('step_init');
            step.set(step.inc());
          });
        }),
      emit: () => fsm.transition(host.result.ready, 'idle'),
    });
    const phases = {
      idle: inState.idle,
      receive: inState.rx_head.or(inState.rx_data),
      forward: inState.step_init.or(inState.conv).or(inState.pool).or(inState.step_wait),
      emit: inState.emit,
    };
    performanceCounters(m, false, phases, undefined, host.result.ready, false);
  });
}

/** The sample's receive: the header beat, then each beat's K values written to map buffer 0 one per cycle. */
function receive(m: Module, plan: CnnPlan, host: HostPorts, inState: Record<State, Signal>) {
  const { K, inputs, bits } = plan;
  const Ab = plan.formats.act.bits;
  const beat = m.reg('rx_beat', UInt(K * Ab));
  const unpacking = m.reg('rx_unpacking', Bool, { init: 0 });
  const lane = m.reg('rx_lane', UInt(Math.max(1, Math.ceil(Math.log2(K + 1)))), { init: 0 });
  const index = m.reg('rx_index', UInt(bits.mapAddr), { init: 0 });
  const ready = m.wire('rx_ready', inState.rx_head.or(inState.rx_data.and(unpacking.not())));
  m.assign(host.sample.ready, ready);
  const fire = m.wire('rx_fire', ready.and(host.sample.valid));
  const headFire = m.wire('rx_head_fire', fire.and(inState.rx_head));
  const lastInput = index.eq(inputs - 1);
  m.when(headFire, () => index.set(0));
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
  return { headFire, done: unpacking.and(lastInput), write };
}

interface MapWrite {
  readonly we: Expr;
  readonly waddr: Expr;
  readonly wdata: Expr;
}

interface StepRun {
  readonly convIssue: Signal;
  readonly convLast: Expr;
  readonly poolLast: Expr;
  readonly weightAddr: Expr;
  readonly isPool: Expr;
  /** Nothing of the step is in flight: the next step may read what it wrote. */
  readonly quiet: Expr;
  readonly bestIndex: Signal;
  readonly writes: MapWrite & { readonly readsOdd: Expr };
}

/** The steps' walks, the MAC pipeline with its drain, the pool unit, and the map buffers' ports. */
function steps(m: Module, plan: CnnPlan, step: Signal, inState: Record<State, Signal>, banks: CnnBanks): StepRun {
  const table = (name: string, f: (s: CnnPlan['steps'][number]) => number) => stepTable(m, name, step, plan.steps.map(f));
  const isPool = table('step_is_pool', (s) => (s.kind === 'pool' ? 1 : 0)).eq(1);
  const layer = table('step_layer', (s) => (s.kind === 'weights' ? s.layer : 0));
  const output = table('step_output', (s) => (s.kind === 'weights' && s.output ? 1 : 0)).eq(1);
  // a pool step's kind, or the kind of the pool fused into a weight step
  const isMax = table('step_pool_max', (s) => (s.pool === 'max' ? 1 : 0)).eq(1);
  const start = inState.step_init;
  const convIssue = m.wire('conv_issue', Bool);
  const poolIssue = m.wire('pool_issue', inState.pool);
  const cw = convWalk(m, plan, step, start, convIssue);
  const pw = poolWalk(m, plan, step, start, poolIssue);
  const readsOdd = step.bit(0);
  const mapValue = m.wire('map_value', mux(readsOdd, banks.maps[1].rdata, banks.maps[0].rdata));
  const issue = {
    valid: convIssue,
    first: cw.first,
    bias: cw.bias,
    laneCount: cw.laneCount,
    outBase: cw.outBase.truncate(plan.bits.mapAddr),
    q: cw.q,
  };
  const st = macStages(m, plan, issue, banks.weights.rdata, mapValue, layer);
  // a group of at least P issues captures after the drain has finished the group before (§4)
  const dr = drain(m, plan, st, { layer, output, rowsLong: cw.short.not(), pendingLast: st.pendingLast, fused: cw.fused, isMax });
  // a group starts only when the drain will be free for its capture (§4); a position's setup cycle issues nothing
  m.assign(convIssue, inState.conv.and(cw.setup.not()).and(cw.first.not().or(dr.willBeFree)));
  const pool = poolUnit(m, plan, { valid: poolIssue, place: pw.place }, mapValue, isMax, start);
  // the map buffers: step i reads buffer i mod 2 and writes the other; the receive writes buffer 0
  const readAddr = m.wire('map_raddr', mux(inState.pool, pw.mapAddr, cw.mapAddr));
  const readOn = m.wire('map_ren', poolIssue.or(convIssue.and(cw.bias.not())));
  const we = m.wire('step_we', dr.write.we.or(pool.write.we));
  const waddr = m.wire('step_waddr', mux(pool.write.we, pool.write.waddr, dr.write.waddr));
  const wdata = m.wire('step_wdata', mux(pool.write.we, pool.write.wdata, dr.write.wdata));
  banks.maps.forEach((b, i) => {
    m.assign(b.raddr, readAddr);
    m.assign(b.ren, readOn.and(i === 1 ? readsOdd : readsOdd.not()));
  });
  return {
    convIssue,
    convLast: cw.last,
    poolLast: pw.last,
    weightAddr: cw.weightAddr,
    isPool,
    quiet: m.wire('step_quiet', st.busy.or(dr.busy).or(dr.write.we).or(pool.busy).or(pool.write.we).not()),
    bestIndex: dr.bestIndex,
    writes: { we, waddr, wdata, readsOdd },
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

/** The weight banks: loaded from s_weights (one lane per beat), read by the issue or by the read-back. */
function weightBanks(
  m: Module,
  plan: CnnPlan,
  banks: CnnBanks,
  host: HostPorts,
  wp: ReturnType<typeof weightPort>,
  at: { readonly issue: Expr; readonly addr: Expr; readonly load: Expr; readonly readback: Expr },
): void {
  const w = banks.weights;
  const loadFire = m.wire('load_fire', at.load.and(host.weightsIn.valid));
  m.assign(w.ren, at.issue.or(wp.readback.ren));
  m.assign(w.raddr, mux(at.readback, wp.readback.addr, at.addr).truncate(plan.bits.weightAddr));
  m.assign(w.waddr, wp.load.addr);
  m.assign(w.wdata, host.weightsIn.data);
  w.we.forEach((we, q) => m.assign(we, loadFire.and(wp.load.lane.eq(q))));
}
