/**
 * The controller (docs/ARCHITECTURE.md §4), a module of its own: one FSM that receives a sample
 * (or takes it from the pair receiver), runs the forward pass layer by layer, then for a training
 * sample the backward pass from the output layer down and the update from the output layer down,
 * and emits the prediction. The layer tables and the issue sequencer live inside it; its states
 * decide when the sequencer issues, and the units outside follow the issue's flags, the phase
 * flags and the one-cycle requests on its ports (controller-ports.ts).
 */
import { Fsm, UInt, buildModule, clog2, lit, mux, type Expr, type Module, type Signal } from '../../src/hdl/index.js';
import { PE_OP } from '../blocks/pe.js';
import { CTRL_READBACK } from './host.js';
import { controllerIo, type ControllerIo } from './controller-ports.js';
import type { Plan } from './plan.js';
import { columnWalk, type ColumnWalk } from './column-walk.js';
import { sequencer, type Sequencer } from './sequencer.js';
import { statesOf, type State } from './states.js';
import { layerTables, type LayerTables } from './tables.js';

/** What the state handlers work with: the FSM, the module's ports, the layer tables and the sequencer. */
interface ControlledUnits {
  readonly fsm: Fsm<State>;
  readonly io: ControllerIo;
  readonly tables: LayerTables;
  readonly seq: Sequencer;
  /** skipZeroActivations (§16): the walk over the non-zero columns of a layer 2..L. */
  readonly walk?: ColumnWalk;
}

type Handlers = Partial<Record<State, () => void>>;

/** The controller module for a plan (its ports: controller-ports.ts). */
export function controllerModule(plan: Plan): Module {
  const { cfg } = plan;
  const params = {
    layers: cfg.layers,
    pes: cfg.pes,
    variant: cfg.variant,
    inputsPerBeat: plan.K,
    skipZeroInputs: cfg.skipZeroInputs,
    skipZeroErrors: plan.skipZeroErrors,
    skipZeroActivations: plan.sparseBackward,
  };
  return buildModule('controller', params, (c) => {
    const io = controllerIo(c, plan);
    const fsm = new Fsm<State>(c, 'state', statesOf(cfg.variant, plan.sparseInputs), 'idle');
    const tables = layerTables(c, plan);
    // skipZeroActivations (§16): the update of a layer 2..L walks its non-zero columns too
    const hiddenWalk = io.status.actNonZero ? c.wire('upd_walk', fsm.is('upd').and(tables.isFirst.not())) : undefined;
    const seq = sequencer(c, plan, tables, io.status.receiver?.pairIndex, hiddenWalk);
    const walk = io.status.actNonZero
      ? columnWalk(c, plan, tables, io.status.actNonZero, fsm.is('bwd_init').or(fsm.is('upd_err').and(tables.isFirst.not())))
      : undefined;
    const u = { fsm, io, tables, seq, ...(walk ? { walk } : {}) };
    exportState(c, u);
    const rxWord = seq.input.kind === 'words' ? c.reg('rx_word', UInt(clog2(plan.sizes.inputDepth)), { init: 0 }) : undefined;
    issueDefaults(c, plan, u);
    const steps = issueSteps(c, plan, u);
    const training = trainingOf(u);
    fsm.build({
      ...receiveStates(c, plan, u, rxWord),
      ...forwardStates(c, u, steps),
      ...(training ? backwardStates(c, plan, u, training) : {}),
      ...(training ? updateStates(c, plan, u, steps, training, io.status.groupErrorsZero) : {}),
      emit: () => c.when(io.status.resultReady, () => fsm.goto('idle')),
    });
  });
}

/** The outputs that follow the state: the issue's metadata, the layer's constants, the phase flags. */
function exportState(c: Module, u: ControlledUnits): void {
  const { fsm, io, tables, seq } = u;
  const is = (...states: State[]) => states.map((x) => fsm.is(x)).reduce((a, b) => a.or(b));
  const { info, layer, phases } = io;
  c.assign(info.addr, seq.issueAddr);
  c.assign(info.laneCount, seq.laneCount);
  c.assign(info.group, seq.group);
  if (info.inLane && seq.input.kind === 'words') c.assign(info.inLane, seq.input.lane);
  if (info.colLane && info.colGroup && seq.training) {
    c.assign(info.colLane, seq.training.colLane);
    c.assign(info.colGroup, seq.training.colGroup);
  }
  if (layer.index) c.assign(layer.index, tables.layer);
  c.assign(layer.isFirst, tables.isFirst);
  c.assign(layer.isOutput, tables.isOutput);
  if (layer.rowLen) c.assign(layer.rowLen, tables.rowLen);
  if (layer.outActBase) c.assign(layer.outActBase, tables.outActBase);
  if (layer.pairCount && seq.input.kind === 'pairs') c.assign(layer.pairCount, seq.input.count);
  if (layer.training && tables.errors && seq.training) {
    if (layer.training.errorBase) c.assign(layer.training.errorBase, tables.errors.base);
    if (layer.training.lowerErrorBase) c.assign(layer.training.lowerErrorBase, tables.errors.lowerBase);
    c.assign(layer.training.train, seq.training.train);
    c.assign(layer.training.label, seq.training.label);
  }
  c.assign(phases.idle, fsm.is('idle'));
  c.assign(phases.load, fsm.is('load'));
  c.assign(phases.readback, fsm.is('readback'));
  if (phases.receive) c.assign(phases.receive, is('rx_head', 'rx_data'));
  c.assign(phases.forward, is('fwd_init', 'fwd', 'fwd_wait'));
  if (phases.backward) c.assign(phases.backward, is('bwd_init', 'bwd', 'bwd_wait'));
  if (phases.update) c.assign(phases.update, is('upd_init', 'upd_err', 'upd', 'upd_wait'));
  c.assign(phases.emit, fsm.is('emit'));
}

/** Every cycle without an issue: no issue, no reads; the input buffer's read address follows the sequencer. */
function issueDefaults(m: Module, plan: Plan, u: ControlledUnits): void {
  const { fsm, tables, seq, io } = u;
  const { issue, reads, pulses } = io;
  const receiver = io.status.receiver;
  issue.issue.set(0);
  issue.window.set(0);
  issue.first.set(0);
  issue.last.set(0);
  issue.bias.set(0);
  issue.fromInput.set(tables.isFirst);
  issue.op?.set(PE_OP.forward);
  reads.input.ren.set(0);
  reads.act.ren.set(0);
  reads.errors?.ren.set(0);
  pulses.loadStart.set(0);
  pulses.readbackStart.set(0);
  pulses.drainRestart.set(0);
  pulses.rxTake?.set(0);
  if (seq.input.kind === 'words') m.assign(reads.input.raddr, seq.input.word);
  else if (receiver) {
    // Prefetch: pair 0 before a layer-1 group (init states, and with its bias issue), pair c + 1 with the issue of pair c.
    const issuing = plan.trains ? fsm.is('fwd').or(fsm.is('upd')) : fsm.is('fwd');
    const ia = reads.input.raddr.width;
    const offset = mux(issuing.and(seq.colIsBias.not()), seq.col.add(1).truncate(ia), lit(0, UInt(ia)));
    m.assign(reads.input.raddr, receiver.readBase.add(offset).truncate(ia));
  }
  m.assign(reads.act.raddr, seq.actAddr);
  if (reads.errors && seq.training) m.assign(reads.errors.raddr, seq.training.errorAddr);
}

/** What an issuing state does with the sequencer. */
interface IssueSteps {
  /** Read the next operand: the input buffer (layer 1) or the activation buffer. */
  readonly readInput: () => void;
  /** skipZeroInputs: read pair 0 before a layer-1 group. */
  readonly prefetchFirstPair: () => void;
}

function issueSteps(m: Module, plan: Plan, u: ControlledUnits): IssueSteps {
  const { tables, seq } = u;
  const reads = u.io.reads;
  const { isFirst } = tables;
  // With skipZeroInputs the pair after this one is read unless this is the last (then the bias follows).
  const nextIsBias = seq.input.kind === 'pairs' ? m.wire('next_is_bias', seq.col.add(1).eq(seq.input.count)) : undefined;
  return {
    readInput: () => {
      reads.input.ren.set(nextIsBias ? isFirst.and(seq.colIsBias.or(nextIsBias.not())) : isFirst.and(seq.colIsBias.not()));
      reads.act.ren.set(isFirst.not().and(seq.colIsBias.not()));
    },
    prefetchFirstPair: () => {
      if (plan.sparseInputs) reads.input.ren.set(isFirst);
    },
  };
}

/** idle, load, readback and the controller's own receive (without skipZeroInputs). */
function receiveStates(m: Module, plan: Plan, u: ControlledUnits, rxWord: Signal | undefined): Handlers {
  const { fsm, io, tables, seq } = u;
  const { status, pulses } = io;
  const startLoad = () => {
    pulses.loadStart.set(1);
    fsm.goto('load');
  };
  const startReadback = () => {
    pulses.readbackStart.set(1);
    fsm.goto('readback');
  };
  const readbackRequested = status.ctrlValid.and(status.ctrlData.eq(CTRL_READBACK));
  const tr = seq.training;
  const common: Handlers = {
    load: () => m.when(status.loadDone, () => fsm.goto('idle')),
    readback: () => m.when(status.readbackDone, () => fsm.goto('idle')),
  };
  const receiver = status.receiver;
  const rxTake = pulses.rxTake;
  if (receiver && rxTake && seq.input.kind === 'pairs') {
    const inputCount = seq.input.count;
    return {
      // A received sample first (the receiver may still be at it: wait), then load or read-back.
      idle: () => {
        m.when(receiver.pending, () =>
          m.when(receiver.full, () => {
            rxTake.set(1);
            inputCount.set(receiver.count);
            if (tr && receiver.header) {
              tr.train.set(receiver.header.train);
              tr.label.set(receiver.header.label);
            }
            tables.layer.set(0);
            fsm.goto('fwd_init');
          }),
        )
          .elsewhen(status.weightsValid, startLoad)
          .elsewhen(readbackRequested, startReadback);
      },
      ...common,
    };
  }
  const word = rxWord;
  const header = status.sampleHeader;
  const write = io.reads.input.write;
  if (!word || !header || !write) return common;
  // The controller's own receive: the sample's beats go to the input buffer as they arrive.
  m.assign(write.we, fsm.is('rx_data').and(status.sampleValid));
  m.assign(write.waddr, word);
  return {
    idle: () => {
      m.when(status.weightsValid, startLoad)
        .elsewhen(readbackRequested, startReadback)
        .elsewhen(status.sampleValid, () => fsm.goto('rx_head'));
    },
    ...common,
    rx_head: () =>
      m.when(status.sampleValid, () => {
        // The header: bit 0 train, then the label (both ignored by the inference variant).
        tr?.train.set(header.bit(0));
        tr?.label.set(header.slice(plan.sizes.labelBits, 1));
        word.set(0);
        fsm.goto('rx_data');
      }),
    rx_data: () => {
      m.when(status.sampleValid, () => {
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
  const { fsm, tables, seq, io } = u;
  const { issue, status } = io;
  const tr = seq.training;
  return {
    fwd_init: () => {
      seq.group.set(0);
      seq.addr.set(tables.weightBase);
      seq.remain.set(tables.nOut);
      io.pulses.drainRestart.set(1);
      seq.startGroup();
      steps.prefetchFirstPair();
      fsm.goto('fwd');
    },
    fwd: () => {
      issue.window.set(1);
      m.when(seq.colIsFirst.not().or(status.drainWillBeFree), () => {
        issue.issue.set(1);
        issue.first.set(seq.colIsFirst);
        issue.last.set(seq.colIsBias);
        issue.bias.set(seq.colIsBias);
        steps.readInput();
        seq.advanceAddr();
        m.when(seq.colIsBias, () => {
          seq.nextGroup();
          m.when(seq.lastGroup, () => fsm.goto('fwd_wait'));
        }).otherwise(() => {
          seq.nextColumn();
          seq.nextInput();
        });
      });
    },
    fwd_wait: () => {
      // a hidden layer's last group drains while the next layer starts (its reads trail the
      // drain's writes, §4); the output layer's drain ends first (argmax, output errors)
      m.when(status.s1Valid.or(status.s2Valid).or(status.drainBusy.and(tables.isOutput)).not(), () => {
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
  readonly errorReads: NonNullable<ControllerIo['reads']['errors']>;
  readonly deltas: NonNullable<ControllerIo['status']['deltas']>;
}

function trainingOf(u: ControlledUnits): Training | undefined {
  const { seq, tables, io } = u;
  const { errors } = io.reads;
  const { deltas } = io.status;
  if (!seq.training || !tables.errors || !errors || !deltas) return undefined;
  return { counters: seq.training, errorTables: tables.errors, errorReads: errors, deltas };
}

/**
 * The backward pass: column by column, each column's groups in turn (the tree sums a group's
 * lanes). The dedicated variant's pass is fused (§9): each issue also updates the weight it reads
 * (its gradient multiplier), the bias column follows the last one, and the layer needs no update
 * pass; with single-port banks an issue waits while the write-back takes its bank.
 */
function backwardStates(m: Module, plan: Plan, u: ControlledUnits, training: Training): Handlers {
  const { fsm, tables, seq, io } = u;
  const { issue, reads, status } = io;
  const { counters: tr, deltas } = training;
  const errorBase = training.errorTables.base;
  const fused = plan.fusedUpdate;
  // (fused) the bias column, after the last: a compare, as the backward pass's end test was
  const atBias = fused ? m.wire('bwd_at_bias', seq.col.eq(tables.nIn)) : undefined;
  // skipZeroActivations (§16): the columns with a non-zero activation, lowest first
  const column = u.walk ? sparseColumns(m, u, training, u.walk, atBias) : undefined;
  const denseNextColumn = () => {
    seq.nextColumn();
    tr.colBase.set(tr.colBase.inc());
    seq.addr.set(tr.colBase.inc());
    seq.actAddr.set(seq.actAddr.inc());
    m.when(tr.colLane.eq(plan.P - 1), () => {
      tr.colLane.set(0);
      tr.colGroup.set(tr.colGroup.inc());
    }).otherwise(() => tr.colLane.set(tr.colLane.inc()));
    m.when(atBias ?? seq.col.eq(tables.nIn.dec()), () => fsm.goto('bwd_wait'));
  };
  const issueColumn = () => {
    issue.issue.set(1);
    issue.first.set(seq.group.eq(0));
    issue.last.set(seq.lastGroup);
    issue.op?.set(fused ? PE_OP.fused : PE_OP.backward);
    if (atBias) issue.bias.set(atBias);
    training.errorReads.ren.set(1);
    reads.act.ren.set(atBias ? seq.group.eq(0).and(atBias.not()) : seq.group.eq(0));
    m.when(seq.lastGroup, () => {
      seq.group.set(0);
      seq.remain.set(tables.nOut);
      tr.errorAddr.set(errorBase);
      if (column) column.next();
      else denseNextColumn();
    }).otherwise(() => {
      seq.group.set(seq.group.inc());
      seq.remain.set(seq.remain.sub(plan.P).truncate(plan.bits.neuron));
      tr.errorAddr.set(tr.errorAddr.inc());
      seq.addr.set(seq.addr.add(tables.rowLen).truncate(plan.bits.weightAddr));
    });
  };
  const busy = fused ? status.weightPortBusy : undefined;
  const pending = status.s1Valid.or(status.s2Valid).or(deltas.valid).or(deltas.write);
  return {
    bwd_init: () => {
      seq.group.set(0);
      seq.remain.set(tables.nOut);
      tr.errorAddr.set(errorBase);
      if (column) return column.first();
      seq.firstColumn();
      tr.colBase.set(tables.weightBase);
      seq.addr.set(tables.weightBase);
      seq.actAddr.set(tables.inActBase);
      tr.colLane.set(0);
      tr.colGroup.set(0);
      fsm.goto('bwd');
    },
    bwd: () => {
      issue.window.set(1);
      if (busy) m.when(busy.not(), issueColumn);
      else issueColumn();
    },
    bwd_wait: () => {
      if (!fused) return m.when(pending.not(), () => fsm.goto('upd_init'));
      // the fused pass updated the layer: on to the layer below once the last write-back is done
      m.when((status.writeBack ? pending.or(status.writeBack) : pending).not(), () => layerBelow(m, u));
    },
  };
}

/**
 * skipZeroActivations (§16): the backward pass's columns from the walk. `first` (bwd_init) goes to
 * the layer's first column with a non-zero activation; `next` (after a column's last group) to the
 * next one. When none is left: the bias column if the pass is fused and not there yet, else bwd_wait.
 */
function sparseColumns(m: Module, u: ControlledUnits, training: Training, walk: ColumnWalk, atBias?: Expr): { first: () => void; next: () => void } {
  const { fsm, tables, seq } = u;
  const tr = training.counters;
  const wa = seq.addr.width;
  const toColumn = (i: Expr) => {
    seq.col.set(i);
    const base = tables.weightBase.add(i).truncate(wa);
    tr.colBase.set(base);
    seq.addr.set(base);
    seq.actAddr.set(tables.inActBase.add(i).truncate(seq.actAddr.width));
  };
  const take = () => {
    toColumn(walk.col);
    tr.colLane.set(walk.lane);
    tr.colGroup.set(walk.group);
    walk.take();
    fsm.goto('bwd');
  };
  const bias = () => {
    toColumn(tables.nIn);
    fsm.goto('bwd');
  };
  return {
    first: () =>
      m.when(walk.any, take).otherwise(() => {
        if (atBias) bias();
        else fsm.goto('bwd_wait');
      }),
    next: () => {
      const done = () => fsm.goto('bwd_wait');
      const w = m.when(walk.any, take);
      if (atBias) w.elsewhen(atBias.not(), bias).otherwise(done);
      else w.otherwise(done);
    },
  };
}

/**
 * skipZeroActivations (§16), the update of a layer 2..L: the row's next column is the walk's next
 * (its activation read at the layer's activation base plus the column), or the bias when the walk
 * is done; `first` at the row's start (upd_err, where the walk loads the layer's columns).
 */
function walkColumn(m: Module, u: ControlledUnits, walk: ColumnWalk, first: boolean): void {
  const { tables, seq } = u;
  m.when(walk.any, () => {
    seq.jumpColumn(walk.col, first);
    seq.actAddr.set(tables.inActBase.add(walk.col).truncate(seq.actAddr.width));
    walk.take();
  }).otherwise(() => seq.jumpColumn(undefined, first));
}

/** After a layer's update: the layer below's backward pass (its update only, for layer 1), or the result. */
function layerBelow(m: Module, u: ControlledUnits): void {
  const { fsm, tables } = u;
  m.when(tables.layer.eq(0), () => fsm.goto('emit')).otherwise(() => {
    tables.layer.set(tables.layer.dec());
    m.when(tables.layer.eq(1), () => fsm.goto('upd_init')).otherwise(() => fsm.goto('bwd_init'));
  });
}

/** The update: a group's errors fetched once, then one gradient per column of its rows; layers from the output down. */
function updateStates(m: Module, plan: Plan, u: ControlledUnits, steps: IssueSteps, training: Training, groupErrorsZero?: Expr): Handlers {
  const { fsm, tables, seq, io } = u;
  const { issue, status } = io;
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
    const dense = () => {
      seq.nextColumn();
      seq.nextInput();
    };
    const walk = u.walk;
    m.when(seq.colIsBias, nextGroup).otherwise(walk ? () => m.when(tables.isFirst, dense).otherwise(() => walkColumn(m, u, walk, false)) : dense);
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
      training.errorReads.ren.set(1);
      steps.prefetchFirstPair();
      // skipZeroActivations (§16): a layer 2..L's row starts at its first non-zero column
      const walk = u.walk;
      if (walk) m.when(tables.isFirst.not(), () => walkColumn(m, u, walk, true));
      fsm.goto('upd');
    },
    upd: () => {
      issue.window.set(1);
      const busy = status.weightPortBusy;
      // single-port weight banks (§12): the issue waits while the port writes the previous weight
      const issueWhenFree = busy ? () => m.when(busy.not(), issueColumn) : issueColumn;
      if (!groupErrorsZero) return issueWhenFree();
      // skipZeroErrors (§11): a group whose errors are all zero would change no weight: on to
      // the next group's row (the running address holds the row base at column 0).
      m.when(seq.colIsFirst.and(groupErrorsZero), () => {
        seq.addr.set(seq.addr.add(tables.rowLen).truncate(plan.bits.weightAddr));
        nextGroup();
      }).otherwise(issueWhenFree);
    },
    upd_wait: () => {
      const pending = status.writeBack ? status.s1Valid.or(status.s2Valid).or(status.writeBack) : status.s1Valid.or(status.s2Valid);
      m.when(pending.not(), () => layerBelow(m, u));
    },
  };
}
