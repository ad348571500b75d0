/**
 * The address walks of the network's steps (docs/ARCHITECTURE.md §18), one issue per cycle:
 * - a weight step walks output position (oy, ox), then its groups of P filters, then the
 *   columns of a row (kernel row ky, kernel column kx, channel c; the bias last), giving each
 *   issue's weight address, its input's map address and whether that input lies inside the map
 *   (the padding reads as zero);
 * - a pool step walks its outputs (y, x, c) and for each the window's four places.
 * Every address is kept by counters that add per-step constants: no multiplier on the address
 * path. A convolution's walk address is (y·W + x)·C + c with y and x counted in the padded map,
 * `bias` = (padTop·W + padLeft)·C above the map address, so it never goes below zero.
 */
import { inGated } from './gating.js';
import { Bool, UInt, lit, mux, type Expr, type Module, type Signal } from '../../src/hdl/index.js';
import { layerTable, bitsFor } from '../accelerator/tables.js';
import { trainOf, type CnnPlan, type PoolStep, type Step, type WeightStep } from './plan.js';

/** values[step] as an unsigned constant looked up by the step register. */
export function stepTable(m: Module, name: string, step: Expr, values: readonly number[]): Signal {
  return layerTable(m, name, step, values, bitsFor(Math.max(1, ...values)));
}

/** Per step: f(step) for the steps of one kind, 0 for the others. */
const per = <S extends Step>(plan: CnnPlan, kind: S['kind'], f: (s: S, i: number) => number): number[] =>
  plan.steps.map((s, i) => (s.kind === kind ? f(s as S, i) : 0));

export interface ConvWalk {
  /** The tap's address in the buffer (its place in the step's input map, plus training's map base). */
  readonly mapAddr: Expr;
  readonly group: Signal;
  readonly weightAddr: Expr;
  /** The walk is at a group's first issue (its accumulators start a new sum). */
  readonly first: Expr;
  readonly bias: Expr;
  /** Outputs of the group (min(P, filters left)) and its first output's map address. */
  readonly laneCount: Expr;
  readonly outBase: Signal;
  /** The issue is the step's last. */
  readonly last: Expr;
  /** A position's setup cycle: nothing is issued. */
  readonly setup: Signal;
  /**
   * A group may issue its first column: the drain will have given the group before all its lanes
   * by the time this group's last issue reaches it (§18 "Drain"); always for a group of P issues.
   */
  readonly mayStart: Expr;
  /** A fused pool (the step's): the position's place in its pooled output's window, 0..3. */
  readonly q: Signal;
  readonly fused: Expr;
}

/** A weight step's constants for its walk, looked up by the step register. */
function convConstants(m: Module, plan: CnnPlan, step: Expr) {
  const t = (name: string, f: (s: WeightStep) => number) => stepTable(m, `cw_${name}`, step, per(plan, 'weights', f));
  return {
    lastCh: t('last_ch', (s) => s.in.channels - 1),
    channels: t('channels', (s) => s.in.channels),
    rowWords: t('row_words', (s) => s.in.width * s.in.channels),
    kernelRowWords: t('kernel_row_words', (s) => s.kernelW * s.in.channels),
    kernelH: t('kernel_h', (s) => s.kernelH),
    kernelW: t('kernel_w', (s) => s.kernelW),
    rowJump: t('row_jump', (s) => (s.in.width - s.kernelW) * s.in.channels + 1),
    posStep: t('pos_step', (s) => s.stride * s.in.channels),
    lineStep: t('line_step', (s) => s.stride * s.in.width * s.in.channels),
    stride: t('stride', (s) => s.stride),
    // cells: output positions, or with a fused pool the pooled outputs' 2 × 2 windows of them
    lastOx: t('last_ox', (s) => s.stored.width - 1),
    lastOy: t('last_oy', (s) => s.stored.height - 1),
    fused: t('fused', (s) => (s.pool ? 1 : 0)).eq(1),
    cellStride: t('cell_stride', (s) => (s.pool ? 2 : 1) * s.stride),
    cellStep: t('cell_step', (s) => (s.pool ? 2 : 1) * s.stride * s.in.channels),
    cellLine: t('cell_line', (s) => (s.pool ? 2 : 1) * s.stride * s.in.width * s.in.channels),
    fanIn: t('fan_in', (s) => s.fanIn),
    lastGroup: t('last_group', (s) => s.groups - 1),
    rows: t('rows', (s) => s.rows),
    rowLen: t('row_len', (s) => s.rowLen),
    weightBase: t('weight_base', (s) => s.weightBase),
    bias: t('addr_bias', (s) => (s.padTop * s.in.width + s.padLeft) * s.in.channels),
    yLo: t('y_lo', (s) => s.padTop),
    yHi: t('y_hi', (s) => s.padTop + s.in.height),
    xLo: t('x_lo', (s) => s.padLeft),
    xHi: t('x_hi', (s) => s.padLeft + s.in.width),
    // a group of fewer than P issues can reach the drain before it has finished the group before
    // (§18 "Drain"): its issues, less one and at most P − 1, are the step's (every window full) or,
    // where a window may be cut short by the padding, counted in its setup cycle
    ...(anyShort(plan) ? { issuesLess1: t('issues_less1', (s) => Math.min(s.rowLen, plan.P) - 1) } : {}),
    ...(anyCountsTaps(plan) ? { countsTaps: t('counts_taps', (s) => (countsTaps(plan, s) ? 1 : 0)).eq(1) } : {}),
    ...(plan.train ? trainConstants(m, plan, step) : {}),
  };
}

/** Training (the maps kept at their bases): the step's input and output bases. */
function trainConstants(m: Module, plan: CnnPlan, step: Expr) {
  const tp = trainOf(plan);
  const t = (name: string, f: (s: WeightStep, i: number) => number) => stepTable(m, `cw_${name}`, step, per(plan, 'weights', f));
  return {
    inBase: t('in_base', (_, i) => tp.mapBase[i] ?? 0),
    // the output layer's sums are not stored (its drain keeps the argmax and the output errors)
    outStart: t('out_start', (s, i) => (s.output ? 0 : (tp.mapBase[i + 1] ?? 0))),
  };
}

type ConvConstants = ReturnType<typeof convConstants>;

/** A step whose windows' issue counts differ and may fall below P: its setup cycle counts them. */
const countsTaps = (plan: CnnPlan, s: WeightStep): boolean => s.minIssues < plan.P && s.minIssues < s.rowLen;

const anyCountsTaps = (plan: CnnPlan): boolean => per<WeightStep>(plan, 'weights', (s) => (countsTaps(plan, s) ? 1 : 0)).some((v) => v > 0);

/** Some group of the network has fewer than P issues: the drain may hold it back (§18 "Drain"). */
const anyShort = (plan: CnnPlan): boolean => per<WeightStep>(plan, 'weights', (s) => (s.minIssues < plan.P ? 1 : 0)).some((v) => v > 0);

/**
 * The walk's registers: the column and its channel, the input pixel (y, x) in the padded map, the
 * position's corner (y0, x0) and output position (ox, oy), the walk addresses of the input, of the
 * position and of its output row, the group with its weight row, the rows (filters) left, the
 * group's first output in the map; and the position's window inside the map, set in its setup
 * cycle: its first and last rows and columns, its first walk address and column, and the jumps
 * from one kernel row to the next.
 */
function convRegisters(m: Module, plan: CnnPlan) {
  const { bits } = plan;
  const r = (name: string, width: number) => m.reg(`cw_${name}`, UInt(width), { init: 0 });
  const coord = (name: string) => r(name, bits.coord);
  const walk = (name: string) => r(name, bits.walkAddr);
  const column = (name: string) => r(name, bits.column);
  return {
    col: column('col'),
    ch: r('ch', bits.channel),
    y: coord('y'),
    x: coord('x'),
    y0: coord('y0'),
    x0: coord('x0'),
    ox: coord('ox'),
    oy: coord('oy'),
    addr: walk('addr'),
    posAddr: walk('pos_addr'),
    lineAddr: walk('line_addr'),
    group: r('group', bits.group),
    wRow: r('w_row', bits.weightAddr),
    rowsLeft: r('rows_left', bits.neuron),
    outBase: r('out_base', bits.mapAddr + 1),
    setup: m.reg('cw_setup', Bool, { init: 0 }),
    atStart: m.reg('cw_at_start', Bool, { init: 0 }),
    yFirst: coord('y_first'),
    yLast: coord('y_last'),
    xFirst: coord('x_first'),
    xLast: coord('x_last'),
    startAddr: walk('start_addr'),
    startCol: column('start_col'),
    colJump: column('col_jump'),
    addrJump: walk('addr_jump'),
    /** The position's groups' issues less one, at most P − 1 (where some group has fewer than P). */
    issuesLess1: anyShort(plan) ? r('issues_less1', bits.lane) : undefined,
    /** A fused pool: the cell (its window's first position: corner and walk address) and the position's place in it. */
    cellY0: coord('cell_y0'),
    cellX0: coord('cell_x0'),
    cellAddr: walk('cell_addr'),
    q: r('q', 2),
  };
}

type ConvRegisters = ReturnType<typeof convRegisters>;

/**
 * A walk's registers, made by `make`: on an ASIC target (`gate`) in a gated clock domain whose
 * enable is `active(registers)`: they change only when it is 1 (a start, an advance, a setup), and
 * the walks of the other phases leave them idle.
 */
export function gatedRegisters<R>(m: Module, name: string, gate: boolean, make: () => R, active: (r: R) => Expr): R {
  const enable = gate ? m.wire(`${name}_clock_en`, Bool) : undefined;
  const regs = inGated(m, name, enable, make);
  if (enable) m.assign(enable, active(regs));
  return regs;
}

/** `e` (unsigned) at width `w`: its low bits, or zero-extended. */
export const toWidth = (e: Expr, w: number): Expr => (e.width >= w ? e.truncate(w) : e.zext(w));

/** Widths of a cut (padding rows or columns a window covers: at most 3 with kernels up to 7). */
const CUT_BITS = 3;

/**
 * The setup cycle of a position: the window's part inside the map. Cuts are the padding rows and
 * columns it covers on each side (0 for a window inside the map); the walk then visits only the
 * inside, `(W − kernelW + cuts)·C + 1` walk words and `cuts·C + 1` columns from one kernel row to the next.
 */
function convSetup(m: Module, plan: CnnPlan, k: ConvConstants, g: ConvRegisters): void {
  const { bits } = plan;
  // a side no step pads never cuts a window: no comparison there (it would be constant)
  const pads = (f: (s: WeightStep) => number) => per<WeightStep>(plan, 'weights', f).some((v) => v > 0);
  const total = (s: WeightStep, out: number, kernel: number, n: number) => Math.max((out - 1) * s.stride + kernel - n, 0);
  const padsBottom = pads((s) => total(s, s.out.height, s.kernelH, s.in.height) - s.padTop);
  const padsRight = pads((s) => total(s, s.out.width, s.kernelW, s.in.width) - s.padLeft);
  const none = lit(0, UInt(CUT_BITS));
  const cut = (name: string, side: boolean, over: () => Expr, amount: () => Expr) =>
    m.wire(`cw_cut_${name}`, side ? mux(over(), amount().truncate(CUT_BITS), none) : none);
  const yEnd = g.y0.add(k.kernelH);
  const xEnd = g.x0.add(k.kernelW);
  const top = cut(
    'top',
    pads((s) => s.padTop),
    () => g.y0.lt(k.yLo),
    () => k.yLo.sub(g.y0).asUInt(),
  );
  const left = cut(
    'left',
    pads((s) => s.padLeft),
    () => g.x0.lt(k.xLo),
    () => k.xLo.sub(g.x0).asUInt(),
  );
  const bottom = cut(
    'bottom',
    padsBottom,
    () => yEnd.gt(k.yHi),
    () => yEnd.sub(k.yHi).asUInt(),
  );
  const right = cut(
    'right',
    padsRight,
    () => xEnd.gt(k.xHi),
    () => xEnd.sub(k.xHi).asUInt(),
  );
  const sideCut = left.add(right);
  const startAddr = toWidth(g.posAddr.add(top.mul(k.rowWords)).add(left.mul(k.channels)), bits.walkAddr);
  const startCol = toWidth(top.mul(k.kernelRowWords).add(left.mul(k.channels)), bits.column);
  const yFirst = toWidth(g.y0.add(top), bits.coord);
  const xFirst = toWidth(g.x0.add(left), bits.coord);
  g.yFirst.set(yFirst);
  g.xFirst.set(xFirst);
  const yLast = toWidth(yEnd.sub(1).sub(bottom).asUInt(), bits.coord);
  const xLast = toWidth(xEnd.sub(1).sub(right).asUInt(), bits.coord);
  g.yLast.set(yLast);
  g.xLast.set(xLast);
  g.startAddr.set(startAddr);
  g.startCol.set(startCol);
  g.colJump.set(toWidth(sideCut.mul(k.channels).add(1), bits.column));
  g.addrJump.set(toWidth(k.rowJump.add(sideCut.mul(k.channels)), bits.walkAddr));
  // a window's issues are taps·C + 1 (a cut window has at most 7 × 7 taps: only padded steps count them)
  if (g.issuesLess1 && k.issuesLess1) {
    const stepIssues = toWidth(k.issuesLess1, bits.lane);
    if (k.countsTaps) {
      const side = (first: Expr, last: Expr) => toWidth(last.sub(first).asUInt().add(1), CUT_BITS);
      const words = m.wire('cw_window_words', side(yFirst, yLast).mul(side(xFirst, xLast)).mul(k.channels));
      const counted = mux(words.ge(plan.P - 1), lit(plan.P - 1, UInt(bits.lane)), toWidth(words, bits.lane));
      g.issuesLess1.set(mux(k.countsTaps, counted, stepIssues));
    } else g.issuesLess1.set(stepIssues);
  }
  g.setup.set(0);
  restartKernel(g, { y: yFirst, x: xFirst, addr: startAddr, col: startCol });
}

/** A group's first issue: the window's first inside tap. */
function restartKernel(g: ConvRegisters, at: { readonly y: Expr; readonly x: Expr; readonly addr: Expr; readonly col: Expr }): void {
  g.col.set(at.col);
  g.ch.set(0);
  g.y.set(at.y);
  g.x.set(at.x);
  g.addr.set(at.addr);
  g.atStart.set(1);
}

/** The step past one issue: the next inside tap, else the bias, else the next group of the position, else the next position (its setup cycle next). */
function convAdvance(
  m: Module,
  plan: CnnPlan,
  k: ConvConstants,
  g: ConvRegisters,
  at: { readonly bias: Expr; readonly lastGroup: Expr; readonly laneCount: Expr },
): void {
  const { bits, P } = plan;
  const wrap = (e: Expr, w: number) => e.truncate(w);
  // position q of the cell whose window starts at (cy, cx), walk address ca; its setup cycle next
  const goTo = (q: number, cy: Expr, cx: Expr, ca: Expr) => {
    g.q.set(q);
    g.y0.set(wrap(q >= 2 ? cy.add(k.stride) : cy, bits.coord));
    g.x0.set(wrap(q % 2 ? cx.add(k.stride) : cx, bits.coord));
    const a = q % 2 ? ca.add(k.posStep) : ca;
    g.posAddr.set(wrap(q >= 2 ? a.add(k.lineStep) : a, bits.walkAddr));
    g.setup.set(1);
  };
  const nextCell = () => {
    g.group.set(0);
    g.wRow.set(k.weightBase.zext(bits.weightAddr + 1).truncate(bits.weightAddr));
    g.rowsLeft.set(k.rows);
    m.when(g.ox.eq(k.lastOx), () => {
      const cy = wrap(g.cellY0.add(k.cellStride), bits.coord);
      const line = wrap(g.lineAddr.add(k.cellLine), bits.walkAddr);
      g.ox.set(0);
      g.oy.set(g.oy.inc());
      g.cellX0.set(0);
      g.cellY0.set(cy);
      g.lineAddr.set(line);
      g.cellAddr.set(line);
      goTo(0, cy, lit(0, UInt(bits.coord)), line);
    }).otherwise(() => {
      const cx = wrap(g.cellX0.add(k.cellStride), bits.coord);
      const ca = wrap(g.cellAddr.add(k.cellStep), bits.walkAddr);
      g.ox.set(g.ox.inc());
      g.cellX0.set(cx);
      g.cellAddr.set(ca);
      goTo(0, g.cellY0, cx, ca);
    });
  };
  m.when(at.bias, () => {
    // a fused pool: the group's next position in the window, then (after the fourth) the next group
    m.when(k.fused.and(g.q.ne(3)), () => m.switch(g.q, (c) => [0, 1, 2].forEach((q) => c.is(q, () => goTo(q + 1, g.cellY0, g.cellX0, g.cellAddr))))).otherwise(
      () => {
        g.outBase.set(wrap(g.outBase.add(at.laneCount), bits.mapAddr + 1));
        m.when(at.lastGroup, nextCell).otherwise(() => {
          g.group.set(g.group.inc());
          g.wRow.set(wrap(g.wRow.add(k.rowLen), bits.weightAddr));
          g.rowsLeft.set(wrap(g.rowsLeft.sub(P).asUInt(), bits.neuron));
          m.when(k.fused, () => goTo(0, g.cellY0, g.cellX0, g.cellAddr)).otherwise(() =>
            restartKernel(g, { y: g.yFirst, x: g.xFirst, addr: g.startAddr, col: g.startCol }),
          );
        });
      },
    );
  }).otherwise(() => nextTap(m, plan, k, g));
}

/** The next tap inside the window: the next channel, kernel column or kernel row, else the bias. */
function nextTap(m: Module, plan: CnnPlan, k: ConvConstants, g: ConvRegisters): void {
  const { bits } = plan;
  g.atStart.set(0);
  m.when(g.ch.ne(k.lastCh), () => {
    g.ch.set(g.ch.inc());
    g.addr.set(g.addr.inc());
    g.col.set(g.col.inc());
  })
    .elsewhen(g.x.ne(g.xLast), () => {
      g.ch.set(0);
      g.x.set(g.x.inc());
      g.addr.set(g.addr.inc());
      g.col.set(g.col.inc());
    })
    .elsewhen(g.y.ne(g.yLast), () => {
      g.ch.set(0);
      g.x.set(g.xFirst);
      g.y.set(g.y.inc());
      g.addr.set(g.addr.add(g.addrJump).truncate(bits.walkAddr));
      g.col.set(g.col.add(g.colJump).truncate(bits.column));
    })
    .otherwise(() => g.col.set(toWidth(k.fanIn, bits.column)));
}

/**
 * A weight step's walk over the taps inside the map (the padding is never issued: its products
 * are zero): `start` begins the step with its first position's setup cycle, `advance` steps past
 * the current issue.
 */
export function convWalk(m: Module, plan: CnnPlan, step: Expr, start: Expr, advance: Expr, gate = false): ConvWalk {
  const { bits, P } = plan;
  const k = convConstants(m, plan, step);
  const g = gatedRegisters(
    m,
    'cw',
    gate,
    () => convRegisters(m, plan),
    (r) => r.setup.or(advance).or(start),
  );
  const bias = m.wire('cw_bias_col', g.col.eq(k.fanIn));
  const lastGroup = m.wire('cw_last_group', g.group.eq(k.lastGroup));
  const lastPos = m.wire(
    'cw_last_pos',
    g.ox
      .eq(k.lastOx)
      .and(g.oy.eq(k.lastOy))
      .and(k.fused.not().or(g.q.eq(3))),
  );
  // rows_left < P fits the lane count's width
  const laneCount = m.wire(
    'cw_lane_count',
    mux(g.rowsLeft.ge(P), lit(P, UInt(bits.lanes)), g.rowsLeft.zext(Math.max(bits.neuron, bits.lanes)).truncate(bits.lanes)),
  );
  m.when(g.setup, () => convSetup(m, plan, k, g));
  m.when(advance, () => convAdvance(m, plan, k, g, { bias, lastGroup, laneCount }));
  m.when(start, () => {
    for (const s of [g.ox, g.oy, g.x0, g.y0, g.posAddr, g.lineAddr, g.group, g.outBase, g.cellX0, g.cellY0, g.cellAddr, g.q]) s.set(0);
    g.wRow.set(k.weightBase.zext(bits.weightAddr + 1).truncate(bits.weightAddr));
    g.rowsLeft.set(k.rows);
    g.setup.set(1);
    if (k.outStart) g.outBase.set(k.outStart.zext(bits.mapAddr + 1).truncate(bits.mapAddr + 1));
  });
  // the tap's place in the step's input map; training keeps each map at its base in the buffer
  const tapAddr = m.wire('cw_tap_addr', toWidth(g.addr.sub(k.bias).asUInt(), bits.mapAddr));
  return {
    mapAddr: k.inBase ? m.wire('cw_map_addr', toWidth(tapAddr.add(k.inBase), bits.mapAddr)) : tapAddr,
    group: g.group,
    weightAddr: m.wire('cw_weight_addr', g.wRow.add(g.col).truncate(bits.weightAddr)),
    first: g.atStart,
    bias,
    laneCount,
    outBase: g.outBase,
    last: m.wire('cw_last', bias.and(lastGroup).and(lastPos)),
    setup: g.setup,
    mayStart: drainDebt(m, plan, g, { issue: advance, bias, laneCount }),
    q: g.q,
    fused: k.fused,
  };
}

/**
 * When a group may start (§18 "Drain"): the group before issued its bias k cycles ago and the
 * drain takes its L lanes from the capture on, one per cycle, so this group's capture, n issues
 * later, finds the drain free when k + n − 1 ≥ L. `debt` counts L − k down (L − 1 after the bias);
 * a group of P issues never waits.
 */
function drainDebt(m: Module, plan: CnnPlan, g: ConvRegisters, at: { readonly issue: Expr; readonly bias: Expr; readonly laneCount: Expr }): Expr {
  const { bits } = plan;
  if (!g.issuesLess1) return lit(1, Bool);
  const debt = m.reg('cw_drain_debt', UInt(bits.lane), { init: 0 });
  m.when(at.issue.and(at.bias), () => debt.set(toWidth(at.laneCount.sub(1).asUInt(), bits.lane))).elsewhen(debt.ne(0), () => debt.set(debt.dec()));
  return m.wire('cw_may_start', g.atStart.not().or(g.issuesLess1.ge(debt)));
}

export interface PoolWalk {
  readonly mapAddr: Expr;
  /** The window's place (0..3) of the issue. */
  readonly place: Signal;
  readonly last: Expr;
}

/** A pool step's walk: four reads per output, the window's places in the order (0,0), (0,1), (1,0), (1,1). */
export function poolWalk(m: Module, plan: CnnPlan, step: Expr, start: Expr, advance: Expr): PoolWalk {
  const { bits } = plan;
  const t = (name: string, f: (s: PoolStep, i: number) => number) => stepTable(m, `pw_${name}`, step, per(plan, 'pool', f));
  const lastCh = t('last_ch', (s) => s.in.channels - 1);
  const lastPx = t('last_px', (s) => s.out.width - 1);
  const lastPy = t('last_py', (s) => s.out.height - 1);
  const nextPixel = t('next_pixel', (s) => s.in.channels + 1);
  const lineStep = t('line_step', (s) => 2 * s.in.width * s.in.channels);
  const offsets = [t('place1', (s) => s.in.channels), t('place2', (s) => s.in.width * s.in.channels), t('place3', (s) => (s.in.width + 1) * s.in.channels)];
  const r = (name: string, width: number) => m.reg(`pw_${name}`, UInt(width), { init: 0 });
  const place = r('place', 2);
  const ch = r('ch', bits.channel);
  const px = r('px', bits.coord);
  const py = r('py', bits.coord);
  const base = r('base', bits.mapAddr);
  const line = r('line', bits.mapAddr);
  const w = bits.mapAddr;
  m.when(advance, () => {
    place.set(place.inc());
    m.when(place.eq(3), () => {
      m.when(ch.ne(lastCh), () => {
        ch.set(ch.inc());
        base.set(base.inc());
      })
        .elsewhen(px.ne(lastPx), () => {
          ch.set(0);
          px.set(px.inc());
          base.set(base.add(nextPixel).truncate(w));
        })
        .otherwise(() => {
          ch.set(0);
          px.set(0);
          py.set(py.inc());
          const next = line.add(lineStep).truncate(w);
          line.set(next);
          base.set(next);
        });
    });
  });
  // training keeps every map: the step's input is at its base in the buffer
  const inBase = plan.train ? t('in_base', (_, i) => plan.train?.mapBase[i] ?? 0) : undefined;
  m.when(start, () => {
    for (const s of [place, ch, px, py, base, line]) s.set(inBase && (s === base || s === line) ? toWidth(inBase, w) : 0);
  });
  const offset = m.wire('pw_offset', UInt(w));
  offset.set(0);
  m.switch(place, (c) => offsets.forEach((o, i) => c.is(i + 1, () => offset.set(o.zext(Math.max(o.width, w)).truncate(w)))));
  return {
    mapAddr: m.wire('pw_map_addr', base.add(offset).truncate(w)),
    place,
    last: m.wire('pw_last', place.eq(3).and(ch.eq(lastCh)).and(px.eq(lastPx)).and(py.eq(lastPy))),
  };
}
