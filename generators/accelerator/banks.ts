/**
 * The accelerator's memories (docs/ARCHITECTURE.md §3): a weight bank per lane, an error bank per
 * lane (training variants), the input buffer and the activation buffer, with the wires the
 * controller drives. The weight banks share one read and one write address; each lane has its
 * own enables and write data.
 */
import { Bool, SInt, UInt, cat, clog2, lit, mux, type Expr, type HdlType, type Module, type Signal } from '../../src/hdl/index.js';
import { interleavedRam, pingPongRam } from '../memories/two-banks.js';
import { FLOP_MEMORY_BITS, dualPortMemory, singlePortMemory, type MemoryTarget } from '../memories/target.js';
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
  /** weightPorts '2x1p': each lane's bank is two, the even and the odd addresses. */
  readonly interleaved: boolean;
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
  /**
   * skipZeroErrors (§11): per lane, whether the error read is non-zero, a bit stored beside it
   * (computed when it is written), so the skip test has no OR tree after the banks' read.
   */
  readonly nonZero?: readonly Expr[];
}

export interface Banks {
  readonly weights: LaneBanks;
  readonly errors?: ErrorBanks;
  /**
   * The input buffer: the sample's beats as received, or (skipZeroInputs, §10) its non-zero
   * inputs as (index, value) pairs in arrival order, two samples' worth (one being received,
   * one computing); then `pair` is the pair in its read registers: the indices and the values
   * are two memories with the same addresses, so the index (on the weight address's critical
   * path) comes out of its own block, not through a read mux shared with the values.
   */
  readonly input: BankPorts & { readonly pair?: { readonly value: Signal; readonly index: Signal } };
  /** The hidden layers' activations (reads as 0 when the network has no hidden layer). */
  readonly act: BankPorts;
}

/**
 * The banks and their wires; `sampleData` is the input buffer's write data unless inputs are
 * sparse; `target`: what the single-port weight banks are built from (SRAM macros for an ASIC).
 */
export function banks(m: Module, plan: Plan, sampleData: Signal, target: MemoryTarget = {}): Banks {
  const { P, sizes, bits } = plan;
  const W = SInt(plan.formats.weight.bits);
  const E = SInt(plan.formats.error.bits);
  const sparse = plan.sparseInputs;
  const pairBits = bits.inputIndex + plan.formats.act.bits;
  const onePort = plan.singlePortWeights && !plan.interleavedWeights;
  const weightRam = weightMemory(plan, W, target);
  // skipZeroErrors: a "non-zero" bit above each error word
  const flagged = plan.skipZeroErrors;
  const errorRam = plan.trains ? dualPortMemory('error', sizes.errorDepth, flagged ? UInt(E.width + 1) : E, target) : undefined;

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
  const weights = {
    raddr: wRAddr,
    waddr: wWAddr,
    issueRAddr,
    issueSel,
    ren: [] as Signal[],
    we: [] as Signal[],
    wdata: [] as Signal[],
    rdata: [] as Expr[],
    interleaved: plan.interleavedWeights,
  };
  const errorWe: Signal[] = [];
  const errorRData: Expr[] = [];
  const errorNonZero: Expr[] = [];
  for (let q = 0; q < P; q++) {
    const ren = m.wire(`wbank${q}_ren`, Bool);
    const we = m.wire(`wbank${q}_we`, Bool);
    const wdata = m.wire(`wbank${q}_wdata`, W);
    // single-port (§12): the controller never reads and writes a bank in the same cycle
    const bank = onePort
      ? m.instance(`wbank${q}`, weightRam, { en: ren.or(we), we, addr: mux(issueSel.and(we.not()), issueRAddr, mux(we, wWAddr, wRAddr)), wdata })
      : m.instance(`wbank${q}`, weightRam, { ren, raddr: mux(issueSel, issueRAddr, wRAddr), we, waddr: wWAddr, wdata });
    weights.ren.push(ren);
    weights.we.push(we);
    weights.wdata.push(wdata);
    weights.rdata.push(bank.out('rdata'));
    if (errorRam && errorShared) {
      const lane = errorBank(m, q, errorRam, errorShared, flagged);
      errorWe.push(lane.we);
      errorRData.push(lane.rdata);
      if (lane.nonZero) errorNonZero.push(lane.nonZero);
    }
  }
  const errors = errorShared ? { ...errorShared, we: errorWe, rdata: errorRData, ...(flagged ? { nonZero: errorNonZero } : {}) } : undefined;
  const inAddrBits = clog2(plan.inputBufferDepth);
  const inPorts = {
    ren: m.wire('inbuf_ren', Bool),
    raddr: m.wire('inbuf_raddr', UInt(inAddrBits)),
    we: m.wire('inbuf_we', Bool),
    waddr: m.wire('inbuf_waddr', UInt(inAddrBits)),
    wdata: sparse ? m.wire('inbuf_wdata', UInt(pairBits)) : sampleData,
  };
  if (!sparse) {
    const inputRam = dualPortMemory('input', plan.inputBufferDepth, UInt(plan.K * plan.formats.act.bits), target);
    return {
      weights,
      ...(errors ? { errors } : {}),
      input: { ...inPorts, rdata: m.instance('inbuf', inputRam, inPorts).out('rdata') },
      act: actBuffer(m, plan, target),
    };
  }
  return { weights, ...(errors ? { errors } : {}), input: pairBuffers(m, plan, inPorts, target), act: actBuffer(m, plan, target) };
}

/** The pairs (skipZeroInputs): the index and the value memories, written and read together. */
function pairBuffers(m: Module, plan: Plan, inPorts: Omit<BankPorts, 'rdata'>, target: MemoryTarget): Banks['input'] {
  const { bits } = plan;
  const ab = plan.formats.act.bits;
  const pairBits = bits.inputIndex + ab;
  const { wdata: pairData, ...shared } = inPorts;
  // ASIC: each a double buffer of two single-port halves (the receiver fills one, the controller
  // reads the other), unless a half is small enough for flip-flops (target.ts)
  const pairRam = (role: string, type: ReturnType<typeof UInt>) =>
    target.sramMacros?.length && plan.inputs * type.width > FLOP_MEMORY_BITS
      ? pingPongRam(role, plan.inputs, type, target)
      : dualPortMemory(role, plan.inputBufferDepth, type, target);
  const index = m.instance('inbuf_index', pairRam('input_index', UInt(bits.inputIndex)), { ...shared, wdata: pairData.slice(pairBits - 1, ab) });
  const value = m.instance('inbuf_value', pairRam('input_value', UInt(ab)), { ...shared, wdata: pairData.slice(ab - 1, 0) });
  // The pair the next layer-1 issue uses (prefetched: the buffers' read registers hold it).
  const pair = { value: m.wire('pair_value', UInt(ab)), index: m.wire('pair_index', UInt(bits.inputIndex)) };
  m.assign(pair.value, value.out('rdata'));
  m.assign(pair.index, index.out('rdata'));
  return { ...inPorts, rdata: cat(pair.index, pair.value), pair };
}

/** A lane's weight bank: 1R1W, single-port, or (2x1p, §12) the even and the odd addresses in two single-port banks. */
function weightMemory(plan: Plan, W: HdlType, target: MemoryTarget): Module {
  const depth = plan.sizes.weightDepth;
  if (plan.interleavedWeights) return interleavedRam('weight', depth, W, target);
  // 1R1W weights above 1 kbit stay arrays (priced as macros, a lower bound): as flip-flops they would be most of the chip
  return plan.singlePortWeights ? singlePortMemory('weight', depth, W, target) : dualPortMemory('weight', depth, W, target, FLOP_MEMORY_BITS);
}

/** Lane q's error bank; `flagged`: with the "non-zero" bit above each error, written beside it. */
function errorBank(m: Module, q: number, ram: Module, e: { ren: Signal; raddr: Signal; waddr: Signal; wdata: Signal }, flagged: boolean) {
  const we = m.wire(`ebank${q}_we`, Bool);
  const bits = e.wdata.width;
  const wdata = flagged ? cat(e.wdata.orR(), e.wdata) : e.wdata;
  const rdata = m.instance(`ebank${q}`, ram, { ren: e.ren, raddr: e.raddr, we, waddr: e.waddr, wdata }).out('rdata');
  return { we, rdata: flagged ? rdata.slice(bits - 1, 0).asSInt() : rdata, nonZero: flagged ? rdata.bit(bits) : undefined };
}

/** The hidden layers' activation buffer (reads as 0 when the network has no hidden layer). */
function actBuffer(m: Module, plan: Plan, target: MemoryTarget): BankPorts {
  const { sizes, bits } = plan;
  const A = UInt(plan.formats.act.bits);
  const actRam = sizes.actDepth > 0 ? dualPortMemory('act', sizes.actDepth, A, target) : undefined;
  const actPorts = {
    ren: m.wire('actbuf_ren', Bool),
    raddr: m.wire('actbuf_raddr', UInt(bits.actAddr)),
    we: m.wire('actbuf_we', Bool),
    waddr: m.wire('actbuf_waddr', UInt(bits.actAddr)),
    wdata: m.wire('actbuf_wdata', A),
  };
  const actRData = actRam ? m.instance('actbuf', actRam, actPorts).out('rdata') : lit(0, A);
  return { ...actPorts, rdata: actRData };
}
