/**
 * A worker process of `npm run results` (scripts/results.ts forks two): receives jobs over IPC,
 * runs each with trainOnDataset, writes its result to the cache (atomically) and reports it.
 * Data sets are loaded once per worker.
 */
import { writeCachedResult } from '../src/flows/results/cache.js';
import type { Job } from '../src/flows/results/plan.js';
import type { RunResult } from '../src/flows/results/summary.js';
import { trainOnDataset } from '../src/flows/train.js';
import { serveJobs } from '../src/flows/worker-pool.js';
import { loadDataset, type Dataset, type DatasetName } from '../src/model/datasets/index.js';

export type ToWorker = { type: 'run'; job: Job; cacheDir: string };

const datasets = new Map<DatasetName, Dataset>();
const dataset = (name: DatasetName): Dataset => {
  let d = datasets.get(name);
  if (!d) datasets.set(name, (d = loadDataset(name)));
  return d;
};

async function run(job: Job, cacheDir: string): Promise<RunResult> {
  const { spec } = job;
  const data = dataset(spec.dataset);
  const t0 = performance.now();
  const r = await trainOnDataset({
    dataset: data,
    engine: spec.engine,
    config: spec.config,
    epochs: spec.epochs,
    ...(spec.limit !== undefined ? { limit: spec.limit } : {}),
  });
  const result: RunResult = {
    key: job.key,
    dataset: spec.dataset,
    engine: r.engine,
    seed: r.seed,
    epochs: r.epochs,
    trainSamples: r.trainSamples,
    testSamples: r.testSamples,
    testError: r.testError,
    perEpoch: r.perEpoch.map((e) => ({ epoch: e.epoch, testError: e.testError, trainError: e.trainError, trainLoss: e.trainLoss })),
    samplesPerSecond: r.samplesPerSecond,
    wallSeconds: (performance.now() - t0) / 1000,
    ...(r.engine === 'rtl' ? { equivalent: r.equivalent ?? false, firstMismatch: r.firstMismatch ?? null, cyclesPerSample: r.cyclesPerSample ?? 0 } : {}),
  };
  writeCachedResult(cacheDir, result);
  return result;
}

serveJobs<ToWorker, RunResult>(
  (m) => m.job.key,
  (m) => run(m.job, m.cacheDir),
  (e) => (e instanceof Error ? (e.stack ?? e.message) : String(e)),
);
