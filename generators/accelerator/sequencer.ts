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
  readonly colIsBias: Signal;
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

/** `pairIndex` (skipZeroInputs): the input index of the pair in the input buffer's read register. */
export function sequencer(m: Module, plan: Plan, tables: LayerTables, pairIndex?: Expr): Sequencer {
  const { P, K, bits, sizes, trains } = plan;
  const group = m.reg('grp', UInt(bits.group), { init: 0 });
  const col = m.reg('col', UInt(bits.column), { init: 0 });
  const addr = m.reg('waddr_issue', UInt(bits.weightAddr), { init: 0 });
  const colBase = trains ? m.reg('col_base', UInt(bits.weightAddr), { init: 0 }) : undefined;
  const remain = m.reg('lanes_remaining', UInt(bits.neuron), { init: 0 });
  const input: InputPosition = pairIndex
    ? { kind: 'pairs', count: m.reg('input_count', UInt(bits.column), { init: 0 }), pairIndex }
    : {
        kind: 'words',
        word: m.reg('in_word', UInt(clog2(sizes.inputDepth)), { init: 0 }),
        lane: m.reg('in_lane', UInt(clog2(K)), { init: 0 }),
      };
  const actAddr = m.reg('act_raddr', UInt(bits.actAddr), { init: 0 });
  const training =
    trains && colBase
      ? {
          colBase,
          errorAddr: m.reg('error_raddr', UInt(bits.errorAddr), { init: 0 }),
          colLane: m.reg('col_lane', UInt(bits.lane), { init: 0 }),
          colGroup: m.reg('col_grp', UInt(bits.errorAddr), { init: 0 }),
          train: m.reg('train', Bool, { init: 0 }),
          label: m.reg('label', UInt(sizes.labelBits), { init: 0 }),
        }
      : undefined;
  const laneCountBits = Math.max(bits.neuron, bits.lanes);
  const laneCount = m.wire('lane_count', mux(remain.gt(P), lit(P, UInt(laneCountBits)), remain.zext(laneCountBits)));
  // The bias column of the layer's rows, registered (it feeds the weight address): the layer and
  // the sample's input count change in the states before fwd / upd_err, which issue nothing.
  const rowEnd = input.kind === 'pairs' ? m.flop('row_end', mux(tables.isFirst, input.count, tables.nIn)) : tables.nIn;
  const colIsBias = m.wire('col_is_bias', col.eq(rowEnd));
  const N0 = plan.inputs;
  const wideIndex = bits.inputIndex + 1;
  const issueAddr: Expr =
    input.kind === 'pairs'
      ? m.wire(
          'issue_waddr',
          // Two adders and the bias test last: the pair's index comes out of the input buffer late
          // in the cycle, and the bias comparison would otherwise sit in series with it.
          mux(
            tables.isFirst,
            mux(colIsBias, addr.add(N0).truncate(bits.weightAddr), addr.add(input.pairIndex.zext(wideIndex)).truncate(bits.weightAddr)),
            addr,
          ),
        )
      : addr;
  const lastGroup = m.wire('last_group', group.eq(tables.lastGroup));

  const advanceAddr = () =>
    addr.set(input.kind === 'pairs' ? mux(tables.isFirst, mux(colIsBias, addr.add(N0 + 1).truncate(bits.weightAddr), addr), addr.inc()) : addr.inc());
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
    col.set(0);
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
  const common = { group, col, addr, remain, input, actAddr, laneCount, colIsBias, issueAddr, lastGroup, advanceAddr, nextInput, startGroup, nextGroup };
  return training ? { ...common, training } : common;
}
