/**
 * `train --plot F.svg`: the training loss and the test error per epoch of a run, two panels side
 * by side; with `--compare float` the float32 reference's run (same configuration, initial weights
 * and sample order) on the same axes, dashed.
 */
import { layersText } from '../config/index.js';
import { renderLineChartSvg, type PlotSeries } from './line-chart.js';
import type { TrainReport } from './train.js';

/** A run to draw: its report, and whether it is the comparison (dashed). */
export interface PlottedRun {
  readonly report: TrainReport;
  readonly compare?: boolean;
}

const COLORS: Readonly<Record<string, string>> = { golden: '#1f77b4', rtl: '#9467bd', float: '#d62728' };

const engineLabel = (r: TrainReport) => (r.engine === 'float' ? 'float32 reference' : `${r.engine} (fixed point)`);

export function trainingPlotSvg(runs: readonly PlottedRun[]): string {
  const first = runs[0]?.report;
  if (!first) throw new RangeError('trainingPlotSvg: no run to plot');
  const series = (value: (e: TrainReport['perEpoch'][number]) => number): PlotSeries[] =>
    runs.map(({ report, compare }) => ({
      label: engineLabel(report),
      values: report.perEpoch.map(value),
      color: COLORS[report.engine] ?? '#444444',
      ...(compare ? { dashed: true } : {}),
    }));
  const c = first.config;
  return renderLineChartSvg(
    [
      { title: 'training loss (½ Σ (z − onehot)²)', series: series((e) => e.trainLoss) },
      { title: 'test error (%)', series: series((e) => 100 * e.testError) },
    ],
    {
      title: `${first.dataset}: ${layersText(c)}, ${first.trainSamples} training / ${first.testSamples} test samples, seed ${first.seed}`,
      xLabel: 'epoch',
      yLabel: '',
      legend: runs.map(({ report, compare }) => ({ text: engineLabel(report), ...(compare ? { dashed: true } : {}) })),
      panelWidth: 380,
    },
  );
}
