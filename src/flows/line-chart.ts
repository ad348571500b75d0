/**
 * A small SVG line-chart writer (no dependencies): panels side by side, each with its own axes,
 * one <polyline> per series over epochs 1, 2, …, and a legend of line styles. Drawn with the
 * shared pieces of svg.ts; used by docs/RESULTS.md's test-error plot (results/plot.ts) and by
 * `train --plot` (train-plot.ts).
 */
import { escapeXml, niceTicks, panelFrame, panelStart, r1, svgHead, xAxisLabel, xTickMarks, yAxisLabel, yGrid, type PanelBox } from './svg.js';

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

const fmtTick = (t: number): string => (Number.isInteger(t) ? String(t) : String(Number(t.toFixed(2))));

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
    const box: PanelBox = { x0: 20 + k * pw + 46, x1: 20 + (k + 1) * pw - 14, top, bottom };
    const { x0, x1 } = box;
    const n = Math.max(1, ...panel.series.map((s) => s.values.length));
    const ys = panel.series.flatMap((s) => s.values.filter((v) => Number.isFinite(v)));
    const yt = niceTicks(ys.length ? Math.min(...ys) : 0, ys.length ? Math.max(...ys) : 1, 5);
    const yLo = yt[0]!;
    const yHi = yt[yt.length - 1]!;
    const [xLo, xHi] = n === 1 ? [0.5, 1.5] : [1, n];
    const logX = n > LOG_X_ABOVE;
    const X = logX ? (x: number) => x0 + (Math.log(x) / Math.log(n)) * (x1 - x0) : (x: number) => x0 + ((x - xLo) / (xHi - xLo)) * (x1 - x0);
    const Y = (y: number) => bottom - ((y - yLo) / (yHi - yLo)) * (bottom - top);
    o.push(...panelStart(box, panel.title), ...yGrid(box, yt, Y, fmtTick), ...xTickMarks(box, epochTicks(n), X, String));
    o.push(panelFrame(box), xAxisLabel(box, `${opts.xLabel}${logX ? ' (log scale)' : ''}`));
    if (k === 0) o.push(yAxisLabel(box, opts.yLabel));
    for (const s of panel.series) {
      const pts = s.values.map((v, i) => (Number.isFinite(v) ? `${r1(X(i + 1))},${r1(Y(v))}` : '')).filter(Boolean);
      o.push(
        `<polyline class="series" data-series="${escapeXml(s.label)}" fill="none" stroke="${s.color}" stroke-width="2" stroke-linejoin="round"` +
          `${s.dashed ? ' stroke-dasharray="6 4"' : ''} points="${pts.join(' ')}"><title>${escapeXml(s.label)}</title></polyline>`,
      );
      if (s.values.length <= 20)
        for (const pt of pts) {
          const [cx, cy] = pt.split(',');
          o.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${s.dashed ? '#ffffff' : s.color}" stroke="${s.color}" stroke-width="1.5"/>`);
        }
    }
    o.push(`</g>`);
  });
  o.push(`</svg>`);
  return `${o.join('\n')}\n`;
}
