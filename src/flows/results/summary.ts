/**
 * `npm run results`: the numbers of docs/RESULTS.md from the runs' results. The gap of a cell is
 * the mean fixed-point test error minus the mean float32 test error over the same seeds (same
 * initial weights, same sample order), in percentage points; then the goals met and how the
 * rounding modes compare.
 */
import type { Rounding } from '../../config/index.js';
import type { DatasetName } from '../../model/datasets/index.js';
import type { Engine } from '../train.js';
import {
  DEFAULT_FORMAT,
  PER_LAYER_FORMAT,
  describeSpec,
  perLayerSpec,
  formatName,
  rtlSpecs,
  runKey,
  sweepSpec,
  type DatasetPlan,
  type FormatChoice,
  type ResultsPlan,
  type RtlPlan,
  type RunSpec,
} from './plan.js';

// ---- results ------------------------------------------------------------------------------

export interface EpochResult {
  readonly epoch: number;
  readonly testError: number;
  readonly trainError: number;
  readonly trainLoss: number;
}

/** What the cache keeps of one run (a TrainReport without the configuration, plus the wall time). */
export interface RunResult {
  readonly key: string;
  readonly dataset: DatasetName;
  readonly engine: Engine;
  readonly seed: number;
  readonly epochs: number;
  readonly trainSamples: number;
  readonly testSamples: number;
  readonly testError: number | null;
  readonly perEpoch: readonly EpochResult[];
  /** Training samples per second (test passes excluded). */
  readonly samplesPerSecond: number;
  /** Wall time of the whole run (data loading excluded, test passes and Verilator build included). */
  readonly wallSeconds: number;
  readonly equivalent?: boolean;
  readonly firstMismatch?: unknown;
  readonly cyclesPerSample?: number;
}

export type ResultLookup = (spec: RunSpec) => RunResult | undefined;

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
/** Sample standard deviation (0 for one value). */
const sd = (xs: readonly number[]): number => {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
};

export interface Cell {
  readonly format: FormatChoice;
  readonly rounding: Rounding;
  /** Mean test error over the seeds, in %. */
  readonly mean: number;
  readonly sd: number;
  readonly perSeed: readonly number[];
  /** mean − the float32 mean, in percentage points. */
  readonly gap: number;
}

export interface DatasetSummary {
  readonly plan: DatasetPlan;
  readonly trainSamples: number;
  readonly testSamples: number;
  /** float32: mean / sd over seeds, in %. */
  readonly floatMean: number;
  readonly floatSd: number;
  readonly floatPerSeed: readonly number[];
  readonly cells: readonly Cell[];
  /** plan.perLayer: the per-layer 8/8/8 configuration (stochastic rounding) over the same seeds. */
  readonly perLayer?: Cell;
  /** Per epoch, the mean test error (%) over seeds: float32 and the default format with stochastic rounding. */
  readonly curve: { readonly float: readonly number[]; readonly fixed: readonly number[] };
  /** Sum of the wall times of this data set's sweep runs (s). */
  readonly runSeconds: number;
}

export interface MeanGap {
  readonly format: FormatChoice;
  readonly rounding: Rounding;
  /** Mean over the data sets of the cells' gaps (pp). */
  readonly gap: number;
  /** The data sets' gaps, in plan order. */
  readonly perDataset: readonly number[];
}

export interface RtlSummary {
  readonly plan: RtlPlan;
  readonly rtl: RunResult;
  readonly golden: RunResult;
  /** The RTL run's per-epoch test errors (and losses) equal the separate golden run's. */
  readonly sameAsGolden: boolean;
}

export interface Summary {
  readonly plan: ResultsPlan;
  readonly datasets: readonly DatasetSummary[];
  readonly meanGaps: readonly MeanGap[];
  readonly rtl: readonly RtlSummary[];
  /** The per-layer 8/8/8 configurations (plan.perLayer): their mean gap over the data sets. */
  readonly perLayerGap?: MeanGap;
}

const pctOf = (r: RunResult): number => {
  if (r.testError === null) throw new Error(`results: run ${r.key} has no test error`);
  return 100 * r.testError;
};

/** The tables' numbers from the runs' results; throws when a run of the plan is missing. */
export function summarize(plan: ResultsPlan, lookup: ResultLookup): Summary {
  const get = (s: RunSpec): RunResult => {
    const r = lookup(s);
    if (!r) throw new Error(`results: no result for ${describeSpec(s)} (${runKey(s)})`);
    return r;
  };
  const curveOf = (runs: readonly RunResult[], epochs: number): number[] =>
    Array.from({ length: epochs }, (_, e) => mean(runs.map((r) => 100 * (r.perEpoch[e]?.testError ?? NaN))));

  const datasets = plan.datasets.map((d): DatasetSummary => {
    const floats = d.seeds.map((seed) => get(sweepSpec(d, 'float', 'stochastic', seed)));
    const floatPerSeed = floats.map(pctOf);
    const floatMean = mean(floatPerSeed);
    let runSeconds = floats.reduce((s, r) => s + r.wallSeconds, 0);
    const cells: Cell[] = [];
    for (const format of plan.formats) {
      for (const rounding of plan.roundings) {
        const runs = d.seeds.map((seed) => get(sweepSpec(d, format, rounding, seed)));
        runSeconds += runs.reduce((s, r) => s + r.wallSeconds, 0);
        const perSeed = runs.map(pctOf);
        cells.push({ format, rounding, mean: mean(perSeed), sd: sd(perSeed), perSeed, gap: mean(perSeed) - floatMean });
      }
    }
    let perLayer: Cell | undefined;
    if (plan.perLayer) {
      const runs = d.seeds.map((seed) => get(perLayerSpec(d, seed)));
      runSeconds += runs.reduce((s, r) => s + r.wallSeconds, 0);
      const perSeed = runs.map(pctOf);
      perLayer = { format: PER_LAYER_FORMAT, rounding: 'stochastic', mean: mean(perSeed), sd: sd(perSeed), perSeed, gap: mean(perSeed) - floatMean };
    }
    const hasDefault = plan.formats.some((f) => sameFormat(f, DEFAULT_FORMAT));
    const fixedRuns = hasDefault ? d.seeds.map((seed) => get(sweepSpec(d, DEFAULT_FORMAT, 'stochastic', seed))) : [];
    return {
      plan: d,
      trainSamples: floats[0]!.trainSamples,
      testSamples: floats[0]!.testSamples,
      floatMean,
      floatSd: sd(floatPerSeed),
      floatPerSeed,
      cells,
      ...(perLayer ? { perLayer } : {}),
      curve: { float: curveOf(floats, d.epochs), fixed: hasDefault ? curveOf(fixedRuns, d.epochs) : [] },
      runSeconds,
    };
  });

  const meanGaps: MeanGap[] = [];
  for (const format of plan.formats) {
    for (const rounding of plan.roundings) {
      const perDataset = datasets.map((d) => cellOf(d, format, rounding).gap);
      meanGaps.push({ format, rounding, gap: mean(perDataset), perDataset });
    }
  }

  const rtl = plan.rtl.map((p): RtlSummary => {
    const specs = rtlSpecs(p);
    const r = get(specs.rtl);
    const g = get(specs.golden);
    const sameAsGolden =
      r.perEpoch.length === g.perEpoch.length &&
      r.perEpoch.every(
        (e, i) => e.testError === g.perEpoch[i]!.testError && e.trainError === g.perEpoch[i]!.trainError && e.trainLoss === g.perEpoch[i]!.trainLoss,
      );
    return { plan: p, rtl: r, golden: g, sameAsGolden };
  });
  const perLayerGaps = datasets.map((d) => d.perLayer?.gap);
  const perLayerGap: MeanGap | undefined = perLayerGaps.every((g): g is number => g !== undefined)
    ? { format: PER_LAYER_FORMAT, rounding: 'stochastic', gap: mean(perLayerGaps), perDataset: perLayerGaps }
    : undefined;
  return { plan, datasets, meanGaps, rtl, ...(perLayerGap ? { perLayerGap } : {}) };
}

export const sameFormat = (a: FormatChoice, b: FormatChoice): boolean => a.weight === b.weight && a.act === b.act && a.error === b.error;

export function cellOf(d: DatasetSummary, f: FormatChoice, r: Rounding): Cell {
  const c = d.cells.find((x) => sameFormat(x.format, f) && x.rounding === r);
  if (!c) throw new Error(`results: no cell ${formatName(f)} ${r} for ${d.plan.dataset}`);
  return c;
}

export function meanGapOf(s: Summary, f: FormatChoice, r: Rounding): MeanGap {
  const g = s.meanGaps.find((x) => sameFormat(x.format, f) && x.rounding === r);
  if (!g) throw new Error(`results: no mean gap for ${formatName(f)} ${r}`);
  return g;
}

// ---- goals and the generated text ---------------------------------------------------------

/** The goals: mean gap ≤ 0.5 pp with weights ≤ 12 bits and activations and errors ≤ 8 bits; 8/8/8 within 1 pp. */
export const GOALS = Object.freeze({ lowBitGapPp: 0.5, maxWeightBits: 12, maxActErrorBits: 8, paperGapPp: 0.97, eightBitGapPp: 1 });

export const isLowBit = (f: FormatChoice): boolean => f.weight <= GOALS.maxWeightBits && f.act <= GOALS.maxActErrorBits && f.error <= GOALS.maxActErrorBits;

/** A cell meets the low-bit goal: a low-bit format with mean gap ≤ 0.5 pp. */
export const meetsGoal = (g: MeanGap): boolean => isLowBit(g.format) && g.gap <= GOALS.lowBitGapPp;

export interface GoalVerdict {
  /** The low-bit cells, best (smallest mean gap) first. */
  readonly lowBit: readonly MeanGap[];
  readonly met: readonly MeanGap[];
  /** The best rounding of 8/8/8, if the plan has it. */
  readonly eightBit?: MeanGap;
}

export function goalVerdict(s: Summary): GoalVerdict {
  const lowBit = s.meanGaps.filter((g) => isLowBit(g.format)).sort((a, b) => a.gap - b.gap);
  const eight = s.meanGaps.filter((g) => g.format.weight === 8 && g.format.act === 8 && g.format.error === 8).sort((a, b) => a.gap - b.gap);
  return { lowBit, met: lowBit.filter(meetsGoal), ...(eight[0] ? { eightBit: eight[0] } : {}) };
}

/** Below this, two mean gaps are "the same" in the generated text (the seed noise is of this order). */
export const SAME_PP = 0.5;

/** How the rounding modes compare at one format (mean gaps over the data sets). */
export type RoundingVerdict =
  /** every mode within SAME_PP of stochastic */
  | 'indifferent'
  /** stochastic better than every deterministic mode by more than SAME_PP */
  | 'stochastic'
  /** stochastic and the best deterministic mode within SAME_PP, another mode worse */
  | 'unbiased'
  /** stochastic worse than the best deterministic mode by more than SAME_PP */
  | 'deterministic';

export interface RoundingComparison {
  readonly format: FormatChoice;
  readonly stochastic: MeanGap;
  /** The other roundings' mean gaps, in plan order. */
  readonly others: readonly MeanGap[];
  /** The deterministic mode with the smallest mean gap. */
  readonly best: MeanGap;
  readonly verdict: RoundingVerdict;
}

export function compareRoundings(s: Summary): RoundingComparison[] {
  if (!s.plan.roundings.includes('stochastic') || s.plan.roundings.length < 2) return [];
  return s.plan.formats.map((format) => {
    const stochastic = meanGapOf(s, format, 'stochastic');
    const others = s.plan.roundings.filter((r) => r !== 'stochastic').map((r) => meanGapOf(s, format, r));
    const best = others.reduce((a, b) => (b.gap < a.gap ? b : a));
    const verdict: RoundingVerdict = others.every((o) => Math.abs(o.gap - stochastic.gap) < SAME_PP)
      ? 'indifferent'
      : stochastic.gap < best.gap - SAME_PP
        ? 'stochastic'
        : stochastic.gap > best.gap + SAME_PP
          ? 'deterministic'
          : 'unbiased';
    return { format, stochastic, others, best, verdict };
  });
}
