/**
 * The training datapath of a network with convolution (docs/ARCHITECTURE.md §18 "Training"), on
 * the PEs the forward pass uses (blocks/pe.ts selects W·x, W·e or e·x):
 * - the memories training adds: an error bank per lane, the backward sums (accBits wide, one per
 *   input of the layer being trained) and the max pools' kept places;
 * - the output errors, written by the output layer's drain;
 * - the backward pass: the adder tree sums the lanes' W·e of a column and the sum is added to the
 *   tap's backward sum (a read-modify-write: two issues with the same tap are never in adjacent
 *   cycles, a group's bias issue or a position's setup cycle is between them);
 * - the error pass: each output of the layer below gets its error from its backward sum (through
 *   the pool between) and its activation's derivative;
 * - the update units: a column's gradient, accumulated over the positions in the PE, rounded once
 *   with the lane's LFSR, the weight written back;
 * - the flags of the groups that have an error (skipZeroErrors numbers no operation of the others).
 */
import { Bool, SInt, UInt, clog2, lit, mux, type ClockDomain, type Expr, type HdlType, type Module, type Signal } from '../../src/hdl/index.js';
import { DEDICATED_LR_FRAC } from '../../src/config/index.js';
import { requant } from '../blocks/requant.js';
import { update } from '../blocks/update.js';
import type { BankPorts, ErrorBanks as DenseErrorBanks } from '../accelerator/banks.js';
import { adderTree, treeLatency } from '../accelerator/adder-tree.js';
import { distinctIndex, perLayerConstant, perLayerUnit } from '../accelerator/per-layer.js';
import { at as entryOf } from '../accelerator/tables.js';
import { laneSeeds } from '../accelerator/update-units.js';
import { FLOP_MEMORY_BITS, dualPortMemory, singlePortMemory, type MemoryTarget } from '../memories/target.js';
import { memoryInstance } from './datapath.js';
import { trainOf, type CnnPlan } from './plan.js';
import { toWidth } from './walks.js';
import { held, inGated } from './gating.js';
import type { ErrorWalk } from './train-walks.js';

/** The error banks: the dense design's ports (read together, written one lane at a time). */
export type ErrorBanks = Pick<DenseErrorBanks, 'raddr' | 'ren' | 'waddr' | 'wdata' | 'we' | 'rdata'>;

export interface TrainBanks {
  readonly errors: ErrorBanks;
  /** The backward sums (a network with a second weight layer) and the max pools' kept places (one before a weight layer k ≥ 1). */
  readonly sums?: BankPorts;
  readonly args?: BankPorts;
}

/**
 * A memory with its port wires named `name_*`: 1R1W, or single-port (weightPorts "1p"/"2x1p":
 * SRAM macros on an ASIC target), which works because no training memory is read and written in
 * one cycle: the backward pass issues every other cycle then (§18 "Training").
 */
function memory(m: Module, plan: CnnPlan, name: string, depth: number, type: HdlType, target: MemoryTarget): BankPorts {
  const addrBits = clog2(Math.max(2, depth));
  const ports = {
    ren: m.wire(`${name}_ren`, Bool),
    raddr: m.wire(`${name}_raddr`, UInt(addrBits)),
    we: m.wire(`${name}_we`, Bool),
    waddr: m.wire(`${name}_waddr`, UInt(addrBits)),
    wdata: m.wire(`${name}_wdata`, type),
  };
  const rdata = memoryInstance(m, name, trainRam(plan, name, depth, type, target), singlePortTraining(plan), ports, clog2(depth));
  return { ...ports, rdata };
}

/** Whether the training memories (and the weights and maps) are single-port. */
export const singlePortTraining = (plan: CnnPlan): boolean => plan.cfg.weightPorts !== '1r1w';

/** The RAM module of a training memory: 1R1W (flip-flops on an ASIC target up to 1 kbit), or single-port (macros on an ASIC target). */
function trainRam(plan: CnnPlan, role: string, depth: number, type: HdlType, target: MemoryTarget): Module {
  return singlePortTraining(plan) ? singlePortMemory(role, depth, type, target) : dualPortMemory(role, depth, type, target, FLOP_MEMORY_BITS);
}

/** The memories training adds. */
export function trainBanks(m: Module, plan: CnnPlan, target: MemoryTarget = {}): TrainBanks {
  const tp = trainOf(plan);
  const { P, bits } = plan;
  const E = SInt(plan.formats.error.bits);
  const errRam = trainRam(plan, 'error', tp.errDepth, E, target);
  const raddr = m.wire('ebank_raddr', UInt(bits.errAddr));
  const ren = m.wire('ebank_ren', Bool);
  const waddr = m.wire('ebank_waddr', UInt(bits.errAddr));
  const wdata = m.wire('ebank_wdata', E);
  const we: Signal[] = [];
  const rdata: Expr[] = [];
  for (let q = 0; q < P; q++) {
    const w = m.wire(`ebank${q}_we`, Bool);
    we.push(w);
    rdata.push(memoryInstance(m, `ebank${q}`, errRam, singlePortTraining(plan), { ren, raddr, we: w, waddr, wdata }, clog2(tp.errDepth)));
  }
  const S = SInt(plan.cfg.accBits);
  const sums = plan.L > 1 ? memory(m, plan, 'bsum', tp.sumDepth, S, target) : undefined;
  const argType = UInt(2);
  const keeps = tp.argBase.some((b) => b >= 0);
  const args = keeps ? memory(m, plan, 'kept', tp.argDepth, argType, target) : undefined;
  return { errors: { raddr, ren, waddr, wdata, we, rdata }, ...(sums ? { sums } : {}), ...(args ? { args } : {}) };
}

/** What the backward pass's read-modify-write of a sum needs from the issue (stage 0). */
export interface BackwardIssue {
  /** A backward issue of a tap (not a group's bias). */
  readonly term: Expr;
  /** The tap's place in the layer's input (its backward sum's address). */
  readonly tapAddr: Expr;
  readonly laneCount: Expr;
}

/**
 * The backward sums: the lanes' products W·e (the PEs' accumulators at stage 2, a `first` issue
 * each) through the adder tree, added to the tap's sum: read at stage 1 + T (T the tree's
 * latency), written at 2 + T. Returns whether any of it is in flight; `clear` (address, enable)
 * zeroes the sums before a layer's backward pass.
 */
export function backwardSums(
  m: Module,
  plan: CnnPlan,
  issue: BackwardIssue,
  accs: readonly Expr[],
  sums: BankPorts,
  clear: { readonly we: Expr; readonly addr: Expr },
  /** The error pass's read of the sums (another phase). */
  other: { readonly on: Expr; readonly addr: Expr },
  /** Gate the clock of the pipeline's addresses and of the adder tree (an ASIC target). */
  gate = false,
): { readonly busy: Expr } {
  const { P, bits, cfg } = plan;
  const T = treeLatency(P);
  const productBits = plan.formats.weight.bits + plan.formats.error.bits;
  // the issue's flag and tap address at stages 0 .. 2 + T
  const terms: Expr[] = [issue.term];
  for (let i = 1; i <= 2 + T; i++) terms.push(m.flop(`bsum_term_d${i}`, entryOf(terms, i - 1), { init: 0 }));
  const anyTerm = (from: number, to: number) => terms.slice(from, to + 1).reduce((a, b) => a.or(b));
  // the addresses move with their term only (an idle backward pass holds them): on an ASIC their
  // clock, and the adder tree's, is gated off while no term is in flight (most of a sample)
  const addrs: Expr[] = [toWidth(issue.tapAddr, bits.sumAddr)];
  const lanes = inGated(m, 'bsum', gate ? m.wire('bsum_clock_en', anyTerm(0, 1 + T)) : undefined, () => {
    for (let i = 1; i <= 2 + T; i++) addrs.push(held(m, `bsum_addr_d${i}`, entryOf(addrs, i - 1), entryOf(terms, i - 1)));
    return held(m, 'bsum_lanes_d2', held(m, 'bsum_lanes_d1', issue.laneCount, entryOf(terms, 0)), entryOf(terms, 1));
  });
  const term2 = entryOf(terms, 2);
  const inputs = Object.fromEntries(accs.map((acc, q) => [`in${q}`, mux(term2.and(lanes.gt(q)), acc.truncate(productBits), lit(0, SInt(productBits)))]));
  // the tree's registers load with its input's term and the terms after it, one per registered level
  const treeClock: Record<string, ClockDomain> = gate && P > 1 ? { default: m.gatedDomain('tree', anyTerm(2, 1 + T)) } : {};
  const treeSum: Expr =
    P > 1 ? m.instance('tree', adderTree(P, productBits), { ...inputs, en: term2, ...treeClock }).out('sum') : (inputs.in0 ?? lit(0, SInt(productBits)));
  // the tree is log2 P bits wider than a product; its value is a partial sum accBits holds (src/config/bounds.ts)
  const sum = treeSum.width > cfg.accBits ? treeSum.truncate(cfg.accBits) : treeSum.resize(cfg.accBits);
  const writeOn = entryOf(terms, 2 + T);
  // two issues of one input in consecutive cycles (a column's last position and the next column's
  // first can read the same input): the second would read the address the first writes in that
  // cycle, so it does not read and takes the first's sum instead (single-port memories issue
  // every other cycle: never)
  const collide = singlePortTraining(plan)
    ? undefined
    : m.wire(
        'bsum_collide',
        entryOf(terms, 1 + T)
          .and(writeOn)
          .and(entryOf(addrs, 1 + T).eq(entryOf(addrs, 2 + T))),
      );
  const readOn = collide ? entryOf(terms, 1 + T).and(collide.not()) : entryOf(terms, 1 + T);
  m.assign(sums.ren, readOn.or(other.on));
  m.assign(sums.raddr, mux(other.on, toWidth(other.addr, bits.sumAddr), entryOf(addrs, 1 + T)));
  m.assign(sums.we, writeOn.or(clear.we));
  m.assign(sums.waddr, mux(clear.we, toWidth(clear.addr, bits.sumAddr), entryOf(addrs, 2 + T)));
  const written = collide ? mux(m.flop('bsum_forward', collide, { init: 0 }), m.flop('bsum_forward_data', sums.wdata), sums.rdata) : sums.rdata;
  m.assign(sums.wdata, mux(clear.we, lit(0, SInt(cfg.accBits)), written.add(sum).truncate(cfg.accBits)));
  return {
    busy: m.wire(
      'bsum_busy',
      terms.slice(1).reduce((a, b) => a.or(b)),
    ),
  };
}

/** An error to write into lane `lane`'s bank at `addr`, with its group (for the flags). */
export interface ErrorWrite {
  readonly we: Expr;
  readonly lane: Expr;
  readonly addr: Expr;
  readonly value: Expr;
  readonly group: Expr;
}

/**
 * The error pass of weight layer `layer` (≥ 1) over the outputs of layer − 1: at stage 1 the
 * activation (its derivative mask), the backward sum and the kept place have arrived; the error is
 * `mask and routed ? sat_E(rnd_n(s, backwardShift + 2 below an avg pool)) : 0` (§17), written at
 * stage 2. Routed: not dropped by the pool, and below a max pool the window's kept place.
 */
export function errorPass(
  m: Module,
  plan: CnnPlan,
  ew: ErrorWalk,
  issue: Expr,
  layer: Expr,
  value: { readonly act: Expr; readonly sum: Expr; readonly kept: Expr },
): ErrorWrite & { readonly busy: Expr } {
  const { cfg } = plan;
  const tp = trainOf(plan);
  const valid = m.flop('ep_s1_valid', issue, { init: 0 });
  const place = m.flop('ep_s1_place', ew.place);
  const dropped = m.flop('ep_s1_dropped', ew.dropped);
  const maxPool = perLayerConstant(
    m,
    'ep_max_pool',
    layer,
    tp.poolBefore.map((p) => (p?.pool === 'max' ? 1 : 0)),
    1,
  ).eq(1);
  const routed = m.wire('ep_routed', dropped.not().and(maxPool.not().or(value.kept.eq(place))));
  const act = value.act;
  // hard-sigmoid's derivative is 0 at 1.0 (in the format of layer's inputs, layer − 1's outputs)
  const one = perLayerConstant(
    m,
    'ep_act_one',
    layer,
    plan.arith.map((a) => 2 ** a.act.frac),
    plan.formats.act.bits,
  );
  const mask = cfg.hidden === 'relu' ? act.orR() : act.orR().and(act.lt(one));
  const q = perLayerUnit(
    m,
    'ep_unit',
    layer,
    plan.arith.map((a, k) =>
      a.lowerError ? { accFrac: a.backwardFrac + (tp.poolBefore[k]?.pool === 'avg' ? 2 : 0), out: { ...a.lowerError, signed: true } } : undefined,
    ),
    (p) => requant({ accBits: cfg.accBits, accFrac: p.accFrac, out: p.out, rounding: 'nearest' }),
    { acc: value.sum },
    'q',
    { accFrac: plan.arith[0]?.backwardFrac ?? 0, out: { ...plan.formats.error } },
  );
  const e = m.wire('ep_error', mux(routed.and(mask), q, lit(0, SInt(plan.formats.error.bits))));
  const we = m.flop('ep_we', valid, { init: 0 });
  return {
    busy: m.wire('ep_busy', valid.or(we)),
    we,
    lane: m.flop('ep_lane', m.flop('ep_s1_lane', ew.lane)),
    addr: m.flop('ep_addr', m.flop('ep_s1_addr', ew.errAddr)),
    value: m.flop('ep_value', e),
    group: m.flop('ep_group', m.flop('ep_s1_group', ew.group)),
  };
}

/**
 * The output errors e = sat_E(rnd_n(z − target)), target 1.0 at the label (§1), of a training
 * sample, as the output layer's drain gives its sums one lane per cycle (outputs j = 0, 1, …):
 * the difference, then the error, each a register stage; written to lane j mod P at errBase + j div P.
 */
export function outputErrors(
  m: Module,
  plan: CnnPlan,
  d: { readonly on: Expr; readonly z: Expr; readonly index: Expr; readonly label: Expr; readonly restart: Expr },
): ErrorWrite {
  const { cfg, P, bits } = plan;
  const tp = trainOf(plan);
  const out = entryOf(plan.arith, plan.L - 1);
  const lane = m.reg('oe_lane', UInt(bits.lane), { init: 0 });
  const group = m.reg('oe_group', UInt(bits.group), { init: 0 });
  m.when(d.on, () => {
    m.when(lane.eq(P - 1), () => {
      lane.set(0);
      group.set(toWidth(group.inc(), bits.group));
    }).otherwise(() => lane.set(toWidth(lane.inc(), bits.lane)));
  });
  m.when(d.restart, () => {
    lane.set(0);
    group.set(0);
  });
  const isLabel = d.index.zext(Math.max(d.index.width, d.label.width) + 1).eq(d.label.zext(Math.max(d.index.width, d.label.width) + 1));
  const target = mux(isLabel, lit(1n << BigInt(out.zFrac), SInt(cfg.accBits)), lit(0, SInt(cfg.accBits)));
  const on1 = m.flop('oe_d1_on', d.on, { init: 0 });
  const diff = m.flop('oe_d1_diff', d.z.sub(target));
  const lane1 = m.flop('oe_d1_lane', lane);
  const group1 = m.flop('oe_d1_group', group);
  const unit = m.instance(
    'out_error_unit',
    requant({ accBits: cfg.accBits + 1, accFrac: out.zFrac, out: { ...out.error, signed: true }, rounding: 'nearest' }),
    {
      acc: diff,
    },
  );
  const base = lit(tp.errBase[plan.L - 1] ?? 0, UInt(bits.errAddr));
  return {
    we: m.flop('oe_we', on1, { init: 0 }),
    lane: m.flop('oe_lane_q', lane1),
    addr: m.flop('oe_addr', toWidth(base.add(group1), bits.errAddr)),
    value: m.flop('oe_value', unit.out('q')),
    group: m.flop('oe_group_q', group1),
  };
}

/** The error banks' write port: the output errors (forward pass) or the error pass (later), never both. */
export function errorWrites(m: Module, banks: TrainBanks, writes: readonly [ErrorWrite, ErrorWrite]): void {
  const [a, b] = writes;
  const e = banks.errors;
  e.we.forEach((we, q) => m.assign(we, a.we.and(a.lane.eq(q)).or(b.we.and(b.lane.eq(q)))));
  m.assign(e.waddr, mux(a.we, a.addr, b.addr));
  m.assign(e.wdata, mux(a.we, a.value, b.value));
}

/**
 * One flag per group of every weight layer: set when an error of it is written non-zero, cleared
 * when a sample starts. `has(layer, group)`: the group has an error (§11's skipped groups).
 */
export function errorFlags(
  m: Module,
  plan: CnnPlan,
  writes: readonly { readonly we: Expr; readonly value: Expr; readonly group: Expr }[],
  layerOf: readonly Expr[],
  clear: Expr,
) {
  const tp = trainOf(plan);
  const n = tp.flags;
  const width = Math.max(1, Math.ceil(Math.log2(n + 1)));
  const flags = m.reg('err_flags', UInt(n), { init: 0 });
  const base = (layer: Expr, name: string) => perLayerConstant(m, name, layer, tp.flagBase, width);
  const bit = (layer: Expr, group: Expr, name: string) => toWidth(base(layer, `${name}_base`).add(group), width);
  const hot = (i: Expr) => {
    const one = lit(1, UInt(1)).shl(i);
    return one.width >= n ? one.truncate(n) : one.zext(n);
  };
  let next: Expr = flags;
  writes.forEach((w, i) => {
    next = next.or(mux(w.we.and(w.value.orR()), hot(bit(entryOf(layerOf, i), w.group, `flag_w${i}`)), lit(0, UInt(n))));
  });
  m.when(clear, () => flags.set(0)).otherwise(() => flags.set(next));
  return (layer: Expr, group: Expr): Expr => flags.shr(bit(layer, group, 'flag_r')).bit(0);
}

/** What the update needs at stage 2: the column's last position has its gradient in the PEs. */
export interface UpdateStage {
  readonly on: Expr;
  /** The column's gradient was formed (some issue worked, train-issue.ts): without, its weight was not read and is not written. */
  readonly writes: Expr;
  /** The operation is numbered (§17): its LFSR draw is taken. */
  readonly numbered: Expr;
  readonly laneCount: Expr;
  readonly waddr: Expr;
}

/**
 * The update units (blocks/update.ts, one per lane with its LFSR seeded as §2): w ← sat_W(w −
 * R(g, S)) with g the PE's accumulator, rounded by the layer's shift. Returns each lane's weight
 * write (a weight that does not change is not rewritten).
 */
export function cnnUpdates(
  m: Module,
  plan: CnnPlan,
  st: UpdateStage,
  accs: readonly Expr[],
  weights: readonly Expr[],
  layer: Expr,
  opts: {
    /** One clock gate for every unit (an ASIC target): their LFSRs change only with a numbered update. */
    readonly gate?: boolean;
    /** The dedicated variant's learning rate (Q0.16): the units multiply by it and shift by S − k + 16 (§9). */
    readonly learningRate?: Expr | undefined;
  } = {},
): { readonly we: readonly Expr[]; readonly wdata: readonly Expr[] } {
  const { cfg, P } = plan;
  const lr = opts.learningRate;
  if (plan.dedicated !== Boolean(lr)) throw new RangeError('generator bug: the dedicated variant, and only it, has a learning-rate input');
  const { distinct, index } = distinctIndex(plan.arith.map((a) => (lr ? a.updateShift - a.lrShift + DEDICATED_LR_FRAC : a.updateShift)));
  const unit = update({
    weight: plan.formats.weight,
    gradBits: cfg.accBits,
    shift: distinct.length === 1 ? (distinct[0] ?? 0) : distinct,
    rounding: cfg.rounding,
    ...(lr ? { lrBits: DEDICATED_LR_FRAC } : {}),
  });
  const sel: Record<string, Expr> =
    distinct.length > 1 ? { shift_sel: perLayerConstant(m, 'upd_shift_sel', layer, index, Math.max(1, Math.ceil(Math.log2(distinct.length)))) } : {};
  const seeds = laneSeeds(cfg.seed, P);
  const en = m.wire('upd_draw', st.on.and(st.numbered));
  const clocked: Record<string, ClockDomain> = opts.gate ? { default: m.gatedDomain('upd', en) } : {};
  const we: Expr[] = [];
  const wdata: Expr[] = [];
  weights.forEach((w, q) => {
    const u = m.instance(`upd${q}`, unit, { w, grad: entryOf(accs, q), en, seed: lit(entryOf(seeds, q), UInt(16)), ...sel, ...(lr ? { lr } : {}), ...clocked });
    we.push(st.on.and(st.writes).and(st.laneCount.gt(q)).and(u.out('changes')));
    wdata.push(u.out('w_next'));
  });
  return { we, wdata };
}
