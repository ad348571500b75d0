/**
 * The gate-level proof (`verify --netlist ice40`, src/flows/rtl/gate-level.ts): Yosys' iCE40
 * netlist, simulated with Yosys' own cell models, equals the golden model on random small
 * configurations, dual- and single-port weight banks, with stalls; a wrong golden model is caught.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig, type Config } from '../../../src/config/index.js';
import { verifyNetlist } from '../../../src/flows/rtl/gate-level.js';
import { runTaxonnAsync } from '../../support/cli.js';

const config = (overrides: Partial<Config>) => resolveConfig({ overrides: { layers: [9, 7, 5, 3], pes: 3, ...overrides } });

describe('gate level (iCE40 netlist)', { timeout: 600_000 }, () => {
  it('single-port weight banks, stochastic rounding, random stalls: every prediction and weight equal', async () => {
    const r = await verifyNetlist(config({ weightPorts: '1p' }), { netlist: 'ice40', samples: 8, seed: 11, stallPermille: 250 });
    expect(r.firstMismatch).toBeNull();
    expect(r.equivalent).toBe(true);
    expect(r.weightsCompared).toBe(7 * 10 + 5 * 8 + 3 * 6);
    expect(r.trainingSamples).toBeGreaterThan(0);
    // the netlist is iCE40 cells, the multipliers in DSPs
    expect(r.cells.SB_MAC16).toBe(3);
    expect(Object.keys(r.cells).every((t) => t.startsWith('SB_'))).toBe(true);
  });

  it('a golden model that rounds otherwise is caught (negative control)', async () => {
    const cfg = config({ rounding: 'stochastic' });
    const r = await verifyNetlist(cfg, { netlist: 'ice40', samples: 8, seed: 11, stallPermille: 0, goldenConfig: { ...cfg, rounding: 'nearest' } });
    expect(r.equivalent).toBe(false);
    expect(r.firstMismatch).not.toBeNull();
  });

  it('generic (the ASIC netlist on OSU018 cells, in Icarus from X): equal, and a wrong golden model is caught', async () => {
    const cfg = config({ weightPorts: '1p', rounding: 'stochastic' });
    const r = await verifyNetlist(cfg, { netlist: 'generic', samples: 6, seed: 5, stallPermille: 0 });
    expect(r.firstMismatch).toBeNull();
    expect(r.equivalent).toBe(true);
    expect(r.cells.DFFPOSX1).toBeGreaterThan(100);
    const wrong = await verifyNetlist(cfg, { netlist: 'generic', samples: 6, seed: 5, stallPermille: 0, goldenConfig: { ...cfg, rounding: 'truncate' } });
    expect(wrong.equivalent).toBe(false);
  });

  it('npx taxonn verify --netlist ice40: the dedicated variant, as JSON', async () => {
    const r = await runTaxonnAsync([
      'verify',
      '--netlist',
      'ice40',
      '--variant',
      'dedicated',
      '--layers',
      '5,4,3',
      '--pes',
      '2',
      '--samples',
      '4',
      '--stalls',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { equivalent: boolean; netlist: string; cells: Record<string, number> };
    expect(report).toMatchObject({ equivalent: true, netlist: 'ice40' });
    expect(report.cells.SB_MAC16).toBeGreaterThanOrEqual(2 * 3);
  });
});
