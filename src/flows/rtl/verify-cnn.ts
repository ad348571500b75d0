/**
 * `taxonn verify` of a network with convolution (docs/ARCHITECTURE.md §18): a random sample
 * stream through the Verilated RTL and through GoldenConvNetwork, compared per sample (the
 * prediction, and a digest of every weight in the banks: nothing may change them). The RTL
 * builds the inference variant of these networks so far, so every sample is an inference.
 */
import { bitsOf, fusesUpdate, type Config } from '../../config/index.js';
import { weightLayers } from '../../config/network.js';
import { weightDigest } from '../../model/digest.js';
import { GoldenConvNetwork } from '../../model/cnn/golden.js';
import { weightGeometry } from '../../model/cnn/geometry.js';
import { Rng } from '../../model/rng.js';
import { AcceleratorSim, type Sample, type SampleResult } from './harness/accelerator-sim.js';
import { design } from '../../../generators/design.js';
import { cnnPlan, type CnnPlan } from '../../../generators/cnn/plan.js';
import { simOptions, verifyReport, type Mismatch, type VerifyOptions, type VerifyReport } from './verify.js';

/** The workload: initial weights (or the given ones) and random samples (or the given real ones) (He/Glorot, as training starts) and samples, from `opts.seed`. */
export function randomCnnWorkload(
  cfg: Config,
  opts: Pick<VerifyOptions, 'seed' | 'samples' | 'sparsity' | 'weights' | 'data' | 'inferFraction'>,
): { weights: Int32Array; samples: Sample[] } {
  const weights = opts.weights ?? GoldenConvNetwork.initialWeights(cfg, opts.seed);
  // the inference variant infers every sample; a training variant trains most of them (as the dense verify)
  const trains = cfg.variant !== 'inference';
  if (opts.data) return { weights, samples: opts.data.inputs.map((input, i) => ({ input, label: opts.data!.labels[i]!, train: trains })) };
  const rng = new Rng(opts.seed ^ 0x5bd1e995);
  const maxA = 2 ** bitsOf(cfg.act) - 1;
  const classes = weightLayers(cfg.network!).at(-1)!.out.channels;
  const samples: Sample[] = [];
  for (let i = 0; i < opts.samples; i++) {
    const input = Int32Array.from({ length: cfg.layers[0]! }, () => (rng.bool(opts.sparsity ?? 0.5) ? 0 : rng.int(0, maxA)));
    const label = trains ? rng.int(0, classes - 1) : 0;
    samples.push({ input, label, train: trains && !rng.bool(opts.inferFraction ?? 0.2) });
  }
  return { weights, samples };
}

/**
 * The MACs one inference needs: per weight layer, each needed output position's rows times its
 * taps inside the map (the padding's are not needed) and the bias. Bound cycles = MACs / P.
 */
export function cnnForwardMacs(cfg: Config): number {
  const network = cfg.network;
  if (!network) throw new RangeError('cnnForwardMacs: not a network with convolution');
  let macs = 0;
  for (const l of weightLayers(network)) {
    const g = weightGeometry(l);
    // a pool after a convolution drops an odd last row or column: those positions are not needed
    const next = network.layers[network.layers.indexOf(l) + 1];
    const rows = next?.kind === 'pool' ? 2 * next.out.height : l.out.height;
    const cols = next?.kind === 'pool' ? 2 * next.out.width : l.out.width;
    for (let o = 0; o < g.positions; o++) {
      const oy = Math.floor(o / l.out.width);
      if (oy < rows && o % l.out.width < cols) macs += g.rows * ((g.tapStart[o + 1]! - g.tapStart[o]!) * g.channels + 1);
    }
  }
  return macs;
}

/**
 * The MACs one training sample needs: the forward pass's (cnnForwardMacs), the backward pass's
 * (every weight layer but the first: each position's rows times its taps inside the map) and the
 * gradients' (every weight layer: the same taps and the bias; a fused issue of the dedicated
 * variant's schedule counts once). Bound cycles = MACs / P.
 */
export function cnnTrainingMacs(cfg: Config): number {
  const network = cfg.network;
  if (!network) throw new RangeError('cnnTrainingMacs: not a network with convolution');
  let macs = cnnForwardMacs(cfg);
  weightLayers(network).forEach((l, k) => {
    const g = weightGeometry(l);
    for (let o = 0; o < g.positions; o++) {
      const taps = (g.tapStart[o + 1]! - g.tapStart[o]!) * g.channels;
      // the dedicated variant's fused schedule issues a weight's backward product and gradient together (§18)
      macs += g.rows * (taps + 1) + (k > 0 && !fusesUpdate(cfg, k) ? g.rows * taps : 0);
    }
  });
  return macs;
}

/** Samples between two comparisons of the feature maps left in the buffers (every sample of a short run). */
const MAP_CHECK_EVERY = 10;

export async function verifyCnn(cfg: Config, opts: VerifyOptions): Promise<VerifyReport> {
  const { weights, samples } = randomCnnWorkload(cfg, opts);
  const sim = await AcceleratorSim.create(cfg, simOptions(opts), design(cfg, opts.memoryTarget));
  const cyclesBefore = sim.cycles;
  const golden = new GoldenConvNetwork(opts.goldenConfig ?? cfg);
  golden.loadWeights(weights);
  const results: SampleResult[] = [];
  const plan = cnnPlan(cfg);
  const stepInputs = stepInputMaps(plan);
  let firstMismatch: Mismatch | null = null;
  // in chunks: after each, the last two maps the buffers hold are compared with the golden model's
  const every = samples.length <= 4 * MAP_CHECK_EVERY ? 1 : MAP_CHECK_EVERY;
  try {
    for (let from = 0; from < samples.length && !firstMismatch; from += every) {
      const chunk = samples.slice(from, from + every);
      const rs = sim.run(from === 0 ? weights : undefined, chunk, { digestEach: true, stallPermille: opts.stallPermille, stallSeed: opts.seed + from });
      results.push(...rs);
      for (let k = 0; k < chunk.length && !firstMismatch; k++) firstMismatch = sampleMismatch(cfg, golden, chunk[k]!, rs[k]!, from + k);
      if (!firstMismatch && sim.mapsReadable) firstMismatch = mapMismatch(sim, golden, plan, stepInputs, from + chunk.length - 1);
    }
  } finally {
    sim.close();
  }
  // cycles per training sample (per sample for the inference variant), against that sample's MAC bound
  const trains = cfg.variant !== 'inference';
  const counted = results.filter((_, i) => !trains || samples[i]!.train);
  const cyclesPerSample = counted.reduce((s, r) => s + r.cycles, 0) / Math.max(1, counted.length);
  const bound = (trains ? cnnTrainingMacs(cfg) : cnnForwardMacs(cfg)) / cfg.pes;
  const trainingSamples = trains ? results.filter((_, i) => samples[i]!.train).length : 0;
  return verifyReport(cfg, sim, { samples: results.length, trainingSamples, cycles: sim.cycles - cyclesBefore, cyclesPerSample, bound, firstMismatch });
}

/** The sample's prediction against the golden model's (which runs it now), and the weights' digest against the golden model's (an inference leaves them unchanged). */
function sampleMismatch(cfg: Config, golden: GoldenConvNetwork, s: Sample, r: SampleResult, i: number): Mismatch | null {
  const predicted = s.train ? golden.train(s.input, s.label) : golden.infer(s.input);
  if (predicted !== r.predicted) {
    return {
      sample: i,
      phase: 'prediction',
      layer: cfg.layers.length - 1,
      neuron: predicted,
      expected: predicted,
      actual: r.predicted,
      detail: 'predicted class',
    };
  }
  const digest = weightDigest(golden.readWeights()) >>> 0;
  if (r.digest !== digest) {
    return {
      sample: i,
      phase: 'weights',
      layer: 0,
      neuron: 0,
      expected: digest,
      actual: r.digest,
      detail: s.train ? "the weights after this training sample differ from the golden model's" : 'the weights in the banks changed during an inference',
    };
  }
  return null;
}

/** Which layer object's output (the golden model's `lastMaps` index) each step reads: a step with a fused pool covers two layer objects. */
function stepInputMaps(plan: CnnPlan): number[] {
  const out = [0];
  for (const s of plan.steps.slice(0, -1)) out.push(out.at(-1)! + (s.kind === 'weights' && s.pool ? 2 : 1));
  return out;
}

/**
 * The maps the buffers hold after sample `i` against the golden model's of the same sample: the
 * inference variant's last two (step S − 1's input, the output layer's, and step S − 2's, §18); a
 * training variant keeps every map, each at its base.
 */
function mapMismatch(sim: AcceleratorSim, golden: GoldenConvNetwork, plan: CnnPlan, stepInputs: readonly number[], i: number): Mismatch | null {
  const all = golden.lastMaps();
  const maps = stepInputs.map((j) => all[j]!);
  const checked = plan.train ? maps.map((_, m) => m) : [maps.length - 1, maps.length - 2];
  for (const m of checked) {
    const want = maps[m];
    if (m < 0 || !want) continue;
    const got = sim.mapWords((m % 2) as 0 | 1, want.length, plan.train?.mapBase[m] ?? 0);
    const j = want.findIndex((v, a) => v !== got[a]);
    if (j >= 0)
      return {
        sample: i,
        phase: 'forward',
        layer: m,
        neuron: j,
        expected: want[j]!,
        actual: got[j]!,
        detail: `feature map ${m} (the input of step ${m}), value ${j}`,
      };
  }
  return null;
}
