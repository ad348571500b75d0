/**
 * `npm run results` without training: the plan's configurations and jobs, the summary and the
 * generated document on synthetic run results, the run cache, and the SVG plot (well-formed, one
 * polyline per series).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCachedResult, writeCachedResult } from '../../../src/flows/results/cache.js';
import { renderLineChartSvg } from '../../../src/flows/line-chart.js';
import { testErrorPlot } from '../../../src/flows/results/plot.js';
import { niceTicks } from '../../../src/flows/svg.js';
import { bitsOf, hasPerLayerArithmetic } from '../../../src/config/index.js';
import { DEFAULT_PLAN, formatConfig, planJobs, runKey, type FormatChoice, type ResultsPlan, type RunSpec } from '../../../src/flows/results/plan.js';
import { goalVerdict, meanGapOf, summarize, type RunResult, type Summary } from '../../../src/flows/results/summary.js';
import { renderResultsMarkdown, stochasticParagraph, trainCommand } from '../../../src/flows/results/markdown.js';
import { resolveTrainConfig } from '../../../src/flows/train.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'taxonn-results-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const W12: FormatChoice = { weight: 12, act: 8, error: 8 };
const W8: FormatChoice = { weight: 8, act: 8, error: 8 };
const W16: FormatChoice = { weight: 16, act: 16, error: 16 };

const PLAN: ResultsPlan = {
  datasets: [
    { dataset: 'mnist', seeds: [44257, 44258], epochs: 2 },
    { dataset: 'iris', seeds: [44257, 44258], epochs: 200 },
  ],
  formats: [W16, W12, W8],
  roundings: ['truncate', 'stochastic'],
  rtl: [{ dataset: 'iris', epochs: 200 }],
};

/**
 * Synthetic test errors (%): float mnist 8 / 10 per seed (mean 9), iris 2 / 4 (mean 3); the
 * fixed-point gaps per format and rounding below, the same on both seeds.
 */
const GAP: Record<string, number> = { '16-truncate': 0.2, '16-stochastic': 0.1, '12-truncate': 5, '12-stochastic': 0.3, '8-truncate': 40, '8-stochastic': 1.5 };
function synthetic(spec: RunSpec): RunResult {
  const c = spec.config;
  const base = (spec.dataset === 'mnist' ? 8 : 2) + (c.seed - 44257) * 2;
  // the per-layer 8/8/8 runs: a gap of 0.5 pp (iris 1.0)
  const gap = hasPerLayerArithmetic(c) ? 0.5 : GAP[`${bitsOf(c.weight)}-${c.rounding}`]!;
  const pctErr = spec.engine === 'float' ? base : base + gap * (spec.dataset === 'iris' ? 2 : 1);
  const perEpoch = Array.from({ length: spec.epochs }, (_, e) => ({
    epoch: e + 1,
    testError: (pctErr + (spec.epochs - 1 - e)) / 100,
    trainError: 0.1,
    trainLoss: 0.2,
  }));
  return {
    key: runKey(spec),
    dataset: spec.dataset,
    engine: spec.engine,
    seed: c.seed,
    epochs: spec.epochs,
    trainSamples: spec.dataset === 'mnist' ? 7996 : 100,
    testSamples: spec.dataset === 'mnist' ? 2004 : 50,
    testError: pctErr / 100,
    perEpoch,
    samplesPerSecond: 1000,
    wallSeconds: 2,
    ...(spec.engine === 'rtl' ? { equivalent: true, firstMismatch: null, cyclesPerSample: 109 } : {}),
  };
}

function syntheticSummary(plan = PLAN): Summary {
  const results = new Map(planJobs(plan).map((j) => [j.key, synthetic(j.spec)]));
  return summarize(plan, (spec) => results.get(runKey(spec)));
}

const META = {
  date: '2025-01-02T03:04:05Z',
  node: 'v20.0.0',
  machine: '2-core VM (test CPU)',
  loadStart: 1,
  loadEnd: 2,
  workers: 2,
  wallSeconds: 600,
  invocations: 1,
  runsComputed: 29,
  runsCached: 0,
  runSeconds: 1100,
};

describe('the plan', () => {
  it('fraction bits as in the study and a wide enough accumulator', () => {
    const m16 = formatConfig('mnist', W16, 'nearest', 7);
    expect([m16.weight, m16.act, m16.error, m16.rounding, m16.seed, m16.lrShift]).toEqual([
      { bits: 16, frac: 15 },
      { bits: 16, frac: 12 },
      { bits: 16, frac: 14 },
      'nearest',
      7,
      6,
    ]);
    expect(m16.accBits).toBe(42); // the validator's minimum for 785 terms of s16 × u16
    const i8 = formatConfig('iris', W8, 'truncate', 1);
    expect([i8.weight, i8.act, i8.error, i8.accBits, i8.lrShift]).toEqual([{ bits: 8, frac: 6 }, { bits: 8, frac: 6 }, { bits: 8, frac: 6 }, 32, 5]);
    // 12/8/8 stochastic at the default seed is exactly the data set's default configuration
    expect(formatConfig('fashion-mnist', W12, 'stochastic', 44257)).toEqual(resolveTrainConfig('fashion-mnist'));
  });

  it('one job per run: the golden twin of the Iris RTL run is a sweep cell; the longest first', () => {
    const jobs = planJobs(PLAN);
    // per data set and seed: 1 float + 3 formats × 2 roundings; plus the RTL run
    expect(jobs).toHaveLength(2 * 2 * 7 + 1);
    expect(new Set(jobs.map((j) => j.key)).size).toBe(jobs.length);
    expect(jobs.map((j) => j.cost)).toEqual([...jobs.map((j) => j.cost)].sort((a, b) => b - a));
    expect(jobs[0]!.spec.engine).toBe('rtl');
    // the default plan: 3 + 3 + 10 seeds × (13 runs + the per-layer 8/8/8 run), 2 RTL runs and the MNIST subset's golden twin
    expect(planJobs(DEFAULT_PLAN)).toHaveLength(16 * 14 + 3);
    expect(planJobs(DEFAULT_PLAN).filter((j) => j.key.includes('q[')).length).toBe(16);
  });

  it('the cache key follows every run parameter', () => {
    const s: RunSpec = { dataset: 'iris', engine: 'golden', config: formatConfig('iris', W8, 'truncate', 3), epochs: 200 };
    expect(runKey(s)).toBe(runKey({ ...s, config: { ...s.config } }));
    expect(
      new Set([
        runKey(s),
        runKey({ ...s, epochs: 199 }),
        runKey({ ...s, limit: 10 }),
        runKey({ ...s, engine: 'rtl' }),
        runKey({ ...s, config: { ...s.config, seed: 4 } }),
      ]).size,
    ).toBe(5);
    expect(runKey(s)).toMatch(/^iris-golden-w8q6-a8q6-e8q6-truncate-s3-ep200-[0-9a-f]{16}$/);
  });

  it('the command of a run gives only what differs from the defaults', () => {
    expect(trainCommand({ dataset: 'mnist', engine: 'golden', config: formatConfig('mnist', W16, 'truncate', 44258), epochs: 5 })).toBe(
      'npx taxonn train --dataset mnist --engine golden --weight 16:15 --act 16:12 --error 16:14 --acc-bits 42 --rounding truncate --seed 44258 --json',
    );
    expect(trainCommand({ dataset: 'mnist', engine: 'rtl', config: resolveTrainConfig('mnist'), epochs: 1, limit: 2000 })).toBe(
      'npx taxonn train --dataset mnist --engine rtl --epochs 1 --limit 2000 --json',
    );
  });
});

describe('the summary', () => {
  const s = syntheticSummary();

  it('means over seeds, gaps to float32, mean gaps over the data sets', () => {
    const [mnist, iris] = s.datasets;
    expect(mnist!.floatMean).toBeCloseTo(9);
    expect(mnist!.floatSd).toBeCloseTo(Math.SQRT2);
    expect(iris!.floatMean).toBeCloseTo(3);
    const c = mnist!.cells.find((x) => x.format === W8 && x.rounding === 'stochastic')!;
    expect([c.mean, c.gap, c.perSeed]).toEqual([expect.closeTo(10.5), expect.closeTo(1.5), [expect.closeTo(9.5), expect.closeTo(11.5)]]);
    // mnist gap g, iris gap 2g: the mean is 1.5 g
    const g = meanGapOf(s, W12, 'stochastic');
    expect(g.perDataset).toEqual([expect.closeTo(0.3), expect.closeTo(0.6)]);
    expect(g.gap).toBeCloseTo(0.45);
    expect(meanGapOf(s, W8, 'truncate').gap).toBeCloseTo(60);
    // the per-epoch curves: mean over seeds
    expect(mnist!.curve.float).toEqual([expect.closeTo(10), expect.closeTo(9)]);
    expect(mnist!.curve.fixed).toEqual([expect.closeTo(9.3 + 1), expect.closeTo(9.3)]);
  });

  it('goals: ≤ 0.5 pp at ≤ 12-bit weights and ≤ 8-bit activations and errors; 8/8/8 against 1 pp', () => {
    const v = goalVerdict(s);
    expect(v.met.map((g) => [g.format, g.rounding])).toEqual([[W12, 'stochastic']]); // 16/16/16 is not low-bit
    expect(v.lowBit[0]!.gap).toBeCloseTo(0.45);
    expect([v.eightBit!.rounding, v.eightBit!.gap]).toEqual(['stochastic', expect.closeTo(2.25)]);
  });

  it('the per-layer column: the w8a8e8 configurations over the same seeds, in the 8/8/8 row only', () => {
    const plan: ResultsPlan = { ...PLAN, perLayer: true };
    const results = new Map(planJobs(plan).map((j) => [j.key, synthetic(j.spec)]));
    const p = summarize(plan, (spec) => results.get(runKey(spec)));
    expect(p.perLayerGap?.perDataset).toEqual([expect.closeTo(0.5), expect.closeTo(1)]);
    expect(p.perLayerGap?.gap).toBeCloseTo(0.75);
    const md = renderResultsMarkdown(p, META);
    expect(md).toContain('| weights/activations/errors (bits) | truncate | stochastic | per-layer (stochastic) |');
    expect(md).toMatch(/\| 8\/8\/8 \| \+60\.00 \| \+2\.25 \| \+0\.75 \|/);
    expect(md).toMatch(/\| 16\/16\/16 \| [^|]+ \| [^|]+ \| – \|/);
    expect(md).toContain('8/8/8 with per-layer formats (examples/w8a8e8-*.json, stochastic) against 1 pp: mean gap +0.75 pp, **within 1 pp**');
    expect(s.perLayerGap).toBeUndefined();
  });

  it('the RTL run agrees with its golden twin', () => {
    expect(s.rtl).toHaveLength(1);
    expect([s.rtl[0]!.rtl.equivalent, s.rtl[0]!.sameAsGolden, s.rtl[0]!.golden.engine]).toEqual([true, true, 'golden']);
  });

  it('a missing run is an error naming it', () => {
    const jobs = planJobs(PLAN);
    const results = new Map(jobs.slice(1).map((j) => [j.key, synthetic(j.spec)]));
    expect(() => summarize(PLAN, (spec) => results.get(runKey(spec)))).toThrow(/no result for iris rtl/);
  });

  it('the stochastic-rounding paragraph comes from the numbers', () => {
    const text = stochasticParagraph(s);
    expect(text).toContain(
      'Stochastic rounding is needed at 12/8/8 (7.05 pp better than truncate, the best deterministic mode) and 8/8/8 (57.75 pp better than truncate',
    );
    expect(text).toContain('At 16/16/16 the rounding mode makes no difference beyond 0.5 pp.');
    expect(text).toContain(
      'at 8-bit weights (8/8/8), truncate +60.00 pp vs stochastic +2.25 pp (per data set, truncate / stochastic: mnist +40.00 / +1.50, iris +80.00 / +3.00)',
    );
    expect(text).toContain('at 16-bit weights (16/16/16), truncate +0.30 pp vs stochastic +0.15 pp;');
    // nearest as good as stochastic, truncate worse: any unbiased rounding will do
    const plan: ResultsPlan = { ...PLAN, roundings: ['truncate', 'nearest', 'stochastic'] };
    const results = new Map(
      planJobs(plan).map((j) => {
        const r = synthetic(j.spec.config.rounding === 'nearest' ? { ...j.spec, config: { ...j.spec.config, rounding: 'stochastic' } } : j.spec);
        return [j.key, { ...r, key: j.key }];
      }),
    );
    const t = stochasticParagraph(summarize(plan, (spec) => results.get(runKey(spec))));
    expect(t).toContain(
      'At 12/8/8 and 8/8/8 nearest does as well as stochastic rounding (within 0.5 pp), but truncate costs 7.05 and 57.75 pp more respectively (truncate is a floor',
    );
  });

  it('the document: headline with the goal in bold, per data set tables with commands, RTL, method and run data', () => {
    const md = renderResultsMarkdown(s, META);
    expect(md).toContain('Do not edit by hand');
    expect(md).toMatch(/\| 12\/8\/8 \(default\) \| \+7\.50 \| \*\*\+0\.45\*\* \|/);
    expect(md).toMatch(/\| 8\/8\/8 \| \+60\.00 \| \+2\.25 \|/);
    expect(md).toContain(
      '**met**: 12/8/8 stochastic +0.45 pp; the other low-bit cells: 8/8/8 stochastic +2.25, 12/8/8 truncate +7.50, 8/8/8 truncate +60.00 pp.',
    );
    expect(md).toContain('1.25 pp above 1 pp');
    expect(md).toContain('float32: **9.00 ± 1.41**');
    expect(md).toContain(
      '`npx taxonn train --dataset mnist --engine golden --weight 16:15 --act 16:12 --error 16:14 --acc-bits 42 --epochs 2 --rounding R --seed S --json`',
    );
    expect(md).toContain('`npx taxonn train --dataset iris --engine float --seed S --json`');
    expect(md).toMatch(
      /\| iris \| 100 samples × 200 epochs \(default\) \| \*\*equivalent\*\* \| 2\.60 \| 2\.60 \| yes \(200 epochs\) \| 109 \| 1,000 \| 1,000 \|/,
    );
    expect(md).toContain('**2 epochs instead of the default 5**');
    expect(md).toContain('mnist 2 seeds instead of 3, iris 2 seeds instead of 10');
    expect(md).toContain('Node v20.0.0, 2-core VM (test CPU)');
    expect(md).toContain("Total run time **10.0 min** wall on 2 worker processes: 29 of 29 runs computed; the runs' own wall times add up to 18.3 min.");
    expect(renderResultsMarkdown(s, { ...META, invocations: 2 })).toContain('29 of 29 runs computed in 2 invocations (interrupted and resumed from the cache)');
    expect(md).toContain('](results/test-error-per-epoch.svg)');
    expect(md).not.toMatch(/NaN|undefined|Infinity/);
  });
});

describe('the cache', () => {
  it('writes atomically and reads back only the same key', () => {
    const r = synthetic({ dataset: 'iris', engine: 'float', config: resolveTrainConfig('iris'), epochs: 3 });
    writeCachedResult(tmp, r);
    expect(readCachedResult(tmp, r.key)).toEqual(r);
    expect(fs.readdirSync(tmp)).toEqual([`${r.key}.json`]); // no temporary file left
    expect(readCachedResult(tmp, 'another-key')).toBeUndefined();
    fs.writeFileSync(path.join(tmp, 'broken.json'), '{"key": "broken", "perEp');
    expect(readCachedResult(tmp, 'broken')).toBeUndefined();
  });
});

/** A minimal XML check: balanced tags, one root; returns the elements' names in document order. */
function parseXml(text: string): { root: string; elements: { name: string; attrs: string }[] } {
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const elements: { name: string; attrs: string }[] = [];
  let root = '';
  let depthZeroSeen = 0;
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<!--[\s\S]*?-->/g;
  let last = 0;
  for (let m: RegExpExecArray | null; (m = tag.exec(body)); ) {
    const between = body.slice(last, m.index);
    if (/[<>]/.test(between)) throw new Error(`stray markup near ${JSON.stringify(between.slice(0, 40))}`);
    if (/&(?!amp;|lt;|gt;|quot;|apos;|#\d+;)/.test(between)) throw new Error(`bad entity in ${JSON.stringify(between.slice(0, 40))}`);
    last = tag.lastIndex;
    if (!m[2]) continue; // a comment
    const [, close, name, attrs, selfClose] = m as unknown as [string, string, string, string, string];
    if (close) {
      if (stack.pop() !== name) throw new Error(`unbalanced </${name}>`);
      continue;
    }
    if (stack.length === 0) {
      if (depthZeroSeen++) throw new Error('more than one root element');
      root = name;
    }
    elements.push({ name, attrs });
    if (!selfClose) stack.push(name);
  }
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (body.slice(last).trim()) throw new Error('text after the root element');
  return { root, elements };
}

describe('the plot', () => {
  it('nice ticks cover the range', () => {
    expect(niceTicks(7.6, 11.2, 5)).toEqual([7, 8, 9, 10, 11, 12]);
    expect(niceTicks(0, 200, 4)).toEqual([0, 50, 100, 150, 200]);
    expect(niceTicks(3, 3).length).toBeGreaterThan(1);
  });

  it('is well-formed SVG with one polyline per series and a point per epoch', () => {
    const s = syntheticSummary();
    const svg = testErrorPlot(s);
    const { root, elements } = parseXml(svg);
    expect(root).toBe('svg');
    expect(elements[0]!.attrs).toContain('xmlns="http://www.w3.org/2000/svg"');
    const lines = elements.filter((e) => e.name === 'polyline' || e.name === 'path');
    const series = lines.map((e) => /data-series="([^"]*)"/.exec(e.attrs)?.[1]);
    expect(series).toEqual(['mnist float32', 'mnist fixed point 12/8/8 stochastic', 'iris float32', 'iris fixed point 12/8/8 stochastic']);
    const points = lines.map((e) => /points="([^"]*)"/.exec(e.attrs)![1]!.split(' '));
    expect(points.map((p) => p.length)).toEqual([2, 2, 200, 200]);
    for (const p of points.flat()) expect(p).toMatch(/^\d+(\.\d)?,\d+(\.\d)?$/);
  });

  it('escapes text and leaves out missing points', () => {
    const svg = renderLineChartSvg([{ title: 'a < b & c', series: [{ label: '"x"', values: [1, NaN, 3], color: '#000000' }] }], {
      title: 'T & U',
      xLabel: 'epoch',
      yLabel: '%',
      legend: [{ text: '<solid>' }],
    });
    const { elements } = parseXml(svg);
    const line = elements.find((e) => e.name === 'polyline')!;
    expect(/points="([^"]*)"/.exec(line.attrs)![1]!.split(' ')).toHaveLength(2);
    expect(svg).toContain('a &lt; b &amp; c');
    expect(svg).toContain('data-series="&quot;x&quot;"');
  });
});
