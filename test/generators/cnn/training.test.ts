/**
 * The training RTL of a network with convolution (the taxonn variant, docs/ARCHITECTURE.md §18
 * "Training"): the three gates, determinism and the memories training adds, and RTL ≡ golden model
 * while training on real MNIST and Fashion-MNIST samples with stalls (every prediction, the weights'
 * digest after every sample, every feature map), with negative controls: a golden model that rounds
 * the update differently, or routes a max pool's error as an avg pool's, must be told apart.
 * Random networks: test/property/cnn-equivalence.test.ts (half of its cases train).
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../../src/config/index.js';
import { datasetStimulus } from '../../../src/flows/rtl/dataset-stimulus.js';
import { generateAccelerator } from '../../../src/flows/rtl/generate.js';
import { verify } from '../../../src/flows/rtl/verify.js';
import { design } from '../../../generators/design.js';
import { IMAGE_LAYERS, TWO_IHP_MACROS } from '../../support/cnn-networks.js';
import { expectGatesPass } from '../../support/gates.js';
import { cnnPlan, issueCycles } from '../../../generators/cnn/plan.js';

const LAYERS = IMAGE_LAYERS;
const trainNet = (over: Record<string, unknown> = {}): Config =>
  parseConfig({ variant: 'taxonn', pes: 3, inputsPerBeat: 4, layers: LAYERS, lrShift: 4, rounding: 'stochastic', ...over });

describe('the training RTL of a network with convolution', () => {
  it('passes the three gates (Verilator -Wall, Icarus, Yosys without latches), per-layer formats and hard-sigmoid too', async () => {
    const cfg = trainNet({
      act: [
        { bits: 8, frac: 6 },
        { bits: 8, frac: 5 },
        { bits: 8, frac: 7 },
        { bits: 8, frac: 6 },
      ],
      lrShift: [3, 4, 5, 6],
      hidden: 'hardsigmoid',
    });
    await expectGatesPass(design(cfg));
  });

  it('is deterministic and lists the memories training adds: every map kept, the errors, the backward sums, the kept places', () => {
    const a = generateAccelerator(trainNet());
    const b = generateAccelerator(trainNet());
    expect(b.files).toEqual(a.files);
    const roles = a.manifest.memories.map((m) => `${m.role}×${m.instances} ${m.depth}x${m.width}`).sort();
    // maps (no pool fused): 0 input 784, 1 conv 14×14×4 = 784, 2 pool 7×7×4 = 196, 3 conv 5×5×5 = 125,
    // 4 pool 2×2×5 = 20, 5 dense 8; even maps in fmap0 (784 + 196 + 20), odd in fmap1 (784 + 125 + 8)
    // errors per lane: groups × positions: 2 × 196 + 2 × 25 + 3 × 1 + 4 × 1; sums: the largest input of
    // layers 2..4 (196); kept places: the max pool's 196 outputs (the avg pool keeps none)
    expect(roles).toEqual(['fmap0×1 1000x8', 'fmap1×1 917x8', 'weight×3 225x12', 'error×3 449x8', 'bsum×1 196x32', 'kept×1 196x2'].sort());
  });

  for (const dataset of ['mnist', 'fashion-mnist'] as const) {
    it(`trains as the golden model on ${dataset}'s first 24 training samples, with stalls; a different rounding or pool route is told apart`, async () => {
      const cfg = trainNet();
      const data = datasetStimulus(cfg, dataset, 24);
      const r = await verify(cfg, { samples: 24, seed: 3, stallPermille: 300, data });
      expect(r.firstMismatch).toBeNull();
      expect([r.samples, r.trainingSamples]).toEqual([24, 24]);
      expect(r.cyclesPerSample).toBeGreaterThanOrEqual(r.boundCyclesPerSample);
      expect(r.cyclesPerSample).toBeLessThanOrEqual(issueCycles(cnnPlan(cfg)) + 64);
      // negative controls: a golden model that rounds the update to nearest, or has an avg pool for the max pool
      const nearest = await verify(cfg, { samples: 24, seed: 3, stallPermille: 0, data, goldenConfig: trainNet({ rounding: 'nearest' }) });
      expect(nearest.firstMismatch?.phase).toBe('weights');
      const avg = trainNet({ layers: LAYERS.map((l, i) => (i === 2 ? { pool: { kind: 'avg', size: 2 } } : l)) });
      const routed = await verify(cfg, { samples: 24, seed: 3, stallPermille: 0, data, goldenConfig: avg });
      expect(routed.equivalent).toBe(false);
    });
  }

  it('trains on single-port memories (weightPorts "1p"), from SRAM macros on an ASIC target: the same weights; the backward pass at half rate', async () => {
    const macros = TWO_IHP_MACROS;
    const cfg = trainNet({ weightPorts: '1p' });
    const { manifest } = generateAccelerator(cfg, { sramMacros: macros });
    const kinds = Object.fromEntries(manifest.memories.map((m) => [m.role, m.kind]));
    expect(kinds).toEqual({ weight: '1p', fmap0: '1p', fmap1: '1p', error: '1p', bsum: '1p', kept: '1p' });
    const data = datasetStimulus(cfg, 'mnist', 10);
    const opts = { samples: 10, seed: 5, stallPermille: 300, data, xRandomSeed: 77 };
    const [built, plain] = await Promise.all([verify(cfg, { ...opts, memoryTarget: { sramMacros: macros } }), verify(trainNet(), opts)]);
    expect([built.firstMismatch, plain.firstMismatch]).toEqual([null, null]);
    // every other cycle in the backward pass (and the update of the dense layers): more cycles, the same results
    expect(built.cyclesPerSample).toBeGreaterThan(plain.cyclesPerSample);
    expect(built.cyclesPerSample).toBeLessThan(2 * plain.cyclesPerSample);
  });

  it('trains with every skip setting off and truncation, on random samples with inferences among them', async () => {
    const cfg = trainNet({ rounding: 'truncate', skipZeroInputs: false, skipZeroActivations: false, skipZeroErrors: false, pes: 4 });
    const r = await verify(cfg, { samples: 20, seed: 11, stallPermille: 200 });
    expect(r.firstMismatch).toBeNull();
    expect(r.trainingSamples).toBeGreaterThan(0);
    expect(r.trainingSamples).toBeLessThan(20);
  });
});
