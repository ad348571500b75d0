/**
 * The claims section (src/flows/results/claims.ts): its jobs and keys, and the ratios and verdicts it
 * renders from measured results (hand-made here; `npm run results` renders the real ones).
 */
import { describe, expect, it } from 'vitest';
import { claimsJobs, defaultClaimsPlan, energyBars, renderClaims, type ClaimsPlan, type ClaimsResult } from '../../../src/flows/results/claims.js';
import { energyPlot } from '../../../src/flows/results/energy-plot.js';
import type { PerSampleEnergy } from '../../../src/flows/hardware/power/power.js';

const plan: ClaimsPlan = { ...defaultClaimsPlan(), network: { layers: [16, 8, 3], pes: 2 }, fpga: { layers: [16, 8, 3], pes: 2, device: 'up5k' } };

type V = 'taxonn' | 'inference' | 'dedicated';

/** A measured synthesis (hand-made). */
const synthOf = (v: V, logic: number, schedule?: 'sequential'): ClaimsResult => ({
  key: `s-${v}-${schedule}`,
  variant: v,
  step: 'synth',
  ...(schedule ? { schedule } : {}),
  command: 'c',
  wallSeconds: 1,
  synth: { logicAreaUm2: logic, sequentialAreaUm2: logic / 3, memoryAreaUm2: 1e6, flipFlops: 100, cells: 1000, memoryBits: 4096, seconds: 1 },
});

/** A measured power run (hand-made): total mW, cycles and nJ per sample. */
const powerOf = (v: V, mw: number, cycles: number, nJ: number, schedule?: 'sequential'): ClaimsResult => ({
  key: `p-${v}-${schedule}`,
  variant: v,
  step: 'power',
  ...(schedule ? { schedule } : {}),
  command: 'c',
  wallSeconds: 1,
  power: {
    totalPowerMw: mw,
    internalMw: mw / 2,
    switchingMw: mw / 4,
    leakageMw: mw / 4,
    memoryMw: 1,
    logicMw: mw - 1,
    cyclesPerSample: cycles,
    energyPerSampleNj: nJ,
    unmatchedRegisterBits: 0,
    registerBits: 100,
  },
});

describe('claims', () => {
  it("one synth, power and fpga job per variant, and synth and power of the dedicated variant's sequential schedule, keyed by their inputs and the generated Verilog", () => {
    const jobs = claimsJobs(plan);
    expect(jobs.map((j) => `${j.variant}${j.schedule ? `:${j.schedule}` : ''}/${j.step}`)).toEqual([
      ...['taxonn', 'inference', 'dedicated:fused'].flatMap((v) => ['synth', 'power', 'fpga'].map((s) => `${v}/${s}`)),
      'dedicated:sequential/synth',
      'dedicated:sequential/power',
    ]);
    expect(new Set(jobs.map((j) => j.key)).size).toBe(11);
    const sequential = jobs.filter((j) => j.schedule === 'sequential');
    for (const j of sequential) {
      expect(j.config.fuseBackwardUpdate).toBe(false);
      expect(j.command).toContain('--fuse-backward-update false');
    }
    // the two schedules build different designs, so their keys differ
    expect(sequential[0]!.key).not.toBe(jobs.find((j) => j.schedule === 'fused' && j.step === 'synth')!.key);
    expect(jobs.find((j) => j.schedule === 'fused')!.config.fuseBackwardUpdate).toBe(true);
    expect(claimsJobs(plan).map((j) => j.key)).toEqual(jobs.map((j) => j.key));
    const other = claimsJobs({ ...plan, network: { layers: [16, 8, 3], pes: 4 } });
    expect(other.find((j) => j.step === 'synth')!.key).not.toBe(jobs.find((j) => j.step === 'synth')!.key);
    // The dedicated job runs its own defaults: 16-bit formats.
    expect(jobs.find((j) => j.variant === 'dedicated')!.config.weight).toMatchObject({ bits: 16 });
    for (const j of jobs) expect(j.command).toMatch(new RegExp(`^npx taxonn ${j.step} --variant ${j.variant} --layers`));
  });

  it('renders the ratios and verdicts from the measurements', () => {
    const synth = (v: V, logic: number) => synthOf(v, logic);
    const power = (v: V, mw: number) => powerOf(v, mw, 100, mw);
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
    expect(md).toContain('| cost of training: taxonn / inference logic area | — | +20.0 % | ≤ +20 % | **met** |');
    expect(md).toContain('| energy per training sample, dedicated / taxonn | — | 3.00× | | |');
    expect(md).toContain('| training throughput (samples per cycle), taxonn / dedicated | — | 1.00× | | |');
    expect(md).toContain('| energy per MNIST training sample, taxonn | — | 0.01 µJ | ≤ 1.0 µJ | **met** |');
    expect(md).toMatch(/mean gap to float32 .* \| \+0\.97 pp \| \+0\.22 pp \| ≤ \+0\.5 pp \| \*\*met\*\* \|/);
    // A missing measurement is shown as such, never as a number.
    const partial = renderClaims(plan, [synth('taxonn', 120_000)], { taxonnGapPp: null, dedicatedGapPp: null });
    expect(partial).toContain('| logic area, dedicated / taxonn | 1.65× | — | ≥ 2× | not measured |');
    expect(partial).toContain('| energy per MNIST training sample, taxonn | — | — | ≤ 1.0 µJ | not measured |');
  });

  it("takes each dedicated ratio against the baseline's better schedule for that metric, and says which", () => {
    const synth = synthOf;
    const power = powerOf;
    const md = renderClaims(
      plan,
      [
        synth('taxonn', 100_000),
        synth('dedicated', 310_000),
        synth('dedicated', 300_000, 'sequential'),
        power('taxonn', 10, 1000, 800),
        // fused: faster but more power and energy; sequential: slower, less power and energy
        power('dedicated', 16, 1100, 1300),
        power('dedicated', 15, 1200, 1200, 'sequential'),
      ],
      { taxonnGapPp: null, dedicatedGapPp: null },
    );
    expect(md).toContain('| logic area, dedicated / taxonn | 1.65× | 3.00× (sequential schedule) |');
    expect(md).toContain('| power, dedicated / taxonn (logic + SRAM) | 2.1× | 1.50× (sequential schedule) |');
    expect(md).toContain('| energy per training sample, dedicated / taxonn | — | 1.50× (sequential schedule) | | |');
    expect(md).toContain('| training throughput (samples per cycle), taxonn / dedicated | — | 1.10× (fused schedule) | | |');
    expect(md).toContain('| | taxonn | inference | dedicated (fused schedule) | dedicated (sequential schedule) |');
    expect(md).toContain('| energy per sample (µJ) | 0.80 | — | 1.30 | 1.20 |');
  });

  it("draws a stacked bar per variant of where a sample's energy goes, the segments adding up to it", () => {
    const energy = (scale: number): PerSampleEnergy => ({
      cycles: 100,
      logicDynamic: 90 * scale,
      logicLeakage: 10 * scale,
      sramReads: 40 * scale,
      sramWrites: 5 * scale,
      sramLeakage: 1,
      memories: [],
      logicBlocks: Array.from({ length: 8 }, (_, i) => ({ block: `block ${i}`, cells: 10, nJ: ((i + 1) * 100 * scale) / 36 })),
    });
    const result = (v: 'taxonn' | 'dedicated', scale: number): ClaimsResult => ({
      key: v,
      variant: v,
      step: 'power',
      command: 'c',
      wallSeconds: 1,
      power: {
        totalPowerMw: 1,
        internalMw: 1,
        switchingMw: 0,
        leakageMw: 0,
        memoryMw: 0,
        logicMw: 1,
        cyclesPerSample: 100,
        energyPerSampleNj: 1,
        unmatchedRegisterBits: 0,
        registerBits: 1,
        perSampleNj: energy(scale),
      },
    });
    const bars = energyBars([result('dedicated', 2), result('taxonn', 1)]);
    expect(bars.map((b) => b.label)).toEqual(['taxonn, a training sample', 'dedicated, a training sample']);
    const withSequential = energyBars([result('dedicated', 2), { ...result('dedicated', 2), key: 's', schedule: 'sequential' }, result('taxonn', 1)]);
    expect(withSequential.map((b) => b.label)).toEqual([
      'taxonn, a training sample',
      'dedicated, a training sample',
      'dedicated (sequential), a training sample',
    ]);
    const svg = energyPlot(bars, 'title');
    expect(svg.match(/<g class="bar"/g)).toHaveLength(2);
    // the six largest blocks by name, the other two as one segment; the totals printed at the end of each bar
    expect(svg).toContain('logic: block 7');
    expect(svg).not.toContain('logic: block 1<');
    expect(svg).toContain('logic: the other blocks');
    expect(svg).toContain('>146 nJ</text>'); // 40 + 5 + 1 + 100 of logic
    expect(svg).toContain('>291 nJ</text>');
    const taxonn = svg.slice(svg.indexOf('data-variant="taxonn'), svg.indexOf('data-variant="dedicated'));
    const segments = [...taxonn.matchAll(/: ([\d.]+) nJ<\/title>/g)].map((m) => Number(m[1]));
    expect(segments.reduce((a, b) => a + b, 0)).toBeCloseTo(146, 0);
  });
});
