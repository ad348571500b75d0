/**
 * The accelerator's host interface under backpressure: weights loaded, trained and read back
 * with random stalls on every stream lose, duplicate or corrupt nothing; the cycle counters the
 * host reads add up.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../src/config/index.js';
import { randomWorkload } from '../../../../src/flows/rtl/verify.js';
import { GoldenAccelerator } from '../../../../src/model/accelerator.js';
import { AcceleratorSim } from '../../../../src/flows/rtl/harness/accelerator-sim.js';

describe('host interface', () => {
  it('read-back under heavy stalls returns exactly the trained weights, twice', async () => {
    const cfg = parseConfig({ layers: [7, 6, 4], pes: 3, accBits: 40, inputsPerBeat: 3 });
    const { weights, samples } = randomWorkload(cfg, { samples: 10, seed: 21, stallPermille: 0, inferFraction: 0.3 });
    const golden = new GoldenAccelerator(cfg);
    golden.loadWeights(weights);
    for (const s of samples) golden.sample(s.input, s.label, s.train);
    const sim = await AcceleratorSim.create(cfg);
    try {
      sim.run(weights, samples, { stallPermille: 600, stallSeed: 5 });
      const want = Array.from(golden.readWeights());
      expect(Array.from(sim.readback({ stallPermille: 700, stallSeed: 9 }))).toEqual(want);
      expect(Array.from(sim.readback({ stallPermille: 100, stallSeed: 3 }))).toEqual(want);
      // The counters: every phase counted, inside the busy time (the receive overlaps the
      // compute phases: docs/ARCHITECTURE.md §10); every sample done.
      const [receive, ...compute] = ['cycles_receive', 'cycles_forward', 'cycles_backward', 'cycles_update', 'cycles_emit'].map((n) => sim.peek(n));
      const busy = sim.peek('cycles_busy');
      expect([receive!, ...compute].every((c) => c > 0n)).toBe(true);
      expect(compute.reduce((a, b) => a + b, 0n)).toBeLessThanOrEqual(busy);
      expect(receive!).toBeLessThanOrEqual(busy);
      expect(sim.peek('samples_done')).toBe(BigInt(samples.length));
    } finally {
      sim.close();
    }
  });
});
