/**
 * The worker pool of `taxonn sweep` (src/flows/sweep/) and `npm run results` (scripts/results.ts):
 * jobs handed in order to forked Node processes over IPC, one job per worker at a time.
 *
 * The protocol: the parent sends `toWorker(job)`; the worker answers `{ type: 'done', key, result }`
 * or `{ type: 'error', key, message }` (serveJobs below does that), and may send other messages
 * with the job's key before (progress, passed to onMessage). A worker that the pool no longer
 * needs is disconnected and exits.
 *
 * What a failure does is the caller's choice (FailurePolicy): `stop` ends the run at the first
 * failure (the other workers are disconnected, the pool rejects), `record` settles only the job it
 * hit with a result that stands for it and goes on (a worker that died is replaced while jobs
 * remain).
 */
import { fork, type ChildProcess } from 'node:child_process';

/** What went wrong with a job or a worker. */
export type WorkerFailure =
  /** The worker reported that the job failed. */
  | { readonly kind: 'reported'; readonly message: string }
  /** The worker process exited while it ran the job. */
  | { readonly kind: 'exited'; readonly pid: number | undefined; readonly code: number | null; readonly signal: NodeJS.Signals | null }
  /** The process could not be started or sent to. */
  | { readonly kind: 'error'; readonly error: Error };

export type FailurePolicy<J, R> =
  /** The first failure ends the run: every worker is disconnected and the pool rejects with this error. */
  | { readonly stop: (job: J | undefined, f: WorkerFailure) => Error }
  /** A failure settles only its job, with this result; a failure outside any job goes to `log`. */
  | { readonly record: (job: J, f: WorkerFailure) => R; readonly log: (f: WorkerFailure) => void };

export interface PoolOptions<J extends { readonly key: string }, R> {
  /** The worker module, forked with `execArgv` in `cwd`. */
  readonly worker: string;
  readonly execArgv: readonly string[];
  readonly cwd: string;
  /** Processes to start (at most one per job). */
  readonly workers: number;
  /** 'inherit': the workers print to this process' stdout and stderr; a function: it gets each line they print. */
  readonly output: 'inherit' | ((line: string) => void);
  /** The message that hands `job` to a worker. */
  readonly toWorker: (job: J) => unknown;
  readonly onFailure: FailurePolicy<J, R>;
  readonly onStart?: (job: J) => void;
  /** A message other than done and error from the worker running `job`. */
  readonly onMessage?: (job: J, message: unknown) => void;
  readonly onDone: (job: J, result: R) => void;
}

/** What a worker sends back about a job. */
export type JobReply<R> =
  | { readonly type: 'done'; readonly key: string; readonly result: R }
  | { readonly type: 'error'; readonly key: string; readonly message: string };

/** Runs `jobs` in order on the pool's workers; resolves when every job has settled. */
export function runPool<J extends { readonly key: string }, R>(jobs: readonly J[], o: PoolOptions<J, R>): Promise<void> {
  const queue = [...jobs];
  const workers: ChildProcess[] = [];
  let running = 0;
  let stopped = false;
  return new Promise((resolve, reject) => {
    const finish = () => {
      if (!stopped && queue.length === 0 && running === 0) resolve();
    };
    /** A failure of `job` (undefined: of no job); false when the policy stopped the pool. */
    const failed = (job: J | undefined, f: WorkerFailure): boolean => {
      const policy = o.onFailure;
      if ('stop' in policy) {
        if (!stopped) {
          stopped = true;
          queue.length = 0;
          for (const w of workers) if (w.connected) w.disconnect();
          reject(policy.stop(job, f));
        }
        return false;
      }
      if (job) o.onDone(job, policy.record(job, f));
      else policy.log(f);
      return true;
    };
    const spawn = () => {
      const w = fork(o.worker, [], {
        execArgv: [...o.execArgv],
        cwd: o.cwd,
        stdio: o.output === 'inherit' ? ['ignore', 'inherit', 'inherit', 'ipc'] : ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      workers.push(w);
      if (typeof o.output === 'function') {
        forwardLines(w.stdout, o.output);
        forwardLines(w.stderr, o.output);
      }
      let current: J | undefined;
      const settle = (): J => {
        const job = current!;
        current = undefined;
        running--;
        return job;
      };
      const next = () => {
        const job = stopped ? undefined : queue.shift();
        if (!job) {
          if (w.connected) w.disconnect();
          return finish();
        }
        current = job;
        running++;
        o.onStart?.(job);
        w.send(o.toWorker(job) as object);
      };
      w.on('message', (m: JobReply<R> | { readonly type: string; readonly key: string }) => {
        if (!current || m.key !== current.key) return;
        if (m.type !== 'done' && m.type !== 'error') return o.onMessage?.(current, m);
        const job = settle();
        const reply = m as JobReply<R>;
        if (reply.type === 'done') o.onDone(job, reply.result);
        else if (!failed(job, { kind: 'reported', message: reply.message })) return;
        next();
      });
      w.on('exit', (code, signal) => {
        if (!current) return finish();
        if (!failed(settle(), { kind: 'exited', pid: w.pid, code, signal })) return;
        if (queue.length) spawn();
        else finish();
      });
      w.on('error', (error) => failed(undefined, { kind: 'error', error }));
      next();
    };
    for (let i = 0; i < Math.min(o.workers, queue.length); i++) spawn();
    finish();
  });
}

/**
 * The worker's side: every message is a job, run by `run`; its result (or its error, as
 * `errorText` puts it) goes back with the job's key. The process exits when the pool disconnects.
 */
export function serveJobs<M, R>(keyOf: (m: M) => string, run: (m: M) => Promise<R>, errorText: (e: unknown) => string): void {
  const send = (reply: JobReply<R>) => process.send!(reply);
  process.on('message', (m: M) => {
    const key = keyOf(m);
    run(m).then(
      (result) => send({ type: 'done', key, result }),
      (e: unknown) => send({ type: 'error', key, message: errorText(e) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

/** Lines of a child's output stream, to `onLine`. */
function forwardLines(stream: NodeJS.ReadableStream | null, onLine: (l: string) => void): void {
  if (!stream) return;
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).trimEnd();
      buf = buf.slice(i + 1);
      if (line) onLine(line);
    }
  });
  stream.on('end', () => {
    if (buf.trim()) onLine(buf.trimEnd());
    buf = '';
  });
}
