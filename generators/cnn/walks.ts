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
import { Bool, UInt, lit, mux, type Expr, type Module, type Signal } from '../../src/hdl/index.js';
import { layerTable, bitsFor } from '../accelerator/tables.js';
import type { CnnPlan, PoolStep, Step, WeightStep } from './plan.js';

/** values[step] as an unsigned constant looked up by the step register. */
export function stepTable(m: Module, name: string, step: Expr, values: readonly number[]): Signal {
  return layerTable(m, name, step, values, bitsFor(Math.max(1, ...values)));
}

/** Per step: f(step) for the steps of one kind, 0 for the others. */
const per = <S extends Step>(plan: CnnPlan, kind: S['kind'], f: (s: S) => number): number[] => plan.steps.map((s) => (s.kind === kind ? f(s as S) : 0));

export interface ConvWalk {
  readonly mapAddr: Expr;
  readonly inside: Expr;
  readonly weightAddr: Expr;
  readonly first: Expr;
  readonly bias: Expr;
  /** Outputs of the group (min(P, filters left)) and its first output's map address. */
  readonly laneCount: Expr;
  readonly outBase: Signal;
  /** The issue is the step's last. */
  readonly last: Expr;
  /** The walk is at a group's first column. */
  readonly groupStart: Expr;
}

/** A weight step's constants for its walk, looked up by the step register. */
function convConstants(m: Module, plan: CnnPlan, step: Expr) {
  const t = (name: string, f: (s: WeightStep) => number) => stepTable(m, `cw_${name}`, step, per(plan, 'weights', f));
  return {
    lastCh: t('last_ch', (s) => s.in.channels - 1),
    lastKx: t('last_kx', (s) => s.kernelW - 1),
    rowJump: t('row_jump', (s) => (s.in.width - s.kernelW) * s.in.channels + 1),
    posStep: t('pos_step', (s) => s.stride * s.in.channels),
    lineStep: t('line_step', (s) => s.stride * s.in.width * s.in.channels),
    stride: t('stride', (s) => s.stride),
    lastOx: t('last_ox', (s) => s.out.width - 1),
    lastOy: t('last_oy', (s) => s.out.height - 1),
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
  };
}

type ConvConstants = ReturnType<typeof convConstants>;

/**
 * The walk's registers: the column and its kernel place (channel, kx; the kernel row is y − y0),
 * the input pixel (y, x) in the padded map and the position's corner (y0, x0), the output position
 * (ox, oy), the walk addresses of the input, of the position and of its output row, the group with
 * its weight row, the rows (filters) left and the group's first output in the map.
 */
function convRegisters(m: Module, plan: CnnPlan) {
  const { bits } = plan;
  const r = (name: string, width: number) => m.reg(`cw_${name}`, UInt(width), { init: 0 });
  const coord = (name: string) => r(name, bits.coord);
  const walk = (name: string) => r(name, bits.walkAddr);
  return {
    col: r('col', bits.column),
    ch: r('ch', bits.channel),
    kx: r('kx', bits.channel),
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
  };
}

type ConvRegisters = ReturnType<typeof convRegisters>;

/** The step past one issue: the next column, else the next group of the position, else the next position. */
function convAdvance(
  m: Module,
  plan: CnnPlan,
  k: ConvConstants,
  g: ConvRegisters,
  at: { readonly bias: Expr; readonly lastGroup: Expr; readonly laneCount: Expr },
): void {
  const { bits, P } = plan;
  const { col, ch, kx, y, x, y0, x0, ox, oy, addr, posAddr, lineAddr, group, wRow, rowsLeft, outBase } = g;
  const wrap = (e: Expr, w: number) => e.truncate(w);
  const restartKernel = (yy: Expr, xx: Expr, a: Expr) => {
    col.set(0);
    ch.set(0);
    kx.set(0);
    y.set(wrap(yy, bits.coord));
    x.set(wrap(xx, bits.coord));
    addr.set(wrap(a, bits.walkAddr));
  };
  const nextPosition = () => {
    group.set(0);
    wRow.set(k.weightBase.zext(bits.weightAddr + 1).truncate(bits.weightAddr));
    rowsLeft.set(k.rows);
    m.when(ox.eq(k.lastOx), () => {
      ox.set(0);
      x0.set(0);
      oy.set(oy.inc());
      y0.set(wrap(y0.add(k.stride), bits.coord));
      const line = lineAddr.add(k.lineStep);
      lineAddr.set(wrap(line, bits.walkAddr));
      posAddr.set(wrap(line, bits.walkAddr));
      restartKernel(y0.add(k.stride), lit(0, UInt(bits.coord)), line);
    }).otherwise(() => {
      ox.set(ox.inc());
      x0.set(wrap(x0.add(k.stride), bits.coord));
      posAddr.set(wrap(posAddr.add(k.posStep), bits.walkAddr));
      restartKernel(y0, x0.add(k.stride), posAddr.add(k.posStep));
    });
  };
  m.when(at.bias, () => {
    outBase.set(wrap(outBase.add(at.laneCount), bits.mapAddr + 1));
    m.when(at.lastGroup, nextPosition).otherwise(() => {
      group.set(group.inc());
      wRow.set(wrap(wRow.add(k.rowLen), bits.weightAddr));
      rowsLeft.set(wrap(rowsLeft.sub(P).asUInt(), bits.neuron));
      restartKernel(y0, x0, posAddr);
    });
  }).otherwise(() => {
    col.set(col.inc());
    m.when(ch.ne(k.lastCh), () => {
      ch.set(ch.inc());
      addr.set(addr.inc());
    })
      .elsewhen(kx.ne(k.lastKx), () => {
        ch.set(0);
        kx.set(kx.inc());
        x.set(x.inc());
        addr.set(addr.inc());
      })
      .otherwise(() => {
        ch.set(0);
        kx.set(0);
        x.set(x0);
        y.set(y.inc());
        addr.set(wrap(addr.add(k.rowJump), bits.walkAddr));
      });
  });
}

/** A weight step's walk: `start` loads the step's first issue, `advance` steps past the current one. */
export function convWalk(m: Module, plan: CnnPlan, step: Expr, start: Expr, advance: Expr): ConvWalk {
  const { bits, P } = plan;
  const k = convConstants(m, plan, step);
  const g = convRegisters(m, plan);
  const { col, y, x, ox, oy, addr, group, wRow, rowsLeft, outBase } = g;
  const bias = m.wire('cw_bias_col', col.eq(k.fanIn));
  const lastGroup = m.wire('cw_last_group', group.eq(k.lastGroup));
  const lastPos = m.wire('cw_last_pos', ox.eq(k.lastOx).and(oy.eq(k.lastOy)));
  // rows_left < P fits the lane count's width
  const laneCount = m.wire(
    'cw_lane_count',
    mux(rowsLeft.ge(P), lit(P, UInt(bits.lanes)), rowsLeft.zext(Math.max(bits.neuron, bits.lanes)).truncate(bits.lanes)),
  );
  m.when(advance, () => convAdvance(m, plan, k, g, { bias, lastGroup, laneCount }));
  m.when(start, () => {
    for (const s of [g.ox, g.oy, g.x0, g.y0, g.posAddr, g.lineAddr, g.group, g.outBase, g.col, g.ch, g.kx, g.y, g.x, g.addr]) s.set(0);
    wRow.set(k.weightBase.zext(bits.weightAddr + 1).truncate(bits.weightAddr));
    rowsLeft.set(k.rows);
  });
  // without padding (no step has any) the lower bounds are 0: no comparison
  const padded = (f: (s: WeightStep) => number) => per(plan, 'weights', f).some((v) => v > 0);
  const atLeast = (e: Expr, lo: Expr, any: boolean) => (any ? e.ge(lo) : lit(1, Bool));
  const inside = m.wire(
    'cw_inside',
    atLeast(
      y,
      k.yLo,
      padded((s) => s.padTop),
    )
      .and(y.lt(k.yHi))
      .and(
        atLeast(
          x,
          k.xLo,
          padded((s) => s.padLeft),
        ),
      )
      .and(x.lt(k.xHi)),
  );
  return {
    mapAddr: m.wire('cw_map_addr', addr.sub(k.bias).asUInt().truncate(bits.mapAddr)),
    inside,
    weightAddr: m.wire('cw_weight_addr', wRow.add(col).truncate(bits.weightAddr)),
    first: col.eq(0),
    bias,
    laneCount,
    outBase,
    last: m.wire('cw_last', bias.and(lastGroup).and(lastPos)),
    groupStart: col.eq(0),
  };
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
  const t = (name: string, f: (s: PoolStep) => number) => stepTable(m, `pw_${name}`, step, per(plan, 'pool', f));
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
  m.when(start, () => {
    for (const s of [place, ch, px, py, base, line]) s.set(0);
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
