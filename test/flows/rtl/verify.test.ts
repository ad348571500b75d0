/**
 * The accelerator RTL is bit-exact against the golden model on many random small
 * configurations (odd sizes, P not dividing them, P = 1, P larger than a layer, 2–4 layers,
 * formats from 4 to 16 bits, every rounding mode, both activations) with random data and random
 * stalls on every stream (Verilator with random initial state and X values, so a reset bug cannot
 * hide behind zeros), and on one realistic configuration.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, deriveSizes, formatFieldText, lrShiftText, parseConfig, type Config } from '../../../src/config/index.js';
import { Rng } from '../../../src/model/rng.js';
import { verify } from '../../../src/flows/rtl/verify.js';
import { generateAccelerator } from '../../../src/flows/rtl/generate.js';
import { emitForSim } from '../../../src/sim/from-module.js';
import { verilatorLint } from '../../../src/tools/index.js';

function randomConfig(rng: Rng): Config {
  for (;;) {
    const nLayers = rng.int(2, 4);
    const layers = Array.from({ length: nLayers + 1 }, () => rng.int(1, 13));
    const fmt = (signed: boolean) => {
      const bits = rng.int(4, 16);
      return { bits, frac: rng.int(Math.max(0, bits - 4), signed ? bits - 1 : bits - 2) };
    };
    const weight = fmt(true);
    const act = fmt(false);
    const error = fmt(true);
    try {
      return parseConfig({
        layers,
        pes: rng.pick([1, 2, 3, 4, 5, 8, 16]),
        weight,
        act,
        error,
        accBits: 48,
        lrShift: rng.int(0, 8) + Math.max(0, weight.frac - error.frac - act.frac),
        rounding: rng.pick(['truncate', 'nearest', 'stochastic'] as const),
        hidden: rng.pick(['relu', 'hardsigmoid'] as const),
        seed: rng.int(1, 65535),
        inputsPerBeat: rng.int(1, 5),
      });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
    }
  }
}

describe('RTL ≡ golden model', () => {
  const rng = new Rng(2026);
  for (let n = 0; n < 10; n++) {
    const cfg = randomConfig(rng);
    const name = `${cfg.layers.join('-')} P=${cfg.pes} w${formatFieldText(cfg.weight, true)} a${formatFieldText(cfg.act, false)} e${formatFieldText(cfg.error, true)} k=${lrShiftText(cfg.lrShift)} ${cfg.rounding} ${cfg.hidden} K=${cfg.inputsPerBeat}`;
    it(`${name}: lint-clean, and 40 samples with random stalls`, async () => {
      const { design } = emitForSim(generateAccelerator(cfg).top);
      const lint = await verilatorLint(design.files, design.top);
      expect(lint.output).toBe('');
      const r = await verify(cfg, { samples: 40, seed: n + 1, stallPermille: 300, sparsity: 0.3, xRandomSeed: 1000 + n });
      expect(r.firstMismatch).toBeNull();
      expect(r.equivalent).toBe(true);
      expect(r.trainingSamples).toBeGreaterThan(0);
    });
  }

  it('the smallest valid accumulator with P above a layer size (the backward tree is wider than accBits)', async () => {
    // 4-12-3 at P = 6: the tree sums 6 lanes (16 + 3 = 19 bits), accBits may be 18: this was a design error
    const base = { layers: [4, 12, 3], pes: 6, weight: { bits: 8, frac: 6 }, act: { bits: 6, frac: 4 }, error: { bits: 8, frac: 6 }, lrShift: 6 };
    const cfg = parseConfig({ ...base, accBits: deriveSizes(parseConfig({ ...base, accBits: 48 })).minAccBits });
    expect(cfg.accBits).toBe(18);
    const r = await verify(cfg, { samples: 30, seed: 5, stallPermille: 200, sparsity: 0.3, xRandomSeed: 55 });
    expect(r.firstMismatch).toBeNull();
    expect(r.equivalent).toBe(true);
  });

  it('P = 1 and P larger than every layer', async () => {
    for (const pes of [1, 32]) {
      const cfg = parseConfig({ layers: [6, 5, 3], pes, accBits: 40, inputsPerBeat: 4 });
      const r = await verify(cfg, { samples: 15, seed: pes, stallPermille: 200, xRandomSeed: 77 + pes });
      expect(r.firstMismatch).toBeNull();
    }
  });

  it('the default configuration (784-64-10, P = 16) without zero skipping: equivalent and ≥ 90% of the cycle bound', async () => {
    const r = await verify(
      { ...DEFAULT_CONFIG, skipZeroInputs: false, skipZeroErrors: false, skipZeroActivations: false },
      { samples: 40, seed: 5, stallPermille: 0, sparsity: 0.8 },
    );
    expect(r.firstMismatch).toBeNull();
    expect(r.utilization).toBeGreaterThanOrEqual(0.9);
    expect(r.boundCyclesPerSample).toBe(6402);
  });

  it('skipZeroErrors: the same stream in fewer cycles, the bound counting only the groups issued', async () => {
    const cfg = parseConfig({ layers: [40, 12, 10], pes: 4 });
    const opts = { samples: 120, seed: 8, stallPermille: 100, inferFraction: 0 };
    const on = await verify({ ...cfg, skipZeroErrors: true }, opts);
    const off = await verify({ ...cfg, skipZeroErrors: false }, opts);
    expect(on.firstMismatch).toBeNull();
    expect(off.firstMismatch).toBeNull();
    // the hidden layer's 3 groups of 4 ReLU neurons: some have no error in some samples
    expect(on.boundCyclesPerSample).toBeLessThan(off.boundCyclesPerSample);
    expect(on.cyclesPerSample).toBeLessThan(off.cyclesPerSample - (off.boundCyclesPerSample - on.boundCyclesPerSample) / 2);
  });

  it('the default configuration (zero skipping): equivalent, MNIST-like inputs cost a quarter of the cycles, ≥ 90% of their bound', async () => {
    const r = await verify(DEFAULT_CONFIG, { samples: 40, seed: 5, stallPermille: 0, sparsity: 0.8 });
    expect(r.firstMismatch).toBeNull();
    // layer 1 issues ~157 of 784 columns: the bound falls from 6,402 to ~1,380 cycles
    expect(r.boundCyclesPerSample).toBeLessThan(1500);
    expect(r.cyclesPerSample).toBeLessThan(6579 / 4);
    // the receive of a sample overlaps the compute of the one before (§10)
    expect(r.utilization).toBeGreaterThanOrEqual(0.9);
  });

  it('locates a divergence (negative control: the golden model uses another rounding)', async () => {
    const cfg = parseConfig({ layers: [6, 5, 3], pes: 2, rounding: 'nearest', accBits: 40 });
    const r = await verify(cfg, { samples: 10, seed: 3, stallPermille: 0, inferFraction: 0, goldenConfig: { ...cfg, rounding: 'truncate' } });
    expect(r.equivalent).toBe(false);
    expect(r.firstMismatch?.sample).toBe(0);
    expect(r.firstMismatch?.phase).toBe('update');
    expect(r.firstMismatch?.expected).not.toBe(r.firstMismatch?.actual);
  });
});
