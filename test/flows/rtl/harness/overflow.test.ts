/**
 * Overflow corners, in the RTL and the golden model alike: the largest weights and activations,
 * the longest dot products a configuration allows, the largest learning rate (S = 0). Every
 * value saturates instead of wrapping, and both engines agree bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { deriveSizes, parseConfig, type Config } from '../../../../src/config/index.js';
import { GoldenAccelerator } from '../../../../src/model/accelerator.js';
import { weightDigest } from '../../../../src/model/digest.js';
import { AcceleratorSim, type Sample } from '../../../../src/flows/rtl/harness/accelerator-sim.js';

async function agree(cfg: Config, weights: Int32Array, samples: Sample[]) {
  const golden = new GoldenAccelerator(cfg);
  golden.loadWeights(weights);
  const sim = await AcceleratorSim.create(cfg);
  try {
    const rtl = sim.run(weights, samples, { digestEach: true });
    samples.forEach((s, i) => {
      const p = golden.sample(s.input, s.label, s.train).predicted;
      expect(rtl[i]!.predicted, `sample ${i}`).toBe(p);
      expect(rtl[i]!.digest, `sample ${i}`).toBe(weightDigest(golden.readWeights()) >>> 0);
    });
    return golden.readWeights();
  } finally {
    sim.close();
  }
}

describe('overflow corners', () => {
  // S = Ef + Af + k − Wf = 4 + 3 + 0 − 7 = 0: the largest learning rate these formats allow.
  const base = { layers: [40, 6, 3], pes: 2, weight: { bits: 8, frac: 7 }, act: { bits: 8, frac: 3 }, error: { bits: 8, frac: 4 }, lrShift: 0 };
  // The accumulator exactly as narrow as the configuration allows: the longest dot product at
  // the largest codes must still fit without wrapping.
  const minAcc = deriveSizes(parseConfig({ ...base, accBits: 48 })).minAccBits;

  for (const rounding of ['nearest', 'stochastic'] as const) {
    for (const [name, w, a] of [
      ['largest weights, largest activations', 127, 255],
      ['smallest weights, largest activations', -128, 255],
    ] as const) {
      it(`${name}, accBits at its minimum (${minAcc}), S = 0, ${rounding}: saturates, never wraps`, async () => {
        const cfg = parseConfig({ ...base, accBits: minAcc, rounding });
        expect(deriveSizes(cfg).updateShifts).toEqual(deriveSizes(cfg).layers.map(() => 0));
        const n = deriveSizes(cfg).layers.reduce((s, l) => s + l.nOut * (l.nIn + 1), 0);
        const weights = new Int32Array(n).fill(w);
        const samples: Sample[] = Array.from({ length: 8 }, (_, i) => ({ input: new Array(40).fill(a), label: i % 3, train: true }));
        const after = await agree(cfg, weights, samples);
        // Weights stayed inside the format and some sit at a limit.
        expect(after.every((x) => x >= -128 && x <= 127)).toBe(true);
        expect(after.some((x) => x === 127 || x === -128)).toBe(true);
      });
    }
  }

  it('one accumulator bit less than the minimum is refused by the configuration', () => {
    expect(() => parseConfig({ ...base, accBits: minAcc - 1 })).toThrow(/accBits must be an integer in/);
  });
});
