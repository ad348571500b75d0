/**
 * `taxonn train`: train the accelerator's network on a real data set (docs/TRAINING.md) with one
 * of three engines and report the loss and the test error per epoch.
 *
 * - `golden`: the bit-exact golden model (src/model/accelerator.ts) on the quantised inputs;
 * - `rtl`: the Verilated RTL (src/flows/rtl/harness/), with the golden model in lock step: the
 *   epoch goes through the RTL in chunks of RTL_CHUNK samples; every sample's prediction and,
 *   after every chunk, the digest of all weights must agree. On a difference the chunk is
 *   replayed with a digest after every sample to find the first divergent sample, the run stops and it is located
 *   as `taxonn verify` does (phase, layer, neuron, expected, actual). The test set is evaluated
 *   by the golden model (whose weights were just proven equal to the RTL's), and the training
 *   loss comes from it too (the RTL does not output z_L);
 * - `float`: the float32 reference trainer (src/model/float.ts) on the unquantised inputs, from
 *   the same initial weights before quantisation and in the same sample order.
 *
 * Seeds: the configuration's `seed` (the LFSR seed, `--seed`) also seeds the initial weights
 * (`initialWeights(cfg, seed)`) and the epoch shuffles (`Rng(seed ^ SHUFFLE_SALT)`, one
 * Fisher–Yates permutation per epoch, drawn in epoch order), so all engines see the same run.
 */
import {
  DEFAULT_CONFIG,
  VARIANTS,
  layerParamCounts,
  requireDenseLayers,
  shapeText,
  entryOf,
  layerArithmetic,
  deepMerge,
  defaultsFor,
  hasPath,
  readConfigFile,
  resolveConfig,
  type Config,
  type ConfigPath,
  type Variant,
} from '../config/index.js';
import type { Module } from '../hdl/index.js';
import { FloatConvTrainer } from '../model/cnn/float.js';
import { goldenModel, initialCodes, type GoldenModel } from '../model/golden-model.js';
import { loadDataset, quantizeInputs, type Dataset, type DatasetName } from '../model/datasets/index.js';
import { weightDigest } from '../model/digest.js';
import { FloatTrainer } from '../model/float.js';
import { Rng } from '../model/rng.js';
import { AcceleratorSim, type Sample } from './rtl/harness/accelerator-sim.js';
import { boardEngine, type BoardEngineOptions } from './board/board-engine.js';
import { locate, weightsMismatch, type Mismatch } from './rtl/verify.js';
import { requireCnnRtl } from '../../generators/cnn/top.js';

export const ENGINES = ['rtl', 'golden', 'float', 'board'] as const;
export type Engine = (typeof ENGINES)[number];

/** What a data set changes in the project defaults (docs/TRAINING.md). */
export interface DatasetDefaults {
  readonly layers: readonly number[];
  readonly epochs: number;
  readonly lrShift: number;
  /** When set and weight.frac is not given: weight.frac = weight.bits − this. */
  readonly weightFracBelowBits?: number;
}

/** Per data set: the network, the epochs and the learning rate of the fixed-point study. */
export const TRAIN_DEFAULTS: Readonly<Record<DatasetName, DatasetDefaults>> = Object.freeze({
  mnist: { layers: [784, 64, 10], epochs: 5, lrShift: 6 },
  'fashion-mnist': { layers: [784, 64, 10], epochs: 5, lrShift: 7 },
  iris: { layers: [4, 16, 3], epochs: 200, lrShift: 5, weightFracBelowBits: 2 },
});

/** The defaults of a user's own data set: one hidden layer (16 units up to 64 features, else 64), 20 epochs, lr 2^-6, weight.frac = bits − 2. */
export function userDataDefaults(data: { readonly features: number; readonly classes: number }): DatasetDefaults {
  return { layers: [data.features, data.features <= 64 ? 16 : 64, data.classes], epochs: 20, lrShift: 6, weightFracBelowBits: 2 };
}

/** Whose defaults a run takes: a built-in data set's (TRAIN_DEFAULTS) or a user's data set's. */
export type DefaultsOf = DatasetName | { readonly name: string; readonly defaults: DatasetDefaults };

/** The name and defaults of a DefaultsOf. */
export const defaultsOf = (d: DefaultsOf): { readonly name: string; readonly defaults: DatasetDefaults } =>
  typeof d === 'string' ? { name: d, defaults: TRAIN_DEFAULTS[d] } : d;

/** Mixed into the configuration's seed for the epoch shuffles. */
export const SHUFFLE_SALT = 0x5eed;

/** Samples per AcceleratorSim.run call of the rtl engine. */
export const RTL_CHUNK = 500;

/** A configuration problem of the train command that is not a field's range (e.g. layers that do not fit the data). */
export class TrainUsageError extends Error {
  override name = 'TrainUsageError';
}

// ---- configuration ------------------------------------------------------------------------

export interface TrainConfigOptions {
  /** A JSON configuration file (any subset of the fields). */
  file?: string;
  /** Values over the file's (the flags actually given). */
  overrides?: object;
  /** Where an override came from, for messages. */
  overrideOrigin?: (path: ConfigPath) => string | undefined;
}

/**
 * The configuration of a training run: the project defaults, then the data set's defaults
 * (TRAIN_DEFAULTS), then the file, then the overrides — only values actually given count, so an
 * explicit `--lr-shift` or a file's `layers` win over the data set's. Validated (ConfigError).
 */
export function resolveTrainConfig(dataset: DefaultsOf, opts: TrainConfigOptions = {}): Config {
  const { file, overrides = {} } = opts;
  const fromFile = file === undefined ? {} : readConfigFile(file);
  if (fromFile === null || typeof fromFile !== 'object' || Array.isArray(fromFile)) return resolveConfig({ file }); // the validator's error, naming the file
  const given = deepMerge(fromFile, overrides) as Record<string, unknown>;
  const { name, defaults: d } = defaultsOf(dataset);
  const fromDataset: Record<string, unknown> = { layers: [...d.layers], lrShift: d.lrShift };
  if (d.weightFracBelowBits !== undefined && !hasPath(given, ['weight', 'frac'])) {
    const variant = (VARIANTS as readonly unknown[]).includes(given.variant) ? (given.variant as Variant) : DEFAULT_CONFIG.variant;
    const bits = hasPath(given, ['weight', 'bits']) ? (given.weight as Record<string, unknown>).bits : defaultsFor(variant).weight.bits;
    if (Number.isInteger(bits) && (bits as number) - d.weightFracBelowBits >= 0) fromDataset.weight = { frac: (bits as number) - d.weightFracBelowBits };
  }
  return resolveConfig({
    overrides: deepMerge(fromDataset, given) as object,
    overrideOrigin: (path) => {
      if (hasPath(overrides, path)) return opts.overrideOrigin?.(path) ?? 'from the overrides';
      if (file !== undefined && hasPath(fromFile, path)) return `in ${file}`;
      return `the ${name} default`;
    },
  });
}

// ---- the run ------------------------------------------------------------------------------

export interface EpochReport {
  /** 1-based. */
  readonly epoch: number;
  /** Mean over the epoch's training samples of ½ Σ_j (z_L[j] − onehot_j)², z_L from the sample's forward pass (before its update). */
  readonly trainLoss: number;
  /** Fraction of the epoch's training samples predicted wrongly in their forward pass (before their update). */
  readonly trainError: number;
  /** Fraction of the test set predicted wrongly after the epoch. */
  readonly testError: number;
  /** Wall time of the epoch's training samples (the test pass excluded). */
  readonly trainSeconds: number;
  readonly samplesPerSecond: number;
}

export interface TrainReport {
  /** The data set's name (a user's data: its file name). */
  readonly dataset: string;
  readonly engine: Engine;
  /** Epochs completed. */
  readonly epochs: number;
  /** Test error after the last completed epoch (null if none completed). */
  readonly testError: number | null;
  readonly trainSamples: number;
  readonly testSamples: number;
  /** Training samples per second over all epochs (test passes excluded). */
  readonly samplesPerSecond: number;
  readonly seed: number;
  readonly config: Config;
  readonly perEpoch: readonly EpochReport[];
  /** rtl only: true when the RTL agreed with the golden model on every sample. */
  readonly equivalent?: boolean;
  /** rtl only: the first divergence, located (null when equivalent). */
  readonly firstMismatch?: (Mismatch & { readonly epoch: number }) | null;
  /** rtl only: mean accelerator cycles per training sample. */
  readonly cyclesPerSample?: number;
}

/** What a run returns besides its report: the trained weights as codes (golden and rtl; the float32 reference has none). */
export interface TrainResult {
  readonly report: TrainReport;
  readonly weights?: Int32Array;
}

export interface TrainProgress {
  readonly epoch: number;
  readonly epochs: number;
  /** Training samples done in this epoch. */
  readonly done: number;
  readonly total: number;
  /** Training samples per second so far in this epoch. */
  readonly samplesPerSecond: number;
  /** The epoch's training loss so far (mean over its samples done). */
  readonly loss: number;
}

export interface TrainOptions {
  /** A data set name (loaded from `dataDir` or its default place) or an already loaded data set. */
  dataset: DatasetName | Dataset;
  engine: Engine;
  config: Config;
  epochs: number;
  /** Train on the first `limit` training samples (of the unshuffled set) only. */
  limit?: number;
  dataDir?: string;
  /** Samples per RTL run call (default RTL_CHUNK). */
  chunk?: number;
  /** Called once the data is loaded and the engine is ready, before the first sample. */
  onStart?: (info: { readonly dataset: string; readonly trainSamples: number; readonly testSamples: number }) => void;
  onProgress?: (p: TrainProgress) => void;
  onEpoch?: (e: EpochReport) => void;
  /** Negative control for tests (rtl): the golden model runs this configuration instead. */
  goldenConfig?: Config;
  /** The board engine's link (board train): a serial device or a simulated board. */
  boardPort?: BoardEngineOptions['port'];
  /** Start from these weights (codes in stream order, e.g. a saved network's) instead of initialWeights(cfg, seed). */
  weights?: Int32Array;
}

/** One engine's view of a run: train a range of the epoch's order, infer a test sample. */
export interface EngineRun {
  /** Trains samples order[from..to); adds to stats; returns a mismatch to stop at, or null. */
  train(order: Int32Array, from: number, to: number, stats: { loss: number; wrong: number }, epoch: number): Promise<(Mismatch & { epoch: number }) | null>;
  infer(testIndex: number): number;
  close(): void;
  cyclesPerSample?(): number;
  /** The weights now, as codes (the golden model's: the rtl engine checks the RTL's against them). */
  weights?(): Int32Array;
}

/** A seeded Fisher–Yates permutation of 0..n−1. */
export function shuffled(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/** The epoch orders of a run: `epochs` permutations of 0..n−1 from `Rng(seed ^ SHUFFLE_SALT)`. */
export function epochOrders(n: number, epochs: number, seed: number): Int32Array[] {
  const rng = new Rng((seed ^ SHUFFLE_SALT) >>> 0);
  return Array.from({ length: epochs }, () => shuffled(n, rng));
}

/** Row views of a row-major matrix. */
function rows<T extends Float32Array | Int32Array>(m: T, n: number, width: number): T[] {
  return Array.from({ length: n }, (_, r) => m.subarray(r * width, (r + 1) * width) as T);
}

function checkFits(cfg: Config, data: Dataset): void {
  const n0 = cfg.layers[0]!;
  const nL = cfg.layers[cfg.layers.length - 1]!;
  if (n0 !== data.features || nL !== data.classes) {
    const layers = cfg.network ? `with input ${shapeText(cfg.network.input)} and ${nL} outputs` : cfg.layers.join(',');
    throw new TrainUsageError(
      `train: layers ${layers} do not fit ${data.name}: the network needs ${data.features} inputs and ${data.classes} outputs, ` +
        `it has ${n0} and ${nL} (see --layers)`,
    );
  }
}

export async function trainOnDataset(opts: TrainOptions): Promise<TrainReport> {
  return (await trainNetwork(opts)).report;
}

/** trainOnDataset, with the trained weights. */
export async function trainNetwork(opts: TrainOptions): Promise<TrainResult> {
  const cfg = opts.config;
  if (!(ENGINES as readonly string[]).includes(opts.engine))
    throw new TrainUsageError(`train: unknown engine ${JSON.stringify(opts.engine)} (known: ${ENGINES.join(', ')})`);
  if (cfg.variant === 'inference') {
    throw new TrainUsageError('train: the inference variant cannot train (it has no backward or update path); use --variant taxonn or dedicated');
  }
  if (!Number.isSafeInteger(opts.epochs) || opts.epochs < 1) throw new TrainUsageError(`train: epochs must be a positive integer, got ${opts.epochs}`);
  if (opts.limit !== undefined && (!Number.isSafeInteger(opts.limit) || opts.limit < 1))
    throw new TrainUsageError(`train: limit must be a positive integer, got ${opts.limit}`);
  const data = typeof opts.dataset === 'string' ? loadDataset(opts.dataset, opts.dataDir ? { dir: opts.dataDir } : {}) : opts.dataset;
  checkFits(cfg, data);
  const nTrain = Math.min(data.train.y.length, opts.limit ?? Infinity);
  const nTest = data.test.y.length;
  const orders = epochOrders(nTrain, opts.epochs, cfg.seed);

  const engine = await startEngine(opts.engine, cfg, data, nTrain, opts);
  opts.onStart?.({ dataset: data.name, trainSamples: nTrain, testSamples: nTest });
  const perEpoch: EpochReport[] = [];
  let firstMismatch: (Mismatch & { epoch: number }) | null = null;
  let trainSeconds = 0;
  let weights: Int32Array | undefined;
  const step = opts.engine === 'rtl' || opts.engine === 'board' ? (opts.chunk ?? RTL_CHUNK) : 1000;
  try {
    for (let epoch = 1; epoch <= opts.epochs && !firstMismatch; epoch++) {
      const order = orders[epoch - 1]!;
      const stats = { loss: 0, wrong: 0 };
      const t0 = performance.now();
      for (let from = 0; from < nTrain; from += step) {
        const to = Math.min(nTrain, from + step);
        firstMismatch = await engine.train(order, from, to, stats, epoch);
        if (firstMismatch) break;
        const secs = (performance.now() - t0) / 1000;
        opts.onProgress?.({ epoch, epochs: opts.epochs, done: to, total: nTrain, samplesPerSecond: secs > 0 ? to / secs : 0, loss: stats.loss / to });
      }
      const secs = (performance.now() - t0) / 1000;
      trainSeconds += secs;
      if (firstMismatch) break;
      let wrong = 0;
      for (let i = 0; i < nTest; i++) if (engine.infer(i) !== data.test.y[i]) wrong++;
      const e: EpochReport = {
        epoch,
        trainLoss: stats.loss / nTrain,
        trainError: stats.wrong / nTrain,
        testError: nTest ? wrong / nTest : 0,
        trainSeconds: secs,
        samplesPerSecond: secs > 0 ? nTrain / secs : 0,
      };
      perEpoch.push(e);
      opts.onEpoch?.(e);
    }
    weights = engine.weights?.();
  } finally {
    engine.close();
  }
  const done = perEpoch.length;
  const trained = done * nTrain;
  const report: TrainReport = {
    dataset: data.name,
    engine: opts.engine,
    epochs: done,
    testError: done ? perEpoch[done - 1]!.testError : null,
    trainSamples: nTrain,
    testSamples: nTest,
    samplesPerSecond: trainSeconds > 0 ? trained / trainSeconds : 0,
    seed: cfg.seed,
    config: cfg,
    perEpoch,
    ...(opts.engine === 'rtl' ? { equivalent: firstMismatch === null, firstMismatch, cyclesPerSample: engine.cyclesPerSample?.() ?? 0 } : {}),
    ...(opts.engine === 'board' ? { equivalent: firstMismatch === null, firstMismatch } : {}),
  };
  return weights ? { report, weights } : { report };
}

/** ½ Σ_j (z_j·scale − t_j)², t one-hot at `label`. */
function mseLoss(z: ArrayLike<number>, label: number, scale: number): number {
  let s = 0;
  for (let j = 0; j < z.length; j++) {
    const d = z[j]! * scale - (j === label ? 1 : 0);
    s += d * d;
  }
  return s / 2;
}

async function startEngine(kind: Engine, cfg: Config, data: Dataset, nTrain: number, opts: TrainOptions): Promise<EngineRun> {
  if (kind === 'float') return floatEngine(cfg, data, nTrain, opts.weights);
  // the board's top carries the dense design; the RTL of a network with convolution trains in the taxonn variant (§18)
  if (kind === 'board') requireDenseLayers(cfg, 'the board engine does not run');
  if (kind === 'rtl' && cfg.network) requireCnnRtl(cfg);
  const q = quantised(cfg, data, nTrain, opts);
  if (kind === 'rtl') return rtlEngine(cfg, q, opts);
  if (kind === 'board') {
    if (!opts.boardPort) throw new TrainUsageError('train: the board engine needs a link to the board (board train --port DEV)');
    return boardEngine(cfg, q, { port: opts.boardPort, epochs: opts.epochs });
  }
  return {
    async train(order, from, to, stats) {
      for (let r = from; r < to; r++) q.goldenTrain(order[r]!, stats);
      return null;
    },
    infer: (i) => q.golden.infer(q.testCodes[i]!),
    close() {},
    weights: () => q.golden.readWeights(),
  };
}

/** Weight codes (stream order) as values: code · 2^-Wf of the code's layer. */
function weightValues(cfg: Config, codes: ArrayLike<number>): Float32Array {
  const out = new Float32Array(codes.length);
  let q = 0;
  const counts = layerParamCounts(cfg);
  layerArithmetic(cfg).forEach((a, k) => {
    const scale = 2 ** -a.weight.frac;
    for (const end = q + counts[k]!; q < end; q++) out[q] = codes[q]! * scale;
  });
  return out;
}

function floatEngine(cfg: Config, data: Dataset, nTrain: number, codes?: Int32Array): EngineRun {
  const F = data.features;
  const ty = data.train.y;
  const trainer = cfg.network ? FloatConvTrainer.withInitialWeights(cfg, cfg.seed) : FloatTrainer.withInitialWeights(cfg, cfg.seed);
  // Starting weights given as codes: their values (code · 2^-weight.frac).
  if (codes) trainer.loadWeights(weightValues(cfg, codes));
  const xs = rows(data.train.x.subarray(0, nTrain * F), nTrain, F);
  const tx = rows(data.test.x, data.test.y.length, F);
  return {
    async train(order, from, to, stats) {
      for (let r = from; r < to; r++) {
        const i = order[r]!;
        if (trainer.train(xs[i]!, ty[i]!) !== ty[i]) stats.wrong++;
        stats.loss += trainer.lastLoss;
      }
      return null;
    },
    infer: (i) => trainer.infer(tx[i]!),
    close() {},
  };
}

/** What the golden, RTL and board engines share: the quantised inputs, the golden model from the initial weights, and its training step. */
export interface Quantised {
  readonly codes: Int32Array[];
  readonly testCodes: Int32Array[];
  readonly labels: ArrayLike<number>;
  readonly weights0: Int32Array;
  readonly golden: GoldenModel;
  readonly goldenConfig: Config;
  /** Trains training sample `i` in the golden model; its prediction. */
  goldenTrain(i: number, stats: { loss: number; wrong: number }): number;
}

function quantised(cfg: Config, data: Dataset, nTrain: number, opts: TrainOptions): Quantised {
  const F = data.features;
  const ty = data.train.y;
  const codes = rows(quantizeInputs(data.train.x.subarray(0, nTrain * F), entryOf(cfg.act, 0)), nTrain, F);
  const testCodes = rows(quantizeInputs(data.test.x, entryOf(cfg.act, 0)), data.test.y.length, F);
  const goldenConfig = opts.goldenConfig ?? cfg;
  const golden = goldenModel(goldenConfig);
  const weights0 = opts.weights ?? initialCodes(cfg, cfg.seed);
  golden.loadWeights(weights0);
  // z_L has the output layer's Wf + Af fraction bits
  const zScale = 2 ** -(layerArithmetic(goldenConfig).at(-1)?.zFrac ?? 0);
  const goldenTrain = (i: number, stats: { loss: number; wrong: number }): number => {
    const p = golden.train(codes[i]!, ty[i]!);
    if (p !== ty[i]) stats.wrong++;
    stats.loss += mseLoss(golden.lastOutputs(), ty[i]!, zScale);
    return p;
  };
  return { codes, testCodes, labels: ty, weights0, golden, goldenConfig, goldenTrain };
}

/** The RTL, with the golden model in lock step: predictions per sample, weight digests per chunk. */
async function rtlEngine(cfg: Config, q: Quantised, opts: TrainOptions): Promise<EngineRun> {
  const sim = await AcceleratorSim.create(cfg);
  let loaded = false;
  /** Training-set indices of every sample sent to the RTL since the weights were loaded. */
  const history: number[] = [];
  let cycles = 0;
  const toSample = (i: number): Sample => ({ input: q.codes[i]!, label: q.labels[i]!, train: true });
  return {
    async train(order, from, to, stats, epoch) {
      const ids = Array.from(order.subarray(from, to));
      const results = sim.run(loaded ? undefined : q.weights0, ids.map(toSample), {});
      loaded = true;
      let diverged = false;
      let chunkCycles = 0;
      for (let k = 0; k < ids.length; k++) {
        chunkCycles += results[k]!.cycles;
        if (q.goldenTrain(ids[k]!, stats) !== results[k]!.predicted) {
          diverged = true;
          break;
        }
      }
      // the weights after the chunk: the digest of the RTL's banks against the golden model's
      if (diverged || sim.digest() >>> 0 !== weightDigest(q.golden.readWeights()) >>> 0) {
        const found = await firstDivergence(cfg, q, history, ids, toSample, sim.top);
        // not reproduced (found = the chunk's length): the chunk's last sample, for locate() to say so
        const k = Math.min(found, ids.length - 1);
        const replay = [...history, ...ids.slice(0, k + 1)].map(toSample);
        const n = replay.length - 1;
        // a network with convolution: the sample that diverged (the dense design's bisection into layers does not apply)
        if (cfg.network) return { ...cnnDivergence(n, found < ids.length), epoch };
        const m = await locate(
          cfg,
          q.weights0,
          replay,
          n,
          {
            samples: replay.length,
            seed: 1,
            stallPermille: 0,
            ...(opts.goldenConfig ? { goldenConfig: opts.goldenConfig } : {}),
          },
          sim.top,
        );
        return { ...m, epoch };
      }
      history.push(...ids);
      cycles += chunkCycles;
      return null;
    },
    infer: (i) => q.golden.infer(q.testCodes[i]!),
    close: () => sim.close(),
    // The golden model's weights: the RTL's digest matched them after every chunk.
    weights: () => q.golden.readWeights(),
    cyclesPerSample: () => (history.length ? cycles / history.length : 0),
  };
}

/** The divergence of a network with convolution's RTL from the golden model at sample `n` of the run. */
function cnnDivergence(n: number, reproduced: boolean): Mismatch {
  return weightsMismatch(
    n,
    reproduced
      ? "the prediction or the weights after this training sample differ from the golden model's"
      : 'the RTL and the golden model differ after this chunk, but a replay with a digest per sample did not reproduce it',
  );
}

/**
 * The first sample of `chunk` (sent after `history`) after which the RTL and the golden model
 * differ in prediction or weight digest: a replay from the initial weights, with a digest after
 * every sample of the chunk; the chunk's length when the replay does not reproduce it.
 */
async function firstDivergence(
  cfg: Config,
  q: Quantised,
  history: readonly number[],
  chunk: readonly number[],
  toSample: (i: number) => Sample,
  top: Module,
): Promise<number> {
  const g = goldenModel(q.goldenConfig);
  g.loadWeights(q.weights0);
  for (const i of history) g.train(q.codes[i]!, q.labels[i]!);
  const replay = await AcceleratorSim.create(cfg, {}, top);
  try {
    if (history.length) replay.run(q.weights0, history.map(toSample), {});
    const rs = replay.run(history.length ? undefined : q.weights0, chunk.map(toSample), { digestEach: true });
    for (let k = 0; k < chunk.length; k++) {
      const p = g.train(q.codes[chunk[k]!]!, q.labels[chunk[k]!]!);
      if (p !== rs[k]!.predicted || weightDigest(g.readWeights()) >>> 0 !== rs[k]!.digest >>> 0) return k;
    }
    return chunk.length; // not reproduced
  } finally {
    replay.close();
  }
}
