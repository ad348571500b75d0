/**
 * The claims section (src/flows/results/claims.ts): its jobs and keys, and the ratios and verdicts it
 * renders from measured results (hand-made here; `npm run results` renders the real ones).
 */
import { describe, expect, it } from 'vitest';
import { claimsJobs, defaultClaimsPlan, renderClaims, type ClaimsPlan, type ClaimsResult } from '../../../src/flows/results/claims.js';

const plan: ClaimsPlan = { ...defaultClaimsPlan(), network: { layers: [16, 8, 3], pes: 2 }, fpga: { layers: [16, 8, 3], pes: 2, device: 'up5k' } };

describe('claims', () => {
  it('one synth, power and fpga job per variant, keyed by their inputs and the generated Verilog', () => {
    const jobs = claimsJobs(plan);
    expect(jobs.map((j) => `${j.variant}/${j.step}`)).toEqual(
      ['taxonn', 'inference', 'dedicated'].flatMap((v) => ['synth', 'power', 'fpga'].map((s) => `${v}/${s}`)),
    );
    expect(new Set(jobs.map((j) => j.key)).size).toBe(9);
    expect(claimsJobs(plan).map((j) => j.key)).toEqual(jobs.map((j) => j.key));
    const other = claimsJobs({ ...plan, network: { layers: [16, 8, 3], pes: 4 } });
    expect(other.find((j) => j.step === 'synth')!.key).not.toBe(jobs.find((j) => j.step === 'synth')!.key);
    // The dedicated job runs its own defaults: 16-bit formats.
    expect(jobs.find((j) => j.variant === 'dedicated')!.config.weight).toMatchObject({ bits: 16 });
    for (const j of jobs) expect(j.command).toMatch(new RegExp(`^npx taxonn ${j.step} --variant ${j.variant} --layers`));
  });

  it('renders the ratios and verdicts from the measurements', () => {
    const synth = (v: 'taxonn' | 'inference' | 'dedicated', logic: number): ClaimsResult => ({
      key: `s-${v}`,
      variant: v,
      step: 'synth',
      command: 'c',
      wallSeconds: 1,
      synth: { logicAreaUm2: logic, sequentialAreaUm2: logic / 3, memoryAreaUm2: 1e6, flipFlops: 100, cells: 1000, memoryBits: 4096, seconds: 1 },
    });
    const power = (v: 'taxonn' | 'inference' | 'dedicated', mw: number): ClaimsResult => ({
      key: `p-${v}`,
      variant: v,
      step: 'power',
      command: 'c',
      wallSeconds: 1,
      power: {
        totalPowerMw: mw,
        internalMw: mw / 2,
        switchingMw: mw / 4,
        leakageMw: mw / 4,
        memoryMw: 1,
        logicMw: mw - 1,
        cyclesPerSample: 100,
        energyPerSampleNj: mw,
        unmatchedRegisterBits: 0,
        registerBits: 100,
      },
    });
    const md = renderClaims(
      plan,
      [synth('taxonn', 120_000), synth('inference', 100_000), synth('dedicated', 300_000), power('taxonn', 10), power('dedicated', 30), power('inference', 8)],
      {
        taxonnGapPp: 0.22,
        dedicatedGapPp: 0.05,
      },
    );
    expect(md).toContain('| logic area, dedicated / taxonn | 1.65× | 2.50× | ≥ 2× | **met** |');
    expect(md).toContain('| power, dedicated / taxonn (logic + SRAM) | 2.1× | 3.00× | ≥ 2.5× | **met** |');
    expect(md).toContain('| cost of training: taxonn / inference logic area | — | +20.0 % | ≤ +25 % | **met** |');
    expect(md).toMatch(/mean gap to float32 .* \| \+0\.97 pp \| \+0\.22 pp \| ≤ \+0\.5 pp \| \*\*met\*\* \|/);
    // A missing measurement is shown as such, never as a number.
    const partial = renderClaims(plan, [synth('taxonn', 120_000)], { taxonnGapPp: null, dedicatedGapPp: null });
    expect(partial).toContain('| logic area, dedicated / taxonn | 1.65× | — | ≥ 2× | not measured |');
  });
});
