/**
 * A worker process of `taxonn sweep` (sweep.ts runs `--jobs` of them in the pool of
 * src/flows/worker-pool.ts, as scripts/results.ts does with scripts/results-worker.ts): receives
 * points and float32 reference runs over IPC, runs each (point.ts), writes its record atomically
 * to DIR/points/<key>.json and reports it. A point's own failure is part of its record; only a
 * crash of this process is not (the parent then records the point as failed without caching it).
 */
import path from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { serveJobs } from '../worker-pool.js';
import type { FloatJob, SweepPoint, SweepStep } from './grid.js';
import { runFloat, runPoint, type FloatRecord, type PointRecord } from './point.js';

export type ToWorker = { type: 'point'; point: SweepPoint; pointsDir: string } | { type: 'float'; job: FloatJob; pointsDir: string };
/** Sent while a point runs, before the pool's done or error reply (src/flows/worker-pool.ts). */
export type StepMessage = { type: 'step'; key: string; step: SweepStep };

async function handle(m: ToWorker): Promise<PointRecord | FloatRecord> {
  const step = (key: string) => (s: SweepStep) => process.send!({ type: 'step', key, step: s } satisfies StepMessage);
  const record = m.type === 'point' ? await runPoint(m.point, step(m.point.key)) : await runFloat(m.job);
  writeFileAtomic(path.join(m.pointsDir, `${record.key}.json`), `${JSON.stringify(record, null, 1)}\n`);
  return record;
}

serveJobs<ToWorker, PointRecord | FloatRecord>(
  (m) => (m.type === 'point' ? m.point.key : m.job.key),
  handle,
  (e) => (e instanceof Error ? e.message : String(e)),
);
