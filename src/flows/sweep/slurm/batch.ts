/**
 * A batch: the jobs of one `sbatch --array` submission, in a folder of the sweep's output folder
 * (on the shared filesystem, so every node reads it):
 *
 *   DIR/slurm/<batch>/jobs.json        the jobs, in array task order (job.ts JobMessage)
 *   DIR/slurm/<batch>/task.sh          the batch script: task N runs job N (task.ts)
 *   DIR/slurm/<batch>/submitted.json   the array's job id, once sbatch has accepted it
 *   DIR/slurm/<batch>/task-<N>.log     task N's stdout and stderr (sbatch --output)
 *   DIR/slurm/<batch>/steps/<N>        the step task N is in
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../../../hdl/source.js';
import { writeFileAtomic } from '../../../util/atomic-write.js';
import { SweepError } from '../grid.js';
import type { JobMessage } from '../job.js';

/** The sbatch options a sweep passes on (docs/SWEEP.md, "Slurm"). */
export interface SlurmOptions {
  /** sbatch --partition (default: the cluster's default partition). */
  readonly partition?: string;
  /** sbatch --time, per task: "minutes", "h:m:s", "d-h", … (default: the partition's). */
  readonly time?: string;
  /** sbatch --mem, per task: "4G", "500M", … (default: the cluster's). */
  readonly mem?: string;
  /** Tasks running at the same time (--array=…%N; default: as many as Slurm gives). */
  readonly maxParallel?: number;
  /** How often the queue is read, ms (default 2000). */
  readonly pollMs?: number;
}

/** Checks the options' shapes, so sbatch is not the one to reject them. @throws SweepError */
export function checkSlurmOptions(o: SlurmOptions): void {
  if (o.partition !== undefined && !/^[\w.-]+(,[\w.-]+)*$/.test(o.partition)) {
    throw new SweepError(`sweep: --partition must be a partition name (or a comma-separated list), got ${JSON.stringify(o.partition)}`);
  }
  if (o.time !== undefined && !/^(\d+-\d+(:\d+){0,2}|\d+(:\d+){0,2})$/.test(o.time)) {
    throw new SweepError(`sweep: --time must be a Slurm time limit (minutes, m:s, h:m:s, d-h, d-h:m or d-h:m:s), got ${JSON.stringify(o.time)}`);
  }
  if (o.mem !== undefined && !/^\d+[KMGT]?$/i.test(o.mem)) {
    throw new SweepError(`sweep: --mem must be a size in megabytes or with a unit K, M, G or T (e.g. 4G), got ${JSON.stringify(o.mem)}`);
  }
  if (o.maxParallel !== undefined && (!Number.isSafeInteger(o.maxParallel) || o.maxParallel < 1)) {
    throw new SweepError(`sweep: --max-parallel must be a positive integer, got ${o.maxParallel}`);
  }
}

export interface Batch {
  readonly dir: string;
  readonly jobs: readonly JobMessage[];
}

const BATCH_VERSION = 1;

export const stepFile = (dir: string, task: number) => path.join(dir, 'steps', String(task));
export const logFile = (dir: string, task: number) => path.join(dir, `task-${task}.log`);
export const submittedFile = (dir: string) => path.join(dir, 'submitted.json');

/** The task program beside this folder: task.ts from the sources (through tsx), or task.js compiled. */
function taskCommand(): string[] {
  const here = fileURLToPath(import.meta.url);
  const ext = path.extname(here);
  return [process.execPath, ...(ext === '.ts' ? ['--import', 'tsx'] : []), path.join(path.dirname(here), `task${ext}`)];
}

/** Single quotes for the batch script (a path with a quote in it is refused). */
function shq(s: string): string {
  if (/['\n]/.test(s)) throw new SweepError(`sweep: unsupported character in a path for the Slurm batch script: ${s}`);
  return `'${s}'`;
}

/** Writes a new batch folder under `slurmDir` with the jobs and the batch script. */
export function writeBatch(slurmDir: string, jobs: readonly JobMessage[]): Batch {
  fs.mkdirSync(slurmDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const dir = fs.mkdtempSync(path.join(slurmDir, `batch-${stamp}-`));
  fs.mkdirSync(path.join(dir, 'steps'));
  writeFileAtomic(path.join(dir, 'jobs.json'), `${JSON.stringify({ version: BATCH_VERSION, jobs }, null, 1)}\n`);
  const script = [
    '#!/bin/bash',
    '# taxonn sweep: array task N runs job N of jobs.json in this folder (src/flows/sweep/slurm/task.ts)',
    `cd ${shq(repoRoot)} || exit 1`,
    `exec ${[...taskCommand(), dir].map(shq).join(' ')} "$SLURM_ARRAY_TASK_ID"`,
    '',
  ].join('\n');
  writeFileAtomic(path.join(dir, 'task.sh'), script);
  return { dir, jobs };
}

/** The jobs of a batch folder. @throws Error when it is not one */
export function readBatch(dir: string): Batch {
  const doc = JSON.parse(fs.readFileSync(path.join(dir, 'jobs.json'), 'utf8')) as { version?: number; jobs?: JobMessage[] };
  if (doc.version !== BATCH_VERSION || !Array.isArray(doc.jobs)) throw new Error(`${dir}/jobs.json is not a batch of this version of taxonn`);
  return { dir, jobs: doc.jobs };
}

/** sbatch's arguments for a batch: one array task per job. */
export function sbatchArgs(batch: Batch, o: SlurmOptions): string[] {
  const n = batch.jobs.length;
  return [
    '--parsable',
    '--job-name=taxonn-sweep',
    `--array=0-${n - 1}${o.maxParallel ? `%${o.maxParallel}` : ''}`,
    `--output=${path.join(batch.dir, 'task-%a.log')}`,
    `--chdir=${repoRoot}`,
    ...(o.partition ? [`--partition=${o.partition}`] : []),
    ...(o.time ? [`--time=${o.time}`] : []),
    ...(o.mem ? [`--mem=${o.mem}`] : []),
    path.join(batch.dir, 'task.sh'),
  ];
}

/** The array job id in sbatch --parsable's answer ("123" or "123;cluster"). @throws SweepError */
export function parseJobId(stdout: string): string {
  const id = stdout.trim().split(';')[0] ?? '';
  if (!/^\d+$/.test(id)) throw new SweepError(`sweep: sbatch answered ${JSON.stringify(stdout.trim())}, not a job id`);
  return id;
}
