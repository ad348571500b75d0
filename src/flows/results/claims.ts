/**
 * The paper's hardware claims, measured: the three variants (docs/ARCHITECTURE.md §9) of the
 * same network through the same flows — ASIC synthesis (logic and SRAM area), power on a real
 * MNIST workload (OpenSTA), cycles and energy per sample, and iCE40 place and route of a
 * configuration that fits — then the ratios the paper states (dedicated / taxonn area and
 * power: 1.65× and 2.1×) and the cost of training over inference. `npm run results` runs the
 * steps (each cached in .cache/claims/ under a key of its inputs, the generated Verilog
 * included) and renders the section of docs/RESULTS.md with renderClaims().
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { resolveConfig, type Config, type Variant } from '../../config/index.js';
import { repoRoot } from '../../hdl/source.js';
import { rtlHash } from '../rtl/generate.js';
import { fpgaFlow, type Ice40Device } from '../hardware/fpga.js';
import { estimatePower, type PerSampleEnergy } from '../hardware/power/power.js';
import type { EnergyBar } from './energy-plot.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { stableJson } from '../../hdl/index.js';
import { asicMemoryTarget, synthesizeAccelerator, DEFAULT_LIBERTY, type AsicSynthReport } from '../hardware/synth.js';
import { readLiberty } from '../formats/liberty.js';
import type { MemoryTarget } from '../../../generators/memories/target.js';
import type { DatasetName } from '../../model/datasets/index.js';

export const CLAIMS_CACHE_DIR = path.join(repoRoot, '.cache', 'claims');

/** The open 130 nm library the measurements use when this machine has it (never copied into the project). */
export const IHP_DIR = path.resolve(repoRoot, '..', 'shared', 'pdk', 'ihp-sg13g2');

/** What a step (runClaimsJob) needs besides its configuration: the power workload and the libraries. */
export interface StepInputs {
  readonly dataset: DatasetName;
  /** Training samples of the power workload, after `powerAfter` trained in the golden model (energy part-way through training). */
  readonly powerSamples: number;
  readonly powerAfter: number;
  readonly clockMHz: number;
  readonly liberty: string;
  readonly sramLiberty: readonly string[];
  /** The iCE40 of the fpga step. */
  readonly fpga?: { readonly device: Ice40Device };
}

export interface ClaimsPlan extends StepInputs {
  readonly variants: readonly Variant[];
  /** Overrides over each variant's defaults (the same network for all). */
  readonly network: { readonly layers: readonly number[]; readonly pes: number; readonly weightPorts?: Config['weightPorts'] };
  readonly dataset: 'mnist';
  /** The configuration placed and routed on an iCE40 (the default network does not fit one). */
  readonly fpga: { readonly layers: readonly number[]; readonly pes: number; readonly device: Ice40Device };
}

/** The IHP cells and SRAM macros when this machine has them (defaultClaimsPlan), else the default liberty without macros. */
export function claimsLibraries(): Pick<StepInputs, 'liberty' | 'sramLiberty'> {
  const cells = path.join(IHP_DIR, 'sg13g2_stdcell_typ_1p20V_25C.lib');
  if (!fs.existsSync(cells)) return { liberty: DEFAULT_LIBERTY, sramLiberty: [] };
  const macros = fs
    .readdirSync(IHP_DIR)
    .filter((f) => /^RM_IHPSG13_1P_.*\.lib$/.test(f))
    .sort()
    .map((f) => path.join(IHP_DIR, f));
  return { liberty: cells, sramLiberty: macros };
}

/** The command-line flags of the libraries, and the memory target and file names that key a step's cache entry. */
export function libraryInputs(libs: Pick<StepInputs, 'liberty' | 'sramLiberty'>): { flags: string; asic: MemoryTarget; names: string[] } {
  const flags = `--liberty ${rel(libs.liberty)}${libs.sramLiberty.length ? ` --sram-liberty ${path.dirname(rel(libs.sramLiberty[0]!))}/RM_IHPSG13_1P_*.lib` : ''}`;
  const asic = asicMemoryTarget(libs.sramLiberty.map((f) => readLiberty(f, 'SRAM liberty file')));
  return { flags, asic, names: [libs.liberty, ...libs.sramLiberty].map((f) => path.basename(f)) };
}

/** The IHP SG13G2 cells and SRAM macros when present, else the project's default liberty without macros. */
export function defaultClaimsPlan(): ClaimsPlan {
  const libs = claimsLibraries();
  const ihp = libs.sramLiberty.length > 0;
  return {
    variants: ['taxonn', 'inference', 'dedicated'],
    // with SRAM macros, weight banks the macros can build (single-port): two per lane, the update at full rate
    network: { layers: [784, 64, 10], pes: 16, ...(ihp ? { weightPorts: '2x1p' as const } : {}) },
    dataset: 'mnist',
    // the workload of issue 16's goal: 16 MNIST training samples from the weights after 2,000
    powerSamples: 16,
    powerAfter: 2000,
    clockMHz: 100,
    ...libs,
    fpga: { layers: [64, 16, 10], pes: 4, device: 'up5k' },
  };
}

export type ClaimsStep = 'synth' | 'power' | 'fpga';

/**
 * The dedicated baseline's two schedules (docs/ARCHITECTURE.md §9): `fused` (its default, the backward pass of
 * layers 2..L also updates them) and `sequential` (backward, then update, as taxonn). Both are measured and each
 * ratio takes the better of the two for its own metric, so no ratio is won against a weakened baseline.
 */
export type DedicatedSchedule = 'fused' | 'sequential';

export interface ClaimsJob {
  readonly variant: Variant;
  readonly step: ClaimsStep;
  /** The dedicated variant's schedule (absent for the other variants). */
  readonly schedule?: DedicatedSchedule;
  readonly config: Config;
  /** Cache key: step, variant and a hash of the inputs (the generated Verilog included). */
  readonly key: string;
  /** The command that reproduces the step's numbers. */
  readonly command: string;
}

export interface SynthClaim {
  readonly logicAreaUm2: number;
  readonly sequentialAreaUm2: number;
  readonly memoryAreaUm2: number | null;
  readonly flipFlops: number;
  readonly cells: number;
  readonly memoryBits: number;
  readonly seconds: number;
}

export interface PowerClaim {
  readonly totalPowerMw: number;
  readonly internalMw: number;
  readonly switchingMw: number;
  readonly leakageMw: number;
  readonly memoryMw: number | null;
  readonly logicMw: number;
  readonly cyclesPerSample: number;
  readonly energyPerSampleNj: number;
  readonly unmatchedRegisterBits: number;
  readonly registerBits: number;
  /** Where a sample's energy goes (power's perSampleNj; absent in results cached before it). */
  readonly perSampleNj?: PerSampleEnergy;
}

export interface FpgaClaim {
  readonly fits: boolean;
  readonly fmaxMhz: number | null;
  readonly reason: string | null;
  readonly utilisation: Readonly<Record<string, { used: number; available: number }>>;
}

export interface ClaimsResult {
  readonly key: string;
  readonly variant: Variant;
  readonly step: ClaimsStep;
  /** The dedicated variant's schedule (absent: its default, fused; results cached before both were measured). */
  readonly schedule?: DedicatedSchedule;
  readonly command: string;
  readonly wallSeconds: number;
  readonly synth?: SynthClaim;
  readonly power?: PowerClaim;
  readonly fpga?: FpgaClaim;
}

const rel = (f: string): string => {
  const r = path.relative(repoRoot, f);
  return r.startsWith('..') || path.isAbsolute(r) ? f : r;
};

/** The flags that select `cfg` on the command line (the variant and what differs from its defaults). */
function configFlags(variant: Variant, layers: readonly number[], pes: number, weightPorts?: Config['weightPorts']): string {
  return `--variant ${variant} --layers ${layers.join(',')} --pes ${pes}${weightPorts ? ` --weight-ports ${weightPorts}` : ''}`;
}

function hashOf(v: unknown): string {
  return createHash('sha256').update(stableJson(v)).digest('hex').slice(0, 12);
}

/** The jobs of a plan: per variant, synthesis, power and place and route; the dedicated variant's sequential schedule synthesis and power too. */
export function claimsJobs(plan: ClaimsPlan): ClaimsJob[] {
  const jobs: ClaimsJob[] = [];
  const { flags: libFlags, asic, names: libs } = libraryInputs(plan);
  const powerInputs = { libs, dataset: plan.dataset, samples: plan.powerSamples, after: plan.powerAfter, clock: plan.clockMHz };
  const powerFlags = `--dataset ${plan.dataset} --after ${plan.powerAfter} --samples ${plan.powerSamples} --clock ${plan.clockMHz} ${libFlags} --json`;
  for (const variant of plan.variants) {
    const { weightPorts } = plan.network;
    const schedules: readonly (DedicatedSchedule | undefined)[] = variant === 'dedicated' ? ['fused', 'sequential'] : [undefined];
    for (const schedule of schedules) {
      const sequential = schedule === 'sequential';
      const overrides = { variant, layers: [...plan.network.layers], pes: plan.network.pes, ...(weightPorts ? { weightPorts } : {}) };
      const cfg = resolveConfig({ overrides: sequential ? { ...overrides, fuseBackwardUpdate: false } : overrides });
      // the design the step builds: with SRAM macros the ASIC one (macro instances, flip-flop memories), so a change
      // in how memories are built reruns the step even when the plain RTL is the same
      const flags = configFlags(variant, plan.network.layers, plan.network.pes, weightPorts) + (sequential ? ' --fuse-backward-update false' : '');
      const add = (step: ClaimsStep, c: Config, inputs: unknown, command: string) =>
        jobs.push({
          variant,
          step,
          ...(schedule ? { schedule } : {}),
          config: c,
          key: `${step}-${variant}${sequential ? '-sequential' : ''}-${hashOf({ step, inputs, rtl: rtlHash(c, step === 'fpga' ? {} : asic) })}`,
          command,
        });
      add('synth', cfg, { libs }, `npx taxonn synth ${flags} --target asic ${libFlags} --json`);
      add('power', cfg, powerInputs, `npx taxonn power ${flags} ${powerFlags}`);
      if (sequential) continue;
      const small = resolveConfig({ overrides: { variant, layers: [...plan.fpga.layers], pes: plan.fpga.pes } });
      add(
        'fpga',
        small,
        { device: plan.fpga.device },
        `npx taxonn fpga ${configFlags(variant, plan.fpga.layers, plan.fpga.pes)} --device ${plan.fpga.device} --json`,
      );
    }
  }
  return jobs;
}

export async function runClaimsJob(job: ClaimsJob, plan: StepInputs): Promise<ClaimsResult> {
  const t0 = performance.now();
  const base = { key: job.key, variant: job.variant, step: job.step, ...(job.schedule ? { schedule: job.schedule } : {}), command: job.command };
  const done = (r: Partial<ClaimsResult>): ClaimsResult => ({ ...base, wallSeconds: Math.round((performance.now() - t0) / 100) / 10, ...r });
  if (job.step === 'synth') {
    const r = (await synthesizeAccelerator(job.config, { target: 'asic', liberty: plan.liberty, sramLiberty: [...plan.sramLiberty] })) as AsicSynthReport;
    return done({
      synth: {
        logicAreaUm2: r.logicAreaUm2,
        sequentialAreaUm2: r.sequentialAreaUm2,
        memoryAreaUm2: r.memoryAreaUm2 ?? null,
        flipFlops: r.flipFlops,
        cells: r.cells,
        memoryBits: r.memoryBits,
        seconds: r.seconds,
      },
    });
  }
  if (job.step === 'power') {
    const r = await estimatePower(job.config, {
      dataset: plan.dataset,
      samples: plan.powerSamples,
      after: plan.powerAfter,
      clockMHz: plan.clockMHz,
      liberty: plan.liberty,
      sramLiberty: plan.sramLiberty,
    });
    return done({
      power: {
        totalPowerMw: r.totalPowerMw,
        internalMw: r.internalMw,
        switchingMw: r.switchingMw,
        leakageMw: r.leakageMw,
        memoryMw: r.memoryMw ?? null,
        logicMw: r.logic.totalMw,
        cyclesPerSample: r.cyclesPerSample,
        energyPerSampleNj: r.energyPerSampleNj,
        unmatchedRegisterBits: r.unmatchedRegisterBits,
        registerBits: r.registerBits,
        perSampleNj: r.perSampleNj,
      },
    });
  }
  if (!plan.fpga) throw new Error(`${job.key}: an fpga step needs the plan's device`);
  const r = await fpgaFlow(job.config, { device: plan.fpga.device });
  return done({ fpga: { fits: r.fits, fmaxMhz: r.fmaxMhz ?? null, reason: r.reason ?? null, utilisation: r.utilisation } });
}

export function readClaimsResult(dir: string, key: string): ClaimsResult | undefined {
  try {
    const r = JSON.parse(fs.readFileSync(path.join(dir, `${key}.json`), 'utf8')) as ClaimsResult;
    return r.key === key ? r : undefined;
  } catch {
    return undefined;
  }
}

export function writeClaimsResult(dir: string, r: ClaimsResult): void {
  writeFileAtomic(path.join(dir, `${r.key}.json`), `${JSON.stringify(r, null, 1)}\n`);
}

/** What the claims section needs from the accuracy results: the mean gap to float32 per variant's default formats. */
export interface AccuracyForClaims {
  /** Mean gap (pp) over the data sets of taxonn's default formats and rounding (12/8/8 stochastic). */
  readonly taxonnGapPp: number | null;
  /** The same for the dedicated defaults (16/16/16 nearest: identical arithmetic for nearest rounding). */
  readonly dedicatedGapPp: number | null;
}

/** The paper's numbers and our goals (the issue). */
export const CLAIM_GOALS = Object.freeze({
  paperArea: 1.65,
  paperPower: 2.1,
  goalArea: 2,
  goalPower: 2.5,
  // issue "Energy per training sample": taxonn / inference logic area at most 1.20, at most 1.0 µJ per MNIST training sample
  trainingOverhead: 0.2,
  goalEnergyNj: 1000,
  paperGapPp: 0.97,
});

/** The energy plot of the claims (docs/results/energy-per-sample.svg), relative to docs/. */
export const ENERGY_PLOT = 'results/energy-per-sample.svg';

const fx = (x: number, d = 2) => x.toFixed(d);
const mm2 = (um2: number) => (um2 / 1e6).toFixed(3);
const thousands = (n: number) => Math.round(n).toLocaleString('en-US');

/** A line of the section (an empty one without an argument). */
type Put = (line?: string) => void;

/** A column of the per-variant table: a variant, or the dedicated variant's sequential schedule. */
type Design = Variant | 'dedicated-sequential';

const designOf = (r: Pick<ClaimsResult, 'variant' | 'schedule'>): Design =>
  r.variant === 'dedicated' && r.schedule === 'sequential' ? 'dedicated-sequential' : r.variant;

/** The measurements by design (undefined: not measured). */
interface Measured {
  readonly synth: (d: Design) => SynthClaim | undefined;
  readonly power: (d: Design) => PowerClaim | undefined;
  readonly fpga: (d: Design) => FpgaClaim | undefined;
}

/** Which dedicated schedule a ratio was taken against (the better one for that metric). */
interface Against {
  readonly area: DedicatedSchedule | null;
  readonly power: DedicatedSchedule | null;
  readonly logicPower: DedicatedSchedule | null;
  readonly energy: DedicatedSchedule | null;
  readonly throughput: DedicatedSchedule | null;
}

/** The ratios the paper states, from the measurements (null: a number missing). */
interface Ratios {
  readonly area: number | null;
  readonly power: number | null;
  readonly logicPower: number | null;
  /** taxonn / inference logic area, and the same with the SRAM macros. */
  readonly overhead: number | null;
  readonly totalOverhead: number | null;
  /** dedicated / taxonn energy per training sample, and taxonn / dedicated training throughput (samples per cycle). */
  readonly energy: number | null;
  readonly throughput: number | null;
  /** The dedicated schedule each ratio is taken against (null: only one schedule measured, or none). */
  readonly against: Against;
}

const gap = (g: number | null) => (g === null ? '—' : `${g >= 0 ? '+' : '−'}${fx(Math.abs(g))} pp`);

export function renderClaims(plan: ClaimsPlan, results: readonly ClaimsResult[], acc: AccuracyForClaims): string {
  const get = (d: Design, step: ClaimsStep) => results.find((r) => designOf(r) === d && r.step === step);
  const m: Measured = { synth: (d) => get(d, 'synth')?.synth, power: (d) => get(d, 'power')?.power, fpga: (d) => get(d, 'fpga')?.fpga };
  const out: string[] = [];
  const p: Put = (line = '') => out.push(line);
  claimsIntro(p, plan);
  const ratios = ratiosOf(m);
  claimsTable(p, ratios, acc, m.power('taxonn')?.energyPerSampleNj);
  anchors(p);
  variantTable(p, plan, m, acc);
  readingNotes(p, plan, m, ratios);
  p('Commands (from the repository root; the liberty files are read in place):');
  p();
  for (const r of results)
    p(`- ${r.variant}${r.schedule === 'sequential' ? ' (sequential schedule)' : ''} ${r.step}: \`${r.command}\` (${fx(r.wallSeconds, 1)} s)`);
  p();
  return out.join('\n');
}

/** Other chips' numbers, for scale (the issue's anchors; not measured here). */
function anchors(p: Put): void {
  p(
    'For scale (other chips in other processes, as published; not measured here): 65 nm on-chip-learning chips spend about 254 nJ per training image ' +
      '(Park et al., JSSC 2020); Equinox (MICRO 2021) adds training to an inference accelerator for +4 % area, SPOON (AICAS 2020) for +11.8 %; ' +
      'sparse-training accelerators (TensorDash, SparseTrain) report 1.5–2.2× less energy from skipping zeros.',
  );
  p();
}

/** The bars of the energy plot: per variant that was measured, where its sample's energy goes. */
export function energyBars(results: readonly ClaimsResult[]): EnergyBar[] {
  const bars: EnergyBar[] = [];
  const labels: Record<Design, string> = {
    taxonn: 'taxonn, a training sample',
    dedicated: 'dedicated, a training sample',
    'dedicated-sequential': 'dedicated (sequential), a training sample',
    inference: 'inference, an inference',
  };
  for (const d of ['taxonn', 'dedicated', 'dedicated-sequential', 'inference'] as const) {
    const e = results.find((r) => designOf(r) === d && r.step === 'power')?.power?.perSampleNj;
    if (e) bars.push({ label: labels[d], energy: e });
  }
  return bars;
}

/** What was measured, and how. */
function claimsIntro(p: Put, plan: ClaimsPlan): void {
  const libName = path.basename(plan.liberty);
  const ihp = plan.sramLiberty.length > 0;
  p("## The paper's hardware claims, measured");
  p();
  p(
    `The three variants of docs/ARCHITECTURE.md §9 at ${plan.network.layers.join('-')}, P = ${plan.network.pes}, each with its own default formats ` +
      `(taxonn and inference W12 A8 E8 with stochastic rounding; dedicated W16 A16 E16, round to nearest, a learning-rate multiplier), ` +
      `synthesised by Yosys to ${libName}${
        ihp
          ? ` with the memories built for the ASIC (docs/HARDWARE.md, asic): the weight banks (weightPorts ${plan.network.weightPorts ?? '1r1w'}) and the input pairs' halves ` +
            "as instantiated IHP SRAM macros (area and energy from the macros' liberty files), the other memories as flip-flops"
          : ''
      } ` +
      `and measured with OpenSTA at ${plan.clockMHz} MHz on ${plan.powerSamples} MNIST ${plan.powerSamples === 1 ? 'sample' : 'samples'} after the first ${plan.powerAfter.toLocaleString('en-US')} (trained in the golden model: energy part-way through training; the inference variant runs them as inferences from the initial weights; activity from the Verilator trace of all phases; docs/HARDWARE.md "Power"). ` +
      'Every variant is bit-exact against its golden-model mode (`npx taxonn verify --variant V`). The commands that reproduce each number are listed below the tables.',
  );
  p();
}

/**
 * The baseline's better schedule for one metric (lower is better): its value and, when both schedules were
 * measured, which one it is.
 */
function bestDedicated<T>(
  get: (d: Design) => T | undefined,
  metric: (x: T) => number | null | undefined,
): { value: number | null; schedule: DedicatedSchedule | null } {
  const fused = get('dedicated');
  const sequential = get('dedicated-sequential');
  const a = fused === undefined ? null : (metric(fused) ?? null);
  const b = sequential === undefined ? null : (metric(sequential) ?? null);
  if (a === null || b === null) return { value: a ?? b, schedule: null };
  return b < a ? { value: b, schedule: 'sequential' } : { value: a, schedule: 'fused' };
}

function ratiosOf(m: Measured): Ratios {
  const t = m.synth('taxonn');
  const i = m.synth('inference');
  const pt = m.power('taxonn');
  const ratio = (a?: number | null, b?: number | null) => (a != null && b != null && b > 0 ? a / b : null);
  const area = bestDedicated(m.synth, (s) => s.logicAreaUm2);
  const power = bestDedicated(m.power, (p) => p.totalPowerMw);
  const logicPower = bestDedicated(m.power, (p) => p.logicMw);
  const energy = bestDedicated(m.power, (p) => p.energyPerSampleNj);
  const cycles = bestDedicated(m.power, (p) => p.cyclesPerSample);
  return {
    area: ratio(area.value, t?.logicAreaUm2),
    power: ratio(power.value, pt?.totalPowerMw),
    energy: ratio(energy.value, pt?.energyPerSampleNj),
    throughput: ratio(cycles.value, pt?.cyclesPerSample),
    logicPower: ratio(logicPower.value, pt?.logicMw),
    overhead: ratio(t?.logicAreaUm2, i?.logicAreaUm2),
    totalOverhead: ratio(
      t && t.memoryAreaUm2 != null ? t.logicAreaUm2 + t.memoryAreaUm2 : null,
      i && i.memoryAreaUm2 != null ? i.logicAreaUm2 + i.memoryAreaUm2 : null,
    ),
    against: { area: area.schedule, power: power.schedule, logicPower: logicPower.schedule, energy: energy.schedule, throughput: cycles.schedule },
  };
}

/** The paper's claims against ours and our goals. */
function claimsTable(p: Put, r: Ratios, acc: AccuracyForClaims, taxonnEnergyNj: number | undefined): void {
  const { area: areaRatio, power: powerRatio, logicPower: logicPowerRatio, overhead, totalOverhead } = r;
  const verdict = (ok: boolean | null) => (ok === null ? 'not measured' : ok ? '**met**' : '**not met**');
  const x = (r: number | null) => (r === null ? '—' : `${fx(r)}×`);
  // with both dedicated schedules measured, the one a ratio is taken against (the better for that metric)
  const xd = (r: number | null, s: DedicatedSchedule | null) => `${x(r)}${r !== null && s ? ` (${s} schedule)` : ''}`;
  const a = r.against;
  p('| claim | paper | ours | our goal | |');
  p('|---|---|---|---|---|');
  p(
    `| logic area, dedicated / taxonn | ${CLAIM_GOALS.paperArea}× | ${xd(areaRatio, a.area)} | ≥ ${CLAIM_GOALS.goalArea}× | ${verdict(areaRatio === null ? null : areaRatio >= CLAIM_GOALS.goalArea)} |`,
  );
  p(
    `| power, dedicated / taxonn (logic + SRAM) | ${CLAIM_GOALS.paperPower}× | ${xd(powerRatio, a.power)} | ≥ ${CLAIM_GOALS.goalPower}× | ${verdict(powerRatio === null ? null : powerRatio >= CLAIM_GOALS.goalPower)} |`,
  );
  p(`| power of the logic alone, dedicated / taxonn | — | ${xd(logicPowerRatio, a.logicPower)} | | |`);
  p(`| energy per training sample, dedicated / taxonn | — | ${xd(r.energy, a.energy)} | | |`);
  p(`| training throughput (samples per cycle), taxonn / dedicated | — | ${xd(r.throughput, a.throughput)} | | |`);
  const e = taxonnEnergyNj;
  p(
    `| energy per MNIST training sample, taxonn | — | ${e === undefined ? '—' : `${fx(e / 1000, 2)} µJ`} | ≤ ${fx(CLAIM_GOALS.goalEnergyNj / 1000, 1)} µJ | ${verdict(e === undefined ? null : e <= CLAIM_GOALS.goalEnergyNj)} |`,
  );
  p(
    `| cost of training: taxonn / inference logic area | — | ${overhead === null ? '—' : `+${fx(100 * (overhead - 1), 1)} %`} | ≤ +${100 * CLAIM_GOALS.trainingOverhead} % | ${verdict(overhead === null ? null : overhead - 1 <= CLAIM_GOALS.trainingOverhead)} |`,
  );
  if (totalOverhead !== null) p(`| the same with the SRAM macros (total silicon) | — | +${fx(100 * (totalOverhead - 1), 1)} % | | |`);
  p(
    `| accuracy: mean gap to float32 over MNIST, Fashion-MNIST, Iris (taxonn defaults) | +${CLAIM_GOALS.paperGapPp} pp | ${gap(acc.taxonnGapPp)} | ≤ +0.5 pp | ${verdict(acc.taxonnGapPp === null ? null : acc.taxonnGapPp <= 0.5)} |`,
  );
  p();
}

/** A column per variant (and one for the dedicated variant's sequential schedule when it was measured). */
function variantTable(p: Put, plan: ClaimsPlan, m: Measured, acc: AccuracyForClaims): void {
  const { synth, power, fpga } = m;
  const ihp = plan.sramLiberty.length > 0;
  const both = synth('dedicated-sequential') !== undefined || power('dedicated-sequential') !== undefined;
  const designs: readonly Design[] = both ? ['taxonn', 'inference', 'dedicated', 'dedicated-sequential'] : ['taxonn', 'inference', 'dedicated'];
  p('Per variant:');
  p();
  p(`| | taxonn | inference | ${both ? 'dedicated (fused schedule) | dedicated (sequential schedule)' : 'dedicated'} |`);
  p(`|---|${designs.map(() => '---|').join('')}`);
  const row = (name: string, f: (d: Design) => string) => p(`| ${name} | ${designs.map(f).join(' | ')} |`);
  row('logic area (mm², standard cells)', (v) => (synth(v) ? mm2(synth(v)!.logicAreaUm2) : '—'));
  row('  of it flip-flops (mm²)', (v) => (synth(v) ? mm2(synth(v)!.sequentialAreaUm2) : '—'));
  row('flip-flops / cells', (v) => (synth(v) ? `${thousands(synth(v)!.flipFlops)} / ${thousands(synth(v)!.cells)}` : '—'));
  if (ihp) row('SRAM macro area (mm²)', (v) => (synth(v)?.memoryAreaUm2 != null ? mm2(synth(v)!.memoryAreaUm2!) : '—'));
  row('memory bits', (v) => (synth(v) ? thousands(synth(v)!.memoryBits) : '—'));
  row(`power at ${plan.clockMHz} MHz (mW): total`, (v) => (power(v) ? fx(power(v)!.totalPowerMw, 3) : '—'));
  row('  logic: internal + switching + leakage', (v) => (power(v) ? fx(power(v)!.logicMw, 3) : '—'));
  if (ihp) row('  SRAM macros', (v) => (power(v)?.memoryMw != null ? fx(power(v)!.memoryMw!, 3) : '—'));
  row('cycles per sample (training; inference: one inference)', (v) => (power(v) ? thousands(power(v)!.cyclesPerSample) : '—'));
  row('energy per sample (µJ)', (v) => (power(v) ? fx(power(v)!.energyPerSampleNj / 1000, 2) : '—'));
  row('accuracy: mean gap to float32', (v) => (v === 'taxonn' ? gap(acc.taxonnGapPp) : v === 'inference' ? 'does not train' : gap(acc.dedicatedGapPp)));
  row(`iCE40 ${plan.fpga.device.toUpperCase()}, ${plan.fpga.layers.join('-')} P = ${plan.fpga.pes}: Fmax`, (v) => fpgaCell(fpga(v)));
  p();
}

/** The iCE40 cell of a design: its Fmax, or why it does not fit (— when not placed). */
function fpgaCell(f: FpgaClaim | undefined): string {
  if (!f) return '—';
  if (!f.fits) {
    const over = Object.entries(f.utilisation)
      .filter(([, u]) => u.used > u.available)
      .map(([k, u]) => `${k} ${u.used}/${u.available}`);
    return `does not fit${over.length ? ` (${over.join(', ')})` : ''}`;
  }
  return f.fmaxMhz === null ? 'fits' : `${fx(f.fmaxMhz, 1)} MHz`;
}

/** Energy per sample, and how to read the ratios. */
function readingNotes(p: Put, plan: ClaimsPlan, m: Measured, r: Ratios): void {
  const pt = m.power('taxonn');
  const pd = m.power('dedicated');
  const ps = m.power('dedicated-sequential');
  const pi = m.power('inference');
  if (pi && pt) {
    const dedicated = `${pd ? fx(pd.energyPerSampleNj / 1000, 2) : '—'} µJ${ps ? ` (${fx(ps.energyPerSampleNj / 1000, 2)} µJ with its sequential schedule)` : ''}`;
    p(
      `Energy: a training sample on taxonn costs ${fx(pt.energyPerSampleNj / 1000, 2)} µJ, on the dedicated baseline ${dedicated}; ` +
        `an inference on the inference-only design ${fx(pi.energyPerSampleNj / 1000, 2)} µJ. Where it goes (the power flow's \`perSampleNj\`: SRAM reads, ` +
        `writes and leakage, the logic by block of the accelerator, docs/HARDWARE.md "Power"):`,
    );
    p();
    p(`![Energy per sample by where it goes, per variant](${ENERGY_PLOT})`);
    p();
  }
  p('Reading the numbers:');
  p();
  p(
    '- The dedicated baseline is conventional in three ways at once — separate multiplier arrays, a learning-rate multiplier, and 16-bit formats (the width ' +
      "a training accelerator without TaxoNN's low-bit study would use); the ratios measure all three together, as the paper's do. It runs its own " +
      'schedule: its backward and gradient multipliers work on the same weight in the same cycle, so the backward pass of layers 2..L also updates them ' +
      "(one weight read for both, no update pass there; docs/ARCHITECTURE.md §9), which taxonn's one shared multiplier cannot do. That schedule is its " +
      'fastest but not necessarily its most frugal, so its sequential schedule (backward, then update, as taxonn: `--fuse-backward-update false`) is ' +
      'measured too, and each ratio above is taken against whichever of the two is better for that metric (the table says which). It gets the same ' +
      'memories, the same memory savings and the same clock gates (docs/ARCHITECTURE.md §14, §15).',
  );
  p(
    '- The cost of training is what taxonn adds to the inference design: the error banks (flip-flops), the adder tree for the backward sums, P update units ' +
      'with their LFSRs (stochastic rounding), the PE operand selection, and the backward/update control. At P = 16 the adder tree and the 16 update units ' +
      "with LFSRs alone are about a third of the inference design's logic (per-module areas: `yosys stat -liberty` on the generated modules).",
  );
  if (pt?.memoryMw != null && pd?.memoryMw != null && pt.totalPowerMw > 0) {
    p(
      `- The SRAM macros draw ${fx((100 * pt.memoryMw) / pt.totalPowerMw, 0)} % of taxonn's power: the update reads only the weights whose gradient is ` +
        'non-zero and rewrites only those that change (docs/ARCHITECTURE.md §14), and each lane holds its weights in two 1024 × 16 macros, cheaper per ' +
        `access than one 4096 × 16 (§12). The dedicated design's SRAM draws ${fx(pd.memoryMw / pt.memoryMw)}× taxonn's and its logic ` +
        `${r.logicPower === null ? '—' : fx(r.logicPower)}×. The flip-flops idle in most cycles (the memories built from them, the drain, the update ` +
        'units, the phase counters) are behind clock gates in every variant (docs/ARCHITECTURE.md §15): without them (`--no-clock-gates`, ' +
        'docs/HARDWARE.md) the taxonn sample took 1.22 µJ, 0.80 µJ of it logic, most of that flip-flops clocked in every cycle.',
    );
  }
  p(
    "- Power is the OpenSTA estimate from register activity of the real workload propagated through the logic; SRAM power is the macros' access energy " +
      'times the accesses counted in the trace plus their leakage.' +
      (plan.network.weightPorts && plan.network.weightPorts !== '1r1w'
        ? ' Every memory is one the macros build (until commit d44133c the 1R1W memories were priced as IHP macros although those are single-port: ' +
          'taxonn measured 5.258 mm² of SRAM, 166.5 mW and 3.09 µJ per sample then; with the memories built and before §14, 2.31 µJ on one sample ' +
          'from the initial weights).'
        : " IHP's macros are single-port: the area and energy of our 1R1W memories are lower bounds."),
  );
  p();
}
