/**
 * skipZeroActivations (docs/ARCHITECTURE.md §16): the backward pass and the update of layers 2..L
 * issue only the columns whose activation is non-zero. Run on and off over one stream (no stalls,
 * dense receive and no skipped error groups, so a sample's cycles follow from its activations),
 * each equal to its golden model sample by sample: each training sample takes exactly 2 · G_l
 * cycles less per zero activation of each layer l − 1 ≥ 1 (G_l in the backward pass, G_l in the
 * update; more when a layer has none: its backward pass then has no pipeline to drain); the
 * update's draws are numbered over the issued columns, so only stochastic weights differ (a golden
 * model that numbers them over every column mismatches), for taxonn and for the dedicated
 * variant's fused pass (§9).
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig, type Config } from '../../../src/config/index.js';
import { AcceleratorSim, type Sample, type SampleResult } from '../../../src/flows/rtl/harness/accelerator-sim.js';
import { randomWorkload, verify } from '../../../src/flows/rtl/verify.js';
import { GoldenAccelerator } from '../../../src/model/accelerator.js';
import { weightDigest } from '../../../src/model/digest.js';

interface Run {
  readonly results: SampleResult[];
  /** Per sample: matches the golden model, and each hidden layer's zero activations (a training sample's). */
  readonly equal: boolean[];
  readonly zeros: number[][];
}

async function run(cfg: Config, weights: Int32Array, samples: readonly Sample[]): Promise<Run> {
  const sim = await AcceleratorSim.create(cfg);
  let results: SampleResult[];
  try {
    results = sim.run(weights, samples, { digestEach: true });
  } finally {
    sim.close();
  }
  const golden = new GoldenAccelerator(cfg, { trace: true });
  golden.loadWeights(weights);
  const equal: boolean[] = [];
  const zeros: number[][] = [];
  samples.forEach((s, i) => {
    const predicted = golden.sample(s.input, s.label, s.train).predicted;
    equal.push(predicted === results[i]!.predicted && weightDigest(golden.readWeights()) >>> 0 === results[i]!.digest);
    const a = golden.lastTrace()!.a;
    zeros.push(a.slice(1).map((h) => h.filter((v) => v === 0).length));
  });
  return { results, equal, zeros };
}

const base = { layers: [12, 9, 7, 4], pes: 3, skipZeroInputs: false, skipZeroErrors: false };

describe('skipZeroActivations', () => {
  it('taxonn: 2 · G_l fewer cycles per zero activation of layer l − 1; with round to nearest the same weights', async () => {
    for (const rounding of ['nearest', 'stochastic'] as const) {
      const on = resolveConfig({ overrides: { ...base, rounding, skipZeroActivations: true } });
      const off = resolveConfig({ overrides: { ...base, rounding, skipZeroActivations: false } });
      const { weights, samples } = randomWorkload(on, { samples: 40, seed: 11, stallPermille: 0, inferFraction: 0.2 });
      const [a, b] = await Promise.all([run(on, weights, samples), run(off, weights, samples)]);
      expect(a.equal.every(Boolean) && b.equal.every(Boolean)).toBe(true);
      const groups = base.layers.slice(2).map((n) => Math.ceil(n / base.pes));
      let exact = 0;
      samples.forEach((s, i) => {
        const saved = b.results[i]!.cycles - a.results[i]!.cycles;
        if (rounding === 'nearest') expect(a.results[i]!.digest).toBe(b.results[i]!.digest);
        if (!s.train) return expect(saved).toBe(0);
        const zeros = a.zeros[i]!;
        const expected = zeros.reduce((t, z, h) => t + 2 * groups[h]! * z, 0);
        // a layer without a non-zero activation also skips its backward pipeline's drain
        if (zeros.every((z, h) => z < base.layers[h + 1]!)) {
          expect(saved, `sample ${i}`).toBe(expected);
          exact++;
        } else expect(saved).toBeGreaterThan(expected);
      });
      expect(exact).toBeGreaterThan(20);
      const last = samples.length - 1;
      if (rounding === 'stochastic') expect(a.results[last]!.digest).not.toBe(b.results[last]!.digest);
    }
    // negative control: a golden model that numbers the update's draws over every column
    const on = resolveConfig({ overrides: { ...base, rounding: 'stochastic', skipZeroActivations: true } });
    const r = await verify(on, { samples: 10, seed: 12, stallPermille: 0, inferFraction: 0, goldenConfig: { ...on, skipZeroActivations: false } });
    expect(r.equivalent).toBe(false);
    expect(r.firstMismatch?.phase).toBe('update');
  }, 180_000);

  it('dedicated, fused: its draws numbered over the issued columns; with round to nearest the same weights', async () => {
    for (const rounding of ['stochastic', 'nearest'] as const) {
      const cfg = (skip: boolean) => resolveConfig({ overrides: { ...base, rounding, variant: 'dedicated', skipZeroActivations: skip } });
      const { weights, samples } = randomWorkload(cfg(true), { samples: 30, seed: 12, stallPermille: 0, inferFraction: 0 });
      const [a, b] = await Promise.all([run(cfg(true), weights, samples), run(cfg(false), weights, samples)]);
      expect(a.equal.every(Boolean) && b.equal.every(Boolean)).toBe(true);
      const last = samples.length - 1;
      if (rounding === 'nearest') expect(a.results[last]!.digest).toBe(b.results[last]!.digest);
      else expect(a.results[last]!.digest).not.toBe(b.results[last]!.digest);
      expect(a.results.reduce((t, r) => t + r.cycles, 0)).toBeLessThan(b.results.reduce((t, r) => t + r.cycles, 0));
    }
    // negative control: a golden model that numbers the fused draws over every column
    const on = resolveConfig({ overrides: { ...base, rounding: 'stochastic', variant: 'dedicated', skipZeroActivations: true } });
    const r = await verify(on, { samples: 10, seed: 12, stallPermille: 0, inferFraction: 0, goldenConfig: { ...on, skipZeroActivations: false } });
    expect(r.equivalent).toBe(false);
    expect(r.firstMismatch?.phase).toBe('update');
  }, 120_000);
});
