/**
 * `npm run results` (scripts/results.ts), its plan: the experiments behind docs/RESULTS.md and
 * the jobs they make. No training happens here: the script runs the jobs (`planJobs`) in worker
 * processes (scripts/results-worker.ts), caches one `RunResult` per job in .cache/results/, then
 * calls `summarize` (summary.ts) and `renderResultsMarkdown` (markdown.ts).
 *
 * The sweep: per data set (its TRAIN_DEFAULTS network, epochs and lrShift), per seed, one float32
 * run and one golden-model run per number format × rounding mode. Fraction bits as in the
 * fixed-point study (../shared/notes/fixed-point-study.md beside the repository): weights
 * bits − 1 (Iris bits − 2), activations 16 → q12, 8 → q6, errors 16 → q14, 8 → q6; the
 * accumulator the default 32 bits or the validator's minimum (accumulatorNeed) when that is wider.
 */
import { createHash } from 'node:crypto';
import {
  DEFAULT_CONFIG,
  LIMITS,
  ROUNDINGS,
  accumulatorNeed,
  bitsOf,
  formatFieldText,
  hasPerLayerArithmetic,
  lrShiftText,
  type Config,
  type Format,
  type PerLayer,
  type Rounding,
} from '../../config/index.js';
import { stableJson } from '../../hdl/index.js';
import { rtlHash } from '../rtl/generate.js';
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
  /** Also run each data set's per-layer 8/8/8 configuration (PER_LAYER_FORMATS, stochastic rounding) on its seeds. */
  readonly perLayer?: boolean;
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
  perLayer: true,
} satisfies ResultsPlan);

const q = (bits: number, frac: number): Format => ({ bits, frac });
/**
 * The per-layer 8/8/8 configurations of examples/w8a8e8-<data set>.json (docs/TRAINING.md
 * "Per-layer formats"; test/examples checks that the files hold exactly these): every format
 * 8 bits, each layer's binary point its own.
 */
export const PER_LAYER_FORMATS: Readonly<
  Record<DatasetName, { readonly weight: PerLayer<Format>; readonly act: PerLayer<Format>; readonly error: PerLayer<Format> }>
> = Object.freeze({
  mnist: { weight: [q(8, 8), q(8, 7)], act: q(8, 6), error: [q(8, 8), q(8, 6)] },
  'fashion-mnist': { weight: [q(8, 8), q(8, 7)], act: q(8, 6), error: [q(8, 8), q(8, 6)] },
  iris: { weight: q(8, 6), act: q(8, 6), error: [q(8, 8), q(8, 6)] },
});
/** The bits of the per-layer configurations (a row of the format tables). */
export const PER_LAYER_FORMAT: FormatChoice = { weight: 8, act: 8, error: 8 };

/** A data set's per-layer 8/8/8 run at `seed` (golden model, stochastic rounding). */
export const perLayerSpec = (d: DatasetPlan, seed: number): RunSpec => ({
  dataset: d.dataset,
  engine: 'golden',
  config: resolveTrainConfig(d.dataset, { overrides: { ...structuredClone(PER_LAYER_FORMATS[d.dataset]), rounding: 'stochastic', seed } }),
  epochs: d.epochs,
});

/** The format choice with which the plot and the defaults are compared: the project default W12 A8 E8. */
export const DEFAULT_FORMAT: FormatChoice = { weight: DEFAULT_CONFIG.weight.bits, act: DEFAULT_CONFIG.act.bits, error: DEFAULT_CONFIG.error.bits };

/** Weight fraction bits of a data set at `bits`: bits − 1, or bits − 2 for Iris (TRAIN_DEFAULTS.weightFracBelowBits). */
export const weightFrac = (dataset: DatasetName, bits: number): number => bits - (TRAIN_DEFAULTS[dataset].weightFracBelowBits ?? 1);

/** The three formats of a format choice on a data set (the fraction bits of the fixed-point study). */
export function formatsOf(dataset: DatasetName, f: FormatChoice): { weight: Format; act: Format; error: Format } {
  const actFrac = ACT_FRAC[f.act];
  const errorFrac = ERROR_FRAC[f.error];
  if (actFrac === undefined || errorFrac === undefined) throw new RangeError(`results: no fraction bits for activations ${f.act} / errors ${f.error}`);
  return { weight: { bits: f.weight, frac: weightFrac(dataset, f.weight) }, act: { bits: f.act, frac: actFrac }, error: { bits: f.error, frac: errorFrac } };
}

/**
 * The configuration of one sweep cell: the data set's defaults with the format's bits and
 * fraction bits, the rounding and the seed, and accBits max(32, the minimum the validator asks).
 */
export function formatConfig(dataset: DatasetName, f: FormatChoice, rounding: Rounding, seed: number): Config {
  const { weight, act, error } = formatsOf(dataset, f);
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

/** `12q11`, or per layer `8q[8,7]`: a format field in a cache key. */
const fq = (f: PerLayer<Format>): string => formatFieldText(f, true).slice(1);
/** Nothing for one learning rate (the keys of uniform runs are unchanged), `-lr[6,7]` per layer. */
const perLayerLr = (k: PerLayer<number>): string => (Array.isArray(k) && new Set(k).size > 1 ? `-lr${lrShiftText(k)}` : '');

export function runKey(spec: RunSpec): string {
  // an RTL run's cycles are the hardware's: a change in the generated Verilog reruns it
  const design = spec.engine === 'rtl' ? { rtl: rtlHash(spec.config) } : {};
  const hash = createHash('sha256')
    .update(stableJson({ v: CACHE_VERSION, ...spec, ...design }))
    .digest('hex')
    .slice(0, 16);
  const c = spec.config;
  const what = spec.engine === 'float' ? 'float' : `${spec.engine}-w${fq(c.weight)}-a${fq(c.act)}-e${fq(c.error)}${perLayerLr(c.lrShift)}-${c.rounding}`;
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
  // a network with convolution costs about 25 times an MLP per sample (bench/golden-cnn.ts)
  const conv = spec.config.network ? 25 : 1;
  if (spec.engine === 'float') return samples * conv;
  const c = spec.config;
  const wide = bitsOf(c.act) > 8 ? 1.6 : 1;
  const slow =
    c.rounding === 'truncate'
      ? bitsOf(c.weight) <= 8
        ? 13
        : bitsOf(c.weight) <= 12
          ? 5
          : 1.8 * wide
      : c.rounding === 'nearest'
        ? bitsOf(c.weight) <= 8
          ? 3.5
          : bitsOf(c.weight) <= 12
            ? 2.7
            : wide
        : wide;
  return samples * slow * conv;
}

/** A run in words, for progress lines and messages. */
export const describeSpec = (s: RunSpec): string => {
  const c = s.config;
  const fmt =
    s.engine === 'float' ? 'float32' : `${bitsOf(c.weight)}/${bitsOf(c.act)}/${bitsOf(c.error)}${hasPerLayerArithmetic(c) ? ' per-layer' : ''} ${c.rounding}`;
  return `${s.dataset} ${s.engine} ${fmt} seed ${c.seed}, ${s.epochs} epoch${s.epochs === 1 ? '' : 's'}${s.limit !== undefined ? `, limit ${s.limit}` : ''}`;
};

export function job(spec: RunSpec): Job {
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
      if (plan.perLayer) add(perLayerSpec(d, seed));
    }
  }
  for (const r of plan.rtl) {
    const { rtl, golden } = rtlSpecs(r);
    add(rtl);
    add(golden);
  }
  return [...jobs.values()].sort((a, b) => b.cost - a.cost);
}
