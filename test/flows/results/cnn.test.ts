/**
 * The section of docs/RESULTS.md on networks with convolution (src/flows/results/cnn-plan.ts,
 * cnn-markdown.ts) without training: the plan's configurations and jobs, the hardware steps and
 * their keys, the section rendered from hand-made results (goals met and missed), and its splice
 * into an existing document.
 */
import { describe, expect, it } from 'vitest';
import { bitsOf } from '../../../src/config/index.js';
import type { ClaimsResult } from '../../../src/flows/results/claims.js';
import { CNN_BEGIN, CNN_END, renderCnnSection, spliceCnnSection, type CnnHardwareResult } from '../../../src/flows/results/cnn-markdown.js';
import { cnnFormatConfig, cnnHardwareJobs, cnnRtlSpec, cnnTrainJobs, defaultCnnPlan } from '../../../src/flows/results/cnn-plan.js';
import { runKey, type RunSpec } from '../../../src/flows/results/plan.js';
import type { RunResult } from '../../../src/flows/results/summary.js';

const plan = defaultCnnPlan();
const [mnist, fashion] = plan.networks;

/** Hand-made test errors (%): float32 mnist 2.00, fashion 10.00; fixed point by weight bits and rounding. */
function synthetic(spec: RunSpec, opts: { fashionDefault?: number; rtlEquivalent?: boolean } = {}): RunResult {
  const c = spec.config;
  const float = spec.dataset === 'mnist' ? 2 : 10;
  const gap = { truncate: 80, nearest: 1, stochastic: 0.1 }[c.rounding] + (bitsOf(c.weight) === 8 ? 2 : 0);
  const isDefault = bitsOf(c.weight) === 12 && bitsOf(c.act) === 8 && c.rounding === 'stochastic';
  const pct = spec.engine === 'float' ? float : spec.dataset === 'fashion-mnist' && isDefault && opts.fashionDefault ? opts.fashionDefault : float + gap;
  return {
    key: runKey(spec),
    dataset: spec.dataset,
    engine: spec.engine,
    seed: c.seed,
    epochs: spec.epochs,
    trainSamples: spec.limit ?? 60000,
    testSamples: 10000,
    testError: pct / 100,
    perEpoch: [],
    samplesPerSecond: 10,
    wallSeconds: 60,
    ...(spec.engine === 'rtl' ? { equivalent: opts.rtlEquivalent ?? true, firstMismatch: null, cyclesPerSample: 250_000 } : {}),
  };
}

const measured = (): CnnHardwareResult[] =>
  cnnHardwareJobs(plan).map(({ network, job }) => {
    const training = job.variant !== 'inference';
    const dedicated = job.variant === 'dedicated';
    const result: ClaimsResult = {
      key: job.key,
      variant: job.variant,
      step: job.step,
      command: job.command,
      wallSeconds: 30,
      ...(job.step === 'synth'
        ? {
            synth: {
              logicAreaUm2: dedicated ? 920_000 : training ? 460_000 : 290_000,
              sequentialAreaUm2: 100_000,
              memoryAreaUm2: 2e6,
              flipFlops: 3000,
              cells: 35000,
              memoryBits: 1e5,
              seconds: 30,
            },
          }
        : {
            power: {
              totalPowerMw: dedicated ? 90 : 75,
              internalMw: 40,
              switchingMw: 30,
              leakageMw: 5,
              memoryMw: 50,
              logicMw: 25,
              cyclesPerSample: training ? 311_097 : 90_000,
              energyPerSampleNj: dedicated ? 275_814 : training ? 229_845 : 40_000,
              unmatchedRegisterBits: 0,
              registerBits: 3000,
              perSampleNj: {
                cycles: 311_097,
                logicDynamic: 69_000,
                logicLeakage: 17,
                sramReads: 149_000,
                sramWrites: 11_000,
                sramLeakage: 93,
                memories: [{ module: 'weight_ram', role: 'weight', reads: 2e6, writes: 7000, readNj: 118_065, writeNj: 465, leakageNj: 69 }],
                logicBlocks: [{ block: 'PEs (multipliers, accumulators)', cells: 15000, nJ: 23_498 }],
              },
            },
          }),
    };
    return { network, job, result };
  });

const meta = { date: '2026-12-08T00:00:00Z', node: 'v20', machine: '2-core VM', commit: 'abc1234', runsComputed: 28, runsCached: 0 };

describe('the CNN plan', () => {
  it('both examples at each format and rounding, float32 and an RTL run each, once per run; the accumulator as the validator asks', () => {
    const jobs = cnnTrainJobs(plan);
    // per example: 4 formats × 3 roundings + float32 + RTL; the example as given is its 12/8/8 stochastic cell
    expect(jobs).toHaveLength(2 * (plan.formats.length * plan.roundings.length + 2));
    expect(new Set(jobs.map((j) => j.key)).size).toBe(jobs.length);
    const c16 = cnnFormatConfig(fashion!, { weight: 16, act: 16, error: 16 }, 'nearest', 1);
    expect([c16.weight, c16.act, c16.error, c16.rounding, c16.seed, c16.network?.layers.length]).toEqual([
      { bits: 16, frac: 15 },
      { bits: 16, frac: 12 },
      { bits: 16, frac: 14 },
      'nearest',
      1,
      6,
    ]);
    expect(c16.accBits).toBeGreaterThan(32);
    // the MNIST example keeps its per-layer learning rates
    expect(cnnFormatConfig(mnist!, { weight: 8, act: 8, error: 8 }, 'truncate', 1).lrShift).toEqual([5, 5, 6, 7]);
    expect(cnnRtlSpec(fashion!)).toMatchObject({ engine: 'rtl', epochs: 1, limit: 1000 });
  });

  it('a synthesis and a power step per example and variant, keyed by the generated design', () => {
    const steps = cnnHardwareJobs(plan);
    expect(steps.map((s) => `${s.network.dataset} ${s.job.variant} ${s.job.step}`)).toEqual(
      plan.networks.flatMap((n) => plan.hardware.variants.flatMap((v) => [`${n.dataset} ${v} synth`, `${n.dataset} ${v} power`])),
    );
    expect(new Set(steps.map((s) => s.job.key)).size).toBe(steps.length);
    expect(steps[1]!.job.command).toMatch(
      /^npx taxonn power --config examples\/cnn-mnist\.json --variant taxonn .*--dataset mnist --after 2000 --samples 4 --clock 100 /,
    );
  });
});

describe('the CNN section', () => {
  const lookup = (o: Parameters<typeof synthetic>[1] = {}) => {
    const all = new Map(cnnTrainJobs(plan).map((j) => [j.key, synthetic(j.spec, o)]));
    return (spec: RunSpec) => all.get(runKey(spec));
  };

  it('tables per example with the gap to float32, goals with verdicts, the RTL runs, area and energy, between its markers', () => {
    const md = renderCnnSection(plan, lookup(), measured(), meta);
    expect(md.startsWith(CNN_BEGIN)).toBe(true);
    expect(md.endsWith(CNN_END)).toBe(true);
    expect(md).toContain('| 12/8/8 | 82.00 (+80.00) | 3.00 (+1.00) | 2.10 (+0.10) |');
    expect(md).toContain('| fashion-mnist test error with `examples/cnn-fashion.json` (golden model, its defaults) ≤ 10.0 % | 10.10 % | **not met** |');
    expect(md).toContain('| mnist test error with `examples/cnn-mnist.json` (golden model, its defaults) ≤ 2.0 % | 2.10 % | **not met** |');
    expect(md).toContain('| fashion-mnist: RTL equal to the golden model on ≥ 1,000 real training samples | equal on 1,000 | **met** |');
    expect(md).toMatch(/\| fashion-mnist \| 1,000 \| \*\*equivalent\*\* \| 250,000 \| [\d,]+ \| [\d.]+ % \|/);
    expect(md).toContain('| **energy per sample (µJ)** | **229.8** | **40.0** | **275.8** | **229.8** | **40.0** | **275.8** |');
    expect(md).toContain(
      'against taxonn: logic area 2.00× (the paper: 1.65×), power 1.20× (the paper: 2.1×), energy per training sample 1.20×, cycles per training sample 1.00×.',
    );
    expect(md).toContain('weight reads 118.1; PEs (multipliers, accumulators) 23.5; weight writes 0.5');
    expect(md).toContain('training costs +58.6 % logic area over the inference design (+7.4 % with the SRAM macros)');
    expect(md).toContain('`npx taxonn train --dataset fashion-mnist --config examples/cnn-fashion.json --engine rtl --epochs 1 --limit 1000 --json`');
  });

  it('says met when a goal is met, and MISMATCH when the RTL disagrees', () => {
    const md = renderCnnSection(plan, lookup({ fashionDefault: 9.9, rtlEquivalent: false }), measured(), meta);
    expect(md).toContain('≤ 10.0 % | 9.90 % | **met** |');
    expect(md).toContain('| fashion-mnist: gap to float32 ≤ 0.5 pp | −0.10 pp | **met** |');
    expect(md).toContain('**MISMATCH**');
    expect(md).toContain('| **not equal** on 1,000 | **not met** |');
  });

  it('a missing run is an error that says how to make it', () => {
    expect(() => renderCnnSection(plan, () => undefined, measured(), meta)).toThrow(/no result for the CNN run .*npm run results -- --only cnn/);
  });

  it('replaces itself in a document, or goes before its Method section', () => {
    const section = `${CNN_BEGIN}\nnew\n${CNN_END}`;
    const doc = `# R\n\n## Claims\n\nx\n\n## Method\n\ny\n`;
    const once = spliceCnnSection(doc, section);
    expect(once).toBe(`# R\n\n## Claims\n\nx\n\n${section}\n\n## Method\n\ny\n`);
    expect(spliceCnnSection(once, `${CNN_BEGIN}\nnewer\n${CNN_END}`)).toBe(once.replace('new\n', 'newer\n'));
    expect(() => spliceCnnSection('# R\n', section)).toThrow(/neither a CNN section nor a "## Method" section/);
  });
});
