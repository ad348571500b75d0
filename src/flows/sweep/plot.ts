/**
 * The Pareto plots of `taxonn sweep` (DIR/pareto-area.svg, DIR/pareto-power.svg): test error
 * against area or power, one panel per data set, every point a dot coloured by variant and
 * labelled with its P, the Pareto front as a step line. The front: a point is on it when no
 * other point has both a cost and a test error no larger, one of them strictly smaller.
 * Drawn with the SVG pieces of src/flows/svg.ts, like the plots of docs/RESULTS.md.
 */
import { escapeXml, niceTicks, panelFrame, panelStart, r1, svgHead, xAxisLabel, xTickMarks, yAxisLabel, yGrid, type PanelBox } from '../svg.js';
import type { SweepRow } from './output.js';
import { CALIBRATION } from '../estimate/calibration.js';

/**
 * The items no other item dominates (both coordinates ≤, one <), in input order. Items with a
 * non-finite coordinate are left out. Equal items are all on the front (neither dominates).
 */
export function paretoFront<T>(items: readonly T[], x: (t: T) => number, y: (t: T) => number): T[] {
  const pts = items.filter((t) => Number.isFinite(x(t)) && Number.isFinite(y(t)));
  return pts.filter((p) => !pts.some((q) => q !== p && x(q) <= x(p) && y(q) <= y(p) && (x(q) < x(p) || y(q) < y(p))));
}

export const VARIANT_COLORS: Readonly<Record<string, string>> = { taxonn: '#1f77b4', dedicated: '#d62728', inference: '#ff7f0e' };

/** Panels with more points label only those on the front (every dot has its tooltip; labels that would overlap are left out). */
export const LABEL_ALL_UP_TO = 12;

export interface ScatterPoint {
  readonly x: number;
  readonly y: number;
  /** Shown next to the dot. */
  readonly label: string;
  /** The dot's tooltip. */
  readonly title: string;
  /** The colour group (the variant). */
  readonly group: string;
  readonly key: string;
  /**
   * The measured cost of an estimated point (a two-stage sweep's front): drawn as a hollow dot at
   * the same test error, joined to the estimate, so the model's error is seen point by point.
   */
  readonly measuredX?: number;
}

export interface ScatterPanel {
  readonly title: string;
  readonly points: readonly ScatterPoint[];
}

export interface ScatterOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Shown under the title (e.g. what was left out), wrapped. */
  readonly note?: string;
  /** Shown in a panel without points. */
  readonly empty?: string;
  readonly panelWidth?: number;
  readonly height?: number;
  /** The legend's words for the hollow dots of points with a measuredX. */
  readonly measuredLabel?: string;
}

/** `text` in lines of at most about `width` characters, broken at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const w of text.split(' ')) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines;
}
const fmtTick = (t: number): string => (Number.isInteger(t) ? String(t) : String(Number(t.toPrecision(3))));

/** Log-scale ticks 1, 2, 5 × 10^k covering [lo, hi] (lo > 0), and the axis ends (whole decades or tick values). */
function logTicks(lo: number, hi: number): { ticks: number[]; lo: number; hi: number } {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) for (const m of [1, 2, 5]) ticks.push(Number((m * 10 ** e).toPrecision(3)));
  const below = ticks.filter((t) => t <= lo).at(-1) ?? ticks[0]!;
  const above = ticks.find((t) => t >= hi) ?? ticks.at(-1)!;
  return { ticks: ticks.filter((t) => t >= below && t <= above), lo: below, hi: above };
}

/** A scatter chart: panels side by side, dots coloured by group, the Pareto front of each panel as a dashed step line. */
export function renderParetoSvg(panels: readonly ScatterPanel[], opts: ScatterOptions): string {
  const pw = opts.panelWidth ?? 440;
  const H = opts.height ?? 400;
  const W = pw * Math.max(1, panels.length) + 20;
  const noteLines = opts.note ? wrap(opts.note, Math.floor((W - 40) / 6.2)) : [];
  const top = 84 + 14 * noteLines.length;
  const bottom = H - 46;
  const o: string[] = [...svgHead(W, H, opts.title), ...legend(panels, opts.measuredLabel)];
  noteLines.forEach((l, i) => o.push(`<text x="20" y="${68 + 14 * i}" font-size="11" fill="#555555">${escapeXml(l)}</text>`));
  panels.forEach((panel, k) => {
    const box: PanelBox = { x0: 20 + k * pw + 50, x1: 20 + (k + 1) * pw - 20, top, bottom };
    o.push(...panelStart(box, panel.title), panelFrame(box), xAxisLabel(box, opts.xLabel));
    if (k === 0) o.push(yAxisLabel(box, opts.yLabel));
    if (panel.points.length) o.push(...scatterPanel(box, panel.points));
    else
      o.push(
        `<text x="${r1((box.x0 + box.x1) / 2)}" y="${r1((top + bottom) / 2)}" text-anchor="middle" fill="#777777">${escapeXml(opts.empty ?? 'no points')}</text>`,
      );
    o.push(`</g>`);
  });
  o.push(`</svg>`);
  return `${o.join('\n')}\n`;
}

const colorOf = (group: string): string => VARIANT_COLORS[group] ?? '#444444';

/** A dot per group present, the hollow dot of measured values when some point has one, then the front's line. */
function legend(panels: readonly ScatterPanel[], measuredLabel = 'measured'): string[] {
  const o: string[] = [];
  const groups = [...new Set(panels.flatMap((p) => p.points.map((q) => q.group)))];
  let lx = 20;
  for (const g of groups) {
    o.push(`<circle cx="${lx + 6}" cy="44" r="5" fill="${colorOf(g)}"/>`);
    o.push(`<text x="${lx + 16}" y="48">${escapeXml(g)}</text>`);
    lx += 30 + 7 * g.length;
  }
  if (panels.some((p) => p.points.some((q) => q.measuredX !== undefined))) {
    o.push(`<circle cx="${lx + 6}" cy="44" r="4.5" fill="none" stroke="#444444" stroke-width="1.5"/>`);
    o.push(`<text x="${lx + 16}" y="48">${escapeXml(measuredLabel)}</text>`);
    lx += 30 + 7 * measuredLabel.length;
  }
  o.push(`<line x1="${lx}" y1="44" x2="${lx + 30}" y2="44" stroke="#444444" stroke-width="1.5" stroke-dasharray="6 4"/>`);
  o.push(`<text x="${lx + 36}" y="48">Pareto front</text>`);
  return o;
}

/** The scales of a panel: the test error axis from 0 (with headroom for the labels above the dots), cost logarithmic over a decade or more. */
function scales(b: PanelBox, pts: readonly ScatterPoint[]) {
  const yt = niceTicks(0, Math.max(Math.max(...pts.map((p) => p.y)) * 1.08, 1), 5);
  const [yLo, yHi] = [yt[0]!, yt[yt.length - 1]!];
  const Y = (y: number) => b.bottom - ((y - yLo) / (yHi - yLo)) * (b.bottom - b.top);
  const xs = pts.flatMap((p) => (p.measuredX === undefined ? [p.x] : [p.x, p.measuredX]));
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const logX = xMin > 0 && xMax / xMin >= 10;
  if (logX) {
    const l = logTicks(xMin, xMax);
    return { yt, Y, logX, xt: l.ticks, X: (x: number) => b.x0 + ((Math.log(x) - Math.log(l.lo)) / (Math.log(l.hi) - Math.log(l.lo))) * (b.x1 - b.x0) };
  }
  const xt = niceTicks(xMin, xMax, 5);
  const [lo, hi] = [xt[0]!, xt[xt.length - 1]!];
  return { yt, Y, logX, xt, X: (x: number) => b.x0 + ((x - lo) / (hi - lo)) * (b.x1 - b.x0) };
}

/** A panel's axes, front, dots and labels. */
function scatterPanel(b: PanelBox, pts: readonly ScatterPoint[]): string[] {
  const { yt, Y, logX, xt, X } = scales(b, pts);
  const o = [...yGrid(b, yt, Y, fmtTick), ...xTickMarks(b, xt, X, fmtTick)];
  if (logX) o.push(`<text x="${b.x1}" y="${b.bottom + 36}" text-anchor="end" font-size="10" fill="#777777">log scale</text>`);
  const front = paretoFront(
    pts,
    (p) => p.x,
    (p) => p.y,
  ).sort((a, c) => a.x - c.x || a.y - c.y);
  o.push(frontLine(b, front, X, Y));
  const onFront = new Set(front);
  for (const p of pts) {
    if (p.measuredX === undefined) continue;
    const [mx, ex, y] = [r1(X(p.measuredX)), r1(X(p.x)), r1(Y(p.y))];
    o.push(`<line x1="${ex}" y1="${y}" x2="${mx}" y2="${y}" stroke="${colorOf(p.group)}" stroke-width="1"/>`);
    o.push(
      `<circle class="measured" data-key="${escapeXml(p.key)}" cx="${mx}" cy="${y}" r="4.5" fill="#ffffff" stroke="${colorOf(p.group)}" stroke-width="1.5">` +
        `<title>${escapeXml(`${p.title}; measured ${Number(p.measuredX.toPrecision(4))}`)}</title></circle>`,
    );
  }
  for (const p of pts) {
    const color = colorOf(p.group);
    o.push(
      `<circle class="point" data-key="${escapeXml(p.key)}" data-variant="${escapeXml(p.group)}"${onFront.has(p) ? ' data-front="1"' : ''} cx="${r1(X(p.x))}" cy="${r1(Y(p.y))}" r="4.5" ` +
        `fill="${color}" stroke="${onFront.has(p) ? '#000000' : color}" stroke-width="1.2"><title>${escapeXml(p.title)}</title></circle>`,
    );
  }
  const labelled = [...front, ...(pts.length <= LABEL_ALL_UP_TO ? pts.filter((p) => !onFront.has(p)) : [])];
  o.push(...labels(b, labelled, X, Y));
  return o;
}

/**
 * The front, sorted by cost, as the step line bounding the region it dominates: from the top of
 * the panel down to the cheapest point, then right and down point by point, then to the right edge.
 */
function frontLine(b: PanelBox, front: readonly ScatterPoint[], X: (x: number) => number, Y: (y: number) => number): string {
  const steps: string[] = [`${r1(X(front[0]!.x))},${b.top}`];
  front.forEach((p, i) => {
    if (i > 0) steps.push(`${r1(X(p.x))},${r1(Y(front[i - 1]!.y))}`);
    steps.push(`${r1(X(p.x))},${r1(Y(p.y))}`);
  });
  steps.push(`${b.x1},${r1(Y(front[front.length - 1]!.y))}`);
  return `<polyline class="pareto-front" data-keys="${escapeXml(front.map((p) => p.key).join(' '))}" fill="none" stroke="#444444" stroke-width="1.5" stroke-dasharray="6 4" points="${steps.join(' ')}"/>`;
}

/**
 * Labels in the order given (the front's first): each at the first of four places around its dot
 * that overlaps no label placed before and stays in the panel, or not at all (the dot's tooltip has it).
 */
function labels(b: PanelBox, pts: readonly ScatterPoint[], X: (x: number) => number, Y: (y: number) => number): string[] {
  const o: string[] = [];
  const placed: { x: number; y: number; w: number }[] = [];
  for (const p of pts) {
    const w = 6 * p.label.length; // DejaVu Sans at 10 px: about 6 px per character
    const [cx, cy] = [X(p.x), Y(p.y)];
    const spots = [
      { x: cx + 7, y: cy - 6 },
      { x: cx + 7, y: cy + 14 },
      { x: cx - 7 - w, y: cy - 6 },
      { x: cx - 7 - w, y: cy + 14 },
    ];
    const free = spots.find(
      (s) =>
        s.x >= b.x0 + 2 &&
        s.x + w <= b.x1 - 2 &&
        s.y - 10 >= b.top &&
        s.y <= b.bottom - 2 &&
        !placed.some((q) => s.x < q.x + q.w + 6 && q.x < s.x + w + 6 && Math.abs(s.y - q.y) < 12),
    );
    if (!free) continue;
    placed.push({ ...free, w });
    o.push(`<text x="${r1(free.x)}" y="${r1(free.y)}" font-size="10" fill="${colorOf(p.group)}">${escapeXml(p.label)}</text>`);
  }
  return o;
}

export interface ParetoPlotSet {
  readonly area: string;
  readonly power: string;
  /** Estimated area vs test error, when the points have estimates (the estimate step); never mixed with the measured plots. */
  readonly estimate?: string;
  /** Per data set, the keys on each front (as drawn). */
  readonly fronts: { readonly area: Record<string, string[]>; readonly power: Record<string, string[]> };
}

/**
 * The two plots of a sweep from its rows: only ok points with a test error (so no inference
 * points, and none without the train step) and, per plot, an area (logic + SRAM macros when
 * synthesised with macros) or a power.
 */
export function paretoPlots(rows: readonly SweepRow[], datasets: readonly string[], estimated: 'area' | 'energy' = 'area'): ParetoPlotSet {
  // the label: P, and the formats' bits (weight/act/error) when the points differ in formats
  const formats = new Set(rows.map((r) => `${r.weight}/${r.act}/${r.error}`));
  const bits = (f: unknown) => String(f).replace(/^[su](\d+)q\d+$/, '$1');
  const label = (r: SweepRow) => `P${r.pes}${formats.size > 1 ? ` ${bits(r.weight)}/${bits(r.act)}/${bits(r.error)}` : ''}`;
  const title = (r: SweepRow) => `${r.dataset} ${r.variant} P=${r.pes} ${r.weight}/${r.act}/${r.error}: test error ${pct(r.testError as number)}`;
  const usable = rows.filter((r) => r.status === 'ok' && typeof r.testError === 'number');
  const withMacros = usable.some((r) => typeof r.memoryAreaUm2 === 'number');
  const area = (r: SweepRow) =>
    typeof r.logicAreaUm2 === 'number' ? (r.logicAreaUm2 + (typeof r.memoryAreaUm2 === 'number' ? r.memoryAreaUm2 : 0)) / 1e6 : NaN;
  const power = (r: SweepRow) => (typeof r.totalPowerMw === 'number' ? r.totalPowerMw : NaN);
  const note = (what: 'area' | 'power', cost: (r: SweepRow) => number) => {
    const shown = usable.filter((r) => Number.isFinite(cost(r))).length;
    return shown === rows.length
      ? undefined
      : `${shown} of ${rows.length} points shown: those that trained (the inference variant does not) and have ${what === 'area' ? 'an area (synth step)' : 'a power (power step)'}, and did not fail; sweep.csv has them all.`;
  };
  const unit = { area: 'mm²', power: 'mW', energy: 'nJ/sample' } as const;
  const make = (cost: (r: SweepRow) => number, what: 'area' | 'power' | 'energy', measured?: (r: SweepRow) => number) => {
    const fronts: Record<string, string[]> = {};
    const panels = datasets.map((d): ScatterPanel => {
      const pts = usable
        .filter((r) => r.dataset === d && Number.isFinite(cost(r)))
        .map(
          (r): ScatterPoint => ({
            x: cost(r),
            y: 100 * (r.testError as number),
            label: label(r),
            title: `${title(r)}, ${measured ? 'estimated ' : ''}${what} ${cost(r).toPrecision(4)} ${unit[what]}`,
            group: String(r.variant),
            key: String(r.key),
            ...(measured && Number.isFinite(measured(r)) ? { measuredX: measured(r) } : {}),
          }),
        );
      fronts[d] = paretoFront(
        pts,
        (p) => p.x,
        (p) => p.y,
      ).map((p) => p.key);
      return { title: d, points: pts };
    });
    return { panels, fronts };
  };
  const a = make(area, 'area');
  const p = make(power, 'power');
  const aNote = note('area', area);
  const pNote = note('power', power);
  const estimate = estimateSvg(make, estimated);
  return {
    ...(estimate ? { estimate } : {}),
    area: renderParetoSvg(a.panels, {
      title: 'Sweep: area vs test error (Pareto front dashed)',
      xLabel: withMacros ? 'area, logic + SRAM macros (mm²)' : 'logic area (mm²)',
      yLabel: 'test error (%)',
      ...(aNote ? { note: aNote } : {}),
      empty: 'no point with a test error and an area',
    }),
    power: renderParetoSvg(p.panels, {
      title: 'Sweep: power vs test error (Pareto front dashed)',
      xLabel: 'total power (mW)',
      yLabel: 'test error (%)',
      ...(pNote ? { note: pNote } : {}),
      empty: 'no point with a test error and a power',
    }),
    fronts: { area: a.fronts, power: p.fronts },
  };
}

type MakePanels = (
  cost: (r: SweepRow) => number,
  what: 'area' | 'power' | 'energy',
  measured?: (r: SweepRow) => number,
) => { panels: ScatterPanel[]; fronts: Record<string, string[]> };

/** The estimate against the same quantity measured (logic area alone: the model has no SRAM macros); undefined when no point has an estimate. */
function estimateSvg(make: MakePanels, estimated: 'area' | 'energy'): string | undefined {
  const num = (v: unknown, scale = 1) => (typeof v === 'number' ? v / scale : NaN);
  const e =
    estimated === 'area'
      ? make(
          (r) => num(r.estLogicAreaUm2, 1e6),
          'area',
          (r) => num(r.logicAreaUm2, 1e6),
        )
      : make(
          (r) => num(r.estEnergyPerSampleNj),
          'energy',
          (r) => num(r.energyPerSampleNj),
        );
  if (!e.panels.some((panel) => panel.points.length > 0)) return undefined;
  const held = CALIBRATION.heldOut[estimated === 'area' ? 'asicArea' : 'energy'];
  const model = `the ${estimated} model ${held.meanAbsPct} % over ${held.configurations} configurations`;
  return renderParetoSvg(e.panels, {
    title: `Sweep: ESTIMATED ${estimated} vs test error (model, not measured)`,
    xLabel: estimated === 'area' ? 'estimated logic area, OSU018 (mm²)' : 'estimated energy per training sample, OSU018 logic (nJ)',
    yLabel: 'test error (%)',
    note: `filled: the model's estimate; hollow: the same point measured (where the sweep measured it), on the same row. docs/ESTIMATE.md: held-out error of ${model} on average.`,
    measuredLabel: `measured (${estimated === 'area' ? 'synth' : 'power'})`,
    empty: 'no point with a test error and an estimate',
  });
}

const pct = (f: number) => `${(100 * f).toFixed(2)}%`;
