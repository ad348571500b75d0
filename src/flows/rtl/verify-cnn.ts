/**
 * `taxonn verify` of a network with convolution (docs/ARCHITECTURE.md §18): a random sample
 * stream through the Verilated RTL and through GoldenConvNetwork, compared per sample (the
 * prediction, and a digest of every weight in the banks: nothing may change them). The RTL
 * builds the inference variant of these networks so far, so every sample is an inference.
 */
import { bitsOf, type Config } from '../../config/index.js';
import { weightLayers } from '../../config/network.js';
import { weightDigest } from '../../model/digest.js';
import { GoldenConvNetwork } from '../../model/cnn/golden.js';
import { weightGeometry } from '../../model/cnn/geometry.js';
import { Rng } from '../../model/rng.js';
import { AcceleratorSim, type Sample } from './harness/accelerator-sim.js';
import { design } from '../../../generators/design.js';
import { simOptions, verifyReport, type VerifyOptions, type VerifyReport } from './verify.js';

/** The workload: initial weights (or the given ones) and random samples (or the given real ones) (He/Glorot, as training starts) and samples, from `opts.seed`. */
export function randomCnnWorkload(
  cfg: Config,
  opts: Pick<VerifyOptions, 'seed' | 'samples' | 'sparsity' | 'weights' | 'data'>,
): { weights: Int32Array; samples: Sample[] } {
  const weights = opts.weights ?? GoldenConvNetwork.initialWeights(cfg, opts.seed);
  if (opts.data) return { weights, samples: opts.data.inputs.map((input, i) => ({ input, label: opts.data!.labels[i]!, train: false })) };
  const rng = new Rng(opts.seed ^ 0x5bd1e995);
  const maxA = 2 ** bitsOf(cfg.act) - 1;
  const samples: Sample[] = [];
  for (let i = 0; i < opts.samples; i++) {
    const input = Int32Array.from({ length: cfg.layers[0]! }, () => (rng.bool(opts.sparsity ?? 0.5) ? 0 : rng.int(0, maxA)));
    samples.push({ input, label: 0, train: false });
  }
  return { weights, samples };
}

/**
 * The MACs one inference needs: per weight layer, each output position's rows times its taps
 * inside the map (the padding's are not needed) and the bias. Bound cycles = MACs / P.
 */
export function cnnForwardMacs(cfg: Config): number {
  if (!cfg.network) throw new RangeError('cnnForwardMacs: not a network with convolution');
  return weightLayers(cfg.network).reduce((sum, l) => {
    const g = weightGeometry(l);
    return sum + g.rows * (g.pixel.length * g.channels + g.positions);
  }, 0);
}

export async function verifyCnn(cfg: Config, opts: VerifyOptions): Promise<VerifyReport> {
  const { weights, samples } = randomCnnWorkload(cfg, opts);
  const sim = await AcceleratorSim.create(cfg, simOptions(opts), design(cfg, opts.memoryTarget));
  const cyclesBefore = sim.cycles;
  let results: ReturnType<typeof sim.run>;
  try {
    results = sim.run(weights, samples, { digestEach: true, stallPermille: opts.stallPermille, stallSeed: opts.seed });
  } finally {
    sim.close();
  }
  const golden = new GoldenConvNetwork(opts.goldenConfig ?? cfg);
  golden.loadWeights(weights);
  const digest = weightDigest(weights) >>> 0;
  let firstMismatch: VerifyReport['firstMismatch'] = null;
  for (let i = 0; i < samples.length && !firstMismatch; i++) {
    const predicted = golden.infer(samples[i]!.input);
    const r = results[i]!;
    if (predicted !== r.predicted) {
      firstMismatch = {
        sample: i,
        phase: 'prediction',
        layer: cfg.layers.length - 1,
        neuron: predicted,
        expected: predicted,
        actual: r.predicted,
        detail: 'predicted class',
      };
    } else if (r.digest !== digest) {
      firstMismatch = {
        sample: i,
        phase: 'weights',
        layer: 0,
        neuron: 0,
        expected: digest,
        actual: r.digest,
        detail: 'the weights in the banks changed during an inference',
      };
    }
  }
  const cyclesPerSample = results.reduce((s, r) => s + r.cycles, 0) / Math.max(1, results.length);
  const bound = cnnForwardMacs(cfg) / cfg.pes;
  return verifyReport(cfg, sim, { samples: samples.length, trainingSamples: 0, cycles: sim.cycles - cyclesBefore, cyclesPerSample, bound, firstMismatch });
}
