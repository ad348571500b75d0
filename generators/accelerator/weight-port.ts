/**
 * Weight load and read-back (docs/ARCHITECTURE.md §5): s_weights writes one weight per accepted
 * beat into its row's bank; a control byte CTRL_READBACK streams every weight back on m_weights
 * in the same order. Both walk the stream order (layer, row, column) with a walker that knows
 * each element's bank (lane) and address.
 */
import { Bool, UInt, mux, type Expr, type Module, type Signal } from '../../src/hdl/index.js';
import type { Phases, Pulses } from './controller-ports.js';
import type { HostPorts } from './host.js';
import type { CounterBits, Plan } from './plan.js';
import { layerTable } from './tables.js';

export interface WeightPort {
  readonly load: {
    /** The bank the current weight goes to, its address, and the last weight's acceptance. */
    readonly lane: Signal;
    readonly addr: Expr;
    readonly done: Expr;
  };
  readonly readback: {
    readonly lane: Signal;
    readonly addr: Expr;
    readonly ren: Expr;
    readonly done: Expr;
  };
}

/**
 * What the walker depends on: the lanes, the weight layers' rows and row lengths, their bases in
 * the banks and the counters' widths (the dense plan, or a convolutional network's, whose filters
 * are rows of kernel²·channels columns: generators/cnn/plan.ts).
 */
export interface WeightWalkPlan {
  readonly P: number;
  readonly L: number;
  readonly bits: Pick<CounterBits, 'layer' | 'neuron' | 'lane' | 'column' | 'weightAddr'>;
  readonly sizes: { readonly layers: readonly Pick<Plan['sizes']['layers'][number], 'nIn' | 'nOut' | 'rowLen' | 'weightBase' | 'groups'>[] };
}

interface Walker {
  readonly lane: Signal;
  readonly last: Expr;
  readonly elemAddr: Expr;
  readonly reset: () => void;
  readonly advance: () => void;
}

/** A walker over the stream order (layer, row, column) that knows each element's bank and address. */
function walker(m: Module, plan: WeightWalkPlan, prefix: string): Walker {
  const { bits, P } = plan;
  const layers = plan.sizes.layers;
  const wl = m.reg(`${prefix}_layer`, UInt(bits.layer), { init: 0 });
  const row = m.reg(`${prefix}_row`, UInt(bits.neuron), { init: 0 });
  const lane = m.reg(`${prefix}_lane`, UInt(bits.lane), { init: 0 });
  const col = m.reg(`${prefix}_col`, UInt(bits.column), { init: 0 });
  const rowBase = m.reg(`${prefix}_group_base`, UInt(bits.weightAddr), { init: 0 });
  const nIn = layerTable(
    m,
    `${prefix}_n_in`,
    wl,
    layers.map((l) => l.nIn),
    bits.column,
  );
  const nOut = layerTable(
    m,
    `${prefix}_n_out`,
    wl,
    layers.map((l) => l.nOut),
    bits.neuron,
  );
  const rowLen = layerTable(
    m,
    `${prefix}_row_len`,
    wl,
    layers.map((l) => l.rowLen),
    bits.weightAddr + 1,
  );
  const nextBase = layerTable(
    m,
    `${prefix}_next_base`,
    wl,
    layers.map((l) => l.weightBase + l.groups * l.rowLen),
    bits.weightAddr + 1,
  );
  const endOfRow = m.wire(`${prefix}_end_of_row`, col.eq(nIn));
  const lastRow = m.wire(`${prefix}_last_row`, row.eq(nOut.dec()));
  const last = m.wire(`${prefix}_last`, endOfRow.and(lastRow).and(wl.eq(plan.L - 1)));
  const elemAddr = m.wire(`${prefix}_addr`, rowBase.add(col.zext(Math.max(bits.column, bits.weightAddr))).truncate(bits.weightAddr));
  const reset = () => {
    wl.set(0);
    row.set(0);
    lane.set(0);
    col.set(0);
    rowBase.set(0);
  };
  const nextRow = () => {
    row.set(row.inc());
    m.when(lane.eq(P - 1), () => {
      lane.set(0);
      rowBase.set(rowBase.add(rowLen).truncate(bits.weightAddr));
    }).otherwise(() => lane.set(lane.inc()));
  };
  const advance = () => {
    m.when(endOfRow.not(), () => col.set(col.inc())).otherwise(() => {
      col.set(0);
      m.when(lastRow, () => {
        wl.set(wl.inc());
        row.set(0);
        lane.set(0);
        rowBase.set(nextBase.truncate(bits.weightAddr));
      }).otherwise(nextRow);
    });
  };
  return { lane, last, elemAddr, reset, advance };
}

/**
 * The load and read-back logic, run in the controller's `load` and `readback` phases; each starts
 * at the first weight on the controller's request as it enters the phase. `samplePending`
 * (skipZeroInputs): a sample accepted by the pair receiver goes before any later weight load or
 * read-back, so s_ctrl waits for it.
 */
export function weightPort(
  m: Module,
  plan: WeightWalkPlan,
  host: HostPorts,
  ctl: { readonly phases: Pick<Phases<Expr>, 'idle' | 'load' | 'readback'>; readonly pulses: Pick<Pulses<Expr>, 'loadStart' | 'readbackStart'> },
  rdata: readonly Expr[],
  samplePending?: Expr,
): WeightPort {
  const { weightsIn, weightsOut, ctrl } = host;
  const { phases, pulses } = ctl;
  // Load: one weight per accepted beat, written to the row's bank.
  const ld = walker(m, plan, 'load');
  m.assign(weightsIn.ready, phases.load);
  const ldFire = m.wire('load_fire', phases.load.and(weightsIn.valid));
  m.when(ldFire, () => ld.advance());
  m.when(pulses.loadStart, ld.reset);
  const load = { lane: ld.lane, addr: ld.elemAddr, done: ldFire.and(ld.last) };

  // Read-back: the bank's registered read data is the output register; a new read is issued
  // only when the current beat is taken (or none is pending), so backpressure never loses one.
  const rb = walker(m, plan, 'readback');
  const valid = m.reg('readback_valid', Bool, { init: 0 });
  const more = m.reg('readback_more', Bool, { init: 0 });
  const laneQ = m.reg('readback_lane_q', UInt(plan.bits.lane), { init: 0 });
  const lastQ = m.reg('readback_last_q', Bool, { init: 0 });
  const canIssue = m.wire('readback_can_issue', valid.not().or(weightsOut.ready));
  const issue = m.wire('readback_issue', phases.readback.and(canIssue).and(more));
  m.when(phases.readback.and(canIssue), () => {
    valid.set(more);
    m.when(more, () => {
      laneQ.set(rb.lane);
      lastQ.set(rb.last);
      rb.advance();
      m.when(rb.last, () => more.set(0));
    });
  });
  m.when(pulses.readbackStart, () => {
    rb.reset();
    more.set(1);
    valid.set(0);
  });
  const done = phases.readback.and(valid.not().or(weightsOut.ready.and(lastQ))).and(more.not());
  // Lane q's read data when the beat came from bank q (lane 0 otherwise).
  m.assign(
    weightsOut.data,
    rdata.reduce((sel, r, q) => mux(laneQ.eq(q), r, sel)),
  );
  m.assign(weightsOut.valid, valid);
  m.assign(weightsOut.last, lastQ);
  const ctrlReady = phases.idle.and(weightsIn.valid.not());
  m.assign(ctrl.ready, samplePending ? ctrlReady.and(samplePending.not()) : ctrlReady);
  return { load, readback: { lane: rb.lane, addr: rb.elemAddr, ren: issue, done } };
}
