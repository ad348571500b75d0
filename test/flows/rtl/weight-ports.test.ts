/**
 * Single-port weight banks (weightPorts "1p", docs/ARCHITECTURE.md §12): every variant stays
 * bit-exact against the golden model with random stalls and random initial state; the update
 * issues every other cycle and writes back one stage later, so a training sample takes exactly
 * Σ_l G_l · (row_l − 1) + L more cycles (nothing else changes); the banks have one port and are lint-clean; Yosys maps the large ones
 * to the iCE40 UP5K's SPRAM, where 784-64-10 at P = 4 places and routes.
 */
import { describe, expect, it } from 'vitest';
import { deriveSizes, resolveConfig, type Config } from '../../../src/config/index.js';
import { fpgaFlow } from '../../../src/flows/hardware/fpga.js';
import { synthesizeAccelerator, type FpgaSynthReport } from '../../../src/flows/hardware/synth.js';
import { generateAccelerator } from '../../../src/flows/rtl/generate.js';
import { verify } from '../../../src/flows/rtl/verify.js';
import { emitForSim } from '../../../src/sim/from-module.js';
import { verilatorLint } from '../../../src/tools/index.js';

const config = (overrides: Partial<Config>) => resolveConfig({ overrides: { layers: [9, 7, 5, 3], pes: 3, ...overrides } });

describe('single-port weight banks', { timeout: 300_000 }, () => {
  for (const [variant, weightPorts] of [
    ['taxonn', '1p'],
    ['dedicated', '1p'],
    ['inference', '1p'],
    ['taxonn', '2x1p'],
    ['dedicated', '2x1p'],
  ] as const) {
    it(`${variant}, ${weightPorts}: lint-clean and equivalent with random stalls`, async () => {
      const cfg = config({ variant, weightPorts, rounding: 'stochastic' });
      const { design } = emitForSim(generateAccelerator(cfg).top);
      expect((await verilatorLint(design.files, design.top)).output).toBe('');
      const r = await verify(cfg, { samples: 24, seed: 7, stallPermille: 250, sparsity: 0.3, xRandomSeed: 77 });
      expect(r.firstMismatch).toBeNull();
      expect(r.equivalent).toBe(true);
    });
  }

  it('the ASIC design (IHP SG13G2 macros): weights and the input pairs from macros, the rest flip-flops; equivalent with stalls and random initial state, the same cycles', async () => {
    // areas chosen so that the banks take ranges of two macro types (256-word ranges, then 64-word ones)
    const macros = [
      { cell: 'RM_IHPSG13_1P_64x64_c2_bm_bist', words: 64, bits: 64, areaUm2: 30_000 },
      { cell: 'RM_IHPSG13_1P_256x48_c2_bm_bist', words: 256, bits: 48, areaUm2: 107_000 },
      { cell: 'RM_IHPSG13_1P_1024x8_c2_bm_bist', words: 1024, bits: 8, areaUm2: 400_000 },
    ];
    const cfg = resolveConfig({ overrides: { layers: [600, 7, 3], pes: 2, weightPorts: '1p', rounding: 'stochastic' } });
    const { manifest, top } = generateAccelerator(cfg, { sramMacros: macros });
    const byRole = Object.fromEntries(manifest.memories.map((m) => [m.role, m]));
    expect(byRole.weight!.macros).toEqual([
      { cell: 'RM_IHPSG13_1P_256x48_c2_bm_bist', count: 9 },
      { cell: 'RM_IHPSG13_1P_64x64_c2_bm_bist', count: 2 },
    ]);
    // the input pairs: a double buffer of two single-port halves of 600 words each
    for (const role of ['input_index', 'input_value']) expect(byRole[role]).toMatchObject({ kind: '1p', instances: 2, depth: 600 });
    for (const role of ['error', 'act']) expect(byRole[role]!.inLogic).toBe(true);
    expect(manifest.simulationModels).toEqual(['RM_IHPSG13_1P_256x48_c2_bm_bist.v', 'RM_IHPSG13_1P_64x64_c2_bm_bist.v']);
    const { design } = emitForSim(top);
    expect((await verilatorLint(design.files, design.top)).output).toBe('');
    const opts = { samples: 12, seed: 5, stallPermille: 250, sparsity: 0.3, xRandomSeed: 55 };
    const [built, plain] = await Promise.all([verify(cfg, { ...opts, memoryTarget: { sramMacros: macros } }), verify(cfg, opts)]);
    expect(built.firstMismatch).toBeNull();
    expect(built.equivalent).toBe(true);
    expect(built.top).not.toBe(plain.top);
    expect(built.cycles).toBe(plain.cycles);
  });

  it('the update issues every other cycle and writes back a stage later: Σ G_l (row_l − 1) + L more cycles per training sample, the same results', async () => {
    for (const variant of ['taxonn', 'inference'] as const) {
      // no zero skipping, no stalls: the schedule does not depend on the data
      const base = { variant, skipZeroInputs: false, skipZeroErrors: false, skipZeroActivations: false };
      const run = (cfg: Config) => verify(cfg, { samples: 6, seed: 3, stallPermille: 0 });
      const [dual, single] = await Promise.all([run(config({ ...base, weightPorts: '1r1w' })), run(config({ ...base, weightPorts: '1p' }))]);
      expect(single.equivalent && dual.equivalent).toBe(true);
      const sizes = deriveSizes(config(base));
      // per layer: its groups' rows at half rate, and one cycle for the last write-back
      const extra = variant === 'inference' ? 0 : sizes.layers.reduce((t, l) => t + l.groups * (l.rowLen - 1) + 1, 0);
      expect(extra).toBe(variant === 'inference' ? 0 : 3 * 9 + 2 * 7 + 1 * 5 + 3);
      expect(single.cyclesPerSample - dual.cyclesPerSample).toBe(extra);
    }
  });

  it('2x1p (even and odd banks): the update at full rate over consecutive columns, L more cycles per training sample; over sparse inputs a wait where two non-zero inputs share a bank', async () => {
    const run = (cfg: Config) => verify(cfg, { samples: 6, seed: 3, stallPermille: 0 });
    const dense = { skipZeroInputs: false, skipZeroErrors: false, skipZeroActivations: false };
    const [dual, pair] = await Promise.all([run(config({ ...dense, weightPorts: '1r1w' })), run(config({ ...dense, weightPorts: '2x1p' }))]);
    expect(dual.equivalent && pair.equivalent).toBe(true);
    // only the write-back stage's last write per layer
    expect(pair.cyclesPerSample - dual.cyclesPerSample).toBe(deriveSizes(config(dense)).L);
    // zero skipping: layer 1's update walks the non-zero inputs, whose indices may share a bank
    const sparse = (weightPorts: Config['weightPorts']) =>
      verify(config({ layers: [40, 7, 3], weightPorts }), { samples: 8, seed: 4, stallPermille: 0, sparsity: 0.5 });
    const [d, one, two] = await Promise.all([sparse('1r1w'), sparse('1p'), sparse('2x1p')]);
    expect(d.equivalent && one.equivalent && two.equivalent).toBe(true);
    expect(two.cyclesPerSample).toBeGreaterThan(d.cyclesPerSample + 2);
    expect(two.cyclesPerSample).toBeLessThan(one.cyclesPerSample);
  });

  it('2x1p: each lane bank is two single-port modules in the manifest, half the words each', () => {
    const { manifest } = generateAccelerator(config({ weightPorts: '2x1p' }));
    const words = deriveSizes(manifest.config).weightDepth;
    const weight = manifest.memories.find((m) => m.role === 'weight')!;
    expect(weight).toMatchObject({ kind: '1p', instances: 6, depth: Math.ceil(words / 2), width: 12 });
  });

  it('a bank is one single-port module in the manifest: one address, written or read in a cycle', () => {
    const { manifest } = generateAccelerator(config({ weightPorts: '1p' }));
    const weight = manifest.memories.find((m) => m.role === 'weight')!;
    const words = deriveSizes(manifest.config).weightDepth;
    expect(weight).toMatchObject({ module: `weight_ram_1p_${words}x12s`, kind: '1p', instances: 3, depth: words, width: 12 });
    expect(weight.ports.map((p) => p.name)).toEqual(['clk', 'en', 'we', 'addr', 'wdata', 'rdata']);
    // the other memories keep their two ports
    for (const m of manifest.memories.filter((x) => x.role !== 'weight')) expect(m.kind).toBe('1r1w');
  });

  it('784-64-10 at P = 4 fits the iCE40 UP5K with its weights in the four SPRAMs', async () => {
    const cfg = resolveConfig({ overrides: { layers: [784, 64, 10], pes: 4, weightPorts: '1p' } });
    const synth = (await synthesizeAccelerator(cfg, { target: 'ice40' })) as FpgaSynthReport;
    expect(synth.blockRamsByType.SB_SPRAM256KA).toBe(4);
    const r = await fpgaFlow(cfg, { device: 'up5k', freqMhz: 12 });
    expect(r.fits).toBe(true);
    expect(r.utilisation.ICESTORM_SPRAM).toEqual({ used: 4, available: 4 });
    expect(r.utilisation.ICESTORM_RAM!.used).toBeLessThanOrEqual(30);
    expect(r.fmaxMhz).toBeGreaterThan(12);
    expect(r.meetsTarget).toBe(true);
  });
});
