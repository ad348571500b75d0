/**
 * One point of `taxonn sweep` (docs/SWEEP.md): its configuration, then the steps the grid asks
 * for, each with the project's own flow — verify (src/flows/rtl/verify.ts), train on the golden model
 * (src/flows/train.ts), ASIC synthesis (src/flows/hardware/synth.ts), power (src/flows/hardware/power/power.ts) — and the
 * float32 reference run of a trained network. A failure (a configuration the validator rejects, a
 * non-equivalent RTL, a tool error) ends the point with a one-line error; it never throws.
 * The records are what DIR/points/<key>.json holds.
 */
import type { Config } from '../../config/index.js';
import { loadDataset, type Dataset, type DatasetName } from '../../model/datasets/index.js';
import { estimatePower, type PowerReport } from '../hardware/power/power.js';
import {
  SWEEP_VERSION,
  resolvePointConfig,
  type FloatJob,
  type FloatParams,
  type PointParams,
  type StepSettings,
  type SweepPoint,
  type SweepStep,
} from './grid.js';
import { synthesizeAccelerator, type AsicSynthReport } from '../hardware/synth.js';
import { trainOnDataset } from '../train.js';
import { verify, type Mismatch } from '../rtl/verify.js';
import { estimate } from '../estimate/estimate.js';

export interface VerifyResult {
  readonly equivalent: boolean;
  readonly samples: number;
  readonly trainingSamples: number;
  /** Mean cycles per training sample (inference variant: per sample). */
  readonly cyclesPerSample: number;
  readonly boundCyclesPerSample: number;
  readonly utilization: number;
  readonly top: string;
  readonly firstMismatch: Mismatch | null;
  readonly seconds: number;
}

export interface TrainResult {
  /** The golden model's test error after the last epoch; null for the inference variant (it does not train). */
  readonly testError: number | null;
  readonly epochs: number;
  readonly trainSamples?: number;
  readonly testSamples?: number;
  readonly samplesPerSecond?: number;
  readonly perEpochTestError?: readonly number[];
  readonly note?: string;
  readonly seconds: number;
}

export interface SynthResult {
  readonly liberty: { readonly file: string; readonly library: string };
  readonly sramLiberty: readonly string[];
  readonly cells: number;
  readonly flipFlops: number;
  readonly logicAreaUm2: number;
  readonly sequentialAreaUm2: number;
  readonly memoryAreaUm2?: number;
  readonly totalAreaUm2?: number;
  readonly memoryBits: number;
  readonly unmapped: Readonly<Record<string, number>>;
  readonly yosys: string;
  readonly seconds: number;
}

/** The power report without its configuration (the point has it), plus the step's wall time. */
export type PowerResult = Omit<PowerReport, 'config'> & { readonly stepSeconds: number };

/** The estimate step: `taxonn estimate`'s model (src/flows/estimate/), never a measurement. */
export interface EstimateResult {
  readonly estimate: true;
  readonly inputZeros: number;
  readonly cyclesPerSample: number;
  readonly boundCyclesPerSample: number;
  readonly memoryBits: number;
  readonly logicAreaUm2: number;
  readonly ice40Luts: number;
  readonly totalPowerMw: number;
  readonly energyPerSampleNj: number;
  readonly seconds: number;
}

export interface PointResults {
  estimate?: EstimateResult;
  verify?: VerifyResult;
  train?: TrainResult;
  synth?: SynthResult;
  power?: PowerResult;
}

export type PointStatus = 'ok' | 'failed';

/** DIR/points/<key>.json of a point. */
export interface PointRecord {
  readonly kind: 'point';
  readonly version: number;
  readonly key: string;
  readonly label: string;
  readonly params: PointParams;
  readonly steps: readonly SweepStep[];
  readonly settings: StepSettings;
  readonly status: PointStatus;
  /** One line, starting with the step ("config: …", "verify: …"); null when ok. */
  readonly error: string | null;
  readonly failedStep: 'config' | SweepStep | null;
  /** The resolved configuration (null when it did not resolve). */
  readonly config: Config | null;
  readonly results: PointResults;
  /** Wall time of the whole point. */
  readonly seconds: number;
  readonly finishedAt: string;
}

/** DIR/points/<key>.json of a float32 reference run. */
export interface FloatRecord {
  readonly kind: 'float';
  readonly version: number;
  readonly key: string;
  readonly label: string;
  readonly params: FloatParams;
  readonly status: PointStatus;
  readonly error: string | null;
  readonly testError: number | null;
  readonly perEpochTestError: readonly number[];
  readonly seconds: number;
  readonly finishedAt: string;
}

/** An error as one line (its first line; at most 400 characters). */
export function oneLine(e: unknown): string {
  const s = (e instanceof Error ? e.message : String(e)).split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
  return s.length > 400 ? `${s.slice(0, 397)}...` : s;
}

const seconds = (t0: number) => Math.round((performance.now() - t0) / 10) / 100;

/** Data sets, loaded once per process. */
const loaded = new Map<DatasetName, Dataset>();
function dataset(name: DatasetName): Dataset {
  let d = loaded.get(name);
  if (!d) loaded.set(name, (d = loadDataset(name)));
  return d;
}

/** Runs the point's steps in order; `onStep` is told when each starts. Never throws. */
export async function runPoint(point: SweepPoint, onStep?: (step: SweepStep) => void): Promise<PointRecord> {
  const t0 = performance.now();
  const results: PointResults = {};
  let config: Config | null = null;
  let failedStep: PointRecord['failedStep'] = null;
  let error: string | null = null;
  const record = (): PointRecord => ({
    kind: 'point',
    version: SWEEP_VERSION,
    key: point.key,
    label: point.label,
    params: point.params,
    steps: point.steps,
    settings: point.settings,
    status: error === null ? 'ok' : 'failed',
    error,
    failedStep,
    config,
    results,
    seconds: seconds(t0),
    finishedAt: new Date().toISOString(),
  });

  try {
    config = resolvePointConfig(point.params);
  } catch (e) {
    failedStep = 'config';
    error = oneLine(e); // a ConfigError: "config: <field> must be …"
    return record();
  }
  const cfg = config;
  const s = point.settings;
  for (const step of point.steps) {
    onStep?.(step);
    try {
      if (step === 'estimate') results.estimate = estimateStep(cfg, s.estimate!);
      else if (step === 'verify') results.verify = await verifyStep(cfg, s.verify!);
      else if (step === 'train') results.train = await trainStep(cfg, point.params.dataset, s.train!);
      else if (step === 'synth') results.synth = await synthStep(cfg, s.synth!);
      else results.power = await powerStep(cfg, point.params.dataset, s.power!);
    } catch (e) {
      failedStep = step;
      const msg = oneLine(e);
      error = msg.startsWith(`${step}:`) ? msg : `${step}: ${msg}`;
      break;
    }
    if (step === 'verify' && !results.verify!.equivalent) {
      const m = results.verify!.firstMismatch;
      failedStep = 'verify';
      error =
        `verify: the RTL is not equivalent to the golden model` +
        (m ? `: sample ${m.sample}, ${m.phase}, layer ${m.layer}, neuron ${m.neuron}: expected ${m.expected}, got ${m.actual}` : '');
      break;
    }
  }
  return record();
}

function estimateStep(cfg: Config, e: NonNullable<StepSettings['estimate']>): EstimateResult {
  const t0 = performance.now();
  const r = estimate(cfg, { inputZeros: e.inputZeros });
  return {
    estimate: true,
    inputZeros: r.inputZeros,
    cyclesPerSample: r.cyclesPerSample,
    boundCyclesPerSample: r.boundCyclesPerSample,
    memoryBits: r.memoryBits,
    logicAreaUm2: r.asic.logicAreaUm2,
    ice40Luts: r.ice40.luts,
    totalPowerMw: r.power.totalPowerMw,
    energyPerSampleNj: r.power.energyPerSampleNj,
    seconds: seconds(t0),
  };
}

async function verifyStep(cfg: Config, v: NonNullable<StepSettings['verify']>): Promise<VerifyResult> {
  const t0 = performance.now();
  const r = await verify(cfg, { samples: v.samples, seed: v.seed, stallPermille: v.stallPermille });
  return {
    equivalent: r.equivalent,
    samples: r.samples,
    trainingSamples: r.trainingSamples,
    cyclesPerSample: r.cyclesPerSample,
    boundCyclesPerSample: r.boundCyclesPerSample,
    utilization: r.utilization,
    top: r.top,
    firstMismatch: r.firstMismatch,
    seconds: seconds(t0),
  };
}

async function trainStep(cfg: Config, name: DatasetName, t: NonNullable<StepSettings['train']>): Promise<TrainResult> {
  if (cfg.variant === 'inference') return { testError: null, epochs: 0, note: 'the inference variant does not train', seconds: 0 };
  const t0 = performance.now();
  const r = await trainOnDataset({
    dataset: dataset(name),
    engine: 'golden',
    config: cfg,
    epochs: t.epochs,
    ...(t.limit !== undefined ? { limit: t.limit } : {}),
  });
  return {
    testError: r.testError,
    epochs: r.epochs,
    trainSamples: r.trainSamples,
    testSamples: r.testSamples,
    samplesPerSecond: Math.round(r.samplesPerSecond),
    perEpochTestError: r.perEpoch.map((e) => e.testError),
    seconds: seconds(t0),
  };
}

async function synthStep(cfg: Config, o: NonNullable<StepSettings['synth']>): Promise<SynthResult> {
  const t0 = performance.now();
  const r = (await synthesizeAccelerator(cfg, {
    target: 'asic',
    liberty: o.liberty,
    ...(o.sramLiberty.length ? { sramLiberty: o.sramLiberty } : {}),
  })) as AsicSynthReport;
  return {
    liberty: r.liberty,
    sramLiberty: r.sramLiberty,
    cells: r.cells,
    flipFlops: r.flipFlops,
    logicAreaUm2: r.logicAreaUm2,
    sequentialAreaUm2: r.sequentialAreaUm2,
    ...(r.memoryAreaUm2 !== undefined ? { memoryAreaUm2: r.memoryAreaUm2 } : {}),
    ...(r.totalAreaUm2 !== undefined ? { totalAreaUm2: r.totalAreaUm2 } : {}),
    memoryBits: r.memoryBits,
    unmapped: r.unmapped,
    yosys: r.yosys,
    seconds: seconds(t0),
  };
}

async function powerStep(cfg: Config, name: DatasetName, p: NonNullable<StepSettings['power']>): Promise<PowerResult> {
  const t0 = performance.now();
  const { config: _config, ...r } = await estimatePower(cfg, {
    dataset: name,
    samples: p.samples,
    clockMHz: p.clockMHz,
    liberty: p.liberty,
    ...(p.sramLiberty.length ? { sramLiberty: p.sramLiberty } : {}),
  });
  return { ...r, stepSeconds: seconds(t0) };
}

/** The float32 reference run of a trained network. Never throws. */
export async function runFloat(job: FloatJob): Promise<FloatRecord> {
  const t0 = performance.now();
  const base = { kind: 'float' as const, version: SWEEP_VERSION, key: job.key, label: job.label, params: job.params };
  try {
    const p = job.params;
    const r = await trainOnDataset({
      dataset: dataset(p.dataset),
      engine: 'float',
      config: job.config,
      epochs: p.epochs,
      ...(p.limit !== undefined ? { limit: p.limit } : {}),
    });
    return {
      ...base,
      status: 'ok',
      error: null,
      testError: r.testError,
      perEpochTestError: r.perEpoch.map((e) => e.testError),
      seconds: seconds(t0),
      finishedAt: new Date().toISOString(),
    };
  } catch (e) {
    return {
      ...base,
      status: 'failed',
      error: `train (float32): ${oneLine(e)}`,
      testError: null,
      perEpochTestError: [],
      seconds: seconds(t0),
      finishedAt: new Date().toISOString(),
    };
  }
}
