/** The worker pool shared by taxonn sweep and npm run results: its two failure policies. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/hdl/source.js';
import { runPool, type PoolOptions, type WorkerFailure } from '../../src/flows/worker-pool.js';
import type { PoolTestJob } from '../fixtures/pool/worker.js';

const WORKER = path.join(repoRoot, 'test', 'fixtures', 'pool', 'worker.ts');
const job = (key: string, action: PoolTestJob['action'] = 'ok') => ({ key, action });
const base = { worker: WORKER, execArgv: ['--import', 'tsx'], cwd: repoRoot, output: 'inherit', toWorker: (j: PoolTestJob) => j } as const;
const describeFailure = (f: WorkerFailure) =>
  f.kind === 'reported' ? `reported: ${f.message}` : f.kind === 'exited' ? `exited: code ${f.code}` : `error: ${f.error.message}`;

describe('worker pool', () => {
  it('record: a failure settles only its job, a dead worker is replaced, every job settles once', async () => {
    const done = new Map<string, string>();
    const started: string[] = [];
    const messages: string[] = [];
    const opts: PoolOptions<PoolTestJob, string> = {
      ...base,
      workers: 2,
      onFailure: { record: (j, f) => `failed ${j.key}: ${describeFailure(f)}`, log: (f) => messages.push(describeFailure(f)) },
      onStart: (j) => started.push(j.key),
      onMessage: (j, m) => messages.push(`${j.key}: ${(m as { type: string }).type}`),
      onDone: (j, r) => {
        expect(done.has(j.key)).toBe(false);
        done.set(j.key, r);
      },
    };
    const jobs = [job('a'), job('b', 'crash'), job('c', 'fail'), job('d'), job('e', 'crash'), job('f')];
    await runPool(jobs, opts);
    expect(started).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect([...done.keys()].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(done.get('b')).toBe('failed b: exited: code 7');
    expect(done.get('c')).toBe('failed c: reported: job c failed');
    for (const k of ['a', 'd', 'f']) expect(done.get(k)).toMatch(new RegExp(`^done ${k} in \\d+$`));
    expect(messages.filter((m) => m.endsWith(': progress')).sort()).toEqual(['a: progress', 'd: progress', 'f: progress']);
  }, 60_000);

  it("stop: the first failure rejects the run with the caller's error", async () => {
    const done: string[] = [];
    const run = runPool([job('a'), job('b', 'fail'), job('c'), job('d')], {
      ...base,
      workers: 1,
      onFailure: { stop: (j, f) => new Error(`${j?.key}: ${describeFailure(f)}`) },
      onDone: (j) => done.push(j.key),
    });
    await expect(run).rejects.toThrow('b: reported: job b failed');
    expect(done).toEqual(['a']);
  }, 60_000);

  it('no jobs: resolves at once, starts no process', async () => {
    await runPool([], { ...base, workers: 4, onFailure: { stop: () => new Error('never') }, onDone: () => expect.unreachable() });
  });
});
