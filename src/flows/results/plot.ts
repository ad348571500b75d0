/**
 * docs/RESULTS.md's plot: `testErrorPlot` draws the test error per epoch, float32 vs the default
 * fixed-point configuration, one panel per data set (the chart itself: ../line-chart.ts).
 */
import { renderLineChartSvg, type PlotPanel } from '../line-chart.js';
import { DEFAULT_FORMAT, formatName } from './plan.js';
import type { Summary } from './summary.js';

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
