/**
 * The pair receiver (skipZeroInputs, docs/ARCHITECTURE.md §10). It receives samples beside the
 * controller and stores each one's non-zero inputs as (index, value) pairs, one per cycle, in one
 * half of the double-buffered input buffer while the controller computes on the other half. A
 * data beat is held while its non-zero lanes are written lowest first, and the next beat is
 * accepted in the cycle that writes the held beat's last pair (a beat costs max(1, its non-zero
 * inputs) cycles); padding lanes of the last beat are ignored. A received sample waits (`full`)
 * until the controller takes it; the next header is accepted after that.
 *
 * Without skipZeroInputs the controller receives samples itself (states rx_head, rx_data).
 */
import { Bool, UInt, cat, clog2, lit, mux, type Expr, type Module, type Signal } from '../../src/hdl/index.js';
import type { BankPorts } from './banks.js';
import type { HostPorts } from './host.js';
import type { Plan } from './plan.js';
import { bitsFor } from './tables.js';

export interface PairReceiver {
  /** Receiving a sample. */
  readonly busy: Expr;
  /** A received sample waits for the controller. */
  readonly full: Expr;
  /** busy or full: a sample is on its way or waiting. */
  readonly pending: Expr;
  /** The first input-buffer address of the half the controller reads. */
  readonly readBase: Expr;
  /** The received sample's pair count and (training variants) its header, for the controller to take. */
  readonly count: Expr;
  readonly header?: { readonly train: Expr; readonly label: Expr };
}

/** `take`: the controller takes the received sample (high for a cycle); the receiver swaps halves. */
export function pairReceiver(m: Module, plan: Plan, sample: HostPorts['sample'], inbuf: BankPorts, take: Expr): PairReceiver {
  const { K, sizes, bits } = plan;
  const Ab = plan.formats.act.bits;
  const N0 = plan.inputs;
  const bw = bitsFor(sizes.inputDepth * K);
  const lastBase = (sizes.inputDepth - 1) * K;
  // The last beat's real lanes (the rest pad N_0 to whole beats).
  const lastLanes = N0 - lastBase;
  const busy = m.reg('rx_busy', Bool, { init: 0 });
  const full = m.reg('rx_full', Bool, { init: 0 });
  // The half the receiver writes (the controller reads the other).
  const bank = m.reg('rx_bank', Bool, { init: 0 });
  const count = m.reg('rx_count', UInt(bits.column), { init: 0 });
  const header = plan.trains ? { train: m.reg('rx_train', Bool, { init: 0 }), label: m.reg('rx_label', UInt(sizes.labelBits), { init: 0 }) } : undefined;
  const hold = m.reg('rx_hold', UInt(K * Ab));
  const pend = m.reg('rx_pending', UInt(K), { init: 0 });
  const base = m.reg('rx_base', UInt(bw), { init: 0 });
  const next = m.reg('rx_next', UInt(bw), { init: 0 });
  const all = m.reg('rx_all', Bool, { init: 0 });
  const { lane, value } = lowestPending(m, K, Ab, pend, hold);
  // Lanes still pending after this cycle's write; the next beat is taken when none are. Whether
  // some are (two or more pending now) is a register kept with `pend`, so taking the next beat
  // is a gate from registers (it enables the beat's K · Ab hold bits).
  const rest = m.wire('rx_rest', K > 1 ? pend.and(pend.dec()) : lit(0, UInt(1)));
  const more = m.reg('rx_more', Bool, { init: 0 });
  const headerReady = m.wire('rx_header_ready', busy.not().and(full.not()));
  const nextBeat = m.wire('rx_next_beat', busy.and(all.not()).and(more.not()));
  m.assign(sample.ready, headerReady.or(nextBeat));
  const write = m.wire('rx_write', busy.and(pend.orR()));
  const aw = inbuf.waddr.width;
  const waddr = mux(bank, lit(N0, UInt(aw)), lit(0, UInt(aw)))
    .add(count)
    .truncate(aw);
  writePair(m, inbuf, { write, addr: waddr, data: cat(base.add(lane.zext(bw)).truncate(bits.inputIndex), value) });
  const isLast = next.eq(lastBase);
  const beatMask = m.wire('rx_beat_mask', nonZeroLanes(sample.data, K, Ab, lastLanes, isLast));
  m.when(busy, () => {
    m.when(write, () => count.set(count.inc()));
    m.when(nextBeat.and(sample.valid), () => {
      hold.set(sample.data);
      pend.set(beatMask);
      more.set(atLeast(beatMask, 2));
      base.set(next);
      next.set(next.add(K).truncate(bw));
      m.when(isLast, () => all.set(1));
    }).otherwise(() => {
      pend.set(rest);
      more.set(atLeast(pend, 3));
    });
    m.when(all.and(more.not()), () => {
      busy.set(0);
      full.set(1);
    });
  }).elsewhen(headerReady.and(sample.valid), () => {
    // The header: bit 0 train, then the label (both ignored by the inference variant).
    busy.set(1);
    header?.train.set(sample.data.bit(0));
    header?.label.set(sample.data.slice(sizes.labelBits, 1));
    pend.set(0);
    more.set(0);
    all.set(0);
    next.set(0);
    count.set(0);
  });
  m.when(take, () => {
    full.set(0);
    bank.set(bank.not());
  });
  const common = { busy, full, pending: busy.or(full), readBase: mux(bank, lit(0, UInt(aw)), lit(N0, UInt(aw))), count };
  return header ? { ...common, header } : common;
}

/**
 * The pair is written a cycle after it is picked: the priority encoder, the value's mux and the
 * index's adder in one cycle, the block RAM's write in the next. The controller takes a sample in
 * the cycle after `full` at the earliest and reads it in the next, when the last write has landed.
 */
function writePair(m: Module, inbuf: BankPorts, at: { write: Expr; addr: Expr; data: Expr }): void {
  m.assign(inbuf.we, m.flop('rx_we_q', at.write, { init: 0 }));
  m.assign(inbuf.waddr, m.flop('rx_waddr_q', at.addr));
  m.assign(inbuf.wdata, m.flop('rx_wdata_q', at.data));
}

/**
 * Whether at least n of the bits of `x` are set: a balanced tree of thermometer counts that
 * saturate at n (flag k: at least k + 1 set), in gates only (no adders, which would become carry
 * chains): log2 of the width levels of small gates.
 */
function atLeast(x: Expr, n: number): Expr {
  if (x.width < n) return lit(0, Bool);
  const bits = Array.from({ length: x.width }, (_, i) => x.bit(i));
  return thermometer(bits, n).at(-1) ?? lit(0, Bool);
}

function thermometer(bits: readonly Expr[], n: number): Expr[] {
  const [first] = bits;
  if (bits.length === 1 && first) return [first, ...Array.from({ length: n - 1 }, () => lit(0, Bool))];
  const half = Math.ceil(bits.length / 2);
  const a = thermometer(bits.slice(0, half), n);
  const b = thermometer(bits.slice(half), n);
  // at least k + 1 in both halves: k + 1 in one, or j + 1 in b and k − j in a
  return a.map((ak, k) => {
    let f = ak;
    b.forEach((bj, j) => {
      const ai = j === k ? undefined : a[k - 1 - j];
      if (j === k) f = f.or(bj);
      else if (j < k && ai) f = f.or(ai.and(bj));
    });
    return f;
  });
}

const laneOf = (word: Expr, t: number, bits: number) => word.slice((t + 1) * bits - 1, t * bits);

/** The lowest pending lane of the held beat (a priority encoder: later assignments win) and its value. */
function lowestPending(m: Module, K: number, bits: number, pend: Expr, hold: Expr): { lane: Signal; value: Signal } {
  const lane = m.wire('rx_lane', UInt(clog2(K)));
  lane.set(0);
  for (let t = K - 1; t >= 0; t--) m.when(pend.bit(t), () => lane.set(t));
  const value = m.wire('rx_value', UInt(bits));
  if (K === 1) m.assign(value, hold);
  else {
    value.set(laneOf(hold, 0, bits));
    m.switch(lane, (c) => {
      for (let t = 1; t < K; t++) c.is(t, () => value.set(laneOf(hold, t, bits)));
    });
  }
  return { lane, value };
}

/** A beat's non-zero lanes, highest lane first (the last beat's padding lanes never count). */
function nonZeroLanes(data: Expr, K: number, bits: number, lastLanes: number, isLast: Expr): Expr {
  const mask: Expr[] = [];
  for (let t = K - 1; t >= 0; t--) {
    const nz = laneOf(data, t, bits).orR();
    mask.push(t < lastLanes ? nz : nz.and(isLast.not()));
  }
  const [only] = mask;
  return mask.length === 1 && only ? only : cat(...mask);
}
