/**
 * A small SVG line-chart writer for docs/RESULTS.md (no dependencies): panels side by side, each
 * with its own axes, one <polyline> per series. `testErrorPlot` draws the test error per epoch,
 * float32 vs the default fixed-point configuration, one panel per data set.
 */
import { DEFAULT_FORMAT, formatName, type Summary } from './results.js';

export interface PlotSeries {
  readonly label: string;
  /** y per x = 1, 2, …; a NaN leaves a point out. */
  readonly values: readonly number[];
  readonly color: string;
  readonly dashed?: boolean;
}

export interface PlotPanel {
  readonly title: string;
  readonly series: readonly PlotSeries[];
}

export interface PlotOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** A line of legend text per style, shown under the title. */
  readonly legend: readonly { readonly text: string; readonly dashed?: boolean }[];
  readonly panelWidth?: number;
  readonly height?: number;
}

export const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** "Nice" tick values covering [lo, hi]: steps of 1, 2, 2.5 or 5 × 10^k, at most about `count` + 1 of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) {
    const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    return niceTicks(lo - pad, hi + pad, count);
  }
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const start = Math.floor(lo / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let t = start; t <= hi + step * (1 - 1e-9); t += step) ticks.push(Number(t.toFixed(10)));
  return ticks;
}

const fmtTick = (t: number): string => (Number.isInteger(t) ? String(t) : String(Number(t.toFixed(2))));
const r1 = (x: number): string => x.toFixed(1);

/** Panels with more epochs than this get a logarithmic epoch axis (the early epochs matter most). */
export const LOG_X_ABOVE = 20;

/** The x ticks of epochs 1..n: every epoch up to 10, nice values up to LOG_X_ABOVE, else 1, 2, 5, 10, 20, 50, … */
function epochTicks(n: number): number[] {
  if (n <= 10) return Array.from({ length: n }, (_, i) => i + 1);
  if (n <= LOG_X_ABOVE) return [1, ...niceTicks(0, n, 4).filter((t) => t > 1 && t <= n)];
  const ticks: number[] = [];
  for (let d = 1; d <= n; d *= 10) for (const m of [1, 2, 5]) if (m * d <= n) ticks.push(m * d);
  return ticks;
}

export function renderLineChartSvg(panels: readonly PlotPanel[], opts: PlotOptions): string {
  const pw = opts.panelWidth ?? 320;
  const H = opts.height ?? 360;
  const W = pw * panels.length + 20;
  const top = 84;
  const bottom = H - 46;
  const o: string[] = [];
  o.push(...svgHead(W, H, opts.title));
  // legend: line styles
  let lx = 20;
  for (const l of opts.legend) {
    o.push(`<line x1="${lx}" y1="44" x2="${lx + 30}" y2="44" stroke="#444444" stroke-width="2"${l.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    o.push(`<text x="${lx + 36}" y="48">${escapeXml(l.text)}</text>`);
    lx += 46 + 7 * l.text.length;
  }
  panels.forEach((panel, k) => {
    const x0 = 20 + k * pw + 46;
    const x1 = 20 + (k + 1) * pw - 14;
    const n = Math.max(1, ...panel.series.map((s) => s.values.length));
    const ys = panel.series.flatMap((s) => s.values.filter((v) => Number.isFinite(v)));
    const yt = niceTicks(ys.length ? Math.min(...ys) : 0, ys.length ? Math.max(...ys) : 1, 5);
    const yLo = yt[0]!;
    const yHi = yt[yt.length - 1]!;
    const [xLo, xHi] = n === 1 ? [0.5, 1.5] : [1, n];
    const logX = n > LOG_X_ABOVE;
    const X = logX ? (x: number) => x0 + (Math.log(x) / Math.log(n)) * (x1 - x0) : (x: number) => x0 + ((x - xLo) / (xHi - xLo)) * (x1 - x0);
    const Y = (y: number) => bottom - ((y - yLo) / (yHi - yLo)) * (bottom - top);
    o.push(`<g class="panel" data-panel="${escapeXml(panel.title)}">`);
    o.push(`<text x="${r1((x0 + x1) / 2)}" y="${top - 10}" text-anchor="middle" font-weight="bold">${escapeXml(panel.title)}</text>`);
    for (const t of yt) {
      o.push(`<line x1="${x0}" y1="${r1(Y(t))}" x2="${x1}" y2="${r1(Y(t))}" stroke="#e4e4e4" stroke-width="1"/>`);
      o.push(`<text x="${x0 - 6}" y="${r1(Y(t) + 4)}" text-anchor="end">${fmtTick(t)}</text>`);
    }
    for (const t of epochTicks(n)) {
      o.push(`<line x1="${r1(X(t))}" y1="${bottom}" x2="${r1(X(t))}" y2="${bottom + 5}" stroke="#444444"/>`);
      o.push(`<text x="${r1(X(t))}" y="${bottom + 18}" text-anchor="middle">${t}</text>`);
    }
    o.push(`<rect x="${x0}" y="${top}" width="${x1 - x0}" height="${bottom - top}" fill="none" stroke="#444444" stroke-width="1"/>`);
    o.push(`<text x="${r1((x0 + x1) / 2)}" y="${bottom + 36}" text-anchor="middle">${escapeXml(opts.xLabel)}${logX ? ' (log scale)' : ''}</text>`);
    if (k === 0) o.push(`<text x="14" y="${r1((top + bottom) / 2)}" text-anchor="middle" transform="rotate(-90 14 ${r1((top + bottom) / 2)})">${escapeXml(opts.yLabel)}</text>`);
    for (const s of panel.series) {
      const pts = s.values.map((v, i) => (Number.isFinite(v) ? `${r1(X(i + 1))},${r1(Y(v))}` : '')).filter(Boolean);
      o.push(
        `<polyline class="series" data-series="${escapeXml(s.label)}" fill="none" stroke="${s.color}" stroke-width="2" stroke-linejoin="round"` +
          `${s.dashed ? ' stroke-dasharray="6 4"' : ''} points="${pts.join(' ')}"><title>${escapeXml(s.label)}</title></polyline>`,
      );
      if (s.values.length <= 20) for (const pt of pts) {
        const [cx, cy] = pt.split(',');
        o.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${s.dashed ? '#ffffff' : s.color}" stroke="${s.color}" stroke-width="1.5"/>`);
      }
    }
    o.push(`</g>`);
  });
  o.push(`</svg>`);
  return `${o.join('\n')}\n`;
}

export const DATASET_COLORS: Readonly<Record<string, string>> = { mnist: '#1f77b4', 'fashion-mnist': '#d62728', iris: '#2ca02c' };

/** The test error per epoch (mean over seeds): float32 solid, the default fixed-point configuration with stochastic rounding dashed; a panel per data set. */
export function testErrorPlot(s: Summary): string {
  const fmt = formatName(DEFAULT_FORMAT);
  const panels = s.datasets.map((d): PlotPanel => {
    const color = DATASET_COLORS[d.plan.dataset] ?? '#444444';
    const seeds = `${d.plan.seeds.length} seed${d.plan.seeds.length === 1 ? '' : 's'}`;
    return {
      title: `${d.plan.dataset} (${seeds})`,
      series: [
        { label: `${d.plan.dataset} float32`, values: d.curve.float, color },
        { label: `${d.plan.dataset} fixed point ${fmt} stochastic`, values: d.curve.fixed, color, dashed: true },
      ],
    };
  });
  return renderLineChartSvg(panels, {
    title: 'Test error per epoch: float32 vs fixed point (mean over seeds)',
    xLabel: 'epoch',
    yLabel: 'test error (%)',
    legend: [{ text: 'float32' }, { text: `fixed point ${fmt} (default), stochastic rounding`, dashed: true }],
  });
}

/** The opening of a plot: the XML and svg elements, the title (also as the document title) on a white page. */
export function svgHead(W: number, H: number, title: string): string[] {
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
  ];
}
