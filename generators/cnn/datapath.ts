/**
 * The datapath of a network with convolution (docs/ARCHITECTURE.md §18): the memories (a weight
 * bank per lane as §3, two feature-map buffers), the issue pipeline, the P MAC PEs, the drain
 * that requantises a finished group one lane per cycle into the next map (or, in the output
 * layer, tracks the argmax), and the pool unit that reduces a window's four reads.
 */
import { Bool, SInt, UInt, clog2, lit, mux, type ClockDomain, type Expr, type HdlType, type Module, type Signal } from '../../src/hdl/index.js';
import { activation } from '../blocks/activation.js';
import { mac } from '../blocks/mac.js';
import { pe } from '../blocks/pe.js';
import { peDedicated } from '../blocks/pe-dedicated.js';
import type { BankPorts } from '../accelerator/banks.js';
import { perLayerConstant, perLayerUnit } from '../accelerator/per-layer.js';
import { at as entryOf } from '../accelerator/tables.js';
import { FLOP_MEMORY_BITS, dualPortMemory, singlePortMemory, type MemoryTarget } from '../memories/target.js';
import type { CnnPlan } from './plan.js';
import { held, inGated } from './gating.js';

export interface CnnBanks {
  readonly weights: {
    readonly raddr: Signal;
    readonly ren: Signal;
    readonly waddr: Signal;
    /** Per lane: the load's beat, or (training) the lane's updated weight. */
    readonly wdata: readonly Signal[];
    readonly we: readonly Signal[];
    readonly rdata: readonly Expr[];
  };
  /** Map buffer 0 (the input, then every second step's output) and 1. */
  readonly maps: readonly [BankPorts, BankPorts];
}

/**
 * A memory instance with 1R1W ports as seen by the datapath, built as `ram`: a 1R1W memory, or a
 * single-port one (weightPorts "1p"/"2x1p": SRAM macros on an ASIC, SPRAM on the iCE40), which
 * works here because no memory of this design is read and written in one cycle (a step reads one
 * map buffer and writes the other; the weights are written only while they load).
 */
export function memoryInstance(m: Module, name: string, ram: Module, singlePort: boolean, ports: Omit<BankPorts, 'rdata'>, addrBits: number): Expr {
  const a = (e: Expr) => e.truncate(addrBits);
  if (!singlePort)
    return m.instance(name, ram, { ren: ports.ren, raddr: a(ports.raddr), we: ports.we, waddr: a(ports.waddr), wdata: ports.wdata }).out('rdata');
  const addr = mux(ports.we, a(ports.waddr), a(ports.raddr));
  return m.instance(name, ram, { en: ports.ren.or(ports.we), we: ports.we, addr, wdata: ports.wdata }).out('rdata');
}

/** The memories: `target` says what single-port ones are built from (SRAM macros for an ASIC). */
export function cnnBanks(m: Module, plan: CnnPlan, target: MemoryTarget = {}): CnnBanks {
  const { P, bits } = plan;
  const singlePort = plan.cfg.weightPorts !== '1r1w';
  const memory = (role: string, depth: number, type: HdlType) =>
    singlePort ? singlePortMemory(role, depth, type, target) : dualPortMemory(role, depth, type, target, FLOP_MEMORY_BITS);
  const W = SInt(plan.formats.weight.bits);
  const raddr = m.wire('wbank_raddr', UInt(bits.weightAddr));
  const ren = m.wire('wbank_ren', Bool);
  const waddr = m.wire('wbank_waddr', UInt(bits.weightAddr));
  const shared = plan.train ? undefined : m.wire('wbank_wdata', W);
  const depth = plan.sizes.weightDepth;
  const ram = memory('weight', depth, W);
  const we: Signal[] = [];
  const wdata: Signal[] = [];
  const rdata: Expr[] = [];
  for (let q = 0; q < P; q++) {
    const w = m.wire(`wbank${q}_we`, Bool);
    const d = shared ?? m.wire(`wbank${q}_wdata`, W);
    we.push(w);
    wdata.push(d);
    rdata.push(memoryInstance(m, `wbank${q}`, ram, singlePort, { ren, raddr, we: w, waddr, wdata: d }, clog2(depth)));
  }
  const map = (i: 0 | 1): BankPorts => {
    const A = UInt(plan.formats.act.bits);
    const ports = {
      ren: m.wire(`fmap${i}_ren`, Bool),
      raddr: m.wire(`fmap${i}_raddr`, UInt(bits.mapAddr)),
      we: m.wire(`fmap${i}_we`, Bool),
      waddr: m.wire(`fmap${i}_waddr`, UInt(bits.mapAddr)),
      wdata: m.wire(`fmap${i}_wdata`, A),
    };
    const rd = memoryInstance(m, `fmap${i}`, memory(`fmap${i}`, plan.mapDepth[i], A), singlePort, ports, clog2(plan.mapDepth[i]));
    return { ...ports, rdata: rd };
  };
  return { weights: { raddr, ren, waddr, wdata, we, rdata }, maps: [map(0), map(1)] };
}

/** A weight step's issue as the pipeline carries it. */
export interface WeightIssue {
  readonly valid: Expr;
  readonly first: Expr;
  readonly bias: Expr;
  readonly laneCount: Expr;
  readonly outBase: Expr;
  /** A fused pool: the position's place in its pooled output's window (0..3). */
  readonly q: Expr;
  /** The issue enables the PEs (absent: every issue does); a skipped zero activation's does not (forward-skip.ts). */
  readonly work?: Expr;
}

export interface MacStages {
  /** Per lane, the forward sum (the drain's), the backward product W·e (the adder tree's) and the gradient sum (the update's): one accumulator for TaxoNN's PE. */
  readonly accs: readonly Expr[];
  readonly backward: readonly Expr[];
  readonly gradients: readonly Expr[];
  /** Stage 1's activation operand (1.0 for the bias, 0 for the update's padding taps). */
  readonly act: Expr;
  /** Stage 2: the group's last MAC (its bias) has been added: the accumulators hold its sums. */
  readonly capture: Expr;
  readonly laneCount: Expr;
  readonly outBase: Expr;
  /** The captured group's place in its pooled output's window (a fused pool). */
  readonly q: Expr;
  /** Some issue is in stage 1 or 2. */
  readonly busy: Expr;
}

/**
 * Stage 1 (the banks' read data) feeds the PEs: weight × (the bias input 1.0 | the map value);
 * stage 2 has the sums. `layer` is the step's weight layer (its format of 1.0).
 */
export function macStages(
  m: Module,
  plan: CnnPlan,
  issue: WeightIssue,
  weights: readonly Expr[],
  mapValue: Expr,
  layer: Expr,
  /** Training: the issue's PE operation and whether its input is a padding tap (0), each lane's error at stage 1, and whether it is the forward walk's. */
  train?: { readonly op: Expr; readonly zero: Expr; readonly errors: readonly Expr[]; readonly forward: Expr },
  /** Gate the PEs' clock (an ASIC target, memories/target.ts clockGated). */
  gate = false,
): MacStages {
  const s1Valid = m.flop('s1_valid', issue.valid, { init: 0 });
  // stage 1's registers load only with an issue: between issues (a single-port pass's idle slot, a
  // setup cycle) the PEs' operands and operation stay as they were, so their multipliers do not
  // switch; on an ASIC their clock runs only in the cycles of an issue, stage 2's only after one
  const s1 = (name: string, e: Expr): Signal => held(m, `s1_${name}`, e, issue.valid);
  const r1 = inGated(m, 's1', gate ? m.wire('s1_clock_en', issue.valid) : undefined, () => ({
    work: issue.work ? s1('work', issue.work) : undefined,
    first: s1('first', issue.first),
    bias: s1('bias', issue.bias),
    lanes: s1('lane_count', issue.laneCount),
    out: s1('out_base', issue.outBase),
    q: s1('q', issue.q),
    zero: train ? s1('zero', train.zero) : undefined,
    op: train ? s1('op', train.op) : undefined,
    forward: train ? s1('forward', train.forward) : undefined,
  }));
  const en = r1.work ? m.wire('s1_pe_en', s1Valid.and(r1.work)) : s1Valid;
  // the PEs' registers load only with en, which is 0 in most of a training sample's cycles (the
  // error pass, the drain, the waits, a skipped zero): on an ASIC one gate stops their clock then
  const clocked: Record<string, ClockDomain> = gate ? { default: m.gatedDomain('pe', en) } : {};
  const one = perLayerConstant(
    m,
    's1_act_one',
    layer,
    plan.arith.map((a) => 2 ** a.act.frac),
    plan.formats.act.bits,
  );
  const s1Zero = r1.zero;
  const value = s1Zero ? mux(s1Zero, lit(0, UInt(plan.formats.act.bits)), mapValue) : mapValue;
  const act = m.wire('act_operand', mux(r1.bias, one, value));
  const { weight: wf, act: af, error: ef } = plan.formats;
  const accBits = plan.cfg.accBits;
  const pes = train
    ? peArray(
        m,
        weights,
        act,
        { op: r1.op ?? train.op, errors: train.errors, en, first: r1.first, clocked },
        plan.dedicated ? peDedicated({ weight: wf, act: af, error: ef, accBits, accumulateGradient: true }) : pe({ weight: wf, act: af, error: ef, accBits }),
      )
    : weights.map((weight, q) => m.instance(`pe${q}`, mac({ weight: wf, act: af, accBits }), { weight, act, en, first: r1.first, ...clocked }));
  const accs = pes.map((x) => x.out('acc'));
  // the dedicated PE's backward and gradient multipliers have their own registers (blocks/pe-dedicated.ts)
  const backward = plan.dedicated ? pes.map((x) => x.out('bwd_product')) : accs;
  const gradients = plan.dedicated ? pes.map((x) => x.out('grad_sum')) : accs;
  const s2Valid = m.flop('s2_valid', s1Valid, { init: 0 });
  const s2 = (name: string, e: Expr): Signal => held(m, `s2_${name}`, e, s1Valid);
  const r2 = inGated(m, 's2', gate ? m.wire('s2_clock_en', s1Valid) : undefined, () => ({
    // training: only a forward group's last issue goes to the drain (the update's bias column does not)
    last: s2('last', r1.forward ? r1.bias.and(r1.forward) : r1.bias),
    lanes: s2('lane_count', r1.lanes),
    out: s2('out_base', r1.out),
    q: s2('q', r1.q),
  }));
  const capture = m.wire('drain_capture', s2Valid.and(r2.last));
  return {
    accs,
    backward,
    gradients,
    act,
    capture,
    laneCount: r2.lanes,
    outBase: r2.out,
    q: r2.q,
    busy: m.wire('mac_busy', s1Valid.or(s2Valid)),
  };
}

/** The training PEs: TaxoNN's (blocks/pe.ts: the forward MAC, the backward product W·e and the gradient e·x on one multiplier) or the dedicated variant's. */
function peArray(
  m: Module,
  weights: readonly Expr[],
  act: Expr,
  at: { readonly op: Expr; readonly errors: readonly Expr[]; readonly en: Expr; readonly first: Expr; readonly clocked: Record<string, ClockDomain> },
  peModule: Module,
) {
  return weights.map((weight, q) =>
    m.instance(`pe${q}`, peModule, { op: at.op, weight, act, err: entryOf(at.errors, q), en: at.en, first: at.first, ...at.clocked }),
  );
}

export interface Drain {
  readonly busy: Signal;
  /** The map write (registered), and the argmax. */
  readonly write: { readonly we: Signal; readonly waddr: Signal; readonly wdata: Signal };
  readonly bestIndex: Signal;
  /** The sum being drained and its output index (the output layer's: j). */
  readonly z: Expr;
  readonly index: Signal;
}

/**
 * The drain: captures a finished group's P sums and requantises one lane per cycle; a hidden
 * layer's activation goes to the map (address: the group's first output + lane), the output
 * layer's sum to the argmax (ties to the first, as §1). The walk starts a group only when its
 * capture will find the drain done with the group before (walks.ts drainDebt).
 */
export function drain(
  m: Module,
  plan: CnnPlan,
  st: MacStages,
  at: {
    readonly layer: Expr;
    readonly output: Expr;
    /** The step's fused pool, and its kind. */
    readonly fused: Expr;
    readonly isMax: Expr;
    /** Gate the shift registers' clock (an ASIC target, memories/target.ts clockGated). */
    readonly gate?: boolean;
  },
): Drain {
  const { P, bits, cfg } = plan;
  const busy = m.reg('drain_busy', Bool, { init: 0 });
  const left = m.reg('drain_left', UInt(bits.lanes), { init: 0 });
  const lane = m.reg('drain_lane', UInt(bits.lane), { init: 0 });
  const q = m.reg('drain_q', UInt(2), { init: 0 });
  const addr = m.reg('drain_addr', UInt(bits.mapAddr + 1), { init: 0 });
  // captured, then shifted one lane per cycle; idle otherwise (most cycles): on an ASIC their clock is gated off then
  const regs: Signal[] = [];
  m.gated(
    'drain',
    st.capture.or(busy),
    () => {
      for (let q = 0; q < P; q++) regs.push(m.reg(`drain${q}`, SInt(cfg.accBits)));
      regs.forEach((r, q) => {
        const next = regs[q + 1];
        m.when(st.capture, () => r.set(st.accs[q] ?? r)).elsewhen(busy, () => {
          if (next) r.set(next);
        });
      });
    },
    at.gate ?? false,
  );
  m.when(st.capture, () => {
    busy.set(1);
    left.set(st.laneCount);
    addr.set(st.outBase);
    lane.set(0);
    q.set(st.q);
  }).elsewhen(busy, () => {
    left.set(left.dec());
    busy.set(left.ne(1));
    addr.set(addr.inc());
    lane.set(lane.inc());
  });
  const z = regs[0] ?? lit(0, SInt(cfg.accBits));
  const a = perLayerUnit(
    m,
    'act_unit',
    at.layer,
    plan.arith.map((x) => (x.outAct ? { zFrac: x.zFrac, act: { ...x.outAct, signed: false } } : undefined)),
    (p) => activation({ zBits: cfg.accBits, zFrac: p.zFrac, act: p.act, hidden: cfg.hidden, rounding: 'nearest' }),
    { z },
    'a',
    { zFrac: plan.arith[0]?.zFrac ?? 0, act: { ...plan.formats.act, signed: false } },
  );
  const pooled = plan.steps.some((x) => x.kind === 'weights' && x.pool)
    ? drainPool(m, plan, { busy, lane, q, a, isMax: at.isMax, fused: at.fused })
    : undefined;
  const write = {
    we: m.flop('drain_we_q', busy.and(at.output.not()).and(pooled?.write ?? lit(1, Bool)), { init: 0 }),
    waddr: m.flop('drain_waddr_q', addr.truncate(bits.mapAddr)),
    wdata: m.flop('drain_wdata_q', pooled?.value ?? a),
  };
  const best = m.reg('best_z', SInt(cfg.accBits));
  const bestIndex = m.reg('best_index', UInt(plan.sizes.labelBits), { init: 0 });
  m.when(busy.and(at.output).and(addr.eq(0).or(z.gt(best))), () => {
    best.set(z);
    bestIndex.set(addr.zext(Math.max(addr.width, plan.sizes.labelBits)).truncate(plan.sizes.labelBits));
  });
  return { busy, write, bestIndex, z, index: addr };
}

/**
 * A pool fused into the drain (§18): per lane, the best activation (max; a later one replaces it
 * only when greater, so ties go to the first place) or the sum (avg) over the window's four
 * positions, which the walk issues in the order (0,0), (0,1), (1,0), (1,1); the pooled value is
 * written at the fourth, `(sum + 2) >> 2` for avg. Outside a fused step the activation passes.
 */
function drainPool(
  m: Module,
  plan: CnnPlan,
  at: { readonly busy: Expr; readonly lane: Expr; readonly q: Expr; readonly a: Expr; readonly isMax: Expr; readonly fused: Expr },
): { readonly value: Expr; readonly write: Expr } {
  const Ab = plan.formats.act.bits;
  const best = Array.from({ length: plan.P }, (_, p) => m.reg(`pool_best${p}`, UInt(Ab)));
  const sum = Array.from({ length: plan.P }, (_, p) => m.reg(`pool_sum${p}`, UInt(Ab + 2)));
  const pick = (regs: readonly Signal[], name: string, w: number) => {
    const v = m.wire(name, UInt(w));
    v.set(entryOf(regs, 0));
    m.switch(at.lane, (c) => regs.forEach((r, p) => p > 0 && c.is(p, () => v.set(r))));
    return v;
  };
  const curBest = pick(best, 'pool_best_cur', Ab);
  const curSum = pick(sum, 'pool_sum_cur', Ab + 2);
  const first = at.q.eq(0);
  const bestNext = m.wire('pool_best_next', mux(first.or(at.a.gt(curBest)), at.a, curBest));
  const sumNext = m.wire('pool_sum_next', mux(first, at.a.zext(Ab + 2), curSum.add(at.a).truncate(Ab + 2)));
  m.when(at.busy.and(at.fused), () =>
    m.switch(at.lane, (c) =>
      best.forEach((r, p) =>
        c.is(p, () => {
          r.set(bestNext);
          entryOf(sum, p).set(sumNext);
        }),
      ),
    ),
  );
  const avg = sumNext
    .add(2)
    .truncate(Ab + 2)
    .slice(Ab + 1, 2);
  return {
    value: m.wire('pool_value', mux(at.fused, mux(at.isMax, bestNext, avg), at.a)),
    write: m.wire('pool_write', at.fused.not().or(at.q.eq(3))),
  };
}

export interface PoolUnit {
  readonly write: { readonly we: Signal; readonly waddr: Signal; readonly wdata: Signal };
  readonly busy: Expr;
  /** Training: a max pool's kept place (0..3) per output. */
  readonly argWrite?: { readonly we: Signal; readonly waddr: Signal; readonly wdata: Signal };
}

/**
 * The pool unit: at stage 1 the window's four values arrive in order; max keeps the first largest
 * (a later value replaces it only when greater), avg adds them and rounds to nearest, ties up:
 * (sum + 2) >> 2. One output per four reads, written (registered) to consecutive addresses.
 */
export function poolUnit(
  m: Module,
  plan: CnnPlan,
  issue: { readonly valid: Expr; readonly place: Expr },
  value: Expr,
  isMax: Expr,
  start: Expr,
  /** Training: the step's output base, and where its kept places go (a max pool before a weight layer k ≥ 1). */
  train?: { readonly outStart: Expr; readonly argStart: Expr; readonly keeps: Expr },
  /** Gate the clock of its registers outside pool steps (an ASIC target). */
  gate = false,
): PoolUnit {
  const { bits } = plan;
  const Ab = plan.formats.act.bits;
  const valid = m.flop('pool_s1_valid', issue.valid, { init: 0 });
  const clockEn = gate ? m.wire('pool_clock_en', issue.valid.or(valid).or(start)) : undefined;
  // every register below changes only with an issue, its stage 1 or a step's start: on an ASIC
  // their clock is gated off otherwise (outside pool steps, most of a sample)
  const r = inGated(m, 'pool', clockEn, () => ({
    place: m.reg('pool_s1_place', issue.place.type),
    best: m.reg('pool_best', UInt(Ab)),
    sum: m.reg('pool_sum', UInt(Ab + 2)),
    out: m.reg('pool_out_addr', UInt(bits.mapAddr), { init: 0 }),
    waddr: m.reg('pool_waddr_q', UInt(bits.mapAddr)),
    wdata: m.reg('pool_wdata_q', UInt(Ab)),
    ...(train
      ? {
          bestPlace: m.reg('pool_best_place', UInt(2)),
          argAddr: m.reg('pool_arg_addr', UInt(bits.argAddr), { init: 0 }),
          argWaddr: m.reg('pool_arg_waddr_q', UInt(bits.argAddr)),
          argWdata: m.reg('pool_arg_wdata_q', UInt(2)),
        }
      : {}),
  }));
  const { place, best, sum, out } = r;
  m.when(issue.valid, () => place.set(issue.place));
  const firstPlace = place.eq(0);
  const bestNext = m.wire('pool_best_next', mux(firstPlace.or(value.gt(best)), value, best));
  const sumNext = m.wire('pool_sum_next', mux(firstPlace, value.zext(Ab + 2), sum.add(value).truncate(Ab + 2)));
  const avg = sumNext
    .add(2)
    .truncate(Ab + 2)
    .slice(Ab + 1, 2);
  m.when(valid, () => {
    best.set(bestNext);
    sum.set(sumNext);
  });
  const done = m.wire('pool_done', valid.and(place.eq(3)));
  m.when(done, () => {
    r.waddr.set(out);
    r.wdata.set(mux(isMax, bestNext, avg));
  });
  const write = { we: m.flop('pool_we_q', done, { init: 0 }), waddr: r.waddr, wdata: r.wdata };
  m.when(done, () => out.set(out.inc()));
  m.when(start, () => out.set(train ? train.outStart.zext(Math.max(train.outStart.width, bits.mapAddr)).truncate(bits.mapAddr) : 0));
  if (!train || !r.bestPlace || !r.argAddr || !r.argWaddr || !r.argWdata) return { write, busy: valid };
  // the kept place (ties to the first, as the value) for the backward pass's route (§18 "Training")
  const { bestPlace, argAddr, argWaddr, argWdata } = r;
  const placeNext = m.wire('pool_place_next', mux(firstPlace.or(value.gt(best)), place, bestPlace));
  m.when(valid, () => bestPlace.set(placeNext));
  m.when(done, () => {
    argAddr.set(argAddr.inc());
    argWaddr.set(argAddr);
    argWdata.set(placeNext);
  });
  m.when(start, () => argAddr.set(train.argStart.zext(Math.max(train.argStart.width, bits.argAddr)).truncate(bits.argAddr)));
  const argWrite = { we: m.flop('pool_arg_we_q', done.and(train.keeps), { init: 0 }), waddr: argWaddr, wdata: argWdata };
  return { write, busy: valid, argWrite };
}
