/**
 * The Slurm executor of `taxonn sweep --executor slurm` (docs/SWEEP.md, "Slurm"): the jobs go out
 * as one job array (batch.ts), each task runs one job like a local worker (task.ts → job.ts) and
 * writes its record to DIR/points/ on the shared filesystem; this side watches the queue
 * (squeue), reports tasks as they start and change step, picks up each record as it appears, and
 * records a task that Slurm ended without a record (time limit, memory, node failure, cancelled)
 * as a failed point with Slurm's reason. Those failure records are cached like any failed point:
 * `--retry-failed` sends them again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { run, SlurmError, slurmTools, type SlurmTools } from '../../../tools/index.js';
import { writeFileAtomic } from '../../../util/atomic-write.js';
import { SweepError, type SweepStep } from '../grid.js';
import { failedRecord, type JobMessage } from '../job.js';
import type { FloatRecord, PointRecord } from '../point.js';
import { logFile, parseJobId, sbatchArgs, stepFile, submittedFile, writeBatch, type Batch, type SlurmOptions } from './batch.js';
import { describeState, isFinal, parseSacct, parseScontrol, parseSqueue, SACCT_FORMAT, SQUEUE_FORMAT, type QueuedTask, type TaskState } from './queue.js';

/** A job as the sweep knows it (sweep.ts SweepJob), without importing the sweep. */
export interface ExecutorJob {
  readonly key: string;
  readonly label: string;
}

export interface SlurmRun<J extends ExecutorJob> {
  readonly jobs: readonly J[];
  readonly message: (job: J) => JobMessage;
  readonly pointsDir: string;
  /** DIR/slurm: the batch folders. */
  readonly slurmDir: string;
  readonly options: SlurmOptions;
  readonly readRecord: (job: J) => PointRecord | FloatRecord | undefined;
  readonly onSubmitted: (jobId: string, tasks: number, batchDir: string) => void;
  readonly onStart: (job: J) => void;
  readonly onStep: (job: J, step: SweepStep) => void;
  readonly onRecord: (job: J, record: PointRecord | FloatRecord) => void;
}

/** How long a finished task may stay without its record (a slow shared filesystem) before it counts as lost. */
const RECORD_GRACE_MS = 30_000;
/** How long the controller may not answer before the sweep gives up watching. */
const QUEUE_OUTAGE_MS = 300_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Refuses to submit while an earlier run's array still has tasks in the queue (they would run twice). */
async function checkNoActiveBatch(tools: SlurmTools, slurmDir: string): Promise<void> {
  if (!fs.existsSync(slurmDir)) return;
  for (const name of fs.readdirSync(slurmDir).sort()) {
    let jobId: string;
    try {
      jobId = (JSON.parse(fs.readFileSync(submittedFile(path.join(slurmDir, name)), 'utf8')) as { jobId: string }).jobId;
    } catch {
      continue;
    }
    const r = await run(tools.squeue, ['-h', '-r', '-j', jobId, '-o', SQUEUE_FORMAT], { allowFailure: true, timeoutMs: 60_000 });
    const left = r.code === 0 ? parseSqueue(r.stdout, jobId).length : 0;
    if (left > 0) {
      throw new SweepError(
        `sweep: Slurm job ${jobId} of an earlier run of this sweep still has ${left} task${left === 1 ? '' : 's'} queued or running; wait for it (squeue -j ${jobId}) or cancel it (scancel ${jobId}), then run again`,
      );
    }
  }
}

/** Submits the jobs as one array and watches it until every job has a record. @throws SlurmError, SweepError */
export async function runOnSlurm<J extends ExecutorJob>(r: SlurmRun<J>): Promise<void> {
  const tools = await slurmTools();
  if (r.jobs.length === 0) return;
  await checkNoActiveBatch(tools, r.slurmDir);
  const batch = writeBatch(r.slurmDir, r.jobs.map(r.message));
  const submitted = await run(tools.sbatch, sbatchArgs(batch, r.options), { allowFailure: true, timeoutMs: 120_000 });
  if (submitted.code !== 0) {
    throw new SlurmError(`sbatch refused the array: ${submitted.stderr.trim().split('\n').pop() || `exit code ${submitted.code}`}`);
  }
  const jobId = parseJobId(submitted.stdout);
  writeFileAtomic(submittedFile(batch.dir), `${JSON.stringify({ jobId, tasks: r.jobs.length, submittedAt: new Date().toISOString() })}\n`);
  r.onSubmitted(jobId, r.jobs.length, batch.dir);
  await watch(r, tools, batch, jobId);
}

/** A record written after the batch was (so not a failed record from before --retry-failed). */
function freshRecord<J extends ExecutorJob>(r: SlurmRun<J>, job: J, since: number): PointRecord | FloatRecord | undefined {
  try {
    if (fs.statSync(path.join(r.pointsDir, `${job.key}.json`)).mtimeMs < since) return undefined;
  } catch {
    return undefined;
  }
  return r.readRecord(job);
}

async function watch<J extends ExecutorJob>(r: SlurmRun<J>, tools: SlurmTools, batch: Batch, jobId: string): Promise<void> {
  const since = fs.statSync(path.join(batch.dir, 'jobs.json')).mtimeMs;
  const pending = new Map(r.jobs.map((job, task) => [task, job]));
  const started = new Set<number>();
  const steps = new Map<number, string>();
  const goneAt = new Map<number, number>();
  let lastAnswer = Date.now();
  const harvest = () => {
    for (const [task, job] of pending) {
      const rec = freshRecord(r, job, since);
      if (!rec) continue;
      pending.delete(task);
      r.onRecord(job, rec);
    }
  };
  while (pending.size > 0) {
    await sleep(r.options.pollMs ?? 2000);
    harvest();
    if (pending.size === 0) break;
    const q = await run(tools.squeue, ['-h', '-r', '-j', jobId, '-o', SQUEUE_FORMAT], { allowFailure: true, timeoutMs: 60_000 });
    if (q.code !== 0) {
      if (Date.now() - lastAnswer > QUEUE_OUTAGE_MS) {
        throw new SlurmError(
          `squeue has not answered for ${QUEUE_OUTAGE_MS / 60_000} minutes (${q.stderr.trim().split('\n').pop()}); job ${jobId} may still be running: rerun the sweep once it is done`,
        );
      }
      continue;
    }
    lastAnswer = Date.now();
    const queued = new Map<number, QueuedTask>(parseSqueue(q.stdout, jobId).map((t) => [t.task, t]));
    for (const [task, job] of pending) {
      const t = queued.get(task);
      if (t && t.state !== 'PENDING' && !started.has(task)) {
        started.add(task);
        r.onStart(job);
      }
      const step = readStep(batch.dir, task);
      if (step && steps.get(task) !== step) {
        steps.set(task, step);
        r.onStep(job, step as SweepStep);
      }
      if (t) goneAt.delete(task);
      else if (!goneAt.has(task)) goneAt.set(task, Date.now());
    }
    harvest();
    const gone = [...pending.keys()].filter((task) => goneAt.has(task));
    if (gone.length) await recordLost(r, tools, batch, jobId, gone, goneAt, pending);
  }
}

function readStep(dir: string, task: number): string | undefined {
  try {
    return fs.readFileSync(stepFile(dir, task), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The final states of tasks that left the queue: scontrol while the controller remembers them, then sacct. */
async function finalStates(tools: SlurmTools, jobId: string): Promise<Map<number, TaskState>> {
  const states = new Map<number, TaskState>();
  if (tools.sacct) {
    const a = await run(tools.sacct, ['-n', '-P', '-X', '-j', jobId, '-o', SACCT_FORMAT], { allowFailure: true, timeoutMs: 60_000 });
    if (a.code === 0) for (const s of parseSacct(a.stdout, jobId)) states.set(s.task, s);
  }
  const c = await run(tools.scontrol, ['show', 'job', '-o', jobId], { allowFailure: true, timeoutMs: 60_000 });
  if (c.code === 0) for (const s of parseScontrol(c.stdout, jobId)) states.set(s.task, s);
  return states;
}

/** Tasks gone from the queue without a record: a failed record with Slurm's reason, once their state is final. */
async function recordLost<J extends ExecutorJob>(
  r: SlurmRun<J>,
  tools: SlurmTools,
  batch: Batch,
  jobId: string,
  gone: readonly number[],
  goneAt: ReadonlyMap<number, number>,
  pending: Map<number, J>,
): Promise<void> {
  const states = await finalStates(tools, jobId);
  for (const task of gone) {
    const job = pending.get(task);
    if (!job) continue;
    const s = states.get(task);
    const waited = Date.now() - (goneAt.get(task) ?? Date.now());
    // a task that completed, or one Slurm no longer knows, gets a little time for its record to show up
    if ((!s || !isFinal(s.state) || s.state === 'COMPLETED') && waited < RECORD_GRACE_MS) continue;
    const step = readStep(batch.dir, task) as SweepStep | undefined;
    const why = s ? `ended ${describeState(s)}` : 'left the queue, and Slurm no longer knows how it ended';
    const error = `slurm: array task ${task} (job ${jobId}_${task}) ${why}${step ? ` during ${step}` : ''}${s?.state === 'COMPLETED' ? ' without writing its record' : ''}${logHint(batch.dir, task)}`;
    const m = batch.jobs[task];
    if (!m) throw new Error(`sweep: no job ${task} in the batch ${batch.dir}`);
    const record = failedRecord(m, error, step ?? null);
    writeFileAtomic(path.join(r.pointsDir, `${job.key}.json`), `${JSON.stringify(record, null, 1)}\n`);
    pending.delete(task);
    r.onRecord(job, record);
  }
}

/** The task log's last line from Slurm itself (slurmstepd: "exceeded memory limit", "DUE TO TIME LIMIT") or an error. */
function logHint(dir: string, task: number): string {
  let text: string;
  try {
    text = fs.readFileSync(logFile(dir, task), 'utf8');
  } catch {
    return '';
  }
  const lines = text.split('\n').filter((l) => /slurmstepd|error/i.test(l));
  const last = lines.pop()?.trim();
  return last ? `: ${last.length > 200 ? `${last.slice(0, 197)}...` : last}` : '';
}
