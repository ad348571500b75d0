/**
 * docs/results/energy-per-sample.svg: a stacked bar per variant, a sample's energy by where it
 * goes (the power flow's perSampleNj: the SRAM's reads, writes and leakage, the logic by block).
 * The largest logic blocks over all variants get a segment each, the rest one "other logic".
 */
import { escapeXml, niceTicks, r1, svgHead, xTickMarks, type PanelBox } from '../svg.js';
import type { PerSampleEnergy } from '../hardware/power/power.js';

export interface EnergyBar {
  /** The bar's label (a variant, and what a sample is for it). */
  readonly label: string;
  readonly energy: PerSampleEnergy;
}

/** Logic blocks drawn as their own segment (the rest is "other logic"). */
const NAMED_BLOCKS = 6;
const SRAM_COLORS = ['#1f4e79', '#4a7fb5', '#a9c4e0'];
const LOGIC_COLORS = ['#b3541e', '#d9822b', '#e8a85c', '#6b8e23', '#9acd32', '#8e6bb5', '#bbbbbb'];

interface Segment {
  readonly label: string;
  readonly color: string;
  readonly nJ: (e: PerSampleEnergy) => number;
}

/** The segments, in drawing order: SRAM first, then the logic blocks largest first, then the rest of the logic. */
function segments(bars: readonly EnergyBar[]): Segment[] {
  const totals = new Map<string, number>();
  for (const b of bars) for (const l of b.energy.logicBlocks) totals.set(l.block, (totals.get(l.block) ?? 0) + l.nJ);
  const named = [...totals]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, NAMED_BLOCKS)
    .map(([block]) => block);
  const blockNj = (e: PerSampleEnergy, block: string) => e.logicBlocks.find((l) => l.block === block)?.nJ ?? 0;
  const logicTotal = (e: PerSampleEnergy) => e.logicBlocks.reduce((t, l) => t + l.nJ, 0);
  return [
    { label: 'SRAM reads', color: SRAM_COLORS[0]!, nJ: (e) => e.sramReads },
    { label: 'SRAM writes', color: SRAM_COLORS[1]!, nJ: (e) => e.sramWrites },
    { label: 'SRAM leakage', color: SRAM_COLORS[2]!, nJ: (e) => e.sramLeakage },
    ...named.map((block, i) => ({ label: `logic: ${block}`, color: LOGIC_COLORS[i]!, nJ: (e: PerSampleEnergy) => blockNj(e, block) })),
    {
      label: 'logic: the other blocks',
      color: LOGIC_COLORS[NAMED_BLOCKS]!,
      nJ: (e: PerSampleEnergy) => logicTotal(e) - named.reduce((t, b) => t + blockNj(e, b), 0),
    },
  ];
}

/** The plot: one horizontal bar per variant, its segments in nJ, a legend below. */
export function energyPlot(bars: readonly EnergyBar[], title: string): string {
  const segs = segments(bars);
  const total = (e: PerSampleEnergy) => segs.reduce((t, s) => t + s.nJ(e), 0);
  const W = 900;
  const rowH = 46;
  const box: PanelBox = { x0: 250, x1: W - 40, top: 50, bottom: 50 + rowH * bars.length };
  const ticks = niceTicks(0, Math.max(1, ...bars.map((b) => total(b.energy))), 6);
  const max = ticks.at(-1) ?? 1;
  const X = (nJ: number) => box.x0 + ((box.x1 - box.x0) * nJ) / max;
  const legendTop = box.bottom + 50;
  const H = legendTop + 20 * Math.ceil(segs.length / 2) + 20;
  const out = svgHead(W, H, title);
  out.push(...xTickMarks(box, ticks, X, (t) => t.toLocaleString('en-US')));
  out.push(`<text x="${r1((box.x0 + box.x1) / 2)}" y="${box.bottom + 38}" text-anchor="middle">nJ per sample</text>`);
  bars.forEach((b, i) => {
    const y = box.top + i * rowH + 8;
    out.push(`<g class="bar" data-variant="${escapeXml(b.label)}">`);
    out.push(`<text x="${box.x0 - 8}" y="${r1(y + 19)}" text-anchor="end">${escapeXml(b.label)}</text>`);
    let at = 0;
    for (const s of segs) {
      const nJ = s.nJ(b.energy);
      if (nJ <= 0) continue;
      out.push(
        `<rect x="${r1(X(at))}" y="${r1(y)}" width="${r1(X(at + nJ) - X(at))}" height="30" fill="${s.color}"><title>${escapeXml(`${s.label}: ${nJ.toFixed(1)} nJ`)}</title></rect>`,
      );
      at += nJ;
    }
    out.push(`<text x="${r1(X(at) + 6)}" y="${r1(y + 19)}">${Math.round(at).toLocaleString('en-US')} nJ</text>`, '</g>');
  });
  segs.forEach((s, i) => {
    const x = 40 + (i % 2) * 430;
    const y = legendTop + 20 * Math.floor(i / 2);
    out.push(`<rect x="${x}" y="${y - 11}" width="14" height="14" fill="${s.color}"/>`, `<text x="${x + 20}" y="${y}">${escapeXml(s.label)}</text>`);
  });
  out.push('</svg>', '');
  return out.join('\n');
}
