/**
 * `taxonn verify`: generate the accelerator, run a random sample stream through the Verilated
 * RTL (inside the compiled harness, optionally with random stalls on every valid/ready) and
 * through the golden model, and compare per sample the prediction and a digest of all weights.
 * On the first divergence, replay up to that sample and locate it: phase, layer, neuron,
 * expected and actual value.
 */
import { bitsOf, sampleBoundCycles, type Config } from '../../config/index.js';
import type { Module } from '../../hdl/index.js';
import { GoldenAccelerator } from '../../model/accelerator.js';
import { weightDigest } from '../../model/digest.js';
import { Rng } from '../../model/rng.js';
import { AcceleratorSim, type Sample } from './harness/accelerator-sim.js';
import { accelerator } from '../../../generators/accelerator/top.js';
import type { MemoryTarget } from '../../../generators/memories/target.js';
import { verifyCnn } from './verify-cnn.js';
import type { DatasetStimulus } from './dataset-stimulus.js';

export interface VerifyOptions {
  samples: number;
  seed: number;
  /** Random stalls on every stream (per mille of cycles). */
  stallPermille: number;
  /** Fraction of inference samples mixed into the stream. */
  inferFraction?: number;
  /** Fraction of zero inputs (MNIST-like sparsity). */
  sparsity?: number;
  wave?: string;
  /**
   * Build with --x-assign unique --x-initial unique and start from this random seed, so that a
   * reset bug cannot hide behind Verilator's zero initial state.
   */
  xRandomSeed?: number;
  /** Initial weights (stream order) instead of the seeded random ones. */
  weights?: Int32Array;
  /** Negative control for tests: the golden model runs this configuration instead. */
  goldenConfig?: Config;
  /** Build the single-port memories from these SRAM macros, simulated by their models (the ASIC design). */
  memoryTarget?: MemoryTarget;
  /** Real samples instead of random inputs (`verify --dataset`): each is a training sample (the inference variant infers). */
  data?: DatasetStimulus;
}

export interface Mismatch {
  readonly sample: number;
  readonly phase: 'forward' | 'prediction' | 'output error' | 'backward' | 'update' | 'weights';
  readonly layer: number;
  readonly neuron: number;
  readonly index?: number;
  readonly expected: number;
  readonly actual: number;
  readonly detail: string;
}

export interface VerifyReport {
  readonly equivalent: boolean;
  readonly samples: number;
  readonly trainingSamples: number;
  /** Cycles of the whole run (weight load included). */
  readonly cycles: number;
  /** Mean cycles per training sample, from its header to its result. */
  readonly cyclesPerSample: number;
  /** The mean of the counted samples' cycle bounds (sampleBoundCycles: MACs issued / P). */
  readonly boundCyclesPerSample: number;
  /** boundCyclesPerSample / cyclesPerSample. */
  readonly utilization: number;
  readonly firstMismatch: Mismatch | null;
  readonly top: string;
  readonly config: Config;
}

/**
 * The stimulus seed of a verify run: the user's --stimulus-seed combined with the configuration's
 * LFSR seed, so that `--seed S` alone also gives a different run. Tests and the CLI share it, so a
 * failing property test prints a command that reproduces it exactly.
 */
export function stimulusSeed(configSeed: number, userSeed: number): number {
  return (Math.imul(userSeed, 65537) ^ configSeed) >>> 0 || 1;
}

/** The random workload of a verify run: initial weights and a sample stream, from `seed`. */
export function randomWorkload(cfg: Config, opts: VerifyOptions): { weights: Int32Array; samples: Sample[] } {
  const golden = new GoldenAccelerator(cfg);
  const weights = opts.weights ?? golden.initWeights(opts.seed);
  if (opts.data) return { weights, samples: opts.data.inputs.map((input, i) => ({ input, label: opts.data!.labels[i]!, train: true })) };
  const rng = new Rng(opts.seed ^ 0x5bd1e995);
  const maxA = 2 ** bitsOf(cfg.act) - 1;
  const nOut = cfg.layers[cfg.layers.length - 1]!;
  const samples: Sample[] = [];
  for (let i = 0; i < opts.samples; i++) {
    const input = Int32Array.from({ length: cfg.layers[0]! }, () => (rng.bool(opts.sparsity ?? 0.5) ? 0 : rng.int(0, maxA)));
    samples.push({ input, label: rng.int(0, nOut - 1), train: !rng.bool(opts.inferFraction ?? 0.2) });
  }
  return { weights, samples };
}

export async function verify(cfg: Config, opts: VerifyOptions): Promise<VerifyReport> {
  if (cfg.network) return verifyCnn(cfg, opts);
  const { weights, samples } = randomWorkload(cfg, opts);
  const sim = await AcceleratorSim.create(cfg, simOptions(opts), accelerator(cfg, opts.memoryTarget));
  let firstMismatch: Mismatch | null = null;
  let results: ReturnType<typeof sim.run>;
  const cyclesBefore = sim.cycles;
  try {
    results = sim.run(weights, samples, { digestEach: true, stallPermille: opts.stallPermille, stallSeed: opts.seed });
  } finally {
    sim.close();
  }
  const golden = new GoldenAccelerator(opts.goldenConfig ?? cfg);
  golden.loadWeights(weights);
  // The update and backward MACs of each training sample (with skipZeroErrors they depend on its
  // errors; with skipZeroActivations, on its hidden activations).
  const updateMacs: number[] = [];
  const backwardMacs: number[] = [];
  for (let i = 0; i < samples.length && !firstMismatch; i++) {
    const s = samples[i]!;
    const predicted = golden.sample(s.input, s.label, s.train).predicted;
    updateMacs.push(golden.lastUpdateMacs());
    backwardMacs.push(golden.lastBackwardMacs());
    const digest = weightDigest(golden.readWeights()) >>> 0;
    if (predicted !== results[i]!.predicted || digest !== results[i]!.digest) {
      firstMismatch = await locate(cfg, weights, samples, i, opts, sim.top);
    }
  }
  // Cycles per training sample (the inference variant runs every sample as an inference).
  const trains = cfg.variant !== 'inference';
  const train = results.filter((_, i) => samples[i]!.train);
  const countedIdx = samples.flatMap((s, i) => (!trains || s.train ? [i] : []));
  const mean = (f: (i: number) => number) => (countedIdx.length ? countedIdx.reduce((s, i) => s + f(i), 0) / countedIdx.length : 0);
  const cyclesPerSample = mean((i) => results[i]!.cycles);
  // The bound of each sample: with skipping it depends on the sample's non-zero inputs and errors.
  // (counted over training samples only, whose golden-model MACs these are)
  const bound = mean((i) => sampleBoundCycles(cfg, samples[i]!.input, trains, updateMacs[i], backwardMacs[i]));
  return verifyReport(cfg, sim, {
    samples: samples.length,
    trainingSamples: trains ? train.length : 0,
    cycles: sim.cycles - cyclesBefore,
    cyclesPerSample,
    bound,
    firstMismatch,
  });
}

/** A verify run's report from its counts; utilization = bound / cycles per sample. */
export function verifyReport(
  cfg: Config,
  sim: { readonly top: { readonly name: string } },
  r: {
    readonly samples: number;
    readonly trainingSamples: number;
    readonly cycles: number;
    readonly cyclesPerSample: number;
    readonly bound: number;
    readonly firstMismatch: Mismatch | null;
  },
): VerifyReport {
  return {
    equivalent: r.firstMismatch === null,
    samples: r.samples,
    trainingSamples: r.trainingSamples,
    cycles: r.cycles,
    cyclesPerSample: r.cyclesPerSample,
    boundCyclesPerSample: r.bound,
    utilization: r.cyclesPerSample ? r.bound / r.cyclesPerSample : 0,
    firstMismatch: r.firstMismatch,
    top: sim.top.name,
    config: cfg,
  };
}

/**
 * Replays the stream up to sample `n` in both engines (without stalls: the arithmetic does not
 * depend on them; the LFSRs advance with the stream) and compares everything the memories hold after it, in pipeline order:
 * the hidden activations (forward), the prediction, the errors (output error, then backward),
 * the weights (update).
 */
export async function locate(cfg: Config, weights: Int32Array, samples: Sample[], n: number, opts: VerifyOptions, top?: Module): Promise<Mismatch> {
  const golden = new GoldenAccelerator(opts.goldenConfig ?? cfg, { trace: true });
  golden.loadWeights(weights);
  for (let i = 0; i < n; i++) golden.sample(samples[i]!.input, samples[i]!.label, samples[i]!.train);
  const s = samples[n]!;
  const predicted = golden.sample(s.input, s.label, s.train).predicted;
  const trace = golden.lastTrace()!;
  // The design already built (when given) runs in a fresh simulation.
  const sim = await AcceleratorSim.create(cfg, simOptions(opts), top);
  try {
    // The same stream up to sample n (the LFSRs advance with it), then sample n alone.
    sim.run(weights, samples.slice(0, n), {});
    const [r] = sim.run(undefined, [s], {});
    const L = cfg.layers.length - 1;
    for (let k = 0; k < L - 1; k++) {
      const actual = sim.activations(k);
      const expected = trace.a[k + 1]!;
      const j = firstDiff(expected, actual);
      if (j >= 0)
        return { sample: n, phase: 'forward', layer: k + 1, neuron: j, expected: expected[j]!, actual: actual[j]!, detail: `activation a_${k + 1}[${j}]` };
    }
    if (r!.predicted !== predicted) {
      return { sample: n, phase: 'prediction', layer: L, neuron: predicted, expected: predicted, actual: r!.predicted, detail: 'predicted class' };
    }
    if (s.train) {
      for (let k = L - 1; k >= 0; k--) {
        const actual = sim.errors(k);
        const expected = trace.e[k]!;
        const j = firstDiff(expected, actual);
        if (j >= 0) {
          return {
            sample: n,
            phase: k === L - 1 ? 'output error' : 'backward',
            layer: k + 1,
            neuron: j,
            expected: expected[j]!,
            actual: actual[j]!,
            detail: `error e_${k + 1}[${j}]`,
          };
        }
      }
    }
    const rb = sim.readback();
    const want = golden.readWeights();
    const q = firstDiff(want, rb);
    if (q >= 0) {
      const where = golden.describeIndex(q);
      return { sample: n, phase: 'update', layer: layerOf(cfg, q), neuron: rowOf(cfg, q), index: q, expected: want[q]!, actual: rb[q]!, detail: where };
    }
    return weightsMismatch(n, 'the digests differed but a replay without stalls agrees: a stall-dependent bug');
  } finally {
    sim.close();
  }
}

/** The simulator options of a verify run: its waveform, and random initial state with --x-initial unique. */
export function simOptions(opts: VerifyOptions) {
  return {
    ...(opts.wave ? { wave: opts.wave } : {}),
    ...(opts.xRandomSeed ? { xRandom: true, seed: opts.xRandomSeed } : {}),
  };
}

function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** Weight layer (1-based) and row of stream index q. */
function layerOf(cfg: Config, q: number): number {
  let base = 0;
  for (let k = 0; k + 1 < cfg.layers.length; k++) {
    const n = cfg.layers[k + 1]! * (cfg.layers[k]! + 1);
    if (q < base + n) return k + 1;
    base += n;
  }
  return cfg.layers.length - 1;
}

function rowOf(cfg: Config, q: number): number {
  let base = 0;
  for (let k = 0; k + 1 < cfg.layers.length; k++) {
    const n = cfg.layers[k + 1]! * (cfg.layers[k]! + 1);
    if (q < base + n) return Math.floor((q - base) / (cfg.layers[k]! + 1));
    base += n;
  }
  return 0;
}

/** A mismatch of the weights after sample `n`, where no layer or value can be named. */
export function weightsMismatch(n: number, detail: string): Mismatch {
  return { sample: n, phase: 'weights', layer: 0, neuron: 0, expected: 0, actual: 0, detail };
}
