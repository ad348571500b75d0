/**
 * The TaxoNN training accelerator: P PEs time-multiplexed over forward, backward and update,
 * weight and error banks per lane, an adder tree for the backward sums, one shared drain unit
 * (activation / output error / argmax), P shifter update units, the controller FSM and the
 * AXI4-Stream host interface. docs/ARCHITECTURE.md is the specification; the golden model in
 * src/model/ implements the same arithmetic.
 *
 * The top wires the sub-builders together, one file each, in dataflow order: host interface,
 * layer tables, memory banks, weight load and read-back, issue sequencer, issue pipeline, PE
 * array, update units, backward sums, drain, controller, performance counters.
 *
 * The baselines come from the same builder (§9): `inference` keeps the forward path only
 * (MAC PEs, no error banks, tree, update units or training states); `dedicated` keeps the
 * schedule but gives each SGD element its own multiplier array and the update a true
 * learning-rate multiplier with a programmable `learning_rate` input.
 */
import { createHash } from 'node:crypto';
import type { Config } from '../../src/config/index.js';
import { Bool, Fsm, UInt, buildModule, lit, mux, stableJson, type Expr, type Module } from '../../src/hdl/index.js';
import { backward, type Deltas } from './backward.js';
import { banks as buildBanks, type Banks } from './banks.js';
import { controller, type Controller } from './controller.js';
import { drain, drainState } from './drain.js';
import { hostPorts } from './host.js';
import { peArray } from './pe-array.js';
import { pipeline, type Pipeline } from './pipeline.js';
import { plan as planOf } from './plan.js';
import { sequencer } from './sequencer.js';
import { statesOf, type State } from './states.js';
import { layerTables } from './tables.js';
import { updateUnits, weightWrites } from './update-units.js';
import { weightPort as buildWeightPort, type WeightPort } from './weight-port.js';

export { CTRL_READBACK, RESULT_BITS } from './host.js';
export { STATES, statesOf, type State } from './states.js';
export { laneSeeds, learningRateCode } from './update-units.js';

/** Width of the per-phase cycle counters. */
export const COUNTER_BITS = 48;

/** A stable, readable top-level name: the variant, the layer sizes, P, and a short hash of every parameter. */
export function topName(p: Config): string {
  const hash = createHash('sha256').update(stableJson(p)).digest('hex').slice(0, 8);
  return `${p.variant}_l${p.layers.join('x')}_p${p.pes}_${hash}`;
}

export function accelerator(cfg: Config): Module {
  const plan = planOf(cfg);
  return buildModule(topName(cfg), { ...cfg }, (m) => {
    const host = hostPorts(m, plan);
    const fsm = new Fsm<State>(m, 'state', statesOf(cfg.variant, plan.sparseInputs), 'idle');
    const tables = layerTables(m, plan);
    const banks = buildBanks(m, plan, host.sample.data);
    // A sample accepted by the pair receiver goes before any later weight load or read-back.
    const samplePending = plan.sparseInputs ? m.wire('sample_pending', Bool) : undefined;
    const weightPort = buildWeightPort(m, plan, host, fsm, banks.weights.rdata, samplePending);
    const seq = sequencer(m, plan, tables, banks);
    const drainRegs = drainState(m, plan, tables, seq);
    const pipe = pipeline(m, plan, seq, banks);
    const pes = peArray(m, plan, pipe, banks);
    const { s1, s2 } = pipe;
    let deltas: Deltas | undefined;
    if (pes.training && s1.training && s2.training) {
      const isUpdate = s2.training.isUpdate;
      const next = updateUnits(m, plan, isUpdate, pes.training.gradients, banks, host);
      weightWrites(m, fsm, host, weightPort.load, banks, { next, isUpdate, laneOn: pes.training.laneOn });
      deltas = backward(m, plan, { ...s1, training: s1.training }, { ...s2, training: s2.training }, pes.training.backwardTerms, banks);
    } else weightWrites(m, fsm, host, weightPort.load, banks);
    const drained = drain(m, plan, drainRegs, { tables, banks, pipe, seq, accs: pes.accs }, deltas);
    const ctl = controller(m, plan, {
      fsm,
      host,
      tables,
      banks,
      seq,
      pipe,
      drainState: drainRegs,
      drain: drained,
      weightPort,
      ...(deltas ? { deltas } : {}),
      ...(samplePending ? { samplePending } : {}),
    });
    weightReads(m, fsm, banks, pipe, seq.issueAddr, weightPort);
    performanceCounters(m, plan.trains, ctl, host.result.ready);
  });
}

/** The weight banks' read port: the read-back's address while reading back, else the issue's (or the update's one cycle later). */
function weightReads(m: Module, fsm: Fsm<State>, banks: Banks, pipe: Pipeline, issueAddr: Expr, port: WeightPort): void {
  const s1 = pipe.s1.training;
  const computeRAddr = s1 ? mux(s1.isUpdate, s1.addr, issueAddr) : issueAddr;
  const computeRen = s1 ? s1.isUpdate.or(pipe.issue.issue) : pipe.issue.issue;
  const w = banks.weights;
  const s2 = pipe.s2.training;
  m.assign(w.raddr, mux(fsm.is('readback'), port.readback.addr, computeRAddr));
  m.assign(w.waddr, s2 ? mux(fsm.is('load'), port.load.addr, s2.addr) : port.load.addr);
  w.ren.forEach((ren, q) => m.assign(ren, mux(fsm.is('readback'), port.readback.ren.and(port.readback.lane.eq(q)), computeRen)));
}

/** Counters the host can read: cycles per phase, busy cycles, samples done, and the idle flag. */
function performanceCounters(m: Module, trains: boolean, ctl: Controller, resultReady: Expr): void {
  const { is, receiver } = ctl;
  const counter = (name: string, when: Expr) => {
    const c = m.reg(`${name}_q`, UInt(COUNTER_BITS), { init: 0 });
    m.when(when, () => c.set(c.inc()));
    m.assign(m.output(name, UInt(COUNTER_BITS)), c);
  };
  counter('cycles_receive', receiver ? receiver.busy : is('rx_head', 'rx_data'));
  counter('cycles_forward', is('fwd_init', 'fwd', 'fwd_wait'));
  if (trains) {
    counter('cycles_backward', is('bwd_init', 'bwd', 'bwd_wait'));
    counter('cycles_update', is('upd_init', 'upd_err', 'upd', 'upd_wait'));
  } else {
    // Kept so that every variant has the same ports (a host reads zero).
    m.assign(m.output('cycles_backward', UInt(COUNTER_BITS)), lit(0, UInt(COUNTER_BITS)));
    m.assign(m.output('cycles_update', UInt(COUNTER_BITS)), lit(0, UInt(COUNTER_BITS)));
  }
  counter('cycles_emit', is('emit'));
  // Idle: nothing computing, loading or reading back, and no sample received or arriving.
  const idle = receiver ? m.wire('idle_all', is('idle').and(receiver.pending.not())) : is('idle');
  counter('cycles_busy', idle.not());
  const done = m.reg('samples_done_q', UInt(32), { init: 0 });
  m.when(is('emit').and(resultReady), () => done.set(done.inc()));
  m.assign(m.output('samples_done', UInt(32)), done);
  m.assign(m.output('idle', Bool), idle);
}
