/**
 * The accelerator's memories (docs/ARCHITECTURE.md §3): a weight bank per lane, an error bank per
 * lane (training variants), the input buffer and the activation buffer, with the wires the
 * controller drives. The weight banks share one read and one write address; each lane has its
 * own enables and write data.
 */
import { Bool, SInt, UInt, clog2, lit, mux, type Expr, type Module, type Signal } from '../../src/hdl/index.js';
import { ram1p, ram1r1w } from './memories.js';
import type { Plan } from './plan.js';

/** A memory's port wires: read enable and address, write enable, address and data, read data. */
export interface BankPorts {
  readonly ren: Signal;
  readonly raddr: Signal;
  readonly we: Signal;
  readonly waddr: Signal;
  readonly wdata: Signal;
  readonly rdata: Expr;
}

export interface LaneBanks {
  /** Shared by every lane. */
  readonly raddr: Signal;
  readonly waddr: Signal;
  /**
   * The issue's read address and when it is the one read (instead of raddr): it arrives late in
   * the cycle (layer 1's comes out of the input buffer), so it enters the banks' address mux last.
   */
  readonly issueRAddr: Signal;
  readonly issueSel: Signal;
  /** Per lane. */
  readonly ren: readonly Signal[];
  readonly we: readonly Signal[];
  readonly wdata: readonly Signal[];
  readonly rdata: readonly Expr[];
}

export interface ErrorBanks {
  /** Shared by every lane (the error banks read together and write one lane at a time). */
  readonly raddr: Signal;
  readonly ren: Signal;
  readonly waddr: Signal;
  readonly wdata: Signal;
  /** Per lane. */
  readonly we: readonly Signal[];
  readonly rdata: readonly Expr[];
}

export interface Banks {
  readonly weights: LaneBanks;
  readonly errors?: ErrorBanks;
  /**
   * The input buffer: the sample's beats as received, or (skipZeroInputs, §10) its non-zero
   * inputs as (index, value) pairs in arrival order, two samples' worth (one being received,
   * one computing); then `pair` is the pair in its read register.
   */
  readonly input: BankPorts & { readonly pair?: { readonly value: Signal; readonly index: Signal } };
  /** The hidden layers' activations (reads as 0 when the network has no hidden layer). */
  readonly act: BankPorts;
}

/** The banks and their wires; `sampleData` is the input buffer's write data unless inputs are sparse. */
export function banks(m: Module, plan: Plan, sampleData: Signal): Banks {
  const { P, sizes, bits } = plan;
  const W = SInt(plan.formats.weight.bits);
  const E = SInt(plan.formats.error.bits);
  const A = UInt(plan.formats.act.bits);
  const sparse = plan.sparseInputs;
  const pairBits = bits.inputIndex + plan.formats.act.bits;
  const weightRam = plan.singlePortWeights ? ram1p('weight', sizes.weightDepth, W) : ram1r1w('weight', sizes.weightDepth, W);
  const errorRam = plan.trains ? ram1r1w('error', sizes.errorDepth, E) : undefined;
  const inputRam = ram1r1w('input', plan.inputBufferDepth, UInt(sparse ? pairBits : plan.K * plan.formats.act.bits));
  const actRam = sizes.actDepth > 0 ? ram1r1w('act', sizes.actDepth, A) : undefined;

  const wRAddr = m.wire('wbank_raddr', UInt(bits.weightAddr));
  const wWAddr = m.wire('wbank_waddr', UInt(bits.weightAddr));
  const errorShared = errorRam
    ? {
        raddr: m.wire('ebank_raddr', UInt(bits.errorAddr)),
        ren: m.wire('ebank_ren', Bool),
        waddr: m.wire('ebank_waddr', UInt(bits.errorAddr)),
        wdata: m.wire('ebank_wdata', E),
      }
    : undefined;
  const issueRAddr = m.wire('wbank_issue_raddr', UInt(bits.weightAddr));
  const issueSel = m.wire('wbank_issue_sel', Bool);
  const weights = { raddr: wRAddr, waddr: wWAddr, issueRAddr, issueSel, ren: [] as Signal[], we: [] as Signal[], wdata: [] as Signal[], rdata: [] as Expr[] };
  const errorWe: Signal[] = [];
  const errorRData: Expr[] = [];
  for (let q = 0; q < P; q++) {
    const ren = m.wire(`wbank${q}_ren`, Bool);
    const we = m.wire(`wbank${q}_we`, Bool);
    const wdata = m.wire(`wbank${q}_wdata`, W);
    // single-port (§12): the controller never reads and writes a bank in the same cycle
    const bank = plan.singlePortWeights
      ? m.instance(`wbank${q}`, weightRam, { en: ren.or(we), we, addr: mux(issueSel.and(we.not()), issueRAddr, mux(we, wWAddr, wRAddr)), wdata })
      : m.instance(`wbank${q}`, weightRam, { ren, raddr: mux(issueSel, issueRAddr, wRAddr), we, waddr: wWAddr, wdata });
    weights.ren.push(ren);
    weights.we.push(we);
    weights.wdata.push(wdata);
    weights.rdata.push(bank.out('rdata'));
    if (errorRam && errorShared) {
      const ewe = m.wire(`ebank${q}_we`, Bool);
      const e = errorShared;
      errorWe.push(ewe);
      errorRData.push(m.instance(`ebank${q}`, errorRam, { ren: e.ren, raddr: e.raddr, we: ewe, waddr: e.waddr, wdata: e.wdata }).out('rdata'));
    }
  }
  const errors = errorShared ? { ...errorShared, we: errorWe, rdata: errorRData } : undefined;

  const inAddrBits = clog2(plan.inputBufferDepth);
  const inPorts = {
    ren: m.wire('inbuf_ren', Bool),
    raddr: m.wire('inbuf_raddr', UInt(inAddrBits)),
    we: m.wire('inbuf_we', Bool),
    waddr: m.wire('inbuf_waddr', UInt(inAddrBits)),
    wdata: sparse ? m.wire('inbuf_wdata', UInt(pairBits)) : sampleData,
  };
  const inRData = m.instance('inbuf', inputRam, inPorts).out('rdata');
  let pair: { value: Signal; index: Signal } | undefined;
  if (sparse) {
    // The pair the next layer-1 issue uses (prefetched: the buffer's read register holds it).
    pair = { value: m.wire('pair_value', A), index: m.wire('pair_index', UInt(bits.inputIndex)) };
    m.assign(pair.value, inRData.slice(plan.formats.act.bits - 1, 0));
    m.assign(pair.index, inRData.slice(pairBits - 1, plan.formats.act.bits));
  }
  const input = pair ? { ...inPorts, rdata: inRData, pair } : { ...inPorts, rdata: inRData };

  const actPorts = {
    ren: m.wire('actbuf_ren', Bool),
    raddr: m.wire('actbuf_raddr', UInt(bits.actAddr)),
    we: m.wire('actbuf_we', Bool),
    waddr: m.wire('actbuf_waddr', UInt(bits.actAddr)),
    wdata: m.wire('actbuf_wdata', A),
  };
  const actRData = actRam ? m.instance('actbuf', actRam, actPorts).out('rdata') : lit(0, A);
  const act = { ...actPorts, rdata: actRData };
  return errors ? { weights, errors, input, act } : { weights, input, act };
}
