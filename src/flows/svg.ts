/**
 * The SVG pieces shared by the plots (no dependencies): the page head, escaping, "nice" tick
 * values, and a panel's frame, title, axis labels, grid lines and tick marks. The line charts of
 * docs/RESULTS.md (src/flows/results/plot.ts) and the Pareto plots of a sweep
 * (src/flows/sweep/plot.ts) are drawn with them, so the two look alike.
 */

export const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A coordinate with one decimal. */
export const r1 = (x: number): string => x.toFixed(1);

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

/** The plotting area of a panel, in page coordinates. */
export interface PanelBox {
  readonly x0: number;
  readonly x1: number;
  readonly top: number;
  readonly bottom: number;
}

/** The group that holds a panel (closed by `</g>`), and its title above the box. */
export const panelStart = (b: PanelBox, title: string): string[] => [
  `<g class="panel" data-panel="${escapeXml(title)}">`,
  `<text x="${r1((b.x0 + b.x1) / 2)}" y="${b.top - 10}" text-anchor="middle" font-weight="bold">${escapeXml(title)}</text>`,
];

export const panelFrame = (b: PanelBox): string =>
  `<rect x="${b.x0}" y="${b.top}" width="${b.x1 - b.x0}" height="${b.bottom - b.top}" fill="none" stroke="#444444" stroke-width="1"/>`;

export const xAxisLabel = (b: PanelBox, text: string): string =>
  `<text x="${r1((b.x0 + b.x1) / 2)}" y="${b.bottom + 36}" text-anchor="middle">${escapeXml(text)}</text>`;

/** The y axis label, turned, left of the first panel. */
export const yAxisLabel = (b: PanelBox, text: string): string =>
  `<text x="14" y="${r1((b.top + b.bottom) / 2)}" text-anchor="middle" transform="rotate(-90 14 ${r1((b.top + b.bottom) / 2)})">${escapeXml(text)}</text>`;

/** A light grid line and a label per y tick. */
export function yGrid(b: PanelBox, ticks: readonly number[], Y: (y: number) => number, label: (t: number) => string): string[] {
  return ticks.flatMap((t) => [
    `<line x1="${b.x0}" y1="${r1(Y(t))}" x2="${b.x1}" y2="${r1(Y(t))}" stroke="#e4e4e4" stroke-width="1"/>`,
    `<text x="${b.x0 - 6}" y="${r1(Y(t) + 4)}" text-anchor="end">${label(t)}</text>`,
  ]);
}

/** A tick mark under the box and a label per x tick. */
export function xTickMarks(b: PanelBox, ticks: readonly number[], X: (x: number) => number, label: (t: number) => string): string[] {
  return ticks.flatMap((t) => [
    `<line x1="${r1(X(t))}" y1="${b.bottom}" x2="${r1(X(t))}" y2="${b.bottom + 5}" stroke="#444444"/>`,
    `<text x="${r1(X(t))}" y="${b.bottom + 18}" text-anchor="middle">${label(t)}</text>`,
  ]);
}
