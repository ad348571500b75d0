/**
 * The TaxoNN training accelerator: P PEs time-multiplexed over forward, backward and update,
 * weight and error banks per lane, an adder tree for the backward sums, one shared drain unit
 * (activation / output error / argmax), P shifter update units, the controller FSM and the
 * AXI4-Stream host interface. docs/ARCHITECTURE.md is the specification; the golden model in
 * src/model/ implements the same arithmetic.
 *
 * The top wires the sub-builders together, one file each: host interface, the controller module
 * (FSM, layer tables and issue sequencer; its ports in controller-ports.ts), memory banks, pair
 * receiver, weight load and read-back, issue pipeline, PE array, update units, backward sums,
 * drain, then the controller's status inputs and the performance counters.
 *
 * The baselines come from the same builder (§9): `inference` keeps the forward path only
 * (MAC PEs, no error banks, tree, update units or training states); `dedicated` gives each SGD
 * element its own multiplier array and the update a true learning-rate multiplier with a
 * programmable `learning_rate` input, and runs its own schedule: the backward pass of layers
 * 2..L updates each weight it reads (fused, docs/ARCHITECTURE.md §9).
 */
import { createHash } from 'node:crypto';
import type { Config } from '../../src/config/index.js';
import { Bool, UInt, buildModule, lit, mux, stableJson, type Expr, type Module, type Signal } from '../../src/hdl/index.js';
import { backward, type Deltas } from './backward.js';
import { banks as buildBanks, type Banks } from './banks.js';
import { controllerModule } from './controller.js';
import { controllerView, layerInfo, type ControllerOutputs, type ControllerStatus, type Phases } from './controller-ports.js';
import { drain, drainState, type DrainState } from './drain.js';
import { hostPorts, RESULT_BITS, type HostPorts } from './host.js';
import { PE_OP } from '../blocks/pe.js';
import { peArray } from './pe-array.js';
import { at } from './tables.js';
import { pipeline, type Pipeline } from './pipeline.js';
import { plan as planOf, type Plan } from './plan.js';
import { pairReceiver, type PairReceiver } from './receiver.js';
import { updateUnits, weightWrites } from './update-units.js';
import { weightPort as buildWeightPort, type WeightPort } from './weight-port.js';
import { clockGated, type MemoryTarget } from '../memories/target.js';

export { CTRL_READBACK, RESULT_BITS } from './host.js';
export { STATES, statesOf, type State } from './states.js';
export { laneSeeds, learningRateCode } from './update-units.js';

/** Width of the per-phase cycle counters. */
export const COUNTER_BITS = 48;

/** A stable, readable top-level name: the variant, the layer sizes, P, and a short hash of every parameter. */
export function topName(p: Config, target: MemoryTarget = {}): string {
  const macros = target.sramMacros?.map((x) => x.cell);
  const hash = createHash('sha256')
    .update(stableJson(macros?.length ? { ...p, sramMacros: macros } : p))
    .digest('hex')
    .slice(0, 8);
  return `${p.variant}_l${p.layers.join('x')}_p${p.pes}_${hash}`;
}

/** The accelerator for `cfg`; `target`: what its single-port memories are built from (memories/target.ts). */
export function accelerator(cfg: Config, target: MemoryTarget = {}): Module {
  const plan = planOf(cfg);
  const controlUnit = controllerModule(plan);
  const macros = target.sramMacros?.map((x) => x.cell);
  return buildModule(topName(cfg, target), { ...cfg, ...(macros?.length ? { sramMacros: macros } : {}) }, (m) => {
    const host = hostPorts(m, plan);
    // on an ASIC the flip-flops idle in most cycles get a clock gate (memories/target.ts)
    const gate = clockGated(target);
    // The controller comes first: the datapath follows its outputs, and its inputs (the
    // datapath's status) are assigned once the datapath exists.
    const ctl = controllerView(m.instance('controller', controlUnit), plan);
    const banks = buildBanks(m, plan, host.sample.data, target);
    const take = ctl.pulses.rxTake;
    const receiver = take ? pairReceiver(m, plan, host.sample, banks.input, take) : undefined;
    const weightPort = buildWeightPort(m, plan, host, ctl, banks.weights.rdata, receiver?.pending);
    const layer = layerInfo(ctl.layer, plan);
    const drainRegs = drainState(m, plan, layer);
    const pipe = pipeline(m, plan, ctl.issue, ctl.info, banks, ctl.layer.index);
    const pes = peArray(m, plan, pipe, banks);
    const { s1, s2 } = pipe;
    let deltas: Deltas | undefined;
    let writeBack: WriteBack | undefined;
    let fused: FusedUpdate | undefined;
    if (pes.training && s1.training && s2.training) {
      const isUpdate = s2.training.isUpdate;
      fused = plan.fusedUpdate ? fusedUpdate(m, plan, pipe, banks, gate) : undefined;
      const updated = updateUnits(m, plan, isUpdate, pes.training.gradients, banks, host, {
        layer: s2.layer,
        gate,
        ...(fused ? { weights: fused.weights } : {}),
      });
      writeBack = plan.singlePortWeights ? writeBackStage(m, s2.training, pes.training.laneOn) : undefined;
      weightWrites(m, ctl.phases.load, host, weightPort.load, banks, { ...updated, ...(writeBack ?? { isUpdate, laneOn: pes.training.laneOn }) });
      deltas = backward(m, plan, { ...s1, training: s1.training }, { ...s2, training: s2.training }, pes.training.backwardTerms, banks);
    } else weightWrites(m, ctl.phases.load, host, weightPort.load, banks);
    const drained = drain(m, plan, drainRegs, { layer, restart: ctl.pulses.drainRestart, banks, pipe, accs: pes.accs, gate }, deltas);
    if (ctl.status.actNonZero && drained.actNonZero) m.assign(ctl.status.actNonZero, drained.actNonZero);
    hostHandshakes(m, ctl, host, drained.bestIndex);
    bufferReads(m, ctl.reads, banks);
    // single-port banks (the ASIC's) only: there the test is registered into stage 2, while with
    // 1R1W banks (the FPGA's) it would sit between the block RAMs' read data and their read enables
    const live = pes.training && writeBack ? updateReadsNeeded(m, pipe, banks) : undefined;
    weightReads(m, plan, ctl.phases, banks, pipe, ctl.info.addr, weightPort, {
      laneCount: ctl.info.laneCount,
      ...(writeBack ? { writeBack } : {}),
      ...(live ? { live } : {}),
    });
    controllerStatus(m, plan, ctl.status, ctl.info.laneCount, {
      host,
      banks,
      weightPort,
      pipe,
      drain: drainRegs,
      ...(deltas ? { deltas } : {}),
      ...(receiver ? { receiver } : {}),
      ...(writeBack ? { writeBack } : {}),
      ...(fused?.writing ? { fusedWriting: fused.writing } : {}),
    });
    performanceCounters(m, plan.trains, ctl.phases, receiver, host.result.ready, gate);
  });
}

/** The host streams the controller paces: s_sample's ready during its own receive, m_result in `emit`. */
function hostHandshakes(m: Module, ctl: ControllerOutputs<Expr>, host: HostPorts, bestIndex: Expr): void {
  if (ctl.phases.receive) m.assign(host.sample.ready, ctl.phases.receive);
  m.assign(host.result.valid, ctl.phases.emit);
  m.assign(host.result.data, bestIndex.zext(RESULT_BITS));
  m.assign(host.result.last, ctl.phases.emit);
}

/** The buffers' read ports (and the input buffer's writes during the controller's own receive) as the controller drives them. */
function bufferReads(m: Module, reads: ControllerOutputs<Expr>['reads'], banks: Banks): void {
  m.assign(banks.input.ren, reads.input.ren);
  m.assign(banks.input.raddr, reads.input.raddr);
  if (reads.input.write) {
    m.assign(banks.input.we, reads.input.write.we);
    m.assign(banks.input.waddr, reads.input.write.waddr);
  }
  m.assign(banks.act.ren, reads.act.ren);
  m.assign(banks.act.raddr, reads.act.raddr);
  if (reads.errors && banks.errors) {
    m.assign(banks.errors.ren, reads.errors.ren);
    m.assign(banks.errors.raddr, reads.errors.raddr);
  }
}

/** The datapath's status, into the controller's inputs. */
function controllerStatus(
  m: Module,
  plan: Plan,
  status: ControllerStatus<Signal>,
  laneCount: Expr,
  at: {
    readonly host: HostPorts;
    readonly banks: Banks;
    readonly weightPort: WeightPort;
    readonly pipe: Pipeline;
    readonly drain: DrainState;
    readonly deltas?: Deltas;
    readonly receiver?: PairReceiver;
    readonly writeBack?: WriteBack;
    /** (dedicated, single-port banks) A fused issue's write-back takes its bank this cycle. */
    readonly fusedWriting?: Expr;
  },
): void {
  const { host, banks, weightPort, pipe, drain, deltas, receiver } = at;
  m.assign(status.sampleValid, host.sample.valid);
  if (status.sampleHeader) {
    // the train bit and the label; the inference variant ignores them, and its beats may be narrower
    const data = host.sample.data;
    const bits = plan.sizes.labelBits + 1;
    m.assign(status.sampleHeader, data.width >= bits ? data.slice(bits - 1, 0) : data.zext(bits));
  }
  m.assign(status.weightsValid, host.weightsIn.valid);
  m.assign(status.ctrlValid, host.ctrl.valid);
  m.assign(status.ctrlData, host.ctrl.data);
  m.assign(status.resultReady, host.result.ready);
  m.assign(status.loadDone, weightPort.load.done);
  m.assign(status.readbackDone, weightPort.readback.done);
  m.assign(status.s1Valid, pipe.s1.valid);
  m.assign(status.s2Valid, pipe.s2.valid);
  m.assign(status.drainBusy, drain.busy);
  m.assign(status.drainWillBeFree, drain.willBeFree);
  if (status.deltas && deltas) {
    m.assign(status.deltas.valid, deltas.valid);
    m.assign(status.deltas.write, deltas.write);
  }
  const s1 = pipe.s1.training;
  // the update reads its weight and writes it one cycle later (§12): stages 2 and 3; with even and
  // odd banks (2x1p) only an issue of the same parity as stage 1's update must wait
  if (status.weightPortBusy && s1) {
    const issueAddr = at.banks.weights.issueRAddr;
    const sameBank = (a: Expr) => (plan.interleavedWeights ? a.bit(0).eq(issueAddr.bit(0)) : lit(1, Bool));
    const updateBusy = s1.isUpdate.and(sameBank(s1.addr));
    // the dedicated variant's fused backward pass reads at the issue: it waits for a write-back in its bank (§9)
    const fusedBusy = at.fusedWriting && at.writeBack ? at.fusedWriting.and(sameBank(at.writeBack.addr)) : undefined;
    m.assign(status.weightPortBusy, fusedBusy ? updateBusy.or(m.wire('fused_port_busy', fusedBusy)) : updateBusy);
  }
  if (status.writeBack && at.writeBack) m.assign(status.writeBack, at.writeBack.isUpdate);
  if (status.groupErrorsZero && banks.errors?.nonZero) {
    // skipZeroErrors (§11): no lane that holds one of the group's neurons has a non-zero error.
    // The test is made in upd's first cycle of a group, right after upd_err (or a wait in upd)
    // with the same lane count: the count is taken from a register, off the critical path.
    // Each error's non-zero bit is stored beside it (banks.ts), so no OR tree follows the read.
    const nonZero = banks.errors.nonZero.map((nz, q) => m.flop(`upd_lane${q}_live`, laneCount.gt(q)).and(nz));
    m.assign(status.groupErrorsZero, nonZero.reduce((a, b) => a.or(b)).not());
  }
  const rx = status.receiver;
  const pair = banks.input.pair;
  if (rx && receiver && pair) {
    m.assign(rx.pending, receiver.pending);
    m.assign(rx.full, receiver.full);
    m.assign(rx.readBase, receiver.readBase);
    m.assign(rx.count, receiver.count);
    m.assign(rx.pairIndex, pair.index);
    if (rx.header && receiver.header) {
      m.assign(rx.header.train, receiver.header.train);
      m.assign(rx.header.label, receiver.header.label);
    }
  }
}

/**
 * Single-port weight banks (§12): the update's write-back one stage later (stage 3), so the
 * rounding and the subtraction are in different cycles; the weight is read at stage 2.
 */
interface WriteBack {
  readonly isUpdate: Signal;
  readonly addr: Signal;
  readonly laneOn: readonly Signal[];
}

function writeBackStage(m: Module, s2: { readonly isUpdate: Expr; readonly addr: Expr }, laneOn: readonly Expr[]): WriteBack {
  return {
    isUpdate: m.flop('s3_is_update', s2.isUpdate, { init: 0 }),
    addr: m.flop('s3_waddr', s2.addr),
    laneOn: laneOn.map((on, q) => m.flop(`lane${q}_update_s3`, on, { init: 0 })),
  };
}

/** The dedicated variant's fused backward-and-update pass (§9): the update units' weights, and when a write-back takes a bank. */
interface FusedUpdate {
  /** Per lane, the weight the update unit sees: a fused issue's is the one read at its issue. */
  readonly weights: readonly Expr[];
  /** (single-port banks) A fused issue's write-back writes a bank this cycle (stage 3). */
  readonly writing?: Expr;
}

/**
 * A fused issue reads its weight at the issue (its backward product needs it at stage 1); the
 * update unit takes it at stage 2 (1R1W banks) or at stage 3 (single-port banks' write-back
 * stage), so each lane holds it that long. The holding registers are clocked only when they load.
 */
function fusedUpdate(m: Module, plan: Plan, pipe: Pipeline, banks: Banks, gate: boolean): FusedUpdate {
  const s1 = pipe.s1.training;
  const s2Fused = pipe.s2.training?.isFused;
  if (!s1 || !s2Fused) throw new Error('fusedUpdate: the dedicated pipeline has no fused flag');
  const s1Fused = m.wire('s1_is_fused', pipe.s1.valid.and(s1.op.eq(PE_OP.fused)));
  const rdata = banks.weights.rdata;
  const held = holdLanes(m, 'fused_w', rdata, s1Fused, gate);
  if (!plan.singlePortWeights) return { weights: rdata.map((w, q) => mux(s2Fused, at(held, q), w)) };
  const s3Fused = m.flop('s3_is_fused', s2Fused, { init: 0 });
  const held3 = holdLanes(m, 'fused_w_s3', held, s2Fused, gate);
  const writes = banks.weights.we.reduce<Expr>((a, b) => a.or(b), lit(0, Bool));
  return { weights: rdata.map((w, q) => mux(s3Fused, at(held3, q), w)), writing: m.wire('fused_writing', s3Fused.and(writes)) };
}

/** Per lane, a register `lane<q>_<name>` that loads `values[q]` when `load`; with `gate` clocked only then. */
function holdLanes(m: Module, name: string, values: readonly Expr[], load: Expr, gate: boolean): Signal[] {
  const held: Signal[] = [];
  m.gated(
    name,
    load,
    () =>
      values.forEach((v, q) => {
        const r = m.reg(`lane${q}_${name}`, v.type, { init: 0, enable: load });
        r.set(v);
        held.push(r);
      }),
    gate,
  );
  return held;
}

/**
 * Per lane, whether the update's weight read is needed, at the stage that reads it with
 * single-port banks (stage 2, the write-back stage's read; registered): the lane holds one of the group's
 * outputs, and its error and the column's activation are non-zero. Otherwise the gradient is 0,
 * so is the rounded step (for every rounding: the addend is below one step), and the weight is
 * neither needed nor rewritten (update-units.ts): the read is left out, and with it its energy.
 */
function updateReadsNeeded(m: Module, pipe: Pipeline, banks: Banks): Expr[] {
  const errors = banks.errors;
  if (!errors) return [];
  // the stage-1 operands of the PEs' gradient: the activation, and each lane's error (held since upd_err)
  const actLive = m.wire('s1_act_nonzero', pipe.actOperand.orR());
  return errors.rdata.map((e, q) => {
    const errLive = errors.nonZero?.[q] ?? e.orR();
    const live = m.wire(`lane${q}_update_live_s1`, pipe.s1.laneCount.gt(q).and(errLive).and(actLive));
    return m.flop(`lane${q}_update_live_s2`, live, { init: 0 });
  });
}

/**
 * The weight banks' read port: the read-back's address while reading back, else the issue's, or
 * the update's one cycle later (stage 1; stage 2 with the write-back stage of single-port banks).
 * `live`: per lane, whether the update's read is needed (updateReadsNeeded).
 */
function weightReads(
  m: Module,
  plan: Plan,
  phases: Phases<Expr>,
  banks: Banks,
  pipe: Pipeline,
  issueAddr: Expr,
  port: WeightPort,
  at: { readonly laneCount: Expr; readonly writeBack?: WriteBack; readonly live?: readonly Expr[] },
): void {
  const { writeBack, live, laneCount } = at;
  // the update's own read (a gradient issue's; a fused issue's weight was read at its issue)
  const updateRead = writeBack ? pipe.s2.training && { addr: pipe.s2.training.addr, isUpdate: pipe.s2.training.readsWeight } : pipe.s1.training;
  // in the issue states whether or not they issue (window): the issue's late conditions stay off
  // the enables; in the update only its own reads, of the lanes that need them
  // a padding lane (no neuron in the issue's group, §4) reads nothing: its PE's result is never used
  const window = (q: number) => (q < plan.fullLanes ? pipe.issue.window : pipe.issue.window.and(m.wire(`lane${q}_held`, laneCount.gt(q))));
  const windowRen = (q: number) => (phases.update ? window(q).and(phases.update.not()) : window(q));
  const computeRen = (q: number) => {
    if (!updateRead) return window(q);
    const need = live?.[q];
    return need ? mux(updateRead.isUpdate, need, windowRen(q)) : updateRead.isUpdate.or(window(q));
  };
  const w = banks.weights;
  const writeAddr = writeBack?.addr ?? pipe.s2.training?.addr;
  if (writeBack && updateRead) {
    // one port per bank (1p: one bank; 2x1p: the even and the odd addresses): an update's read never meets a write of its bank
    const sameBank = banks.weights.interleaved ? updateRead.addr.bit(0).eq(writeBack.addr.bit(0)) : lit(1, Bool);
    m.assert(updateRead.isUpdate.and(writeBack.isUpdate).and(sameBank).not(), "an update's weight read and a write of the same single-port bank in one cycle");
  }
  // the issue's address unless reading back or reading an update's weight (selected last, §4)
  m.assign(w.raddr, mux(phases.readback, port.readback.addr, updateRead ? updateRead.addr : issueAddr));
  m.assign(w.issueRAddr, issueAddr);
  m.assign(w.issueSel, updateRead ? phases.readback.or(updateRead.isUpdate).not() : phases.readback.not());
  m.assign(w.waddr, writeAddr ? mux(phases.load, port.load.addr, writeAddr) : port.load.addr);
  w.ren.forEach((ren, q) => m.assign(ren, mux(phases.readback, port.readback.ren.and(port.readback.lane.eq(q)), computeRen(q))));
}

/**
 * Counters the host can read: cycles per phase, busy cycles, samples done, and the idle flag.
 * With `gate`, those that count some cycles only (a phase, a sample) are clocked only then.
 */
export function performanceCounters(
  m: Module,
  trains: boolean,
  phases: Pick<Phases<Expr>, 'idle' | 'receive' | 'forward' | 'backward' | 'update' | 'emit'>,
  receiver: PairReceiver | undefined,
  resultReady: Expr,
  gate: boolean,
): void {
  const counter = (name: string, when: Expr, bits = COUNTER_BITS, gated = gate) =>
    m.gated(
      name,
      when,
      () => {
        const c = m.reg(`${name}_q`, UInt(bits), { init: 0 });
        m.when(when, () => c.set(c.inc()));
        m.assign(m.output(name, UInt(bits)), c);
      },
      gated,
    );
  const zero = (name: string) => m.assign(m.output(name, UInt(COUNTER_BITS)), lit(0, UInt(COUNTER_BITS)));
  counter('cycles_receive', receiver ? receiver.busy : (phases.receive ?? lit(0, Bool)));
  counter('cycles_forward', phases.forward);
  // The inference variant keeps these ports so that every variant has the same ones (a host reads zero).
  if (trains && phases.backward) counter('cycles_backward', phases.backward);
  else zero('cycles_backward');
  if (trains && phases.update) counter('cycles_update', phases.update);
  else zero('cycles_update');
  counter('cycles_emit', phases.emit);
  // Idle: nothing computing, loading or reading back, and no sample received or arriving.
  const idle = receiver ? m.wire('idle_all', phases.idle.and(receiver.pending.not())) : phases.idle;
  counter('cycles_busy', idle.not(), COUNTER_BITS, false); // busy most of the time: a gate would cost more than it saves
  counter('samples_done', phases.emit.and(resultReady), 32);
  m.assign(m.output('idle', Bool), idle);
}
