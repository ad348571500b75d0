/**
 * `taxonn sweep` (docs/SWEEP.md): every point of a grid (data set × variant × formats × PE
 * count) generated, verified, trained, synthesised and measured for power, in `jobs` worker
 * processes (src/flows/sweep-worker.ts, forked through tsx like scripts/results.ts does).
 *
 * Each point's record is cached in DIR/points/<key>.json (written atomically by the worker), so a
 * rerun skips what is done and a changed grid runs only its new points; the float32 reference of
 * every trained network runs once, as its own cached job. After every finished job DIR/sweep.csv
 * and DIR/sweep.json are rewritten (atomically) with what is known, at the end the Pareto plots.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../../hdl/source.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { SWEEP_VERSION, SweepError, floatJobOf, loadGrid, planPoints, resolvePointConfig, type FloatJob, type SweepGrid, type SweepPoint, type SweepStep } from './grid.js';
import { entryOf, rowOf, sweepFiles, writeTables, type SweepDocument, type SweepFiles, type SweepPointEntry, type SweepSummary } from './output.js';
import { paretoPlots } from './plot.js';
import { oneLine, type FloatRecord, type PointRecord } from './point.js';
import type { FromWorker, ToWorker } from './worker.js';

// The worker beside this file: worker.ts from the sources (run through tsx), or .js compiled.
const HERE = fileURLToPath(import.meta.url);
const WORKER = path.join(path.dirname(HERE), `worker${path.extname(HERE)}`);
const WORKER_ARGS = path.extname(HERE) === '.ts' ? ['--import', 'tsx'] : [];

/** A job for a worker: a point, or the float32 reference run of a trained network. */
export type SweepJob = { readonly kind: 'point'; readonly key: string; readonly label: string; readonly point: SweepPoint } | { readonly kind: 'float'; readonly key: string; readonly label: string; readonly job: FloatJob };

export type SweepEvent =
  | { readonly type: 'plan'; readonly points: number; readonly cached: number; readonly toRun: number; readonly floatsToRun: number; readonly floatsCached: number; readonly workers: number; readonly jobs: readonly (SweepJob & { readonly cached: boolean })[] }
  | { readonly type: 'start'; readonly job: SweepJob }
  | { readonly type: 'step'; readonly job: SweepJob; readonly step: SweepStep }
  | { readonly type: 'done'; readonly job: SweepJob; readonly record: PointRecord | FloatRecord; readonly done: number; readonly total: number }
  /** A line a worker printed (e.g. a cold Verilator build). */
  | { readonly type: 'log'; readonly line: string };

export interface SweepOptions {
  readonly gridFile: string;
  readonly out: string;
  /** Worker processes (at most the jobs to run). */
  readonly jobs: number;
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

export async function runSweep(opts: SweepOptions): Promise<SweepOutcome> {
  const t0 = performance.now();
  if (!Number.isSafeInteger(opts.jobs) || opts.jobs < 1) throw new SweepError(`sweep: --jobs must be a positive integer, got ${opts.jobs}`);
  const grid = loadGrid(opts.gridFile);
  const out = path.resolve(opts.out);
  const files = prepareOut(out, !opts.dryRun);
  const emit = opts.onEvent ?? (() => {});

  const points = planPoints(grid);
  const floatOf = floatJobs(points);
  const floatList = [...new Map([...floatOf.values()].map((j) => [j.key, j])).values()];

  const records = new Map<string, PointRecord>();
  const cachedKeys = new Set<string>();
  const floats = new Map<string, FloatRecord>();
  for (const p of points) {
    const r = readRecord(files.points, p.key, 'point');
    if (r && (r.status === 'ok' || !opts.retryFailed)) {
      records.set(p.key, r);
      cachedKeys.add(p.key);
    }
  }
  for (const j of floatList) {
    const r = readRecord(files.points, j.key, 'float');
    if (r && (r.status === 'ok' || !opts.retryFailed)) floats.set(j.key, r);
  }
  // the float32 references first (a second or so each), then the points in grid order
  const todo: SweepJob[] = [
    ...floatList.filter((j) => !floats.has(j.key)).map((job): SweepJob => ({ kind: 'float', key: job.key, label: job.label, job })),
    ...points.filter((p) => !records.has(p.key)).map((point): SweepJob => ({ kind: 'point', key: point.key, label: point.label, point })),
  ];
  const workers = Math.min(opts.jobs, todo.length);
  emit({
    type: 'plan',
    points: points.length,
    cached: cachedKeys.size,
    toRun: points.length - cachedKeys.size,
    floatsToRun: floatList.length - floats.size,
    floatsCached: floats.size,
    workers,
    jobs: [
      ...floatList.map((job) => ({ kind: 'float' as const, key: job.key, label: job.label, job, cached: floats.has(job.key) })),
      ...points.map((point) => ({ kind: 'point' as const, key: point.key, label: point.label, point, cached: records.has(point.key) })),
    ],
  });

  const pointCount = { ran: 0, floatRuns: 0 };
  const documentNow = (): SweepDocument => buildDocument(grid, opts, out, points, records, cachedKeys, floats, floatOf, pointCount, t0);
  if (opts.dryRun) {
    const document = documentNow();
    return { document, files, exitCode: 0 };
  }

  let done = 0;
  await runInWorkers(todo, workers, files.points, {
    onStart: (job) => emit({ type: 'start', job }),
    onStep: (job, step) => emit({ type: 'step', job, step }),
    onLog: (line) => emit({ type: 'log', line }),
    onDone: (job, record) => {
      done++;
      if (record.kind === 'point') {
        records.set(record.key, record);
        pointCount.ran++;
      } else {
        floats.set(record.key, record);
        pointCount.floatRuns++;
      }
      writeTables(out, documentNow());
      emit({ type: 'done', job, record, done, total: todo.length });
    },
  });

  const document = documentNow();
  const plots = paretoPlots(document.points.map(rowOf), grid.datasets);
  const final: SweepDocument = { ...document, pareto: plots.fronts };
  writeTables(out, final);
  writeFileAtomic(files.paretoArea, plots.area);
  writeFileAtomic(files.paretoPower, plots.power);
  return { document: final, files, exitCode: final.summary.failed || final.summary.pending ? 1 : 0 };
}

function buildDocument(
  grid: SweepGrid,
  opts: SweepOptions,
  out: string,
  points: readonly SweepPoint[],
  records: ReadonlyMap<string, PointRecord>,
  cachedKeys: ReadonlySet<string>,
  floats: ReadonlyMap<string, FloatRecord>,
  floatOf: ReadonlyMap<string, FloatJob>,
  count: { ran: number; floatRuns: number },
  t0: number,
): SweepDocument {
  const entries: SweepPointEntry[] = [];
  for (const p of points) {
    const r = records.get(p.key);
    if (r) entries.push(entryOf(r, cachedKeys.has(p.key), floatOf.get(p.key)?.key ?? null, floats));
  }
  const used = new Set(entries.map((e) => e.floatKey));
  const summary: SweepSummary = {
    points: points.length,
    ok: entries.filter((e) => e.status === 'ok').length,
    failed: entries.filter((e) => e.status === 'failed').length,
    pending: points.length - entries.length,
    cached: cachedKeys.size,
    ran: count.ran,
    floatRuns: count.floatRuns,
    jobs: opts.jobs,
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

interface PoolHandlers {
  onStart(job: SweepJob): void;
  onStep(job: SweepJob, step: SweepStep): void;
  onDone(job: SweepJob, record: PointRecord | FloatRecord): void;
  onLog(line: string): void;
}

/** The record of a job whose worker died (or could not write its result): failed, and not cached, so a rerun tries again. */
function lostRecord(job: SweepJob, why: string): PointRecord | FloatRecord {
  const finishedAt = new Date().toISOString();
  if (job.kind === 'float') {
    return { kind: 'float', version: SWEEP_VERSION, key: job.key, label: job.label, params: job.job.params, status: 'failed', error: why, testError: null, perEpochTestError: [], seconds: 0, finishedAt };
  }
  const p = job.point;
  return { kind: 'point', version: SWEEP_VERSION, key: p.key, label: p.label, params: p.params, steps: p.steps, settings: p.settings, status: 'failed', error: why, failedStep: null, config: null, results: {}, seconds: 0, finishedAt };
}

/** Lines of a child's output stream, to `onLine`. */
function forwardLines(stream: NodeJS.ReadableStream | null, onLine: (l: string) => void): void {
  if (!stream) return;
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).trimEnd();
      buf = buf.slice(i + 1);
      if (line) onLine(line);
    }
  });
  stream.on('end', () => {
    if (buf.trim()) onLine(buf.trimEnd());
    buf = '';
  });
}

/**
 * Runs `todo` on `n` forked workers, in order; a worker that dies takes only its current job with
 * it (recorded as failed) and is replaced while jobs remain.
 */
function runInWorkers(todo: readonly SweepJob[], n: number, pointsDir: string, h: PoolHandlers): Promise<void> {
  const queue = [...todo];
  let running = 0;
  return new Promise((resolve) => {
    const finish = () => {
      if (queue.length === 0 && running === 0) resolve();
    };
    const spawn = () => {
      const w: ChildProcess = fork(WORKER, [], { execArgv: WORKER_ARGS, cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
      forwardLines(w.stdout, h.onLog);
      forwardLines(w.stderr, h.onLog);
      let current: SweepJob | undefined;
      const settle = (record: PointRecord | FloatRecord) => {
        const job = current!;
        current = undefined;
        running--;
        h.onDone(job, record);
      };
      const next = () => {
        const job = queue.shift();
        if (!job) {
          if (w.connected) w.disconnect();
          return finish();
        }
        current = job;
        running++;
        h.onStart(job);
        const m: ToWorker = job.kind === 'point' ? { type: 'point', point: job.point, pointsDir } : { type: 'float', job: job.job, pointsDir };
        w.send(m);
      };
      w.on('message', (m: FromWorker) => {
        if (!current || m.key !== current.key) return;
        if (m.type === 'step') return h.onStep(current, m.step);
        settle(m.type === 'done' ? m.record : lostRecord(current, `sweep: the worker could not finish the job: ${oneLine(m.message)}`));
        next();
      });
      w.on('exit', (code, signal) => {
        if (!current) return finish();
        settle(lostRecord(current, `sweep: the worker process exited (${signal ?? `code ${code}`}) while running it`));
        if (queue.length) spawn();
        else finish();
      });
      w.on('error', (e) => h.onLog(`sweep: worker: ${oneLine(e)}`));
      next();
    };
    for (let i = 0; i < n; i++) spawn();
    finish();
  });
}
