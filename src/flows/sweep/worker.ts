/**
 * A worker process of `taxonn sweep`'s local executor (sweep.ts runs `--jobs` of them in the pool
 * of src/flows/worker-pool.ts, as scripts/results.ts does with scripts/results-worker.ts):
 * receives points and float32 reference runs over IPC and runs each with job.ts (which writes its
 * record to DIR/points/<key>.json), reporting the steps as they start. A point's own failure is
 * part of its record; only a crash of this process is not (the parent then records the point as
 * failed without caching it).
 */
import { serveJobs } from '../worker-pool.js';
import type { SweepStep } from './grid.js';
import { jobKey, runJob, type JobMessage } from './job.js';
import type { FloatRecord, PointRecord } from './point.js';

export type ToWorker = JobMessage;
/** Sent while a point runs, before the pool's done or error reply (src/flows/worker-pool.ts). */
export type StepMessage = { type: 'step'; key: string; step: SweepStep };

serveJobs<ToWorker, PointRecord | FloatRecord>(
  jobKey,
  (m) => runJob(m, (step) => process.send!({ type: 'step', key: jobKey(m), step } satisfies StepMessage)),
  (e) => (e instanceof Error ? e.message : String(e)),
);
