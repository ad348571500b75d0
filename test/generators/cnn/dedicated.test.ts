/**
 * The dedicated variant of a network with convolution (docs/ARCHITECTURE.md §18 "The dedicated
 * variant"): a PE with a multiplier per SGD element whose gradient register sums over the
 * positions, the learning-rate multiplier, and its own schedule (the backward pass of layers 2..L
 * also updates them) or taxonn's. The three gates, RTL ≡ golden model while training on real
 * samples with stalls in both schedules (with a negative control: taxonn's stochastic draw of the
 * low S bits must be told apart), taxonn's cycles with taxonn's schedule and fewer with its own,
 * and single-port memories from SRAM macros. Random networks: test/property/cnn-equivalence.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../../src/config/index.js';
import { datasetStimulus } from '../../../src/flows/rtl/dataset-stimulus.js';
import { generateAccelerator } from '../../../src/flows/rtl/generate.js';
import { verify } from '../../../src/flows/rtl/verify.js';
import { design } from '../../../generators/design.js';
import { IMAGE_LAYERS, TWO_IHP_MACROS } from '../../support/cnn-networks.js';
import { expectGatesPass } from '../../support/gates.js';

// 8-bit formats keep the Verilator builds small; weight.frac ≤ error.frac + act.frac as the dedicated variant asks
const net = (over: Record<string, unknown> = {}): Config =>
  parseConfig({
    variant: 'dedicated',
    pes: 3,
    inputsPerBeat: 4,
    layers: IMAGE_LAYERS,
    weight: { bits: 10, frac: 9 },
    act: { bits: 8, frac: 6 },
    error: { bits: 8, frac: 6 },
    accBits: 32,
    lrShift: 4,
    rounding: 'stochastic',
    ...over,
  });

describe('the dedicated variant of a network with convolution', () => {
  it('passes the three gates (Verilator -Wall, Icarus, Yosys without latches), with its learning-rate input and gradient sums', async () => {
    const cfg = net({ rounding: 'nearest' });
    expect(cfg.fuseBackwardUpdate).toBe(true); // its own schedule, the default
    const { files } = generateAccelerator(cfg);
    expect(files.filter((f) => /^pe_dedicated_.*_gacc\.v$/.test(f.file))).toHaveLength(1);
    expect(files.some((f) => /input\s+(wire\s+)?\[15:0\]\s+learning_rate/.test(f.text))).toBe(true);
    await expectGatesPass(design(cfg));
  });

  it("trains as the golden model on MNIST with stalls in both schedules, its own in fewer cycles; taxonn's stochastic draw is told apart", async () => {
    const cfg = net();
    const data = datasetStimulus(cfg, 'mnist', 16);
    const opts = { samples: 16, seed: 3, stallPermille: 300, data };
    const [r, sequential, taxonn] = await Promise.all([
      verify(cfg, opts),
      verify(net({ fuseBackwardUpdate: false }), opts),
      verify(net({ variant: 'taxonn' }), opts),
    ]);
    expect([r.firstMismatch, sequential.firstMismatch, taxonn.firstMismatch]).toEqual([null, null, null]);
    expect(r.trainingSamples).toBe(16);
    // taxonn's schedule on its own multipliers: the same walks, so the same cycles; its own leaves out the update passes of layers 2..L
    expect(sequential.cyclesPerSample).toBe(taxonn.cyclesPerSample);
    expect(r.cyclesPerSample).toBeLessThan(0.95 * taxonn.cyclesPerSample); // 93 % on this network
    expect(r.boundCyclesPerSample).toBeLessThan(taxonn.boundCyclesPerSample);
    // negative control: the golden model of taxonn (the shifter's draw of the low S bits) differs in the weights
    const shifter = await verify(cfg, { samples: 16, seed: 3, stallPermille: 0, data, goldenConfig: net({ variant: 'taxonn' }) });
    expect(shifter.firstMismatch?.phase).toBe('weights');
  });

  it('trains on single-port memories built from SRAM macros (weightPorts "2x1p": an issue waits for a write-back), with x-initialised registers', async () => {
    const cfg = net({ weightPorts: '2x1p', rounding: 'truncate' });
    const kinds = new Set(generateAccelerator(cfg, { sramMacros: TWO_IHP_MACROS }).manifest.memories.map((m) => m.kind));
    expect([...kinds]).toEqual(['1p']);
    const data = datasetStimulus(cfg, 'fashion-mnist', 8);
    const r = await verify(cfg, { samples: 8, seed: 5, stallPermille: 200, data, xRandomSeed: 91, memoryTarget: { sramMacros: TWO_IHP_MACROS } });
    expect(r.firstMismatch).toBeNull();
  });
});
