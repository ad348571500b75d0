/**
 * What Slurm says about the tasks of a job array, read from its client commands' text:
 * `squeue -r` (tasks waiting or running), `scontrol show job -o` (finished tasks, while the
 * controller still remembers them: MinJobAge, 300 s by default) and `sacct -P` (finished tasks
 * on clusters with an accounting database). Pure parsing; executor.ts runs the commands.
 */

/** A task still in the queue (squeue). */
export interface QueuedTask {
  readonly task: number;
  /** PENDING, RUNNING, COMPLETING, CONFIGURING, SUSPENDED, … */
  readonly state: string;
  /** Why it waits (Resources, Priority, JobArrayTaskLimit, …), "None" when running. */
  readonly reason: string;
}

/** A finished (or otherwise known) task: its final state, why, and how it exited. */
export interface TaskState {
  readonly task: number;
  /** COMPLETED, FAILED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, CANCELLED, PREEMPTED, BOOT_FAIL, DEADLINE, … */
  readonly state: string;
  readonly reason: string;
  /** "code:signal", as Slurm prints it (e.g. "0:9": killed by signal 9). */
  readonly exitCode: string;
}

/** The squeue format the executor asks for: array job id, task id, state, reason. */
export const SQUEUE_FORMAT = '%F|%K|%T|%r';

/** Lines of `squeue -h -r -o '%F|%K|%T|%r'` that belong to array job `jobId`. */
export function parseSqueue(text: string, jobId: string): QueuedTask[] {
  const out: QueuedTask[] = [];
  for (const line of text.split('\n')) {
    const [job, task, state, reason] = line.trim().split('|');
    if (job !== jobId || task === undefined || !/^\d+$/.test(task)) continue;
    out.push({ task: Number(task), state: state ?? '', reason: reason ?? '' });
  }
  return out;
}

/** `scontrol show job -o <id>`: one line per task, `Key=Value` words. */
export function parseScontrol(text: string, jobId: string): TaskState[] {
  const out: TaskState[] = [];
  for (const line of text.split('\n')) {
    const field = (k: string) => new RegExp(`(?:^|\\s)${k}=(\\S*)`).exec(line)?.[1];
    if (field('ArrayJobId') !== jobId) continue;
    const task = field('ArrayTaskId');
    if (task === undefined || !/^\d+$/.test(task)) continue;
    out.push({ task: Number(task), state: field('JobState') ?? '', reason: field('Reason') ?? '', exitCode: field('ExitCode') ?? '' });
  }
  return out;
}

/** The sacct format the executor asks for (-P: `|`-separated, no padding). */
export const SACCT_FORMAT = 'JobID,State,ExitCode,Reason';

/** `sacct -n -P -X -j <id> -o JobID,State,ExitCode,Reason`: the allocation line of each task (`<id>_<task>`). */
export function parseSacct(text: string, jobId: string): TaskState[] {
  const out: TaskState[] = [];
  for (const line of text.split('\n')) {
    const [id, state, exitCode, reason] = line.trim().split('|');
    const m = /^(\d+)_(\d+)$/.exec(id ?? '');
    if (!m || m[1] !== jobId) continue;
    // "CANCELLED by 0": the state is the first word
    out.push({ task: Number(m[2]), state: (state ?? '').split(' ')[0] ?? '', reason: reason ?? '', exitCode: exitCode ?? '' });
  }
  return out;
}

/** States a task never leaves (it will not write its record any more). */
export function isFinal(state: string): boolean {
  return ![
    'PENDING',
    'RUNNING',
    'CONFIGURING',
    'COMPLETING',
    'SUSPENDED',
    'REQUEUED',
    'REQUEUE_HOLD',
    'REQUEUE_FED',
    'RESIZING',
    'SIGNALING',
    'STAGE_OUT',
    'STOPPED',
    '',
  ].includes(state);
}

/** A finished task's state in words: "TIMEOUT (TimeLimit)", "FAILED, killed by signal 9". */
export function describeState(s: TaskState): string {
  const reason = s.reason && s.reason !== 'None' ? ` (${s.reason})` : '';
  const [code, signal] = s.exitCode.split(':');
  const exit = signal && signal !== '0' ? `, killed by signal ${signal}` : code && code !== '0' ? `, exit code ${code}` : '';
  return `${s.state}${reason}${exit}`;
}
