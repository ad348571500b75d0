/** `train --plot`: the loss and test-error panels, a series per run, the comparison dashed. */
import { describe, expect, it } from 'vitest';
import { resolveTrainConfig, type TrainReport } from '../../src/flows/train.js';
import { trainingPlotSvg } from '../../src/flows/train-plot.js';

const report = (engine: TrainReport['engine'], losses: number[], errors: number[]): TrainReport => ({
  dataset: 'iris',
  engine,
  epochs: losses.length,
  testError: errors[errors.length - 1] ?? null,
  trainSamples: 100,
  testSamples: 50,
  samplesPerSecond: 1000,
  seed: 1,
  config: resolveTrainConfig('iris'),
  perEpoch: losses.map((trainLoss, i) => ({ epoch: i + 1, trainLoss, trainError: 0, testError: errors[i] ?? 0, trainSeconds: 1, samplesPerSecond: 100 })),
});

describe('the training plot', () => {
  it('draws loss and test error per epoch, the compared run dashed', () => {
    const svg = trainingPlotSvg([
      { report: report('golden', [0.3, 0.2, 0.1], [0.4, 0.2, 0.1]) },
      { report: report('float', [0.25, 0.15, 0.05], [0.3, 0.1, 0]), compare: true },
    ]);
    expect(svg.match(/class="panel"/g)).toHaveLength(2);
    expect(svg).toMatch(/data-panel="training loss/);
    expect(svg).toMatch(/data-panel="test error \(%\)"/);
    const series = [...svg.matchAll(/<polyline class="series" data-series="([^"]+)"[^>]*?( stroke-dasharray="6 4")? points="([^"]+)"/g)];
    expect(series.map((m) => m[1])).toEqual(['golden (fixed point)', 'float32 reference', 'golden (fixed point)', 'float32 reference']);
    expect(series.map((m) => Boolean(m[2]))).toEqual([false, true, false, true]);
    // three epochs, three points each
    for (const m of series) expect(m[3]?.split(' ')).toHaveLength(3);
    expect(svg).toMatch(/<title>iris: 4-16-3, 100 training \/ 50 test samples, seed 1<\/title>/);
  });

  it('needs a run', () => expect(() => trainingPlotSvg([])).toThrow(/no run/));
});
