/**
 * 4-state check: the generated accelerator in Icarus Verilog (every register and memory starts
 * as X) on the same stimulus as Verilator. After reset and weight load no output and no weight
 * is ever X or Z, and the predictions and final weights equal Verilator's and the golden model's.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../src/config/index.js';
import { randomWorkload } from '../../../../src/flows/rtl/verify.js';
import { GoldenAccelerator } from '../../../../src/model/accelerator.js';
import { AcceleratorSim } from '../../../../src/flows/rtl/harness/accelerator-sim.js';
import { runIcarus } from '../../../../src/flows/rtl/harness/icarus.js';

const configs = [
  parseConfig({ layers: [5, 7, 3], pes: 4, accBits: 40, inputsPerBeat: 2 }),
  parseConfig({ layers: [6, 3, 4, 2], pes: 3, rounding: 'nearest', hidden: 'hardsigmoid', accBits: 40, inputsPerBeat: 4 }),
  parseConfig({ variant: 'dedicated', layers: [5, 6, 3], pes: 2, rounding: 'stochastic', inputsPerBeat: 3 }),
  parseConfig({ variant: 'inference', layers: [5, 7, 3], pes: 4, inputsPerBeat: 2 }),
];

describe('Icarus (4-state) ≡ Verilator ≡ golden model', () => {
  for (const cfg of configs) {
    it(`${cfg.variant} ${cfg.layers.join('-')} P=${cfg.pes}: no X after reset and load, identical results`, async () => {
      const { weights, samples } = randomWorkload(cfg, { samples: 12, seed: 11, stallPermille: 0, inferFraction: 0.25 });
      const ivl = await runIcarus(cfg, weights, samples);
      expect(ivl.xReports).toEqual([]);
      const golden = new GoldenAccelerator(cfg);
      golden.loadWeights(weights);
      const want = samples.map((s) => golden.sample(s.input, s.label, s.train).predicted);
      expect(ivl.predictions).toEqual(want);
      expect(ivl.weights).toEqual(Array.from(golden.readWeights()));
      const sim = await AcceleratorSim.create(cfg, { xRandom: true, seed: 99 });
      try {
        const rtl = sim.run(weights, samples);
        expect(rtl.map((r) => r.predicted)).toEqual(ivl.predictions);
        expect(Array.from(sim.readback())).toEqual(ivl.weights);
      } finally {
        sim.close();
      }
    });
  }
});
