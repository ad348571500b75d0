/**
 * The controller (docs/ARCHITECTURE.md §4): one FSM that receives a sample (or takes it from the
 * pair receiver), runs the forward pass layer by layer, then for a training sample the backward
 * pass from the output layer down and the update from the output layer down, and emits the
 * prediction. Its states decide when the sequencer issues; the units downstream follow the
 * pipeline's flags.
 */
import { UInt, clog2, lit, mux, type Expr, type Fsm, type Module, type Signal } from '../../src/hdl/index.js';
import { PE_OP } from '../blocks/pe.js';
import type { Deltas } from './backward.js';
import type { Banks } from './banks.js';
import type { Drain, DrainState } from './drain.js';
import { CTRL_READBACK, RESULT_BITS, type HostPorts } from './host.js';
import type { Pipeline } from './pipeline.js';
import type { Plan } from './plan.js';
import { pairReceiver, type PairReceiver } from './receiver.js';
import type { Sequencer } from './sequencer.js';
import type { State } from './states.js';
import type { LayerTables } from './tables.js';
import type { WeightPort } from './weight-port.js';

/** The units the controller drives and watches. */
export interface ControlledUnits {
  readonly fsm: Fsm<State>;
  readonly host: HostPorts;
  readonly tables: LayerTables;
  readonly banks: Banks;
  readonly seq: Sequencer;
  readonly pipe: Pipeline;
  readonly drainState: DrainState;
  readonly drain: Drain;
  readonly weightPort: WeightPort;
  readonly deltas?: Deltas;
  /** skipZeroInputs: driven with the pair receiver's `pending` (the weight port waits for it). */
  readonly samplePending?: Signal;
}

export interface Controller {
  /** The pair receiver (skipZeroInputs), or undefined when the controller receives samples itself. */
  readonly receiver?: PairReceiver;
  /** A state is any of these. */
  readonly is: (...states: State[]) => Expr;
}

type Handlers = Partial<Record<State, () => void>>;

export function controller(m: Module, plan: Plan, u: ControlledUnits): Controller {
  const { fsm, host, banks, seq } = u;
  const is = (...states: State[]) => states.map((x) => fsm.is(x)).reduce((a, b) => a.or(b));
  const rxWord = seq.input.kind === 'words' ? m.reg('rx_word', UInt(clog2(plan.sizes.inputDepth)), { init: 0 }) : undefined;
  const receiver = seq.input.kind === 'pairs' ? pairReceiver(m, plan, host.sample, banks.input) : undefined;
  if (receiver && u.samplePending) m.assign(u.samplePending, receiver.pending);
  else if (rxWord) {
    m.assign(host.sample.ready, is('rx_head', 'rx_data'));
    m.assign(banks.input.we, fsm.is('rx_data').and(host.sample.valid));
    m.assign(banks.input.waddr, rxWord);
  }
  // skipZeroErrors (§11): the group's errors (held by the error banks' read registers through
  // the group) are zero on every lane that holds a neuron.
  const errors = banks.errors;
  const groupErrorsZero =
    plan.skipZeroErrors && errors
      ? m.wire(
          'group_errors_zero',
          errors.rdata
            .map((e, q) => seq.laneCount.gt(q).and(e.orR()))
            .reduce((a, b) => a.or(b))
            .not(),
        )
      : undefined;
  m.assign(host.result.valid, fsm.is('emit'));
  m.assign(host.result.data, u.drain.bestIndex.zext(RESULT_BITS));
  m.assign(host.result.last, fsm.is('emit'));
  issueDefaults(m, plan, u, receiver);
  const steps = issueSteps(m, plan, u);
  const training = trainingOf(u);
  fsm.build({
    ...receiveStates(m, plan, u, receiver, rxWord),
    ...forwardStates(m, u, steps),
    ...(training ? backwardStates(m, plan, u, training) : {}),
    ...(training ? updateStates(m, plan, u, steps, training, groupErrorsZero) : {}),
    emit: () => m.when(host.result.ready, () => fsm.goto('idle')),
  });
  return receiver ? { receiver, is } : { is };
}

/** Every cycle without an issue: no issue, no reads; the input buffer's read address follows the sequencer. */
function issueDefaults(m: Module, plan: Plan, u: ControlledUnits, receiver?: PairReceiver): void {
  const { fsm, tables, banks, seq, pipe } = u;
  const { issue } = pipe;
  issue.issue.set(0);
  issue.first.set(0);
  issue.last.set(0);
  issue.bias.set(0);
  issue.fromInput.set(tables.isFirst);
  issue.op?.set(PE_OP.forward);
  banks.input.ren.set(0);
  banks.act.ren.set(0);
  banks.errors?.ren.set(0);
  if (seq.input.kind === 'words') m.assign(banks.input.raddr, seq.input.word);
  else if (receiver) {
    // Prefetch: pair 0 before a layer-1 group (init states, and with its bias issue), pair c + 1 with the issue of pair c.
    const issuing = plan.trains ? fsm.is('fwd').or(fsm.is('upd')) : fsm.is('fwd');
    const ia = banks.input.raddr.width;
    const offset = mux(issuing.and(seq.colIsBias.not()), seq.col.add(1).truncate(ia), lit(0, UInt(ia)));
    m.assign(banks.input.raddr, receiver.readBase.add(offset).truncate(ia));
  }
  m.assign(banks.act.raddr, seq.actAddr);
  if (banks.errors && seq.training) m.assign(banks.errors.raddr, seq.training.errorAddr);
}

/** What an issuing state does with the sequencer. */
interface IssueSteps {
  /** Read the next operand: the input buffer (layer 1) or the activation buffer. */
  readonly readInput: () => void;
  /** skipZeroInputs: read pair 0 before a layer-1 group. */
  readonly prefetchFirstPair: () => void;
}

function issueSteps(m: Module, plan: Plan, u: ControlledUnits): IssueSteps {
  const { tables, banks, seq } = u;
  const { isFirst } = tables;
  // With skipZeroInputs the pair after this one is read unless this is the last (then the bias follows).
  const nextIsBias = seq.input.kind === 'pairs' ? m.wire('next_is_bias', seq.col.add(1).eq(seq.input.count)) : undefined;
  return {
    readInput: () => {
      banks.input.ren.set(nextIsBias ? isFirst.and(seq.colIsBias.or(nextIsBias.not())) : isFirst.and(seq.colIsBias.not()));
      banks.act.ren.set(isFirst.not().and(seq.colIsBias.not()));
    },
    prefetchFirstPair: () => {
      if (plan.sparseInputs) banks.input.ren.set(isFirst);
    },
  };
}

/** idle, load, readback and the controller's own receive (without skipZeroInputs). */
function receiveStates(m: Module, plan: Plan, u: ControlledUnits, receiver: PairReceiver | undefined, rxWord: Signal | undefined): Handlers {
  const { fsm, host, tables, seq, weightPort } = u;
  const { sample, weightsIn, ctrl } = host;
  const startLoad = () => {
    weightPort.load.start();
    fsm.goto('load');
  };
  const startReadback = () => {
    weightPort.readback.start();
    fsm.goto('readback');
  };
  const readbackRequested = ctrl.valid.and(ctrl.data.eq(CTRL_READBACK));
  const tr = seq.training;
  const common: Handlers = {
    load: () => m.when(weightPort.load.done, () => fsm.goto('idle')),
    readback: () => m.when(weightPort.readback.done, () => fsm.goto('idle')),
  };
  if (receiver && seq.input.kind === 'pairs') {
    const inputCount = seq.input.count;
    return {
      // A received sample first (the receiver may still be at it: wait), then load or read-back.
      idle: () => {
        m.when(receiver.pending, () =>
          m.when(receiver.full, () => {
            receiver.take(tr ? { train: tr.train, label: tr.label, inputCount } : { inputCount });
            tables.layer.set(0);
            fsm.goto('fwd_init');
          }),
        )
          .elsewhen(weightsIn.valid, startLoad)
          .elsewhen(readbackRequested, startReadback);
      },
      ...common,
    };
  }
  const word = rxWord;
  if (!word) return common;
  return {
    idle: () => {
      m.when(weightsIn.valid, startLoad)
        .elsewhen(readbackRequested, startReadback)
        .elsewhen(sample.valid, () => fsm.goto('rx_head'));
    },
    ...common,
    rx_head: () =>
      m.when(sample.valid, () => {
        // The header: bit 0 train, then the label (both ignored by the inference variant).
        tr?.train.set(sample.data.bit(0));
        tr?.label.set(sample.data.slice(plan.sizes.labelBits, 1));
        word.set(0);
        fsm.goto('rx_data');
      }),
    rx_data: () => {
      m.when(sample.valid, () => {
        word.set(word.inc());
        m.when(word.eq(plan.sizes.inputDepth - 1), () => {
          tables.layer.set(0);
          fsm.goto('fwd_init');
        });
      });
    },
  };
}

/** The forward pass: a group of P rows at a time, one column per cycle, then the next layer or the prediction. */
function forwardStates(m: Module, u: ControlledUnits, steps: IssueSteps): Handlers {
  const { fsm, tables, seq, pipe, drainState } = u;
  const { issue } = pipe;
  const tr = seq.training;
  return {
    fwd_init: () => {
      seq.group.set(0);
      seq.addr.set(tables.weightBase);
      seq.remain.set(tables.nOut);
      drainState.neuron.set(0);
      seq.startGroup();
      steps.prefetchFirstPair();
      fsm.goto('fwd');
    },
    fwd: () => {
      m.when(seq.col.ne(0).or(drainState.willBeFree), () => {
        issue.issue.set(1);
        issue.first.set(seq.col.eq(0));
        issue.last.set(seq.colIsBias);
        issue.bias.set(seq.colIsBias);
        steps.readInput();
        seq.advanceAddr();
        m.when(seq.colIsBias, () => {
          seq.nextGroup();
          m.when(seq.lastGroup, () => fsm.goto('fwd_wait'));
        }).otherwise(() => {
          seq.col.set(seq.col.inc());
          seq.nextInput();
        });
      });
    },
    fwd_wait: () => {
      m.when(pipe.s1.valid.or(pipe.s2.valid).or(drainState.busy).not(), () => {
        const next = m.when(tables.isOutput.not(), () => {
          tables.layer.set(tables.layer.inc());
          fsm.goto('fwd_init');
        });
        if (!tr) next.otherwise(() => fsm.goto('emit'));
        else {
          next
            .elsewhen(tr.train.not(), () => fsm.goto('emit'))
            .elsewhen(tables.layer.ne(0), () => fsm.goto('bwd_init'))
            .otherwise(() => fsm.goto('upd_init'));
        }
      });
    },
  };
}

/** The training hardware the backward and update states drive (absent from the inference variant). */
interface Training {
  readonly counters: NonNullable<Sequencer['training']>;
  readonly errorTables: NonNullable<LayerTables['errors']>;
  readonly errorBanks: NonNullable<Banks['errors']>;
  readonly deltas: Deltas;
}

function trainingOf(u: ControlledUnits): Training | undefined {
  const { seq, tables, banks, deltas } = u;
  if (!seq.training || !tables.errors || !banks.errors || !deltas) return undefined;
  return { counters: seq.training, errorTables: tables.errors, errorBanks: banks.errors, deltas };
}

/** The backward pass: column by column, each column's groups in turn (the tree sums a group's lanes). */
function backwardStates(m: Module, plan: Plan, u: ControlledUnits, training: Training): Handlers {
  const { fsm, tables, banks, seq, pipe } = u;
  const { issue } = pipe;
  const { counters: tr, deltas } = training;
  const errorBase = training.errorTables.base;
  return {
    bwd_init: () => {
      seq.group.set(0);
      seq.col.set(0);
      tr.colBase.set(tables.weightBase);
      seq.addr.set(tables.weightBase);
      seq.remain.set(tables.nOut);
      tr.errorAddr.set(errorBase);
      seq.actAddr.set(tables.inActBase);
      tr.colLane.set(0);
      tr.colGroup.set(0);
      fsm.goto('bwd');
    },
    bwd: () => {
      issue.issue.set(1);
      issue.first.set(seq.group.eq(0));
      issue.last.set(seq.lastGroup);
      issue.op?.set(PE_OP.backward);
      training.errorBanks.ren.set(1);
      banks.act.ren.set(seq.group.eq(0));
      m.when(seq.lastGroup, () => {
        seq.group.set(0);
        seq.remain.set(tables.nOut);
        tr.errorAddr.set(errorBase);
        seq.col.set(seq.col.inc());
        tr.colBase.set(tr.colBase.inc());
        seq.addr.set(tr.colBase.inc());
        seq.actAddr.set(seq.actAddr.inc());
        m.when(tr.colLane.eq(plan.P - 1), () => {
          tr.colLane.set(0);
          tr.colGroup.set(tr.colGroup.inc());
        }).otherwise(() => tr.colLane.set(tr.colLane.inc()));
        m.when(seq.col.eq(tables.nIn.dec()), () => fsm.goto('bwd_wait'));
      }).otherwise(() => {
        seq.group.set(seq.group.inc());
        seq.remain.set(seq.remain.sub(plan.P).truncate(plan.bits.neuron));
        tr.errorAddr.set(tr.errorAddr.inc());
        seq.addr.set(seq.addr.add(tables.rowLen).truncate(plan.bits.weightAddr));
      });
    },
    bwd_wait: () => {
      m.when(pipe.s1.valid.or(pipe.s2.valid).or(deltas.valid).or(deltas.write).not(), () => fsm.goto('upd_init'));
    },
  };
}

/** The update: a group's errors fetched once, then one gradient per column of its rows; layers from the output down. */
function updateStates(m: Module, plan: Plan, u: ControlledUnits, steps: IssueSteps, training: Training, groupErrorsZero?: Expr): Handlers {
  const { fsm, tables, seq, pipe } = u;
  const { issue } = pipe;
  const tr = training.counters;
  const errorBase = training.errorTables.base;
  const nextGroup = () => {
    seq.nextGroup();
    tr.errorAddr.set(tr.errorAddr.inc());
    m.when(seq.lastGroup, () => fsm.goto('upd_wait')).otherwise(() => fsm.goto('upd_err'));
  };
  const issueColumn = () => {
    issue.issue.set(1);
    issue.first.set(1);
    issue.bias.set(seq.colIsBias);
    issue.op?.set(PE_OP.gradient);
    steps.readInput();
    seq.advanceAddr();
    m.when(seq.colIsBias, nextGroup).otherwise(() => {
      seq.col.set(seq.col.inc());
      seq.nextInput();
    });
  };
  return {
    upd_init: () => {
      seq.group.set(0);
      seq.addr.set(tables.weightBase);
      seq.remain.set(tables.nOut);
      tr.errorAddr.set(errorBase);
      seq.startGroup();
      fsm.goto('upd_err');
    },
    upd_err: () => {
      // Fetch the group's errors; the error banks then hold them through the group.
      training.errorBanks.ren.set(1);
      steps.prefetchFirstPair();
      fsm.goto('upd');
    },
    upd: () => {
      if (!groupErrorsZero) return issueColumn();
      // skipZeroErrors (§11): a group whose errors are all zero would change no weight: on to
      // the next group's row (the running address holds the row base at column 0).
      m.when(seq.col.eq(0).and(groupErrorsZero), () => {
        seq.addr.set(seq.addr.add(tables.rowLen).truncate(plan.bits.weightAddr));
        nextGroup();
      }).otherwise(issueColumn);
    },
    upd_wait: () => {
      m.when(pipe.s1.valid.or(pipe.s2.valid).not(), () => {
        m.when(tables.layer.eq(0), () => fsm.goto('emit')).otherwise(() => {
          tables.layer.set(tables.layer.dec());
          m.when(tables.layer.eq(1), () => fsm.goto('upd_init')).otherwise(() => fsm.goto('bwd_init'));
        });
      });
    },
  };
}
