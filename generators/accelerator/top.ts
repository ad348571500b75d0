/**
 * The TaxoNN training accelerator: P PEs time-multiplexed over forward, backward and update,
 * weight and error banks per lane, an adder tree for the backward sums, one shared drain unit
 * (activation / output error / argmax), P shifter update units, the controller FSM and the
 * AXI4-Stream host interface. docs/ARCHITECTURE.md is the specification; the golden model in
 * src/model/ implements the same arithmetic.
 *
 * The baselines come from the same builder (§9): `inference` keeps the forward path only
 * (MAC PEs, no error banks, tree, update units or training states); `dedicated` keeps the
 * schedule but gives each SGD element its own multiplier array and the update a true
 * learning-rate multiplier with a programmable `learning_rate` input.
 */
import { createHash } from 'node:crypto';
import { activation } from '../blocks/activation.js';
import { LFSR_MASK } from '../blocks/lfsr.js';
import { mac } from '../blocks/mac.js';
import { PE_OP, pe, peWidths } from '../blocks/pe.js';
import { dedicatedWidths, peDedicated } from '../blocks/pe-dedicated.js';
import { requant } from '../blocks/requant.js';
import { update } from '../blocks/update.js';
import { DEDICATED_LR_FRAC } from '../../src/config/defaults.js';
import {
  Bool,
  Fsm,
  SInt,
  UInt,
  stableJson,
  buildModule,
  cat,
  clog2,
  lit,
  mux,
  type Expr,
  type Module,
  type Signal,
} from '../../src/hdl/index.js';
import { adderTree, treeLatency } from './adder-tree.js';
import { layout, type AcceleratorParams, type Layout } from './layout.js';
import { ram1r1w } from './memories.js';
import { bitsFor, delayLine, layerTable } from './tables.js';

/** Width of the per-phase cycle counters. */
export const COUNTER_BITS = 48;
/** Width of m_result_tdata. */
export const RESULT_BITS = 16;

export const CTRL_READBACK = 0;

export const STATES = [
  'idle',
  'load',
  'readback',
  'rx_head',
  'rx_data',
  'fwd_init',
  'fwd',
  'fwd_wait',
  'bwd_init',
  'bwd',
  'bwd_wait',
  'upd_init',
  'upd_err',
  'upd',
  'upd_wait',
  'emit',
] as const;
export type State = (typeof STATES)[number];

/** The states of the backward and update phases (absent from the inference variant). */
const TRAINING_STATES: readonly State[] = ['bwd_init', 'bwd', 'bwd_wait', 'upd_init', 'upd_err', 'upd', 'upd_wait'];

/** The states of the controller's own receive (absent with skipZeroInputs: the pair receiver runs beside it). */
const RECEIVE_STATES: readonly State[] = ['rx_head', 'rx_data'];

/** The controller's states for a variant, in encoding order. */
export function statesOf(variant: AcceleratorParams['variant'], skipZeroInputs = false): readonly State[] {
  return STATES.filter((s) => !(variant === 'inference' && TRAINING_STATES.includes(s)) && !(skipZeroInputs && RECEIVE_STATES.includes(s)));
}

/** The value the host drives on the dedicated variant's `learning_rate` input: η = 2^-k in Q0.16. */
export function learningRateCode(lrShift: number): number {
  return 2 ** (DEDICATED_LR_FRAC - lrShift);
}

/** The seed of lane p's LFSR: seq[p · stride] with seq[0] = seed (docs/ARCHITECTURE.md §2). */
export function laneSeeds(seed: number, P: number): number[] {
  const stride = Math.floor(65535 / P);
  const seeds: number[] = [];
  let s = seed;
  for (let p = 0, n = 0; p < P; p++) {
    for (; n < p * stride; n++) s = (s >>> 1) ^ (s & 1 ? LFSR_MASK : 0);
    seeds.push(s);
  }
  return seeds;
}

/** A stable, readable top-level name: the variant, the layer sizes, P, and a short hash of every parameter. */
export function topName(p: AcceleratorParams): string {
  const hash = createHash('sha256').update(stableJson(p)).digest('hex').slice(0, 8);
  return `${p.variant}_l${p.layers.join('x')}_p${p.pes}_${hash}`;
}

export function accelerator(p: AcceleratorParams): Module {
  const lay = layout(p);
  return buildModule(topName(p), { ...p }, (m) => new AcceleratorBuilder(m, p, lay).build());
}

class AcceleratorBuilder {
  private readonly P: number;
  private readonly L: number;

  constructor(
    private readonly m: Module,
    private readonly p: AcceleratorParams,
    private readonly lay: Layout,
  ) {
    this.P = lay.P;
    this.L = lay.L;
  }

  build(): void {
    const { m, p, lay, P, L } = this;
    const trains = p.variant !== 'inference';
    const dedicated = p.variant === 'dedicated';
    // skipZeroInputs (§10): the input buffer holds (index, value) pairs, double-buffered, filled
    // by a receiver that runs while the previous sample computes.
    const sparse = p.skipZeroInputs === true;
    const W = SInt(p.weight.bits);
    const A = UInt(p.act.bits);
    const E = SInt(p.error.bits);
    const K = lay.K;
    const ONE_A = 1 << p.act.frac;
    const peParams = { weight: lay.weightFmt, act: lay.actFmt, error: lay.errorFmt, accBits: p.accBits };
    // Widths of the product a backward sum adds (tree input) and of the update's gradient.
    const dw = dedicatedWidths(peParams);
    const prodBits = peWidths(peParams).product;
    const bwdBits = dedicated ? dw.backward : prodBits;
    const gradBits = dedicated ? dw.gradient : prodBits;
    const T = treeLatency(P);
    const layers = lay.layers;
    const maxRow = Math.max(...layers.map((l) => l.rowLen));
    const maxGroups = Math.max(...layers.map((l) => l.groups));
    const maxOut = Math.max(...layers.map((l) => l.nOut));
    const waw = clog2(lay.weightDepth);
    const eaw = clog2(lay.errorDepth);
    const lw = clog2(L);
    const cw = bitsFor(maxRow);
    const gw = bitsFor(maxGroups);
    const jw = bitsFor(maxOut);
    const pw = bitsFor(P);

    // ---- host interface ----------------------------------------------------------------------
    const sWData = m.input('s_weights_tdata', W);
    const sWValid = m.input('s_weights_tvalid', Bool);
    const sWReady = m.output('s_weights_tready', Bool);
    m.input('s_weights_tlast', Bool);
    const mWData = m.output('m_weights_tdata', W);
    const mWValid = m.output('m_weights_tvalid', Bool);
    const mWReady = m.input('m_weights_tready', Bool);
    const mWLast = m.output('m_weights_tlast', Bool);
    const sCData = m.input('s_ctrl_tdata', UInt(8));
    const sCValid = m.input('s_ctrl_tvalid', Bool);
    const sCReady = m.output('s_ctrl_tready', Bool);
    const sSData = m.input('s_sample_tdata', UInt(K * p.act.bits));
    const sSValid = m.input('s_sample_tvalid', Bool);
    const sSReady = m.output('s_sample_tready', Bool);
    m.input('s_sample_tlast', Bool);
    const mRData = m.output('m_result_tdata', UInt(RESULT_BITS));
    const mRValid = m.output('m_result_tvalid', Bool);
    const mRReady = m.input('m_result_tready', Bool);
    const mRLast = m.output('m_result_tlast', Bool);
    const lrIn = dedicated ? m.input('learning_rate', UInt(DEDICATED_LR_FRAC)) : undefined;

    const fsm = new Fsm(m, 'state', statesOf(p.variant, sparse), 'idle');
    const skipErrors = trains && p.skipZeroErrors === true;
    const is = (...s: State[]) => s.map((x) => fsm.is(x)).reduce((a, b) => a.or(b));

    // ---- per-layer tables (layer register selects) -------------------------------------------
    const layer = m.reg('layer', UInt(lw), { init: 0 });
    const tNIn = layerTable(m, 'layer_n_in', layer, layers.map((l) => l.nIn), cw);
    const tNOut = layerTable(m, 'layer_n_out', layer, layers.map((l) => l.nOut), jw);
    const tLastGroup = layerTable(m, 'layer_last_group', layer, layers.map((l) => l.groups - 1), gw);
    const tRowLen = layerTable(m, 'layer_row_len', layer, layers.map((l) => l.rowLen), waw + 1);
    const tWBase = layerTable(m, 'layer_weight_base', layer, layers.map((l) => l.weightBase), waw);
    const tEBase = trains ? layerTable(m, 'layer_error_base', layer, layers.map((l) => l.errorBase), eaw) : undefined;
    const tELowBase = trains ? layerTable(m, 'layer_lower_error_base', layer, layers.map((l, k) => (k ? layers[k - 1]!.errorBase : 0)), eaw) : undefined;
    const aaw = clog2(Math.max(lay.actDepth, 1));
    const tInAct = layerTable(m, 'layer_in_act_base', layer, layers.map((l) => l.inActBase), aaw);
    const tOutAct = layerTable(m, 'layer_out_act_base', layer, layers.map((l) => l.outActBase), aaw);
    const isFirstLayer = m.wire('is_first_layer', layer.eq(0));
    const isOutputLayer = m.wire('is_output_layer', layer.eq(L - 1));

    // ---- memories ------------------------------------------------------------------------------
    const wbankM = ram1r1w('weight', lay.weightDepth, W);
    const ebankM = trains ? ram1r1w('error', lay.errorDepth, E) : undefined;
    // The input buffer: the sample's beats as received, or (skipZeroInputs, §10) its non-zero
    // inputs as (index, value) pairs in arrival order, two samples' worth (one being received,
    // one computing).
    const N0 = layers[0]!.nIn;
    const iw = bitsFor(N0 - 1);
    const inDepth = sparse ? 2 * N0 : lay.inputDepth;
    const inbufM = ram1r1w('input', inDepth, UInt(sparse ? iw + p.act.bits : K * p.act.bits));
    const actbufM = lay.actDepth > 0 ? ram1r1w('act', lay.actDepth, A) : undefined;

    // Shared read address and per-lane controls, driven by the controller below.
    const wRAddr = m.wire('wbank_raddr', UInt(waw));
    const wWAddr = m.wire('wbank_waddr', UInt(waw));
    // The error banks (training variants only).
    const eRAddr = trains ? m.wire('ebank_raddr', UInt(eaw)) : undefined;
    const eRen = trains ? m.wire('ebank_ren', Bool) : undefined;
    const eWAddr = trains ? m.wire('ebank_waddr', UInt(eaw)) : undefined;
    const eWData = trains ? m.wire('ebank_wdata', E) : undefined;
    const wRen: Signal[] = [];
    const wWe: Signal[] = [];
    const wWData: Signal[] = [];
    const eWe: Signal[] = [];
    const wRData: Expr[] = [];
    const eRData: Expr[] = [];
    for (let q = 0; q < P; q++) {
      wRen.push(m.wire(`wbank${q}_ren`, Bool));
      wWe.push(m.wire(`wbank${q}_we`, Bool));
      wWData.push(m.wire(`wbank${q}_wdata`, W));
      const wb = m.instance(`wbank${q}`, wbankM, { ren: wRen[q]!, raddr: wRAddr, we: wWe[q]!, waddr: wWAddr, wdata: wWData[q]! });
      wRData.push(wb.out('rdata'));
      if (ebankM) {
        eWe.push(m.wire(`ebank${q}_we`, Bool));
        const eb = m.instance(`ebank${q}`, ebankM, { ren: eRen!, raddr: eRAddr!, we: eWe[q]!, waddr: eWAddr!, wdata: eWData! });
        eRData.push(eb.out('rdata'));
      }
    }
    const inRen = m.wire('inbuf_ren', Bool);
    const inRAddr = m.wire('inbuf_raddr', UInt(clog2(inDepth)));
    const inWe = m.wire('inbuf_we', Bool);
    const inWAddr = m.wire('inbuf_waddr', UInt(clog2(inDepth)));
    const inWData = sparse ? m.wire('inbuf_wdata', UInt(iw + p.act.bits)) : sSData;
    const inbuf = m.instance('inbuf', inbufM, { ren: inRen, raddr: inRAddr, we: inWe, waddr: inWAddr, wdata: inWData });
    // The pair the next layer-1 issue uses (prefetched: the buffer's read register holds it).
    const pairValue = sparse ? m.wire('pair_value', A) : undefined;
    const pairIndex = sparse ? m.wire('pair_index', UInt(iw)) : undefined;
    if (pairValue && pairIndex) {
      m.assign(pairValue, inbuf.out('rdata').slice(p.act.bits - 1, 0));
      m.assign(pairIndex, inbuf.out('rdata').slice(iw + p.act.bits - 1, p.act.bits));
    }
    const aRen = m.wire('actbuf_ren', Bool);
    const aRAddr = m.wire('actbuf_raddr', UInt(aaw));
    const aWe = m.wire('actbuf_we', Bool);
    const aWAddr = m.wire('actbuf_waddr', UInt(aaw));
    const aWData = m.wire('actbuf_wdata', A);
    const actRData: Expr = actbufM
      ? m.instance('actbuf', actbufM, { ren: aRen, raddr: aRAddr, we: aWe, waddr: aWAddr, wdata: aWData }).out('rdata')
      : lit(0, A);

    // ---- weight load and read-back ------------------------------------------------------------
    // A sample accepted by the pair receiver goes before any later weight load or read-back.
    const samplePending = sparse ? m.wire('sample_pending', Bool) : undefined;
    this.buildLoadAndReadback({ fsm, sWValid, sWReady, mWData, mWValid, mWReady, mWLast, sCData, sCValid, sCReady, wRData, waw, cw, jw, lw, samplePending });

    // ---- issue counters (shared by the three compute phases) --------------------------------
    const grp = m.reg('grp', UInt(gw), { init: 0 });
    const col = m.reg('col', UInt(cw), { init: 0 });
    const addr = m.reg('waddr_issue', UInt(waw), { init: 0 });
    const colBase = trains ? m.reg('col_base', UInt(waw), { init: 0 }) : undefined;
    const remain = m.reg('lanes_remaining', UInt(jw), { init: 0 });
    const inWord = sparse ? undefined : m.reg('in_word', UInt(clog2(lay.inputDepth)), { init: 0 });
    const inLane = sparse ? undefined : m.reg('in_lane', UInt(clog2(K)), { init: 0 });
    // The number of pairs the receiver stored (skipZeroInputs): layer 1's row length minus the bias.
    const inCount = sparse ? m.reg('input_count', UInt(cw), { init: 0 }) : undefined;
    const actAddr = m.reg('act_raddr', UInt(aaw), { init: 0 });
    // Backward/update counters and the sample's header (training variants only).
    const eAddr = trains ? m.reg('error_raddr', UInt(eaw), { init: 0 }) : undefined;
    const colLane = trains ? m.reg('col_lane', UInt(clog2(P)), { init: 0 }) : undefined;
    const colGrp = trains ? m.reg('col_grp', UInt(eaw), { init: 0 }) : undefined;
    const train = trains ? m.reg('train', Bool, { init: 0 }) : undefined;
    const label = trains ? m.reg('label', UInt(lay.labelBits), { init: 0 }) : undefined;
    // Valid lanes of the current group: min(P, remaining outputs).
    const lcw = Math.max(jw, pw);
    const laneCount = m.wire('lane_count', mux(remain.gt(P), lit(P, UInt(lcw)), remain.zext(lcw)));

    const colIsBias = m.wire('col_is_bias', col.eq(inCount ? mux(isFirstLayer, inCount, tNIn) : tNIn));
    // The weight address of an issue: the running address, or in layer 1 with skipZeroInputs the
    // row base plus the pair's index (the bias at N_0).
    const issueAddr: Expr = pairIndex
      ? m.wire('issue_waddr', mux(isFirstLayer, addr.add(mux(colIsBias, lit(N0, UInt(iw + 1)), pairIndex.zext(iw + 1))).truncate(waw), addr))
      : addr;
    // Advance the running address after an issue (with skipZeroInputs, layer 1's holds the row base).
    const advanceAddr = () =>
      addr.set(sparse ? mux(isFirstLayer, mux(colIsBias, addr.add(N0 + 1).truncate(waw), addr), addr.inc()) : addr.inc());
    const lastGroup = m.wire('last_group', grp.eq(tLastGroup));

    // ---- the drain: requantises finished forward groups one lane per cycle -------------------
    const drainBusy = m.reg('drain_busy', Bool, { init: 0 });
    const drainLeft = m.reg('drain_left', UInt(pw), { init: 0 });
    const drainLane = trains ? m.reg('drain_lane', UInt(clog2(P)), { init: 0 }) : undefined;
    const drainJ = m.reg('drain_j', UInt(jw), { init: 0 });
    const drainGrp = trains ? m.reg('drain_grp', UInt(eaw), { init: 0 }) : undefined;
    // Forward groups finish every rowLen cycles and the drain needs up to P cycles per group,
    // so with rowLen ≥ P the drain always keeps up (a capture may coincide with its last
    // element). Smaller layers wait until the drain is idle and no capture is on its way.
    const pendingCapture = m.wire('pending_capture', Bool);
    // (With skipZeroInputs layer 1's rows are input_count + 1 issues long.)
    const rowsLong = inCount ? mux(isFirstLayer, inCount.ge(P - 1), tRowLen.ge(P)) : tRowLen.ge(P);
    const drainWillBeFree = m.wire('drain_will_be_free', rowsLong.or(drainBusy.or(pendingCapture).not()));

    // ---- pipeline stage 1 (the cycle after an issue: memory data valid) ----------------------
    const issue = m.wire('issue', Bool);
    const issueFirst = m.wire('issue_first', Bool);
    const issueLast = m.wire('issue_last', Bool);
    const issueBias = m.wire('issue_bias', Bool);
    const issueFromInput = m.wire('issue_from_input', Bool);
    const issueOp = trains ? m.wire('issue_op', UInt(2)) : undefined;
    const s1Valid = m.flop('s1_valid', issue, { init: 0 });
    const s1First = m.flop('s1_first', issueFirst);
    const s1Last = m.flop('s1_last', issueLast);
    const s1Bias = m.flop('s1_bias', issueBias);
    const s1FromInput = m.flop('s1_from_input', issueFromInput);
    const s1Lane = inLane ? m.flop('s1_in_lane', inLane) : undefined;
    const s1Op = issueOp ? m.flop('s1_op', issueOp) : undefined;
    const s1Addr = trains ? m.flop('s1_waddr', issueAddr) : undefined;
    const s1LaneCount = m.flop('s1_lane_count', laneCount);
    const s1Grp = trains ? m.flop('s1_grp', grp.zext(Math.max(gw, eaw)).truncate(eaw)) : undefined;
    const s1ColLane = colLane ? m.flop('s1_col_lane', colLane) : undefined;
    const s1ColGrp = colGrp ? m.flop('s1_col_grp', colGrp) : undefined;

    // The activation operand: the bias input 1.0, the input (a lane of the input word, or the
    // issued pair's value), or the activation buffer.
    const inLaneValue = pairValue ? m.flop('s1_input', pairValue) : m.wire('in_lane_value', A);
    if (!pairValue) {
      const inWordData = inbuf.out('rdata');
      if (K === 1) m.assign(inLaneValue, inWordData);
      else {
        inLaneValue.set(inWordData.slice(p.act.bits - 1, 0));
        m.switch(s1Lane!, (c) => {
          for (let t = 1; t < K; t++) c.is(t, () => inLaneValue.set(inWordData.slice((t + 1) * p.act.bits - 1, t * p.act.bits)));
        });
      }
    }
    const actOperand = m.wire('act_operand', mux(s1Bias, lit(ONE_A, A), mux(s1FromInput, inLaneValue, actRData)));

    // ---- the PEs and the update units ---------------------------------------------------------
    const seeds = laneSeeds(p.seed, P);
    const s2Valid = m.flop('s2_valid', s1Valid, { init: 0 });
    const s2Op = s1Op ? m.flop('s2_op', s1Op) : undefined;
    const s2Last = m.flop('s2_last', s1Last);
    const s2First = trains ? m.flop('s2_first', s1First) : undefined;
    const s2Addr = s1Addr ? m.flop('s2_waddr', s1Addr) : undefined;
    const s2LaneCount = m.flop('s2_lane_count', s1LaneCount);
    const s2Grp = s1Grp ? m.flop('s2_grp', s1Grp) : undefined;
    const s2IsUpdate = s2Op ? m.wire('s2_is_update', s2Valid.and(s2Op.eq(PE_OP.gradient))) : undefined;
    // The update reads its weight one cycle after the issue (the PE's gradient needs no weight),
    // so the read data meets the registered product at stage 2 without a holding register.
    const s1IsUpdate = s1Op ? m.wire('s1_is_update', s1Valid.and(s1Op.eq(PE_OP.gradient))) : undefined;
    const updM = trains
      ? update({
          weight: lay.weightFmt,
          gradBits,
          // The dedicated multiplier's product δ·a·lr has DEDICATED_LR_FRAC more fraction bits.
          shift: dedicated ? lay.updateShift - p.lrShift + DEDICATED_LR_FRAC : lay.updateShift,
          rounding: p.rounding,
          ...(dedicated ? { lrBits: DEDICATED_LR_FRAC } : {}),
        })
      : undefined;
    const peM = p.variant === 'inference' ? mac(peParams) : dedicated ? peDedicated(peParams) : pe(peParams);
    const accs: Expr[] = [];
    const treeIn: Expr[] = [];
    for (let q = 0; q < P; q++) {
      if (!trains) {
        const macI = m.instance(`pe${q}`, peM, { weight: wRData[q]!, act: actOperand, en: s1Valid, first: s1First });
        accs.push(macI.out('acc'));
        m.assign(wWe[q]!, fsm.is('load').and(sWValid).and(this.ldLane!.eq(q)));
        m.assign(wWData[q]!, sWData);
        continue;
      }
      const peI = m.instance(`pe${q}`, peM, {
        op: s1Op!,
        weight: wRData[q]!,
        act: actOperand,
        err: eRData[q]!,
        en: s1Valid,
        // Forward accumulates a dot product; backward and update pass each product through.
        first: dedicated ? s1First : s1First.or(s1Op!.ne(PE_OP.forward)),
      });
      const acc = peI.out('acc');
      accs.push(acc);
      // The backward term and the gradient: the shared accumulator (after a `first` cycle) or the
      // dedicated multipliers' own registers.
      const bwdTerm = dedicated ? peI.out('bwd_product') : acc.truncate(prodBits);
      const grad = dedicated ? peI.out('grad_product') : acc.truncate(prodBits);
      const laneOn = m.wire(`lane${q}_valid_s2`, s2LaneCount.gt(q));
      // Backward: the lane's product, zero on padding lanes.
      treeIn.push(mux(laneOn, bwdTerm, lit(0, SInt(bwdBits))));
      // Update: the weight read at stage 1 arrives with its product at stage 2.
      const u = m.instance(`upd${q}`, updM!, {
        w: wRData[q]!,
        grad,
        en: s2IsUpdate!,
        seed: lit(seeds[q]!, UInt(16)),
        ...(lrIn ? { lr: lrIn } : {}),
      });
      m.assign(wWe[q]!, mux(fsm.is('load'), sWValid.and(this.ldLane!.eq(q)), s2IsUpdate!.and(laneOn)));
      m.assign(wWData[q]!, mux(fsm.is('load'), sWData, u.out('w_next')));
    }

    // ---- backward: adder tree, sum over groups, requantise and mask ----------------------------
    // (Training variants only.)
    const backward = trains
      ? (() => {
          const s2IsBackward = m.wire('s2_is_backward', s2Valid.and(s2Op!.eq(PE_OP.backward)));
          const treeSum: Expr = P > 1
            ? m.instance('tree', adderTree(P, bwdBits), { ...Object.fromEntries(treeIn.map((e, q) => [`in${q}`, e])), en: s2IsBackward }).out('sum')
            : m.wire('tree_sum', treeIn[0]!);
          // Column metadata rides along the pipeline: first/last group, the column's lane/group, its mask.
          const colMaskReg = m.reg('col_mask_hold', Bool);
          const actMask = p.hidden === 'relu' ? actRData.orR() : actRData.orR().and(actRData.lt(ONE_A));
          const s1Mask = m.wire('s1_mask', mux(s1First, actMask, colMaskReg));
          m.when(s1Valid, () => colMaskReg.set(s1Mask));
          const s2Mask = m.flop('s2_mask', s1Mask);
          const s2ColLane = m.flop('s2_col_lane', s1ColLane!);
          const s2ColGrp = m.flop('s2_col_grp', s1ColGrp!);
          const s2LastOfCol = m.flop('s2_last_of_col', s1Last);
          const bValid = delayLine(m, 'bwd_valid', s2IsBackward, T, true);
          const bFirst = delayLine(m, 'bwd_first', s2First!, T);
          const bLast = delayLine(m, 'bwd_last', s2LastOfCol, T);
          const bMask = delayLine(m, 'bwd_mask', s2Mask, T);
          const bLane = delayLine(m, 'bwd_lane', s2ColLane, T);
          const bGrp = delayLine(m, 'bwd_grp', s2ColGrp, T);
          const bacc = m.reg('bwd_sum', SInt(p.accBits));
          m.when(bValid, () => bacc.set(mux(bFirst, treeSum.resize(p.accBits), bacc.add(treeSum.resize(p.accBits)).truncate(p.accBits))));
          const dWrite = m.flop('delta_write', bValid.and(bLast), { init: 0 });
          const dMask = m.flop('delta_mask', bMask);
          const dLane = m.flop('delta_lane', bLane);
          const dGrp = m.flop('delta_grp', bGrp);
          const dShift = p.hidden === 'hardsigmoid' ? 2 : 0;
          const deltaUnit = m.instance('delta_unit', requant({
            accBits: p.accBits,
            accFrac: p.weight.frac + p.error.frac + dShift,
            out: lay.errorFmt,
            rounding: 'nearest',
          }), { acc: bacc });
          const delta = m.wire('delta', mux(dMask, deltaUnit.out('q'), lit(0, E)));
          return { bValid, dWrite, dLane, dGrp, delta };
        })()
      : undefined;

    // ---- the drain unit ------------------------------------------------------------------------
    // A forward group's last MAC (every issue is forward in the inference variant).
    const isFwd = (v: Expr, op: Expr | undefined, last: Expr) => (op ? v.and(op.eq(PE_OP.forward)) : v).and(last);
    const capture = m.wire('drain_capture', isFwd(s2Valid, s2Op, s2Last));
    const drainRegs: Signal[] = [];
    for (let q = 0; q < P; q++) drainRegs.push(m.reg(`drain${q}`, SInt(p.accBits)));
    for (let q = 0; q < P; q++) {
      m.when(capture, () => drainRegs[q]!.set(accs[q]!)).elsewhen(drainBusy, () => {
        if (q + 1 < P) drainRegs[q]!.set(drainRegs[q + 1]!);
      });
    }
    const z = drainRegs[0]!;
    const actUnit = m.instance('act_unit', activation({
      zBits: p.accBits,
      zFrac: p.weight.frac + p.act.frac,
      act: lay.actFmt,
      hidden: p.hidden,
      rounding: 'nearest',
    }), { z });
    const best = m.reg('best_z', SInt(p.accBits));
    const bestIdx = m.reg('best_index', UInt(lay.labelBits), { init: 0 });
    const drainOut = m.wire('drain_output_layer', drainBusy.and(isOutputLayer));
    m.when(drainOut.and(drainJ.eq(0).or(z.gt(best))), () => {
      best.set(z);
      bestIdx.set(drainJ.truncate(Math.min(jw, lay.labelBits)));
    });
    m.when(drainBusy, () => drainJ.set(drainJ.inc()));
    m.when(capture, () => {
      drainBusy.set(1);
      drainLeft.set(s2LaneCount.truncate(pw));
      drainLane?.set(0);
      drainGrp?.set(s2Grp!);
    }).elsewhen(drainBusy, () => {
      drainLeft.set(drainLeft.dec());
      drainBusy.set(drainLeft.ne(1));
      drainLane?.set(drainLane.inc());
    });
    m.assign(pendingCapture, isFwd(s1Valid, s1Op, s1Last).or(isFwd(s2Valid, s2Op, s2Last)));
    // Activation buffer writes (hidden layers) and output-error writes (output layer, training).
    m.assign(aWe, drainBusy.and(isOutputLayer.not()));
    m.assign(aWAddr, tOutAct.add(drainJ).truncate(aaw));
    m.assign(aWData, actUnit.out('a'));
    if (backward) {
      // The output error e = requant(z − target), target 1.0 at the label, written to the error banks.
      const isLabel = m.wire('drain_is_label', drainJ.eq(label!));
      const target = mux(isLabel, lit(1n << BigInt(p.weight.frac + p.act.frac), SInt(p.accBits)), lit(0, SInt(p.accBits)));
      const errUnit = m.instance('error_unit', requant({
        accBits: p.accBits + 1,
        accFrac: p.weight.frac + p.act.frac,
        out: lay.errorFmt,
        rounding: 'nearest',
      }), { acc: z.sub(target) });
      const { dWrite, dLane, dGrp, delta } = backward;
      const errFromDrain = m.wire('error_from_drain', drainOut.and(train!));
      for (let q = 0; q < P; q++) {
        m.assign(eWe[q]!, mux(errFromDrain, drainLane!.eq(q), dWrite.and(dLane.eq(q))));
      }
      m.assign(eWAddr!, mux(errFromDrain, tEBase!.add(drainGrp!).truncate(eaw), tELowBase!.add(dGrp).truncate(eaw)));
      m.assign(eWData!, mux(errFromDrain, errUnit.out('q'), delta));
    }


    // ---- controller -----------------------------------------------------------------------------
    const rxWord = sparse ? undefined : m.reg('rx_word', UInt(clog2(lay.inputDepth)), { init: 0 });
    const rx = sparse
      ? this.buildPairReceiver({ sSData, sSValid, sSReady, inWe, inWAddr, inWData: inWData as Signal, iw, N0, cw, trains })
      : undefined;
    if (rx) m.assign(samplePending!, rx.pending);
    else {
      m.assign(sSReady, is('rx_head', 'rx_data'));
      m.assign(inWe, fsm.is('rx_data').and(sSValid));
      m.assign(inWAddr, rxWord!);
    }
    // skipZeroErrors (§11): the group's errors (held by the error banks' read registers through
    // the group) are zero on every lane that holds a neuron.
    const groupErrorsZero = skipErrors
      ? m.wire('group_errors_zero', eRData.map((e, q) => laneCount.gt(q).and(e.orR())).reduce((a, b) => a.or(b)).not())
      : undefined;
    m.assign(mRValid, fsm.is('emit'));
    m.assign(mRData, bestIdx.zext(RESULT_BITS));
    m.assign(mRLast, fsm.is('emit'));

    // Defaults: no issue.
    issue.set(0);
    issueFirst.set(0);
    issueLast.set(0);
    issueBias.set(0);
    issueFromInput.set(isFirstLayer);
    issueOp?.set(PE_OP.forward);
    inRen.set(0);
    aRen.set(0);
    eRen?.set(0);
    if (inWord) m.assign(inRAddr, inWord);
    else {
      // Prefetch: pair 0 before a layer-1 group (init states, and with its bias issue), pair c + 1 with the issue of pair c.
      const issuing = trains ? is('fwd', 'upd') : fsm.is('fwd');
      const ia = clog2(inDepth);
      m.assign(inRAddr, rx!.readBase.add(mux(issuing.and(colIsBias.not()), col.add(1).truncate(ia), lit(0, UInt(ia)))).truncate(ia));
    }
    m.assign(aRAddr, actAddr);
    if (eRAddr) m.assign(eRAddr, eAddr!);

    const nextInput = () => {
      // Advance the input-word lane counters (layer 0) and the activation address (others).
      if (inWord && inLane) {
        if (K > 1) {
          m.when(inLane.eq(K - 1), () => {
            inLane.set(0);
            inWord.set(inWord.inc());
          }).otherwise(() => inLane.set(inLane.inc()));
        } else inWord.set(inWord.inc());
      }
      actAddr.set(actAddr.inc());
    };
    // With skipZeroInputs the pair after this one is read unless this is the last (then the bias follows).
    const nextIsBias = inCount ? m.wire('next_is_bias', col.add(1).eq(inCount)) : undefined;
    const readInput = () => {
      inRen.set(nextIsBias ? isFirstLayer.and(colIsBias.or(nextIsBias.not())) : isFirstLayer.and(colIsBias.not()));
      aRen.set(isFirstLayer.not().and(colIsBias.not()));
    };
    const prefetchFirstPair = () => {
      if (sparse) inRen.set(isFirstLayer);
    };
    const startGroupCounters = () => {
      col.set(0);
      inWord?.set(0);
      inLane?.set(0);
      actAddr.set(tInAct);
    };

    fsm.build({
      idle: () => {
        if (rx) {
          // A received sample first (the receiver may still be at it: wait), then load or read-back.
          m.when(rx.pending, () =>
            m.when(rx.full, () => {
              rx.take({ train, label, inCount: inCount! });
              layer.set(0);
              fsm.goto('fwd_init');
            }),
          )
            .elsewhen(sWValid, () => {
              this.resetLoad();
              fsm.goto('load');
            })
            .elsewhen(sCValid.and(sCData.eq(CTRL_READBACK)), () => {
              this.resetReadback();
              fsm.goto('readback');
            });
          return;
        }
        m.when(sWValid, () => {
          this.resetLoad();
          fsm.goto('load');
        })
          .elsewhen(sCValid.and(sCData.eq(CTRL_READBACK)), () => {
            this.resetReadback();
            fsm.goto('readback');
          })
          .elsewhen(sSValid, () => fsm.goto('rx_head'));
      },
      load: () => m.when(this.loadDone!, () => fsm.goto('idle')),
      readback: () => m.when(this.readbackDone!, () => fsm.goto('idle')),
      rx_head: () =>
        m.when(sSValid, () => {
          // The header: bit 0 train, then the label (both ignored by the inference variant).
          train?.set(sSData.bit(0));
          label?.set(sSData.slice(lay.labelBits, 1));
          rxWord!.set(0);
          fsm.goto('rx_data');
        }),
      rx_data: () => {
        m.when(sSValid, () => {
          rxWord!.set(rxWord!.inc());
          m.when(rxWord!.eq(lay.inputDepth - 1), () => {
            layer.set(0);
            fsm.goto('fwd_init');
          });
        });
      },
      fwd_init: () => {
        grp.set(0);
        addr.set(tWBase);
        remain.set(tNOut);
        drainJ.set(0);
        startGroupCounters();
        prefetchFirstPair();
        fsm.goto('fwd');
      },
      fwd: () => {
        m.when(col.ne(0).or(drainWillBeFree), () => {
          issue.set(1);
          issueFirst.set(col.eq(0));
          issueLast.set(colIsBias);
          issueBias.set(colIsBias);
          readInput();
          advanceAddr();
          m.when(colIsBias, () => {
            startGroupCounters();
            grp.set(grp.inc());
            remain.set(remain.sub(P).truncate(jw));
            m.when(lastGroup, () => fsm.goto('fwd_wait'));
          }).otherwise(() => {
            col.set(col.inc());
            nextInput();
          });
        });
      },
      fwd_wait: () => {
        m.when(s1Valid.or(s2Valid).or(drainBusy).not(), () => {
          const next = m.when(isOutputLayer.not(), () => {
            layer.set(layer.inc());
            fsm.goto('fwd_init');
          });
          if (!train) next.otherwise(() => fsm.goto('emit'));
          else {
            next
              .elsewhen(train.not(), () => fsm.goto('emit'))
              .elsewhen(layer.ne(0), () => fsm.goto('bwd_init'))
              .otherwise(() => fsm.goto('upd_init'));
          }
        });
      },
      bwd_init: () => {
        grp.set(0);
        col.set(0);
        colBase!.set(tWBase);
        addr.set(tWBase);
        remain.set(tNOut);
        eAddr!.set(tEBase!);
        actAddr.set(tInAct);
        colLane!.set(0);
        colGrp!.set(0);
        fsm.goto('bwd');
      },
      bwd: () => {
        issue.set(1);
        issueFirst.set(grp.eq(0));
        issueLast.set(lastGroup);
        issueOp!.set(PE_OP.backward);
        eRen!.set(1);
        aRen.set(grp.eq(0));
        m.when(lastGroup, () => {
          grp.set(0);
          remain.set(tNOut);
          eAddr!.set(tEBase!);
          col.set(col.inc());
          colBase!.set(colBase!.inc());
          addr.set(colBase!.inc());
          actAddr.set(actAddr.inc());
          m.when(colLane!.eq(P - 1), () => {
            colLane!.set(0);
            colGrp!.set(colGrp!.inc());
          }).otherwise(() => colLane!.set(colLane!.inc()));
          m.when(col.eq(tNIn.dec()), () => fsm.goto('bwd_wait'));
        }).otherwise(() => {
          grp.set(grp.inc());
          remain.set(remain.sub(P).truncate(jw));
          eAddr!.set(eAddr!.inc());
          addr.set(addr.add(tRowLen).truncate(waw));
        });
      },
      bwd_wait: () => {
        m.when(s1Valid.or(s2Valid).or(backward!.bValid).or(backward!.dWrite).not(), () => fsm.goto('upd_init'));
      },
      upd_init: () => {
        grp.set(0);
        addr.set(tWBase);
        remain.set(tNOut);
        eAddr!.set(tEBase!);
        startGroupCounters();
        fsm.goto('upd_err');
      },
      upd_err: () => {
        // Fetch the group's errors; the error banks then hold them through the group.
        eRen!.set(1);
        prefetchFirstPair();
        fsm.goto('upd');
      },
      upd: () => {
        const nextGroup = () => {
          startGroupCounters();
          grp.set(grp.inc());
          remain.set(remain.sub(P).truncate(jw));
          eAddr!.set(eAddr!.inc());
          m.when(lastGroup, () => fsm.goto('upd_wait')).otherwise(() => fsm.goto('upd_err'));
        };
        const issueColumn = () => {
          issue.set(1);
          issueFirst.set(1);
          issueBias.set(colIsBias);
          issueOp!.set(PE_OP.gradient);
          readInput();
          advanceAddr();
          m.when(colIsBias, nextGroup).otherwise(() => {
            col.set(col.inc());
            nextInput();
          });
        };
        if (!groupErrorsZero) return issueColumn();
        // skipZeroErrors (§11): a group whose errors are all zero would change no weight: on to
        // the next group's row (the running address holds the row base at column 0).
        m.when(col.eq(0).and(groupErrorsZero), () => {
          addr.set(addr.add(tRowLen).truncate(waw));
          nextGroup();
        }).otherwise(issueColumn);
      },
      upd_wait: () => {
        m.when(s1Valid.or(s2Valid).not(), () => {
          m.when(layer.eq(0), () => fsm.goto('emit')).otherwise(() => {
            layer.set(layer.dec());
            m.when(layer.eq(1), () => fsm.goto('upd_init')).otherwise(() => fsm.goto('bwd_init'));
          });
        });
      },
      emit: () => m.when(mRReady, () => fsm.goto('idle')),
    });

    // ---- weight bank read address: compute phases or read-back ---------------------------------
    const computeRAddr = s1IsUpdate ? mux(s1IsUpdate, s1Addr!, issueAddr) : issueAddr;
    const computeRen = s1IsUpdate ? s1IsUpdate.or(issue) : issue;
    m.assign(wRAddr, mux(fsm.is('readback'), this.rbAddr!, computeRAddr));
    m.assign(wWAddr, s2Addr ? mux(fsm.is('load'), this.ldAddr!, s2Addr) : this.ldAddr!);
    for (let q = 0; q < P; q++) m.assign(wRen[q]!, mux(fsm.is('readback'), this.rbRen!.and(this.rbLane!.eq(q)), computeRen));

    // ---- counters the host can read -------------------------------------------------------------
    const counter = (name: string, when: Expr) => {
      const c = m.reg(`${name}_q`, UInt(COUNTER_BITS), { init: 0 });
      m.when(when, () => c.set(c.inc()));
      m.assign(m.output(name, UInt(COUNTER_BITS)), c);
    };
    counter('cycles_receive', rx ? rx.busy : is('rx_head', 'rx_data'));
    counter('cycles_forward', is('fwd_init', 'fwd', 'fwd_wait'));
    if (trains) {
      counter('cycles_backward', is('bwd_init', 'bwd', 'bwd_wait'));
      counter('cycles_update', is('upd_init', 'upd_err', 'upd', 'upd_wait'));
    } else {
      // Kept so that every variant has the same ports (a host reads zero).
      m.assign(m.output('cycles_backward', UInt(COUNTER_BITS)), lit(0, UInt(COUNTER_BITS)));
      m.assign(m.output('cycles_update', UInt(COUNTER_BITS)), lit(0, UInt(COUNTER_BITS)));
    }
    counter('cycles_emit', fsm.is('emit'));
    // Idle: nothing computing, loading or reading back, and no sample received or arriving.
    const idle = rx ? m.wire('idle_all', fsm.is('idle').and(rx.pending.not())) : fsm.is('idle');
    counter('cycles_busy', idle.not());
    const done = m.reg('samples_done_q', UInt(32), { init: 0 });
    m.when(fsm.is('emit').and(mRReady), () => done.set(done.inc()));
    m.assign(m.output('samples_done', UInt(32)), done);
    m.assign(m.output('idle', Bool), idle);
  }

  // ---- the pair receiver (skipZeroInputs) ---------------------------------------------------------

  /**
   * Receives samples beside the controller and stores each one's non-zero inputs as (index,
   * value) pairs, one per cycle, in one half of the double-buffered input buffer while the
   * controller computes on the other half. A data beat is held while its non-zero lanes are
   * written lowest first, and the next beat is accepted in the cycle that writes the held beat's
   * last pair (a beat costs max(1, its non-zero inputs) cycles); padding lanes of the last beat
   * are ignored. A received sample waits (`full`) until the controller takes it; the next header
   * is accepted after that.
   */
  private buildPairReceiver(s: {
    sSData: Expr;
    sSValid: Expr;
    sSReady: Signal;
    inWe: Signal;
    inWAddr: Signal;
    inWData: Signal;
    iw: number;
    N0: number;
    cw: number;
    trains: boolean;
  }): {
    busy: Expr;
    full: Expr;
    pending: Expr;
    readBase: Expr;
    take: (to: { train?: Signal; label?: Signal; inCount: Signal }) => void;
  } {
    const { m, p, lay } = this;
    const K = lay.K;
    const Ab = p.act.bits;
    const bw = bitsFor(lay.inputDepth * K);
    const lastBase = (lay.inputDepth - 1) * K;
    const lastLanes = s.N0 - lastBase;
    const busy = m.reg('rx_busy', Bool, { init: 0 });
    const full = m.reg('rx_full', Bool, { init: 0 });
    // The half the receiver writes (the controller reads the other).
    const bank = m.reg('rx_bank', Bool, { init: 0 });
    const count = m.reg('rx_count', UInt(s.cw), { init: 0 });
    const rxTrain = s.trains ? m.reg('rx_train', Bool, { init: 0 }) : undefined;
    const rxLabel = s.trains ? m.reg('rx_label', UInt(lay.labelBits), { init: 0 }) : undefined;
    const hold = m.reg('rx_hold', UInt(K * Ab));
    const pend = m.reg('rx_pending', UInt(K), { init: 0 });
    const base = m.reg('rx_base', UInt(bw), { init: 0 });
    const next = m.reg('rx_next', UInt(bw), { init: 0 });
    const all = m.reg('rx_all', Bool, { init: 0 });
    // The lowest pending lane (a priority encoder: later assignments win).
    const lane = m.wire('rx_lane', UInt(clog2(K)));
    lane.set(0);
    for (let t = K - 1; t >= 0; t--) m.when(pend.bit(t), () => lane.set(t));
    const laneOf = (word: Expr, t: number) => word.slice((t + 1) * Ab - 1, t * Ab);
    const value = m.wire('rx_value', UInt(Ab));
    if (K === 1) m.assign(value, hold);
    else {
      value.set(laneOf(hold, 0));
      m.switch(lane, (c) => {
        for (let t = 1; t < K; t++) c.is(t, () => value.set(laneOf(hold, t)));
      });
    }
    // Lanes still pending after this cycle's write; the next beat is taken when none are.
    const rest = m.wire('rx_rest', K > 1 ? pend.and(pend.dec()) : lit(0, UInt(1)));
    const more = rest.orR();
    const headerReady = m.wire('rx_header_ready', busy.not().and(full.not()));
    const take = m.wire('rx_take', busy.and(all.not()).and(more.not()));
    m.assign(s.sSReady, headerReady.or(take));
    const write = m.wire('rx_write', busy.and(pend.orR()));
    const aw = s.inWAddr.width;
    m.assign(s.inWe, write);
    m.assign(s.inWAddr, mux(bank, lit(s.N0, UInt(aw)), lit(0, UInt(aw))).add(count).truncate(aw));
    m.assign(s.inWData, cat(base.add(lane.zext(bw)).truncate(s.iw), value));
    // A beat's non-zero lanes (the last beat's padding lanes never count).
    const isLast = next.eq(lastBase);
    const mask: Expr[] = [];
    for (let t = K - 1; t >= 0; t--) {
      const nz = laneOf(s.sSData, t).orR();
      mask.push(t < lastLanes ? nz : nz.and(isLast.not()));
    }
    const beatMask = m.wire('rx_beat_mask', mask.length === 1 ? mask[0]! : cat(...mask));
    m.when(busy, () => {
      m.when(write, () => count.set(count.inc()));
      m.when(take.and(s.sSValid), () => {
        hold.set(s.sSData);
        pend.set(beatMask);
        base.set(next);
        next.set(next.add(K).truncate(bw));
        m.when(isLast, () => all.set(1));
      }).otherwise(() => pend.set(rest));
      m.when(all.and(more.not()), () => {
        busy.set(0);
        full.set(1);
      });
    }).elsewhen(headerReady.and(s.sSValid), () => {
      // The header: bit 0 train, then the label (both ignored by the inference variant).
      busy.set(1);
      rxTrain?.set(s.sSData.bit(0));
      rxLabel?.set(s.sSData.slice(lay.labelBits, 1));
      pend.set(0);
      all.set(0);
      next.set(0);
      count.set(0);
    });
    return {
      busy,
      full,
      pending: busy.or(full),
      readBase: mux(bank, lit(0, UInt(s.inWAddr.width)), lit(s.N0, UInt(s.inWAddr.width))),
      take: (to) => {
        full.set(0);
        bank.set(bank.not());
        if (to.train && rxTrain) to.train.set(rxTrain);
        if (to.label && rxLabel) to.label.set(rxLabel);
        to.inCount.set(count);
      },
    };
  }

  // ---- weight load / read-back -----------------------------------------------------------------

  private ldLane?: Signal;
  private ldAddr?: Expr;
  private loadDone?: Expr;
  private rbAddr?: Expr;
  private rbRen?: Expr;
  private rbLane?: Signal;
  private readbackDone?: Expr;
  private resetLoad!: () => void;
  private resetReadback!: () => void;

  private buildLoadAndReadback(s: {
    fsm: Fsm<State>;
    sWValid: Expr;
    sWReady: Signal;
    mWData: Signal;
    mWValid: Signal;
    mWReady: Expr;
    mWLast: Signal;
    sCData: Expr;
    sCValid: Expr;
    sCReady: Signal;
    wRData: Expr[];
    waw: number;
    cw: number;
    jw: number;
    lw: number;
    samplePending?: Expr;
  }): void {
    const { m, P, L } = this;
    const lanesW = clog2(P);
    // A walker over the stream order (layer, row, column) that knows each element's bank and address.
    const walker = (prefix: string) => {
      const wl = m.reg(`${prefix}_layer`, UInt(s.lw), { init: 0 });
      const row = m.reg(`${prefix}_row`, UInt(s.jw), { init: 0 });
      const lane = m.reg(`${prefix}_lane`, UInt(lanesW), { init: 0 });
      const colr = m.reg(`${prefix}_col`, UInt(s.cw), { init: 0 });
      const rowBase = m.reg(`${prefix}_group_base`, UInt(s.waw), { init: 0 });
      const tables = this.lay.layers;
      const nIn = layerTable(m, `${prefix}_n_in`, wl, tables.map((l) => l.nIn), s.cw);
      const nOut = layerTable(m, `${prefix}_n_out`, wl, tables.map((l) => l.nOut), s.jw);
      const rowLen = layerTable(m, `${prefix}_row_len`, wl, tables.map((l) => l.rowLen), s.waw + 1);
      const base = layerTable(m, `${prefix}_next_base`, wl, tables.map((l) => l.weightBase + l.groups * l.rowLen), s.waw + 1);
      const endOfRow = m.wire(`${prefix}_end_of_row`, colr.eq(nIn));
      const lastRow = m.wire(`${prefix}_last_row`, row.eq(nOut.dec()));
      const last = m.wire(`${prefix}_last`, endOfRow.and(lastRow).and(wl.eq(L - 1)));
      const elemAddr = m.wire(`${prefix}_addr`, rowBase.add(colr.zext(Math.max(s.cw, s.waw))).truncate(s.waw));
      const reset = () => {
        wl.set(0);
        row.set(0);
        lane.set(0);
        colr.set(0);
        rowBase.set(0);
      };
      const advance = () => {
        m.when(endOfRow.not(), () => colr.set(colr.inc())).otherwise(() => {
          colr.set(0);
          m.when(lastRow, () => {
            wl.set(wl.inc());
            row.set(0);
            lane.set(0);
            rowBase.set(base.truncate(s.waw));
          }).otherwise(() => {
            row.set(row.inc());
            m.when(lane.eq(P - 1), () => {
              lane.set(0);
              rowBase.set(rowBase.add(rowLen).truncate(s.waw));
            }).otherwise(() => lane.set(lane.inc()));
          });
        });
      };
      return { lane, last, elemAddr, reset, advance };
    };

    // Load: one weight per accepted beat, written to the row's bank.
    const ld = walker('load');
    this.ldLane = ld.lane;
    this.ldAddr = ld.elemAddr;
    this.resetLoad = ld.reset;
    m.assign(s.sWReady, s.fsm.is('load'));
    const ldFire = m.wire('load_fire', s.fsm.is('load').and(s.sWValid));
    m.when(ldFire, () => ld.advance());
    this.loadDone = ldFire.and(ld.last);

    // Read-back: the bank's registered read data is the output register; a new read is issued
    // only when the current beat is taken (or none is pending), so backpressure never loses one.
    const rb = walker('readback');
    const rbValid = m.reg('readback_valid', Bool, { init: 0 });
    const rbPending = m.reg('readback_more', Bool, { init: 0 });
    const rbLaneQ = m.reg('readback_lane_q', UInt(lanesW), { init: 0 });
    const rbLastQ = m.reg('readback_last_q', Bool, { init: 0 });
    const canIssue = m.wire('readback_can_issue', rbValid.not().or(s.mWReady));
    const rbIssue = m.wire('readback_issue', s.fsm.is('readback').and(canIssue).and(rbPending));
    this.rbAddr = rb.elemAddr;
    this.rbRen = rbIssue;
    this.rbLane = rb.lane;
    this.resetReadback = () => {
      rb.reset();
      rbPending.set(1);
      rbValid.set(0);
    };
    m.when(s.fsm.is('readback').and(canIssue), () => {
      rbValid.set(rbPending);
      m.when(rbPending, () => {
        rbLaneQ.set(rb.lane);
        rbLastQ.set(rb.last);
        rb.advance();
        m.when(rb.last, () => rbPending.set(0));
      });
    });
    this.readbackDone = s.fsm.is('readback').and(rbValid.not().or(s.mWReady.and(rbLastQ))).and(rbPending.not());
    let data: Expr = s.wRData[0]!;
    for (let q = 1; q < P; q++) data = mux(rbLaneQ.eq(q), s.wRData[q]!, data);
    m.assign(s.mWData, data);
    m.assign(s.mWValid, rbValid);
    m.assign(s.mWLast, rbLastQ);
    const ctrlReady = s.fsm.is('idle').and(s.sWValid.not());
    m.assign(s.sCReady, s.samplePending ? ctrlReady.and(s.samplePending.not()) : ctrlReady);
  }
}
