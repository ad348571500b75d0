/**
 * One job of a sweep, as every executor runs it: a point (point.ts runPoint) or a float32
 * reference run (runFloat), its record written atomically to DIR/points/<key>.json. The local
 * executor's worker processes (worker.ts) and the Slurm array tasks (slurm/task.ts) both call
 * runJob, so the two executors give the same records (timing fields aside).
 */
import path from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { SWEEP_VERSION, type FloatJob, type SweepPoint, type SweepStep } from './grid.js';
import { runFloat, runPoint, type FloatRecord, type PointRecord } from './point.js';

export type JobMessage = { type: 'point'; point: SweepPoint; pointsDir: string } | { type: 'float'; job: FloatJob; pointsDir: string };

/** The key of the job's record. */
export function jobKey(m: JobMessage): string {
  return m.type === 'point' ? m.point.key : m.job.key;
}

/** Runs the job and writes its record; a point's own failure is part of its record. */
export async function runJob(m: JobMessage, onStep?: (step: SweepStep) => void): Promise<PointRecord | FloatRecord> {
  const record = m.type === 'point' ? await runPoint(m.point, onStep) : await runFloat(m.job);
  writeFileAtomic(path.join(m.pointsDir, `${record.key}.json`), `${JSON.stringify(record, null, 1)}\n`);
  return record;
}

/**
 * The record of a job that ended without writing its own: its worker process died (local), or
 * Slurm ended its task (time limit, memory, node failure). Failed, with `failedStep` when known.
 */
export function failedRecord(m: JobMessage, error: string, failedStep: SweepStep | null = null): PointRecord | FloatRecord {
  const failed = { version: SWEEP_VERSION, status: 'failed' as const, error, seconds: 0, finishedAt: new Date().toISOString() };
  if (m.type === 'float') {
    const { key, label, params } = m.job;
    return { kind: 'float', key, label, params, ...failed, testError: null, perEpochTestError: [] };
  }
  const { key, label, params, steps, settings } = m.point;
  return { kind: 'point', key, label, params, steps, settings, ...failed, failedStep, config: null, results: {} };
}
