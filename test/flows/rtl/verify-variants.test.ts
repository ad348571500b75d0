/**
 * The baselines (docs/ARCHITECTURE.md §9) are bit-exact against their own golden-model modes:
 * `inference` (forward only: training samples are inferences and the weights never change) and
 * `dedicated` (separate multiplier arrays, a learning-rate multiplier, 16-bit defaults), on
 * random small configurations with random stalls, with negative controls showing that the
 * comparison can fail.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, formatFieldText, lrShiftText, parseConfig, resolveConfig, type Config } from '../../../src/config/index.js';
import { randomWorkload, verify } from '../../../src/flows/rtl/verify.js';
import { GoldenAccelerator } from '../../../src/model/accelerator.js';
import { weightDigest } from '../../../src/model/digest.js';
import { Rng } from '../../../src/model/rng.js';

function randomConfig(rng: Rng, variant: Config['variant']): Config {
  for (;;) {
    const layers = Array.from({ length: rng.int(2, 3) + 1 }, () => rng.int(1, 11));
    const fmt = (signed: boolean) => {
      const bits = rng.int(6, 16);
      return { bits, frac: rng.int(Math.max(0, bits - 4), signed ? bits - 1 : bits - 2) };
    };
    try {
      return parseConfig({
        variant,
        layers,
        pes: rng.pick([1, 2, 3, 4, 8]),
        weight: fmt(true),
        act: fmt(false),
        error: fmt(true),
        accBits: 48,
        lrShift: rng.int(1, 12),
        rounding: rng.pick(['truncate', 'nearest', 'stochastic'] as const),
        hidden: rng.pick(['relu', 'hardsigmoid'] as const),
        seed: rng.int(1, 65535),
        inputsPerBeat: rng.int(1, 4),
      });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
    }
  }
}

describe('variants: RTL ≡ their golden-model modes', () => {
  const rng = new Rng(515);
  for (const variant of ['inference', 'dedicated'] as const) {
    for (let n = 0; n < 4; n++) {
      const cfg = randomConfig(rng, variant);
      const name = `${variant} ${cfg.layers.join('-')} P=${cfg.pes} w${formatFieldText(cfg.weight, true)} a${formatFieldText(cfg.act, false)} e${formatFieldText(cfg.error, true)} k=${lrShiftText(cfg.lrShift)} ${cfg.rounding} ${cfg.hidden}`;
      it(`${name}: 30 samples with random stalls`, async () => {
        const r = await verify(cfg, { samples: 30, seed: n + 1, stallPermille: 250, sparsity: 0.3, xRandomSeed: 500 + n });
        expect(r.firstMismatch).toBeNull();
        expect(r.equivalent).toBe(true);
        expect(r.top.startsWith(`${variant}_`)).toBe(true);
        if (variant === 'inference') expect(r.trainingSamples).toBe(0);
        else expect(r.trainingSamples).toBeGreaterThan(0);
      });
    }
  }

  it('dedicated defaults: 16-bit formats, round to nearest; equivalent on 64-32-10 with P = 8', async () => {
    const cfg = resolveConfig({ overrides: { variant: 'dedicated', layers: [64, 32, 10], pes: 8 } });
    expect([cfg.weight, cfg.act, cfg.error, cfg.rounding]).toEqual([{ bits: 16, frac: 15 }, { bits: 16, frac: 12 }, { bits: 16, frac: 14 }, 'nearest']);
    const r = await verify(cfg, { samples: 12, seed: 9, stallPermille: 100, sparsity: 0.5 });
    expect(r.firstMismatch).toBeNull();
    // (a 64-input layer 1 over ~32 non-zero inputs: the per-layer fixed costs weigh more, §10)
    expect(r.utilization).toBeGreaterThan(0.7);
  });

  it('inference with s_sample beats narrower than the header (which it ignores): generates and is equivalent', async () => {
    // found by `npm run fuzz -- --seed 20261206`: 4-bit beats, 9 classes (a 5-bit header) was a design error
    const cfg = parseConfig({
      variant: 'inference',
      layers: [1, 9],
      pes: 1,
      weight: { bits: 4, frac: 1 },
      act: { bits: 4, frac: 1 },
      inputsPerBeat: 1,
      skipZeroInputs: false,
    });
    const r = await verify(cfg, { samples: 11, seed: 763122, stallPermille: 300 });
    expect(r.firstMismatch).toBeNull();
    expect(r.equivalent).toBe(true);
  });

  it('inference: the cycle bound counts forward MACs only, and the weights never change', async () => {
    const cfg = parseConfig({ variant: 'inference', layers: [64, 32, 10], pes: 8 });
    const r = await verify(cfg, { samples: 12, seed: 4, stallPermille: 0, inferFraction: 0 });
    expect(r.firstMismatch).toBeNull();
    // With skipZeroInputs (the default) layer 1 issues the non-zero inputs and the bias only.
    const all = randomWorkload(cfg, { samples: 12, seed: 4, stallPermille: 0, inferFraction: 0 }).samples;
    const bounds = all.map((s) => Math.ceil((32 * (s.input.filter((v) => v !== 0).length + 1) + 10 * 33) / 8));
    expect(r.boundCyclesPerSample).toBeCloseTo(bounds.reduce((a, b) => a + b, 0) / bounds.length, 9);
    expect(r.utilization).toBeGreaterThan(0.75);
    const dense = await verify({ ...cfg, skipZeroInputs: false }, { samples: 4, seed: 4, stallPermille: 0, inferFraction: 0 });
    expect(dense.firstMismatch).toBeNull();
    expect(dense.boundCyclesPerSample).toBe(Math.ceil((32 * 65 + 10 * 33) / 8));
    expect(dense.utilization).toBeGreaterThan(0.85);
    const { weights, samples } = randomWorkload(cfg, { samples: 5, seed: 4, stallPermille: 0, inferFraction: 0 });
    const golden = new GoldenAccelerator(cfg);
    golden.loadWeights(weights);
    for (const s of samples) golden.sample(s.input, s.label, true);
    expect(weightDigest(golden.readWeights())).toBe(weightDigest(weights));
  });

  it('dedicated: its own schedule updates layers 2..L in their backward pass (no update pass there), equivalent with the same results as taxonn', async () => {
    // the same formats and nearest rounding in both variants, no skipping, no stalls: the schedule does not depend on the data
    const base = {
      pes: 3,
      skipZeroInputs: false,
      skipZeroErrors: false,
      skipZeroActivations: false,
      weight: { bits: 16, frac: 12 },
      act: { bits: 8, frac: 6 },
      error: { bits: 8, frac: 6 },
      rounding: 'nearest' as const,
      lrShift: 4,
    };
    for (const layers of [
      [9, 7, 5, 3],
      [6, 10, 4],
    ]) {
      const opts = { samples: 6, seed: 3, stallPermille: 0, inferFraction: 0 };
      const cfgs = (['taxonn', 'dedicated'] as const).map((variant) => resolveConfig({ overrides: { ...base, layers, variant } }));
      const sequential = resolveConfig({ overrides: { ...base, layers, variant: 'dedicated', fuseBackwardUpdate: false } });
      const [tax, ded, seq] = await Promise.all([...cfgs, sequential].map((cfg) => verify(cfg, opts)));
      expect(tax!.equivalent && ded!.equivalent && seq!.equivalent).toBe(true);
      // fuseBackwardUpdate false: taxonn's schedule on the dedicated datapath, the same cycles
      expect(seq!.cyclesPerSample).toBe(tax!.cyclesPerSample);
      // with nearest rounding the order of the updates changes no value: both golden models (each
      // equal to its RTL) end with the same weights
      const digests = cfgs.map((cfg) => {
        const { weights, samples } = randomWorkload(cfg, opts);
        const golden = new GoldenAccelerator(cfg);
        golden.loadWeights(weights);
        for (const x of samples) golden.sample(x.input, x.label, x.train);
        return weightDigest(golden.readWeights());
      });
      expect(digests[1]).toBe(digests[0]);
      // per layer l ≥ 2 the update pass goes (upd_init, a fetch and a row per group, upd_wait's 3 cycles)
      // and its bias column joins the backward pass, where its G_l ≤ 2 issues overlap the backward sum's drain
      const groups = layers.slice(1).map((n) => Math.ceil(n / 3));
      const saved = groups.slice(1).reduce((t, G, k) => t + 4 + G * (layers[k + 1]! + 2), 0);
      expect(tax!.cyclesPerSample - ded!.cyclesPerSample, layers.join('-')).toBe(saved);
      expect(ded!.boundCyclesPerSample).toBeLessThan(tax!.boundCyclesPerSample);
    }
  });

  it('negative controls: each variant diverges from another mode', async () => {
    // The dedicated multiplier draws its stochastic bits from the top of the LFSR state: a
    // golden model in taxonn mode (low bits) must disagree when S < 16.
    const ded = parseConfig({
      variant: 'dedicated',
      layers: [6, 5, 3],
      pes: 2,
      weight: { bits: 12, frac: 11 },
      act: { bits: 8, frac: 6 },
      error: { bits: 8, frac: 6 },
      rounding: 'stochastic',
      accBits: 40,
    });
    const a = await verify(ded, { samples: 10, seed: 3, stallPermille: 0, inferFraction: 0, goldenConfig: { ...ded, variant: 'taxonn' } });
    expect(a.equivalent).toBe(false);
    expect(a.firstMismatch?.phase).toBe('update');
    // The inference RTL does not train: a training golden model diverges on the first sample.
    const inf = parseConfig({ variant: 'inference', layers: [6, 5, 3], pes: 2 });
    const b = await verify(inf, { samples: 10, seed: 3, stallPermille: 0, inferFraction: 0, goldenConfig: { ...inf, variant: 'taxonn' } });
    expect(b.equivalent).toBe(false);
    expect(b.firstMismatch?.sample).toBe(0);
  });
});
