/**
 * The accelerator of a network with convolution (generators/cnn/, docs/ARCHITECTURE.md §18): the
 * inference variant's three gates, determinism, the one-line refusals of what is not built yet, and
 * RTL ≡ golden model on real MNIST and Fashion-MNIST samples with stalls, with negative controls (a
 * golden model of a slightly different network must be told apart). Training: training.test.ts.
 * Random networks: test/property/cnn-equivalence.test.ts.
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

const imageNet = (over: Record<string, unknown> = {}): Config =>
  parseConfig({
    variant: 'inference',
    pes: 3,
    inputsPerBeat: 4,
    layers: IMAGE_LAYERS,
    ...over,
  });

describe('the accelerator of a network with convolution', () => {
  it('passes the three gates (Verilator -Wall, Icarus, Yosys without latches), per-layer formats too', async () => {
    const cfg = imageNet({
      act: [
        { bits: 8, frac: 6 },
        { bits: 8, frac: 5 },
        { bits: 8, frac: 7 },
        { bits: 8, frac: 6 },
      ],
      hidden: 'hardsigmoid',
    });
    await expectGatesPass(design(cfg));
  });

  it('is deterministic and lists its memories in the manifest', () => {
    const a = generateAccelerator(imageNet());
    const b = generateAccelerator(imageNet());
    expect(b.files).toEqual(a.files);
    const roles = a.manifest.memories.map((m) => `${m.role}×${m.instances} ${m.depth}x${m.width}`).sort();
    // weight banks, rows in groups of 3 lanes: 2 groups of 26 (conv 5×5×1 + bias), 2 of 37 (3×3×4 + bias),
    // 3 of 21 (the 2×2×5 map + bias), 4 of 9; buffers: the input (784) and the pooled 7×7×4 map (196: the pools are fused, so the 14×14×4 map is never stored)
    expect(roles).toEqual(['fmap0×1 784x8', 'fmap1×1 196x8', 'weight×3 225x12'].sort());
  });

  it('refuses in one line what it does not build yet: two pools in a row to train through', () => {
    const twoPools = [...IMAGE_LAYERS.slice(0, 3), { pool: { kind: 'max', size: 2 } }, { dense: 10 }];
    expect(() => design(imageNet({ variant: 'taxonn', layers: twoPools }))).toThrow(/^config: layers\[2\] and layers\[3\]: two pools in a row [^\n]*$/);
    expect(() => design(imageNet({ variant: 'dedicated', layers: twoPools }))).toThrow(/^config: layers\[2\] and layers\[3\]: two pools in a row [^\n]*$/);
    // the inference variant builds them
    expect(() => design(imageNet({ layers: twoPools }))).not.toThrow();
  });

  it('builds its memories single-port (weightPorts "1p"), from SRAM macros on an ASIC target: the same predictions and cycles', async () => {
    const macros = TWO_IHP_MACROS;
    const cfg = imageNet({ weightPorts: '1p' });
    const { manifest } = generateAccelerator(cfg, { sramMacros: macros });
    expect(manifest.memories.map((m) => [m.role, m.kind, m.instances, m.macros?.map((u) => u.cell)])).toEqual([
      ['weight', '1p', 3, ['RM_IHPSG13_1P_256x48_c2_bm_bist']],
      ['fmap0', '1p', 1, ['RM_IHPSG13_1P_1024x8_c2_bm_bist']],
      // the pooled 7 × 7 × 4 map: 196 × 8 bits fit one 256 × 48 macro, the cheaper one
      ['fmap1', '1p', 1, ['RM_IHPSG13_1P_256x48_c2_bm_bist']],
    ]);
    const data = datasetStimulus(cfg, 'mnist', 12);
    const opts = { samples: 12, seed: 5, stallPermille: 300, data, xRandomSeed: 77 };
    const [built, plain] = await Promise.all([verify(cfg, { ...opts, memoryTarget: { sramMacros: macros } }), verify(imageNet(), opts)]);
    expect([built.firstMismatch, plain.firstMismatch]).toEqual([null, null]);
    expect(built.cyclesPerSample).toBe(plain.cyclesPerSample);
  });

  it('waits for the drain where a border window issues fewer than P columns (a drain overrun, found by the map check)', async () => {
    // 3 × 3 "same" on 6 × 6 × 1 at P = 8: rows of 10 ≥ P, but a corner window has 4 taps (5 issues)
    const cfg = parseConfig({
      variant: 'inference',
      pes: 8,
      inputsPerBeat: 2,
      layers: [{ input: [6, 6, 1] }, { conv: { filters: 20, kernel: 3, padding: 'same' } }, { dense: 3 }],
    });
    const r = await verify(cfg, { samples: 6, seed: 2, stallPermille: 300 });
    expect(r.firstMismatch).toBeNull();
  });

  for (const dataset of ['mnist', 'fashion-mnist'] as const) {
    it(`equals the golden model on ${dataset}'s first 40 training samples, with stalls; a different network is told apart`, async () => {
      const cfg = imageNet();
      const data = datasetStimulus(cfg, dataset, 40);
      const r = await verify(cfg, { samples: 40, seed: 3, stallPermille: 300, data });
      expect(r.firstMismatch).toBeNull();
      expect(r.samples).toBe(40);
      // cycles: at least the MAC bound, at most what the issue walk costs
      expect(r.cyclesPerSample).toBeGreaterThanOrEqual(r.boundCyclesPerSample);
      expect(r.cyclesPerSample).toBeLessThanOrEqual(issueCycles(cnnPlan(cfg)) + 64);
      // negative control: the golden model of the same weights with an avg pool for the max pool must disagree somewhere
      const swapped = imageNet({ layers: IMAGE_LAYERS.map((l, i) => (i === 2 ? { pool: { kind: 'avg', size: 2 } } : l)) });
      const control = await verify(cfg, { samples: 40, seed: 3, stallPermille: 0, data, goldenConfig: swapped });
      expect(control.equivalent).toBe(false);
      // the feature maps left in the buffers differ (or, first, a prediction)
      expect(['forward', 'prediction']).toContain(control.firstMismatch?.phase);
    });
  }
});
