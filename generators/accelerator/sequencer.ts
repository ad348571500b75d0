/**
 * The issue sequencer's state: the counters the three compute phases share (group, column,
 * running weight address, lanes remaining, input and activation read positions), the backward
 * and update phases' own counters, and the actions the controller's states take with them
 * (docs/ARCHITECTURE.md §4). The controller decides when; the sequencer knows how.
 */
import { Bool, UInt, clog2, lit, mux, type Expr, type Module, type Signal } from '../../src/hdl/index.js';
import type { Plan } from './plan.js';
import type { LayerTables } from './tables.js';

/** Where the next activation operand is read from: the input buffer (layer 1) or the activation buffer. */
export type InputPosition =
  /** Dense inputs: a word of the input buffer and a lane within it. */
  | { readonly kind: 'words'; readonly word: Signal; readonly lane: Signal }
  /** skipZeroInputs: the number of pairs the receiver stored (layer 1's row length minus the bias), and the prefetched pair's input index. */
  | { readonly kind: 'pairs'; readonly count: Signal; readonly pairIndex: Expr };

export interface TrainingCounters {
  /** The column's weight address in the backward pass (the running address walks down the column). */
  readonly colBase: Signal;
  readonly errorAddr: Signal;
  /** The lane and group of the column's error in the layer below. */
  readonly colLane: Signal;
  readonly colGroup: Signal;
  /** The sample's header: train (1) or inference (0), and its label. */
  readonly train: Signal;
  readonly label: Signal;
}

export interface Sequencer {
  readonly group: Signal;
  readonly col: Signal;
  /** The running weight address of the issues. */
  readonly addr: Signal;
  readonly remain: Signal;
  readonly input: InputPosition;
  readonly actAddr: Signal;
  readonly training?: TrainingCounters;
  /** Valid lanes of the current group: min(P, remaining outputs). */
  readonly laneCount: Signal;
  /** The column is the bias: follows `col` as firstColumn / nextColumn / jumpColumn move it (the backward pass, which never reads it, moves `col` itself). */
  readonly colIsBias: Signal;
  /** col = 0: a register that follows `col` too (a compare less on the update's issue decision). */
  readonly colIsFirst: Signal;
  /** col ← 0 (the flag follows; the layer and the sample's input count must be current). */
  readonly firstColumn: () => void;
  /** col ← col + 1. */
  readonly nextColumn: () => void;
  /**
   * skipZeroActivations (§16), the update of layers 2..L: col ← `to` (the walk's next column), or
   * the bias when `to` is undefined; `first` at a group's start.
   */
  readonly jumpColumn: (to: Expr | undefined, first: boolean) => void;
  /** The weight address of an issue (with skipZeroInputs, layer 1's is the row base plus the pair's index). */
  readonly issueAddr: Expr;
  readonly lastGroup: Signal;
  /** Advance the running address after an issue (with skipZeroInputs, layer 1's holds the row base). */
  readonly advanceAddr: () => void;
  /** Advance the input position (layer 1) and the activation address (the other layers). */
  readonly nextInput: () => void;
  /** Back to column 0 of a group. */
  readonly startGroup: () => void;
  /** Move on to the next group of P rows. */
  readonly nextGroup: () => void;
}

/**
 * The column flags, registers that follow col (the bias flag selects the first layer's weight address,
 * on the FPGA's critical path): col moves only by firstColumn / nextColumn, and the layer and the
 * sample's input count (`rowEnd`) change only before a firstColumn (in the *_init states).
 */
function columns(m: Module, col: Signal, rowEnd: Expr): Pick<Sequencer, 'colIsBias' | 'colIsFirst' | 'firstColumn' | 'nextColumn' | 'jumpColumn'> {
  const colIsBias = m.reg('col_is_bias', Bool, { init: 0 });
  const colIsFirst = m.reg('col_is_first', Bool, { init: 1 });
  const firstColumn = () => {
    col.set(0);
    colIsFirst.set(1);
    colIsBias.set(rowEnd.eq(0));
  };
  const nextColumn = () => {
    col.set(col.inc());
    colIsFirst.set(0);
    colIsBias.set(
      col
        .zext(col.width + 1)
        .inc()
        .eq(rowEnd),
    );
  };
  const jumpColumn = (to: Expr | undefined, first: boolean) => {
    if (to) col.set(to);
    colIsFirst.set(first ? 1 : 0);
    colIsBias.set(to ? 0 : 1);
  };
  return { colIsBias, colIsFirst, firstColumn, nextColumn, jumpColumn };
}

/**
 * An issue's weight address: the running address, or (skipZeroInputs, layer 1) the row base plus
 * the pair's index, or plus N_0 for the bias. Two adders and the bias test last: the pair's index
 * comes out of the input buffer late in the cycle, and the bias test would sit in series with it.
 * With `hiddenWalk` (skipZeroActivations, §16: the update of a layer 2..L) the row base plus the
 * walked column, or plus N_{l-1} for the bias.
 */
function issueAddress(
  m: Module,
  plan: Plan,
  tables: LayerTables,
  at: { addr: Signal; col: Signal; colIsBias: Expr; input: InputPosition; hiddenWalk?: Expr },
): Expr {
  const { addr, col, colIsBias, input, hiddenWalk } = at;
  const wa = plan.bits.weightAddr;
  const walked = hiddenWalk ? mux(hiddenWalk, mux(colIsBias, addr.add(tables.nIn).truncate(wa), addr.add(col).truncate(wa)), addr) : addr;
  if (input.kind !== 'pairs') return hiddenWalk ? m.wire('issue_waddr', walked) : addr;
  const index = input.pairIndex.zext(plan.bits.inputIndex + 1);
  return m.wire('issue_waddr', mux(tables.isFirst, mux(colIsBias, addr.add(plan.inputs).truncate(wa), addr.add(index).truncate(wa)), walked));
}

/** The backward and update phases' own counters and the sample's header (training variants). */
function trainingCounters(m: Module, plan: Plan): TrainingCounters {
  const { bits, sizes } = plan;
  return {
    colBase: m.reg('col_base', UInt(bits.weightAddr), { init: 0 }),
    errorAddr: m.reg('error_raddr', UInt(bits.errorAddr), { init: 0 }),
    colLane: m.reg('col_lane', UInt(bits.lane), { init: 0 }),
    colGroup: m.reg('col_grp', UInt(bits.errorAddr), { init: 0 }),
    train: m.reg('train', Bool, { init: 0 }),
    label: m.reg('label', UInt(sizes.labelBits), { init: 0 }),
  };
}

/**
 * `pairIndex` (skipZeroInputs): the input index of the pair in the input buffer's read register;
 * `hiddenWalk` (skipZeroActivations): the issues walk a layer 2..L's non-zero columns (its update).
 */
export function sequencer(m: Module, plan: Plan, tables: LayerTables, pairIndex?: Expr, hiddenWalk?: Expr): Sequencer {
  const { P, K, bits, sizes, trains } = plan;
  const group = m.reg('grp', UInt(bits.group), { init: 0 });
  const col = m.reg('col', UInt(bits.column), { init: 0 });
  const addr = m.reg('waddr_issue', UInt(bits.weightAddr), { init: 0 });
  const remain = m.reg('lanes_remaining', UInt(bits.neuron), { init: 0 });
  const input: InputPosition = pairIndex
    ? { kind: 'pairs', count: m.reg('input_count', UInt(bits.column), { init: 0 }), pairIndex }
    : {
        kind: 'words',
        word: m.reg('in_word', UInt(clog2(sizes.inputDepth)), { init: 0 }),
        lane: m.reg('in_lane', UInt(clog2(K)), { init: 0 }),
      };
  const actAddr = m.reg('act_raddr', UInt(bits.actAddr), { init: 0 });
  const training = trains ? trainingCounters(m, plan) : undefined;
  const laneCountBits = Math.max(bits.neuron, bits.lanes);
  const laneCount = m.wire('lane_count', mux(remain.gt(P), lit(P, UInt(laneCountBits)), remain.zext(laneCountBits)));
  const { colIsBias, colIsFirst, firstColumn, nextColumn, jumpColumn } = columns(
    m,
    col,
    input.kind === 'pairs' ? mux(tables.isFirst, input.count, tables.nIn) : tables.nIn,
  );
  const issueAddr = issueAddress(m, plan, tables, { addr, col, colIsBias, input, ...(hiddenWalk ? { hiddenWalk } : {}) });
  const lastGroup = m.wire('last_group', group.eq(tables.lastGroup));

  // (the walks over non-zero columns hold the row base, and move to the next row after the bias)
  const wa = bits.weightAddr;
  const dense = hiddenWalk ? mux(hiddenWalk, mux(colIsBias, addr.add(tables.rowLen).truncate(wa), addr), addr.inc().truncate(wa)) : addr.inc();
  const advanceAddr = () =>
    addr.set(input.kind === 'pairs' ? mux(tables.isFirst, mux(colIsBias, addr.add(plan.inputs + 1).truncate(bits.weightAddr), addr), dense) : dense);
  const nextInput = () => {
    if (input.kind === 'words') {
      const { word, lane } = input;
      if (K > 1) {
        m.when(lane.eq(K - 1), () => {
          lane.set(0);
          word.set(word.inc());
        }).otherwise(() => lane.set(lane.inc()));
      } else word.set(word.inc());
    }
    actAddr.set(actAddr.inc());
  };
  const startGroup = () => {
    firstColumn();
    if (input.kind === 'words') {
      input.word.set(0);
      input.lane.set(0);
    }
    actAddr.set(tables.inActBase);
  };
  const nextGroup = () => {
    startGroup();
    group.set(group.inc());
    remain.set(remain.sub(P).truncate(bits.neuron));
  };
  const common = {
    group,
    col,
    addr,
    remain,
    input,
    actAddr,
    laneCount,
    colIsBias,
    colIsFirst,
    firstColumn,
    nextColumn,
    jumpColumn,
    issueAddr,
    lastGroup,
    advanceAddr,
    nextInput,
    startGroup,
    nextGroup,
  };
  return training ? { ...common, training } : common;
}
