/**
 * One task of a sweep's Slurm job array (the batch script written by submit.ts runs
 * `node task.js <batch folder> $SLURM_ARRAY_TASK_ID`): reads job <task> of the batch's jobs.json,
 * runs it with job.ts like a local worker (the record goes to DIR/points/<key>.json), and keeps
 * the step it is in, in steps/<task>, for the sweep's progress and for the record of a task that
 * Slurm kills (time limit, memory) before it can write one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../../util/atomic-write.js';
import { runJob } from '../job.js';
import { readBatch, stepFile } from './batch.js';

async function main(): Promise<void> {
  const [dir, taskText] = process.argv.slice(2);
  if (!dir || !taskText || !/^\d+$/.test(taskText)) throw new Error('usage: task <batch folder> <array task id>');
  const task = Number(taskText);
  const batch = readBatch(dir);
  const job = batch.jobs[task];
  if (!job) throw new Error(`${dir}: no job ${task} (the batch has ${batch.jobs.length})`);
  fs.mkdirSync(path.dirname(stepFile(dir, task)), { recursive: true });
  const record = await runJob(job, (step) => writeFileAtomic(stepFile(dir, task), step));
  process.stdout.write(`${record.key}: ${record.status}${record.error ? `: ${record.error}` : ''}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`taxonn sweep task: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
