/**
 * A worker process of `taxonn sweep` (src/flows/sweep.ts forks `--jobs` of them through tsx, as
 * scripts/results.ts does with scripts/results-worker.ts): receives points and float32 reference
 * runs over IPC, runs each (src/flows/sweep-point.ts), writes its record atomically to
 * DIR/points/<key>.json and reports it. A point's own failure is part of its record; only a
 * crash of this process is not (the parent then records the point as failed without caching it).
 */
import path from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.js';
import type { FloatJob, SweepPoint, SweepStep } from './grid.js';
import { runFloat, runPoint, type FloatRecord, type PointRecord } from './point.js';

export type ToWorker = { type: 'point'; point: SweepPoint; pointsDir: string } | { type: 'float'; job: FloatJob; pointsDir: string };
export type FromWorker =
  | { type: 'step'; key: string; step: SweepStep }
  | { type: 'done'; key: string; record: PointRecord | FloatRecord }
  | { type: 'error'; key: string; message: string };

const send = (m: FromWorker) => process.send!(m);

async function handle(m: ToWorker): Promise<PointRecord | FloatRecord> {
  const record = m.type === 'point' ? await runPoint(m.point, (step) => send({ type: 'step', key: m.point.key, step })) : await runFloat(m.job);
  writeFileAtomic(path.join(m.pointsDir, `${record.key}.json`), `${JSON.stringify(record, null, 1)}\n`);
  return record;
}

process.on('message', (m: ToWorker) => {
  const key = m.type === 'point' ? m.point.key : m.job.key;
  handle(m).then(
    (record) => send({ type: 'done', key, record }),
    (e: unknown) => send({ type: 'error', key, message: e instanceof Error ? e.message : String(e) }),
  );
});
process.on('disconnect', () => process.exit(0));
