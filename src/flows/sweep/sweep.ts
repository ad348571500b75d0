/**
 * `taxonn sweep` (docs/SWEEP.md): every point of a grid (data set × variant × formats × PE
 * count) generated, verified, trained, synthesised and measured for power, in `jobs` worker
 * processes (worker.ts, in the pool of src/flows/worker-pool.ts that scripts/results.ts uses too).
 *
 * Each point's record is cached in DIR/points/<key>.json (written atomically by the worker), so a
 * rerun skips what is done and a changed grid runs only its new points; the float32 reference of
 * every trained network runs once, as its own cached job. After every finished job DIR/sweep.csv
 * and DIR/sweep.json are rewritten (atomically) with what is known, at the end the Pareto plots.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../../hdl/source.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import {
  SWEEP_VERSION,
  SweepError,
  floatJobOf,
  loadGrid,
  planPoints,
  resolvePointConfig,
  type FloatJob,
  type SweepGrid,
  type SweepPoint,
  type SweepStep,
} from './grid.js';
import { entryOf, rowOf, sweepFiles, writeTables, type SweepDocument, type SweepFiles, type SweepPointEntry, type SweepSummary } from './output.js';
import { paretoPlots } from './plot.js';
import { oneLine, type FloatRecord, type PointRecord } from './point.js';
import type { StepMessage, ToWorker } from './worker.js';
import { failedRecord, runJob, type JobMessage } from './job.js';
import { runPool, type WorkerFailure } from '../worker-pool.js';
import { checkSlurmOptions, type SlurmOptions } from './slurm/batch.js';
import { runOnSlurm } from './slurm/executor.js';
import { FIRST_STAGE_STEPS, mergeStages, secondStage } from './two-stage.js';

// The worker beside this file: worker.ts from the sources (run through tsx), or .js compiled.
const HERE = fileURLToPath(import.meta.url);
const WORKER = path.join(path.dirname(HERE), `worker${path.extname(HERE)}`);
const WORKER_ARGS = path.extname(HERE) === '.ts' ? ['--import', 'tsx'] : [];

/** A job for a worker: a point, or the float32 reference run of a trained network. */
export type SweepJob =
  | { readonly kind: 'point'; readonly key: string; readonly label: string; readonly point: SweepPoint }
  | { readonly kind: 'float'; readonly key: string; readonly label: string; readonly job: FloatJob };

export type SweepEvent =
  | {
      readonly type: 'plan';
      /** A two-stage grid: 1 estimate and train every point, 2 the grid's steps on the estimated front. */
      readonly stage?: 1 | 2;
      readonly points: number;
      readonly cached: number;
      readonly toRun: number;
      readonly floatsToRun: number;
      readonly floatsCached: number;
      /** Local worker processes; with Slurm, the --max-parallel limit (0: none). */
      readonly workers: number;
      readonly executor: SweepExecutor;
      readonly jobs: readonly (SweepJob & { readonly cached: boolean })[];
    }
  /** The Slurm executor's job array was accepted. */
  | { readonly type: 'submitted'; readonly jobId: string; readonly tasks: number; readonly batchDir: string }
  | { readonly type: 'start'; readonly job: SweepJob }
  | { readonly type: 'step'; readonly job: SweepJob; readonly step: SweepStep }
  | { readonly type: 'done'; readonly job: SweepJob; readonly record: PointRecord | FloatRecord; readonly done: number; readonly total: number }
  /** A line a worker printed (e.g. a cold Verilator build). */
  | { readonly type: 'log'; readonly line: string };

/** Where the jobs run: worker processes on this machine, or a Slurm job array. */
export type SweepExecutor = 'local' | 'slurm';
export const SWEEP_EXECUTORS: readonly SweepExecutor[] = ['local', 'slurm'];

export interface SweepOptions {
  readonly gridFile: string;
  readonly out: string;
  /** Local worker processes (at most the jobs to run). */
  readonly jobs: number;
  /** Default 'local'. */
  readonly executor?: SweepExecutor;
  /** sbatch options of the Slurm executor. */
  readonly slurm?: SlurmOptions;
  /** Run the points that failed before again (default: they count as done). */
  readonly retryFailed?: boolean;
  /** Plan only: report what is cached and what would run; write nothing. */
  readonly dryRun?: boolean;
  readonly onEvent?: (e: SweepEvent) => void;
}

export interface SweepOutcome {
  readonly document: SweepDocument;
  readonly files: SweepFiles;
  /** 0 every point ok, 1 some failed (a dry run: 0). */
  readonly exitCode: 0 | 1;
}

/** A cached record of `key` in `dir`, or undefined (missing, unreadable, of another key, kind or version). */
export function readRecord<K extends 'point' | 'float'>(dir: string, key: string, kind: K): (K extends 'point' ? PointRecord : FloatRecord) | undefined {
  try {
    const r = JSON.parse(fs.readFileSync(path.join(dir, `${key}.json`), 'utf8')) as PointRecord | FloatRecord;
    const ok = r && r.kind === kind && r.key === key && r.version === SWEEP_VERSION && (r.status === 'ok' || r.status === 'failed');
    return ok ? (r as K extends 'point' ? PointRecord : FloatRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** The output folder and its points/ folder, created; a SweepError when that is not possible. */
function prepareOut(out: string, create: boolean): SweepFiles {
  const files = sweepFiles(out);
  if (fs.existsSync(out) && !fs.statSync(out).isDirectory()) throw new SweepError(`sweep: --out ${out} is not a folder`);
  if (!create) return files;
  try {
    fs.mkdirSync(files.points, { recursive: true });
    fs.accessSync(files.points, fs.constants.W_OK);
  } catch (e) {
    throw new SweepError(`sweep: cannot write to --out ${out}: ${oneLine(e)}`);
  }
  return files;
}

/** The float32 reference of each point that trains (undefined: it does not train, or its configuration does not resolve). */
function floatJobs(points: readonly SweepPoint[]): Map<string, FloatJob> {
  const byPoint = new Map<string, FloatJob>();
  for (const p of points) {
    if (!p.settings.train || p.params.variant === 'inference') continue;
    try {
      byPoint.set(p.key, floatJobOf(resolvePointConfig(p.params), p.params.dataset, p.settings.train));
    } catch {
      /* the point fails with its ConfigError when it runs */
    }
  }
  return byPoint;
}

/** The records already in `dir` (failed ones only without `retryFailed`): points, the keys of those, float32 references. */
function readCached(dir: string, points: readonly SweepPoint[], floatList: readonly FloatJob[], retryFailed: boolean) {
  const records = new Map<string, PointRecord>();
  const cachedKeys = new Set<string>();
  const floats = new Map<string, FloatRecord>();
  for (const p of points) {
    const r = readRecord(dir, p.key, 'point');
    if (r && (r.status === 'ok' || !retryFailed)) {
      records.set(p.key, r);
      cachedKeys.add(p.key);
    }
  }
  for (const j of floatList) {
    const r = readRecord(dir, j.key, 'float');
    if (r && (r.status === 'ok' || !retryFailed)) floats.set(j.key, r);
  }
  return { records, cachedKeys, floats };
}

/**
 * Runs `todo` on `workers` forked workers (src/flows/worker-pool.ts), in order; a worker that dies
 * takes only its current job with it (recorded as failed, not cached) and is replaced while jobs remain.
 */
function runJobs(
  todo: readonly SweepJob[],
  workers: number,
  pointsDir: string,
  emit: (e: SweepEvent) => void,
  onRecord: (job: SweepJob, r: PointRecord | FloatRecord) => void,
): Promise<void> {
  return runPool<SweepJob, PointRecord | FloatRecord>(todo, {
    worker: WORKER,
    execArgv: WORKER_ARGS,
    cwd: repoRoot,
    workers,
    output: (line) => emit({ type: 'log', line }),
    toWorker: (job): ToWorker => messageOf(job, pointsDir),
    onFailure: {
      // not written to DIR/points: a rerun tries the job again
      record: (job, f) => failedRecord(messageOf(job, pointsDir), failureText(f)),
      log: (f) => emit({ type: 'log', line: `sweep: worker: ${failureText(f)}` }),
    },
    onStart: (job) => emit({ type: 'start', job }),
    onMessage: (job, m) => emit({ type: 'step', job, step: (m as StepMessage).step }),
    onDone: onRecord,
  });
}

/** Runs `todo` as a Slurm job array (slurm/executor.ts); Slurm's failures are recorded and cached. */
function runSlurmJobs(
  todo: readonly SweepJob[],
  files: SweepFiles,
  options: SlurmOptions,
  emit: (e: SweepEvent) => void,
  onRecord: (job: SweepJob, r: PointRecord | FloatRecord) => void,
): Promise<void> {
  return runOnSlurm<SweepJob>({
    jobs: todo,
    message: (job) => messageOf(job, files.points),
    pointsDir: files.points,
    slurmDir: files.slurm,
    options,
    readRecord: (job) => readRecord(files.points, job.key, job.kind),
    onSubmitted: (jobId, tasks, batchDir) => emit({ type: 'submitted', jobId, tasks, batchDir }),
    onStart: (job) => emit({ type: 'start', job }),
    onStep: (job, step) => emit({ type: 'step', job, step }),
    onRecord,
  });
}

/** What a sweep run keeps while its stages run: the records found and made, and the counts. */
interface RunState {
  readonly records: Map<string, PointRecord>;
  readonly cachedKeys: Set<string>;
  readonly floats: Map<string, FloatRecord>;
  readonly floatOf: Map<string, FloatJob>;
  readonly count: { ran: number; floatRuns: number };
}

interface RunContext {
  readonly opts: SweepOptions;
  readonly executor: SweepExecutor;
  readonly files: SweepFiles;
  readonly emit: (e: SweepEvent) => void;
  readonly state: RunState;
  /** Rewrites sweep.csv and sweep.json (throttled by the caller). */
  readonly writeNow: () => void;
}

/**
 * Plans and runs one stage's points (and the float32 references they need): the cached ones are
 * read, the others run on the executor (estimate-only points in this process). A dry run only plans.
 */
async function runStage(points: readonly SweepPoint[], ctx: RunContext, stage?: 1 | 2): Promise<void> {
  const { opts, executor, files, emit, state } = ctx;
  const floatOf = floatJobs(points);
  for (const [k, j] of floatOf) state.floatOf.set(k, j);
  const floatList = [...new Map([...floatOf.values()].map((j) => [j.key, j])).values()];
  const cached = readCached(files.points, points, floatList, opts.retryFailed ?? false);
  for (const [k, r] of cached.records) state.records.set(k, r);
  for (const k of cached.cachedKeys) state.cachedKeys.add(k);
  for (const [k, r] of cached.floats) state.floats.set(k, r);
  // the float32 references first (a second or so each), then the points in grid order
  const todo: SweepJob[] = [
    ...floatList.filter((j) => !cached.floats.has(j.key)).map((job): SweepJob => ({ kind: 'float', key: job.key, label: job.label, job })),
    ...points.filter((p) => !cached.records.has(p.key)).map((point): SweepJob => ({ kind: 'point', key: point.key, label: point.label, point })),
  ];
  // points that only estimate take a millisecond: they run here, not in a worker or on Slurm
  const estimateOnly = (j: SweepJob) => j.kind === 'point' && j.point.steps.every((st) => st === 'estimate');
  const rest = todo.filter((j) => !estimateOnly(j));
  const workers = executor === 'local' ? Math.min(opts.jobs, rest.length) : (opts.slurm?.maxParallel ?? 0);
  emit({
    type: 'plan',
    ...(stage ? { stage } : {}),
    points: points.length,
    cached: cached.cachedKeys.size,
    toRun: points.length - cached.cachedKeys.size,
    floatsToRun: floatList.length - cached.floats.size,
    floatsCached: cached.floats.size,
    workers,
    executor,
    jobs: [
      ...floatList.map((job) => ({ kind: 'float' as const, key: job.key, label: job.label, job, cached: cached.floats.has(job.key) })),
      ...points.map((point) => ({ kind: 'point' as const, key: point.key, label: point.label, point, cached: cached.records.has(point.key) })),
    ],
  });
  if (opts.dryRun) return;
  let done = 0;
  let lastWrite = 0;
  const onRecord = (job: SweepJob, record: PointRecord | FloatRecord) => {
    done++;
    if (record.kind === 'point') {
      state.records.set(record.key, record);
      state.count.ran++;
    } else {
      state.floats.set(record.key, record);
      state.count.floatRuns++;
    }
    // at most once a second: an estimate-only sweep finishes thousands of points a second
    if (performance.now() - lastWrite > 1000) {
      ctx.writeNow();
      lastWrite = performance.now();
    }
    emit({ type: 'done', job, record, done, total: todo.length });
  };
  for (const job of todo.filter(estimateOnly)) {
    emit({ type: 'start', job });
    onRecord(job, await runJob(messageOf(job, files.points)));
  }
  if (rest.length && executor === 'local') await runJobs(rest, workers, files.points, emit, onRecord);
  else if (rest.length) await runSlurmJobs(rest, files, opts.slurm ?? {}, emit, onRecord);
}

export async function runSweep(opts: SweepOptions): Promise<SweepOutcome> {
  const t0 = performance.now();
  if (!Number.isSafeInteger(opts.jobs) || opts.jobs < 1) throw new SweepError(`sweep: --jobs must be a positive integer, got ${opts.jobs}`);
  const executor = opts.executor ?? 'local';
  if (!SWEEP_EXECUTORS.includes(executor)) throw new SweepError(`sweep: --executor must be one of ${SWEEP_EXECUTORS.join(', ')}, got ${String(executor)}`);
  if (opts.slurm) checkSlurmOptions(opts.slurm);
  const grid = loadGrid(opts.gridFile);
  const out = path.resolve(opts.out);
  const files = prepareOut(out, !opts.dryRun);
  const state: RunState = { records: new Map(), cachedKeys: new Set(), floats: new Map(), floatOf: new Map(), count: { ran: 0, floatRuns: 0 } };
  // two stages: estimate and train every point, then the grid's steps on the estimated front only (two-stage.ts)
  const first = planPoints(grid, grid.twoStage ? FIRST_STAGE_STEPS : grid.steps);
  let second: (SweepPoint | undefined)[] = [];
  const documentNow = (): SweepDocument => buildDocument(grid, opts, out, first, second, state, t0);
  const ctx: RunContext = { opts, executor, files, emit: opts.onEvent ?? (() => {}), state, writeNow: () => writeTables(out, documentNow()) };
  await runStage(first, ctx, grid.twoStage ? 1 : undefined);
  if (grid.twoStage && !opts.dryRun) {
    second = secondStage(grid, first, state.records);
    await runStage(
      second.filter((p): p is SweepPoint => p !== undefined),
      ctx,
      2,
    );
  }
  const document = documentNow();
  if (opts.dryRun) return { document, files, exitCode: 0 };
  const plots = paretoPlots(document.points.map(rowOf), grid.datasets, grid.twoStage?.front ?? 'area');
  const final: SweepDocument = { ...document, pareto: plots.fronts };
  writeTables(out, final);
  writeFileAtomic(files.paretoArea, plots.area);
  writeFileAtomic(files.paretoPower, plots.power);
  if (plots.estimate) writeFileAtomic(files.paretoEstimate, plots.estimate);
  return { document: final, files, exitCode: final.summary.failed || final.summary.pending ? 1 : 0 };
}

function buildDocument(
  grid: SweepGrid,
  opts: SweepOptions,
  out: string,
  points: readonly SweepPoint[],
  second: readonly (SweepPoint | undefined)[],
  state: RunState,
  t0: number,
): SweepDocument {
  const { records, cachedKeys, floats, floatOf, count } = state;
  const entries: SweepPointEntry[] = [];
  points.forEach((p, i) => {
    const r = records.get(p.key);
    if (!r) return;
    const q = second[i];
    const merged = q ? mergeStages(r, records.get(q.key), q.key) : r;
    entries.push(entryOf(merged, cachedKeys.has(p.key), floatOf.get(p.key)?.key ?? null, floats));
  });
  const used = new Set(entries.map((e) => e.floatKey));
  const summary: SweepSummary = {
    points: points.length,
    ok: entries.filter((e) => e.status === 'ok').length,
    failed: entries.filter((e) => e.status === 'failed').length,
    pending: points.length - entries.length,
    cached: cachedKeys.size,
    ran: count.ran,
    floatRuns: count.floatRuns,
    executor: opts.executor ?? 'local',
    jobs: (opts.executor ?? 'local') === 'local' ? opts.jobs : (opts.slurm?.maxParallel ?? 0),
    wallSeconds: Math.round((performance.now() - t0) / 100) / 10,
    pointSeconds: Math.round(entries.reduce((s, e) => s + e.seconds, 0) * 10) / 10,
  };
  return {
    version: SWEEP_VERSION,
    grid: { file: opts.gridFile, ...grid },
    out,
    summary,
    points: entries,
    floats: [...floats.values()].filter((f) => used.has(f.key)),
    pareto: { area: {}, power: {} },
  };
}

/** A failure in the words of the sweep (a point's record, or a log line when no job was running). */
function failureText(f: WorkerFailure): string {
  if (f.kind === 'reported') return `sweep: the worker could not finish the job: ${oneLine(f.message)}`;
  if (f.kind === 'exited') return `sweep: the worker process exited (${f.signal ?? `code ${f.code}`}) while running it`;
  return oneLine(f.error);
}

/** The job as a worker (local, or a Slurm task) receives it. */
function messageOf(job: SweepJob, pointsDir: string): JobMessage {
  return job.kind === 'point' ? { type: 'point', point: job.point, pointsDir } : { type: 'float', job: job.job, pointsDir };
}
