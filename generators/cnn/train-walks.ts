/**
 * The address walks of the training passes of a network with convolution (docs/ARCHITECTURE.md
 * §18 "Training"), one issue per cycle, their constants looked up by the weight layer being
 * trained:
 * - the update walk: per group of P filters, per column of a row (kernel row, kernel column,
 *   channel; the bias last), every output position, so that a PE accumulates a weight's whole
 *   gradient Σ e·x over the positions before its one rounding (§17);
 * - the error walk: every output (y, x, f) of the layer below, channels last, with where its
 *   backward sum, its max pool's kept place and its error word are.
 * As the forward walk, every address is a counter that adds per-layer constants.
 */
import { Bool, UInt, cat, lit, mux, type Expr, type Module, type Signal } from '../../src/hdl/index.js';
import { trainOf, weightStepOf as stepOf, type CnnPlan, type WeightStep } from './plan.js';
import { gatedRegisters, stepTable, toWidth } from './walks.js';

/** A table of f(weight layer k) looked up by `layer`. */
function layerTableOf(m: Module, plan: CnnPlan, layer: Expr, prefix: string) {
  return (name: string, f: (s: WeightStep, k: number) => number): Signal =>
    stepTable(
      m,
      `${prefix}_${name}`,
      layer,
      Array.from({ length: plan.L }, (_, k) => f(stepOf(plan, k), k)),
    );
}

export interface UpdateWalk {
  readonly mapAddr: Expr;
  /** The input's index in the layer's input map (its backward sum's address). */
  readonly inputIndex: Expr;
  /** The input lies inside the map (a padding tap's operand is 0). */
  readonly inside: Expr;
  readonly bias: Expr;
  /** The column's first position (its gradient sum starts) and last (the weight is read and updated). */
  readonly first: Expr;
  readonly lastPos: Expr;
  readonly weightAddr: Expr;
  readonly errAddr: Expr;
  readonly laneCount: Expr;
  readonly group: Signal;
  readonly last: Expr;
  /** A column's setup cycle (a layer with padding): nothing is issued. */
  readonly setup: Expr;
}

/** The update walk's constants of weight layer `layer`. */
function updateConstants(m: Module, plan: CnnPlan, layer: Expr) {
  const tp = trainOf(plan);
  const t = layerTableOf(m, plan, layer, 'uw');
  return {
    lastCh: t('last_ch', (s) => s.in.channels - 1),
    lastKx: t('last_kx', (s) => s.kernelW - 1),
    lastKy: t('last_ky', (s) => s.kernelH - 1),
    fanIn: t('fan_in', (s) => s.fanIn),
    lastCol: t('last_col', (s) => s.fanIn - 1),
    lastOx: t('last_ox', (s) => s.out.width - 1),
    lastOy: t('last_oy', (s) => s.out.height - 1),
    stride: t('stride', (s) => s.stride),
    posStep: t('pos_step', (s) => s.stride * s.in.channels),
    lineStep: t('line_step', (s) => s.stride * s.in.width * s.in.channels),
    rowJump: t('row_jump', (s) => (s.in.width - s.kernelW) * s.in.channels + 1),
    bias: t('addr_bias', (s) => (s.padTop * s.in.width + s.padLeft) * s.in.channels),
    inBase: t('in_base', (_, l) => tp.mapBase[tp.layerStep[l] ?? 0] ?? 0),
    yLo: t('y_lo', (s) => s.padTop),
    yHi: t('y_hi', (s) => s.padTop + s.in.height),
    xLo: t('x_lo', (s) => s.padLeft),
    xHi: t('x_hi', (s) => s.padLeft + s.in.width),
    rows: t('rows', (s) => s.rows),
    rowLen: t('row_len', (s) => s.rowLen),
    weightBase: t('weight_base', (s) => s.weightBase),
    lastGroup: t('last_group', (s) => s.groups - 1),
    errBase: t('err_base', (_, l) => tp.errBase[l] ?? 0),
    positions: t('positions', (_, l) => tp.positions[l] ?? 0),
    // a column's window of output positions whose tap is inside the map (layers with padding)
    pads: t('pads', (s) => (padsAny(s) ? 1 : 0)).eq(1),
    outW: t('out_w', (s) => s.out.width),
    yReach: t('y_reach', (s) => (s.out.height - 1) * s.stride + 1),
    xReach: t('x_reach', (s) => (s.out.width - 1) * s.stride + 1),
    stride2: t('stride2', (s) => (s.stride === 2 ? 1 : 0)).eq(1),
  };
}

/** Whether some weight layer pads its input (the update walk then has setup cycles). */
const padsSomeLayer = (plan: CnnPlan): boolean => Array.from({ length: plan.L }, (_, l) => stepOf(plan, l)).some(padsAny);

/** Whether a weight step pads its input on some side (its update walk then skips the positions whose tap is in the padding). */
const padsAny = (s: WeightStep): boolean =>
  s.padTop > 0 ||
  s.padLeft > 0 ||
  (s.out.height - 1) * s.stride + s.kernelH > s.padTop + s.in.height ||
  (s.out.width - 1) * s.stride + s.kernelW > s.padLeft + s.in.width;

type UpdateConstants = ReturnType<typeof updateConstants>;

/**
 * The update walk's registers: the group with its weight row, rows left and errors' base; the
 * column (its channel, kernel column and row); the output position, its input pixel (y, x) in the
 * padded map and walk address, the walk addresses of the column's first position and of the
 * output row; the error word.
 */
function updateRegisters(m: Module, plan: CnnPlan) {
  const { bits } = plan;
  const r = (name: string, width: number) => m.reg(`uw_${name}`, UInt(width), { init: 0 });
  return {
    group: r('group', bits.group),
    wRow: r('w_row', bits.weightAddr),
    rowsLeft: r('rows_left', bits.neuron),
    col: r('col', bits.column),
    ch: r('ch', bits.channel),
    kx: r('kx', bits.channel),
    ky: r('ky', bits.channel),
    ox: r('ox', bits.coord),
    oy: r('oy', bits.coord),
    y: r('y', bits.coord),
    x: r('x', bits.coord),
    addr: r('addr', bits.walkAddr),
    colAddr: r('col_addr', bits.walkAddr),
    lineAddr: r('line_addr', bits.walkAddr),
    gErr: r('g_err', bits.errAddr),
    errAddr: r('err_addr', bits.errAddr),
    // the column's window: its first and last output row and column, the error word of its row's
    // first position, whether the column is at its first position, and (layers with padding) its setup cycle
    oxLo: r('ox_lo', bits.coord),
    oyLo: r('oy_lo', bits.coord),
    oxHi: r('ox_hi', bits.coord),
    oyHi: r('oy_hi', bits.coord),
    xStart: r('x_start', bits.coord),
    errLine: r('err_line', bits.errAddr),
    atFirst: m.reg('uw_at_first', Bool, { init: 0 }),
    ...(padsSomeLayer(plan) ? { setup: m.reg('uw_setup', Bool, { init: 0 }) } : {}),
  };
}

type UpdateRegisters = ReturnType<typeof updateRegisters>;

/** A column's full window (every output position), from the tap (ky, kx) at walk address colAddr. */
function fullWindow(
  g: UpdateRegisters,
  k: UpdateConstants,
  bits: CnnPlan['bits'],
  at: { readonly ky: Expr; readonly kx: Expr; readonly colAddr: Expr; readonly err: Expr },
): void {
  g.y.set(toWidth(at.ky, bits.coord));
  g.x.set(toWidth(at.kx, bits.coord));
  g.xStart.set(toWidth(at.kx, bits.coord));
  g.addr.set(at.colAddr);
  g.lineAddr.set(at.colAddr);
  g.colAddr.set(at.colAddr);
  g.errAddr.set(at.err);
  g.errLine.set(at.err);
  for (const x of [g.ox, g.oy, g.oxLo, g.oyLo]) x.set(0);
  g.oxHi.set(toWidth(k.lastOx, bits.coord));
  g.oyHi.set(toWidth(k.lastOy, bits.coord));
  g.atFirst.set(1);
}

/**
 * A column's first position: on a layer with padding, its setup cycle next (the window of
 * positions whose tap is inside the map, updateSetup); else every position.
 */
function toColumn(
  m: Module,
  g: UpdateRegisters,
  k: UpdateConstants,
  bits: CnnPlan['bits'],
  at: { readonly ky: Expr; readonly kx: Expr; readonly colAddr: Expr; readonly err: Expr },
): void {
  fullWindow(g, k, bits, at);
  const setup = g.setup;
  if (setup) m.when(k.pads, () => setup.set(1));
}

/** Past a column's last position: its next column (channel, kernel column, kernel row, then the bias), or after the group's last (`groupEnd`) the next group. */
function nextUpdateColumn(m: Module, plan: CnnPlan, k: UpdateConstants, g: UpdateRegisters, groupEnd: Expr): void {
  const { bits, P } = plan;
  const w = toWidth;
  const zero = lit(0, UInt(1));
  const column = (ky: Expr, kx: Expr, colAddr: Expr) => toColumn(m, g, k, bits, { ky, kx, colAddr, err: g.gErr });
  m.when(groupEnd, () => {
    const gErr = w(g.gErr.add(k.positions), bits.errAddr);
    g.group.set(w(g.group.inc(), bits.group));
    g.gErr.set(gErr);
    g.wRow.set(w(g.wRow.add(k.rowLen), bits.weightAddr));
    g.rowsLeft.set(w(g.rowsLeft.sub(P).asUInt(), bits.neuron));
    for (const x of [g.col, g.ch, g.kx, g.ky]) x.set(0);
    toColumn(m, g, k, bits, { ky: zero, kx: zero, colAddr: lit(0, UInt(bits.walkAddr)), err: gErr });
  })
    .elsewhen(g.ch.ne(k.lastCh), () => {
      g.ch.set(g.ch.inc());
      g.col.set(g.col.inc());
      column(g.ky, g.kx, w(g.colAddr.inc(), bits.walkAddr));
    })
    .elsewhen(g.kx.ne(k.lastKx), () => {
      g.ch.set(0);
      g.kx.set(g.kx.inc());
      g.col.set(g.col.inc());
      column(g.ky, g.kx.inc(), w(g.colAddr.inc(), bits.walkAddr));
    })
    .elsewhen(g.ky.ne(k.lastKy), () => {
      g.ch.set(0);
      g.kx.set(0);
      g.ky.set(g.ky.inc());
      g.col.set(g.col.inc());
      column(g.ky.inc(), zero, w(g.colAddr.add(k.rowJump), bits.walkAddr));
    })
    // the bias column: its operand is 1.0 at every position (no window)
    .otherwise(() => {
      g.col.set(w(k.fanIn, bits.column));
      fullWindow(g, k, bits, { ky: zero, kx: zero, colAddr: lit(0, UInt(bits.walkAddr)), err: g.gErr });
    });
}

/** Output rows (or columns) a tap at kernel offset `kk` leaves out at the start and the end of a side: ceil(overhang / stride), at most 3 each. */
function sideWindow(m: Module, name: string, kk: Expr, lo: Expr, reach: Expr, hi: Expr, stride2: Expr, padsFront: boolean) {
  const CUT = 3;
  const cut = (over: Expr, amount: () => Expr) => {
    const a = mux(over, toWidth(amount(), CUT), lit(0, UInt(CUT)));
    // ceil(a / 2) with stride 2
    return m.wire(`uw_cut_${name}`, mux(stride2, toWidth(a.add(1), CUT + 1).slice(CUT, 1), a));
  };
  // a side no layer pads at its front cuts nothing there (the comparison would be constant)
  const front = padsFront ? cut(kk.lt(lo), () => lo.sub(kk).asUInt()) : lit(0, UInt(CUT));
  name += '_end';
  const end = kk.add(reach);
  const back = cut(end.gt(hi), () => end.sub(hi).asUInt());
  return { front, back };
}

/**
 * A column's setup cycle (a layer with padding): the window of output positions whose tap is
 * inside the map: its first row and column skip those whose tap falls in the top or left padding,
 * its last those in the bottom or right (an empty window keeps one position, its operand 0);
 * the walk, error and line addresses move to its first position.
 */
function updateSetup(m: Module, plan: CnnPlan, k: UpdateConstants, g: UpdateRegisters): void {
  const { bits } = plan;
  const w = toWidth;
  const steps = Array.from({ length: plan.L }, (_, l) => stepOf(plan, l));
  const ys = sideWindow(
    m,
    'top',
    g.ky,
    k.yLo,
    k.yReach,
    k.yHi,
    k.stride2,
    steps.some((s) => s.padTop > 0),
  );
  const xs = sideWindow(
    m,
    'left',
    g.kx,
    k.xLo,
    k.xReach,
    k.xHi,
    k.stride2,
    steps.some((s) => s.padLeft > 0),
  );
  const oyLo = w(ys.front, bits.coord);
  const oxLo = w(xs.front, bits.coord);
  const oyHi = w(k.lastOy.sub(ys.back).asUInt(), bits.coord);
  const oxHi = w(k.lastOx.sub(xs.back).asUInt(), bits.coord);
  g.oyLo.set(oyLo);
  g.oxLo.set(oxLo);
  g.oyHi.set(mux(oyLo.gt(oyHi), oyLo, oyHi));
  g.oxHi.set(mux(oxLo.gt(oxHi), oxLo, oxHi));
  g.oy.set(oyLo);
  g.ox.set(oxLo);
  const yOff = mux(k.stride2, ys.front.zext(4).shl(1).truncate(4), ys.front.zext(4));
  const xOff = mux(k.stride2, xs.front.zext(4).shl(1).truncate(4), xs.front.zext(4));
  g.y.set(w(g.ky.add(yOff), bits.coord));
  const x0 = w(g.kx.add(xOff), bits.coord);
  g.x.set(x0);
  g.xStart.set(x0);
  // the window's first position; the line registers hold each row's first position of the window
  const first = w(w(g.colAddr.add(ys.front.mul(k.lineStep)), bits.walkAddr).add(xs.front.mul(k.posStep)), bits.walkAddr);
  g.lineAddr.set(first);
  g.addr.set(first);
  const firstErr = w(w(g.gErr.add(ys.front.mul(k.outW)), bits.errAddr).add(xs.front), bits.errAddr);
  g.errLine.set(firstErr);
  g.errAddr.set(firstErr);
  g.setup?.set(0);
}

/** The next output position of the column's window: the next in its row (x and the address by the stride), else the first of the next row. */
function nextUpdatePosition(m: Module, plan: CnnPlan, k: UpdateConstants, g: UpdateRegisters): void {
  const { bits } = plan;
  const w = toWidth;
  g.atFirst.set(0);
  m.when(g.ox.ne(g.oxHi), () => {
    g.ox.set(g.ox.inc());
    g.x.set(w(g.x.add(k.stride), bits.coord));
    g.addr.set(w(g.addr.add(k.posStep), bits.walkAddr));
    g.errAddr.set(w(g.errAddr.inc(), bits.errAddr));
  }).otherwise(() => {
    const line = w(g.lineAddr.add(k.lineStep), bits.walkAddr);
    const errLine = w(g.errLine.add(k.outW), bits.errAddr);
    g.ox.set(g.oxLo);
    g.oy.set(g.oy.inc());
    g.y.set(w(g.y.add(k.stride), bits.coord));
    g.x.set(g.xStart);
    g.lineAddr.set(line);
    g.addr.set(line);
    g.errLine.set(errLine);
    g.errAddr.set(errLine);
  });
}

/** Whether the update walk's input pixel lies inside the map; a side no layer pads is always inside (no comparison: it would be constant). */
function insideMap(m: Module, plan: CnnPlan, k: UpdateConstants, g: UpdateRegisters): Expr {
  const steps = Array.from({ length: plan.L }, (_, l) => stepOf(plan, l));
  const pads = (f: (s: WeightStep) => boolean) => steps.some(f);
  const yes = lit(1, Bool);
  return m.wire(
    'uw_inside',
    (pads((s) => s.padTop > 0) ? g.y.ge(k.yLo) : yes)
      .and(pads((s) => (s.out.height - 1) * s.stride + s.kernelH > s.padTop + s.in.height) ? g.y.lt(k.yHi) : yes)
      .and(pads((s) => s.padLeft > 0) ? g.x.ge(k.xLo) : yes)
      .and(pads((s) => (s.out.width - 1) * s.stride + s.kernelW > s.padLeft + s.in.width) ? g.x.lt(k.xHi) : yes),
  );
}

/**
 * The update walk of weight layer `layer`: `start` begins it, `advance` steps past the current
 * issue. With `skipBias` (the backward pass, which walks in this order too) a group ends after its
 * last kernel column: the bias has no backward product.
 */
export function updateWalk(m: Module, plan: CnnPlan, layer: Expr, start: Expr, advance: Expr, skipBias: Expr, gate = false): UpdateWalk {
  const { bits, P } = plan;
  const k = updateConstants(m, plan, layer);
  const g = gatedRegisters(
    m,
    'uw',
    gate,
    () => updateRegisters(m, plan),
    (r) => (r.setup ? advance.or(start).or(r.setup) : advance.or(start)),
  );
  const bias = m.wire('uw_bias', g.col.eq(k.fanIn));
  // the group's last column: the bias, or without it the last kernel column
  const groupEnd = m.wire('uw_group_end', bias.or(skipBias.and(g.col.eq(k.lastCol))));
  const lastPos = m.wire('uw_last_pos', g.ox.eq(g.oxHi).and(g.oy.eq(g.oyHi)));
  const lastGroup = m.wire('uw_last_group', g.group.eq(k.lastGroup));
  if (g.setup) m.when(g.setup, () => updateSetup(m, plan, k, g));
  m.when(advance, () => m.when(lastPos, () => nextUpdateColumn(m, plan, k, g, groupEnd)).otherwise(() => nextUpdatePosition(m, plan, k, g)));
  m.when(start, () => {
    for (const s of [g.group, g.col, g.ch, g.kx, g.ky]) s.set(0);
    const err = toWidth(k.errBase, bits.errAddr);
    toColumn(m, g, k, bits, { ky: lit(0, UInt(1)), kx: lit(0, UInt(1)), colAddr: lit(0, UInt(bits.walkAddr)), err });
    g.wRow.set(toWidth(k.weightBase, bits.weightAddr));
    g.rowsLeft.set(toWidth(k.rows, bits.neuron));
    g.gErr.set(err);
  });
  const tap = toWidth(g.addr.sub(k.bias).asUInt(), bits.mapAddr);
  return {
    mapAddr: m.wire('uw_map_addr', toWidth(tap.add(k.inBase), bits.mapAddr)),
    inputIndex: tap,
    inside: insideMap(m, plan, k, g),
    bias,
    first: g.atFirst,
    setup: g.setup ?? lit(0, Bool),
    lastPos,
    weightAddr: m.wire('uw_weight_addr', toWidth(g.wRow.add(g.col), bits.weightAddr)),
    errAddr: g.errAddr,
    laneCount: m.wire('uw_lane_count', mux(g.rowsLeft.ge(P), lit(P, UInt(bits.lanes)), toWidth(g.rowsLeft, bits.lanes))),
    group: g.group,
    last: m.wire('uw_last', groupEnd.and(lastPos).and(lastGroup)),
  };
}

export interface ErrorWalk {
  /** The activation's address in its map buffer, and which buffer. */
  readonly mapAddr: Expr;
  readonly mapOdd: Expr;
  readonly sumAddr: Expr;
  readonly argAddr: Expr;
  /** A pool's place of the output in its window (0..3), and whether the pool drops it (an odd edge). */
  readonly place: Expr;
  readonly dropped: Expr;
  readonly lane: Signal;
  readonly group: Signal;
  readonly errAddr: Signal;
  readonly last: Expr;
}

/** The error walk's constants of weight layer `layer` (≥ 1): the shape of layer − 1's outputs, where they are, the pool between. */
function errorConstants(m: Module, plan: CnnPlan, layer: Expr) {
  const tp = trainOf(plan);
  // layer k's walk covers the outputs of weight layer k − 1 (k = 0 has none: its entries are unused)
  const below = (k: number) => stepOf(plan, Math.max(0, k - 1));
  const t = (name: string, f: (s: WeightStep, k: number) => number) => layerTableOf(m, plan, layer, 'ew')(name, (_, k) => f(below(k), k));
  const pool = (k: number) => tp.poolBefore[k];
  const outMap = (k: number) => (tp.layerStep[Math.max(0, k - 1)] ?? 0) + 1;
  return {
    lastF: t('last_f', (s) => s.out.channels - 1),
    lastX: t('last_x', (s) => s.out.width - 1),
    lastY: t('last_y', (s) => s.out.height - 1),
    mapBase: t('map_base', (_, l) => tp.mapBase[outMap(l)] ?? 0),
    mapOdd: t('map_odd', (_, l) => outMap(l) % 2).eq(1),
    pooled: t('pooled', (_, l) => (pool(l) ? 1 : 0)).eq(1),
    pooledLine: t('pooled_line', (s, l) => (pool(l)?.out.width ?? 0) * s.out.channels),
    pooledPixel: t('pooled_pixel', (s) => s.out.channels),
    keptX: t('kept_x', (_, l) => 2 * (pool(l)?.out.width ?? 0)),
    keptY: t('kept_y', (_, l) => 2 * (pool(l)?.out.height ?? 0)),
    // the pool step (the one before the layer's step) keeps its places from this word
    argBase: t('arg_base', (_, l) => Math.max(0, tp.argBase[(tp.layerStep[l] ?? 1) - 1] ?? 0)),
    errBase: t('err_base', (_, l) => tp.errBase[Math.max(0, l - 1)] ?? 0),
    positions: t('positions', (_, l) => tp.positions[Math.max(0, l - 1)] ?? 0),
  };
}

type ErrorConstants = ReturnType<typeof errorConstants>;

/**
 * The error walk's registers: the output (y, x, f) with f's lane and group, its activation's
 * address, its index (the backward sum's without a pool), the pooled output's pixel and row
 * (times the channels), the errors' word of the position and of the output.
 */
function errorRegisters(m: Module, plan: CnnPlan) {
  const { bits } = plan;
  const r = (name: string, width: number) => m.reg(`ew_${name}`, UInt(width), { init: 0 });
  return {
    f: r('f', bits.neuron),
    lane: r('lane', bits.lane),
    group: r('group', bits.group),
    x: r('x', bits.coord),
    y: r('y', bits.coord),
    mapAddr: r('map_addr', bits.mapAddr),
    index: r('index', bits.sumAddr),
    pixel: r('pixel', bits.sumAddr),
    line: r('line', bits.sumAddr),
    ePos: r('e_pos', bits.errAddr),
    errAddr: r('err_addr', bits.errAddr),
  };
}

type ErrorRegisters = ReturnType<typeof errorRegisters>;

/** The next output: the next channel (its lane, and after lane P − 1 the next group), else the next position (two rows or columns of it share a pooled output). */
function nextErrorOutput(m: Module, plan: CnnPlan, k: ErrorConstants, g: ErrorRegisters, at: { readonly lastF: Expr; readonly lastX: Expr }): void {
  const { bits, P } = plan;
  const w = toWidth;
  g.mapAddr.set(w(g.mapAddr.inc(), bits.mapAddr));
  g.index.set(w(g.index.inc(), bits.sumAddr));
  m.when(at.lastF, () => {
    const ePos = w(g.ePos.inc(), bits.errAddr);
    g.f.set(0);
    g.lane.set(0);
    g.group.set(0);
    g.ePos.set(ePos);
    g.errAddr.set(ePos);
    m.when(at.lastX, () => {
      g.x.set(0);
      g.y.set(w(g.y.inc(), bits.coord));
      const line = w(g.line.add(k.pooledLine), bits.sumAddr);
      m.when(g.y.bit(0), () => {
        g.line.set(line);
        g.pixel.set(line);
      }).otherwise(() => g.pixel.set(g.line));
    }).otherwise(() => {
      g.x.set(w(g.x.inc(), bits.coord));
      m.when(g.x.bit(0), () => g.pixel.set(w(g.pixel.add(k.pooledPixel), bits.sumAddr)));
    });
  }).otherwise(() => {
    g.f.set(w(g.f.inc(), bits.neuron));
    m.when(g.lane.eq(P - 1), () => {
      g.lane.set(0);
      g.group.set(w(g.group.inc(), bits.group));
      g.errAddr.set(w(g.errAddr.add(k.positions), bits.errAddr));
    }).otherwise(() => g.lane.set(w(g.lane.inc(), bits.lane)));
  });
}

/**
 * The error walk of weight layer `layer` (≥ 1): every output (y, x, f) of layer − 1 in order,
 * its activation (for the derivative mask), its backward sum (through the pool between: the
 * pooled output of its window) and, below a max pool, the window's kept place.
 */
export function errorWalk(m: Module, plan: CnnPlan, layer: Expr, start: Expr, advance: Expr, gate = false): ErrorWalk {
  const { bits } = plan;
  const k = errorConstants(m, plan, layer);
  const g = gatedRegisters(
    m,
    'ew',
    gate,
    () => errorRegisters(m, plan),
    () => advance.or(start),
  );
  const w = toWidth;
  const lastF = g.f.eq(k.lastF);
  const lastX = g.x.eq(k.lastX);
  const lastY = g.y.eq(k.lastY);
  m.when(advance, () => nextErrorOutput(m, plan, k, g, { lastF, lastX }));
  m.when(start, () => {
    for (const s of [g.f, g.lane, g.group, g.x, g.y, g.index, g.pixel, g.line]) s.set(0);
    g.mapAddr.set(w(k.mapBase, bits.mapAddr));
    g.ePos.set(w(k.errBase, bits.errAddr));
    g.errAddr.set(w(k.errBase, bits.errAddr));
  });
  const pooledIndex = m.wire('ew_pooled_index', w(g.pixel.add(g.f), bits.sumAddr));
  return {
    mapAddr: g.mapAddr,
    mapOdd: k.mapOdd,
    sumAddr: m.wire('ew_sum_addr', mux(k.pooled, pooledIndex, g.index)),
    argAddr: m.wire('ew_arg_addr', w(pooledIndex.add(k.argBase), bits.argAddr)),
    place: m.wire('ew_place', cat(g.y.bit(0), g.x.bit(0))),
    dropped: trainOf(plan).poolBefore.some(Boolean) ? m.wire('ew_dropped', k.pooled.and(g.x.ge(k.keptX).or(g.y.ge(k.keptY)))) : lit(0, Bool),
    lane: g.lane,
    group: g.group,
    errAddr: g.errAddr,
    last: m.wire('ew_last', lastF.and(lastX).and(lastY)),
  };
}
