/**
 * `npx taxonn sweep --grid F --out DIR [--jobs N] [--json]` (src/flows/sweep/sweep.ts, docs/SWEEP.md):
 * flags, progress and output. Without --json: a plan line, one line per finished job and a
 * summary on stdout, and a progress bar on stderr when both stdout and stderr are terminals.
 * With --json: stdout is exactly one JSON document (DIR/sweep.json's content). Lines the workers
 * print (e.g. a cold Verilator build) go to stderr. Exit codes: 0 every point ok, 1 some point
 * failed, 2 bad input (flags, the grid file, the output folder).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { runSweep, SWEEP_EXECUTORS, type SweepEvent, type SweepExecutor } from '../../flows/sweep/sweep.js';
import type { SlurmOptions } from '../../flows/sweep/slurm/batch.js';
import { UsageError } from '../errors.js';
import type { FloatRecord, PointRecord } from '../../flows/sweep/point.js';
import { last, oneOf, positiveInt } from '../coerce.js';
import { mm2, pct } from '../text.js';

export interface SweepArgs {
  grid: string;
  out: string;
  jobs?: number;
  executor: SweepExecutor;
  partition?: string;
  time?: string;
  mem?: string;
  'max-parallel'?: number;
  json: boolean;
  'retry-failed': boolean;
  'dry-run': boolean;
}

const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What a finished job gave, in one line. */
export function describeRecord(r: PointRecord | FloatRecord): string {
  if (r.kind === 'float') return r.status === 'ok' ? `test error ${pct(r.testError ?? NaN)} (${r.seconds.toFixed(1)} s)` : `FAILED: ${r.error}`;
  if (r.status === 'failed') return `FAILED: ${r.error}`;
  const x = r.results;
  const parts: string[] = ['ok'];
  const e = x.estimate;
  if (e) {
    parts.push(`estimate ~${e.cyclesPerSample.toFixed(0)} cycles/sample, ~${mm2(e.logicAreaUm2)}, ~${e.energyPerSampleNj.toPrecision(3)} nJ/sample`);
  }
  if (x.verify) parts.push(`equivalent, ${x.verify.cyclesPerSample.toFixed(0)} cycles/sample, utilization ${(100 * x.verify.utilization).toFixed(1)}%`);
  if (x.train) parts.push(x.train.testError === null ? 'no test error (does not train)' : `test error ${pct(x.train.testError)}`);
  if (x.synth) parts.push(`logic ${mm2(x.synth.logicAreaUm2)}${x.synth.memoryAreaUm2 !== undefined ? ` + SRAM ${mm2(x.synth.memoryAreaUm2)}` : ''}`);
  if (x.power) parts.push(`${x.power.totalPowerMw.toPrecision(3)} mW, ${x.power.energyPerSampleNj.toPrecision(3)} nJ/sample`);
  return `${parts.join(', ')} (${r.seconds.toFixed(1)} s)`;
}

/** A one-line progress bar on a terminal stream (the style of the train command's). */
function progressBar(
  stream: NodeJS.WriteStream,
  t0: number,
): { update(done: number, total: number, running: string): void; clear(): void; redraw(): void; stop(): void } {
  let shown = false;
  let state = { done: 0, total: 0, running: '' };
  const draw = () => {
    const width = 30;
    const filled = Math.round((width * state.done) / Math.max(1, state.total));
    let text = `[${'='.repeat(filled)}${' '.repeat(width - filled)}] ${state.done}/${state.total} jobs ${clock((performance.now() - t0) / 1000)}${state.running ? ` · ${state.running}` : ''}`;
    const cols = stream.columns || 100;
    if (text.length > cols - 1) text = `${text.slice(0, cols - 2)}…`;
    stream.write(`\r\x1b[K${text}`);
    shown = true;
  };
  const timer = setInterval(() => shown && draw(), 1000);
  timer.unref();
  return {
    update(done, total, running) {
      state = { done, total, running };
      draw();
    },
    redraw: () => draw(),
    clear() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
    stop() {
      clearInterval(timer);
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}

export function sweepOptions<T>(y: Argv<T>): Argv<T & SweepArgs> {
  return y
    .option('grid', { type: 'string', demandOption: true, describe: 'the grid, a JSON file (docs/SWEEP.md)' })
    .option('out', {
      type: 'string',
      demandOption: true,
      describe: 'output folder: sweep.csv, sweep.json, pareto-*.svg, points/ (the cache a rerun resumes from)',
    })
    .option('jobs', { type: 'string', describe: 'local executor: worker processes running points in parallel (default 1)', coerce: positiveInt('jobs') })
    .option('executor', {
      type: 'string',
      default: 'local',
      describe: 'where the points run: worker processes here, or a Slurm job array (docs/SWEEP.md, "Slurm")',
      coerce: oneOf('executor', SWEEP_EXECUTORS),
    })
    .option('partition', { type: 'string', describe: 'slurm: sbatch --partition', coerce: (v: unknown) => (v === undefined ? v : String(last(v))) })
    .option('time', {
      type: 'string',
      describe: 'slurm: sbatch --time per point (e.g. 30, 2:00:00)',
      coerce: (v: unknown) => (v === undefined ? v : String(last(v))),
    })
    .option('mem', { type: 'string', describe: 'slurm: sbatch --mem per point (e.g. 4G)', coerce: (v: unknown) => (v === undefined ? v : String(last(v))) })
    .option('max-parallel', { type: 'string', describe: 'slurm: points running at the same time (--array=…%N)', coerce: positiveInt('max-parallel') })
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON document on stdout (the content of sweep.json)' })
    .option('retry-failed', { type: 'boolean', default: false, describe: 'run the points that failed before again (otherwise they count as done)' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'list the points, which are cached and which would run; run and write nothing' })
    .example('$0 sweep --grid examples/sweep-small.json --out build/sweep', 'the example grid, one point at a time')
    .example('$0 sweep --grid my-grid.json --out build/sweep --jobs 2 --json', 'two workers, the results as JSON')
    .example('$0 sweep --grid my-grid.json --out /shared/sweep --executor slurm --time 1:00:00 --mem 4G', 'one Slurm array task per point') as unknown as Argv<
    T & SweepArgs
  >;
}

/** The executor's flags, checked against each other. @throws UsageError */
function executorFlags(args: SweepArgs): { jobs: number; slurm?: SlurmOptions } {
  const slurmFlags = (['partition', 'time', 'mem', 'max-parallel'] as const).filter((f) => args[f] !== undefined);
  if (args.executor === 'local') {
    if (slurmFlags.length) throw new UsageError(`--${slurmFlags[0]} applies to --executor slurm only`);
    return { jobs: args.jobs ?? 1 };
  }
  if (args.jobs !== undefined) throw new UsageError('--jobs applies to --executor local only (with slurm, --max-parallel limits the points running at once)');
  const slurm: SlurmOptions = {
    ...(args.partition !== undefined ? { partition: args.partition } : {}),
    ...(args.time !== undefined ? { time: args.time } : {}),
    ...(args.mem !== undefined ? { mem: args.mem } : {}),
    ...(args['max-parallel'] !== undefined ? { maxParallel: args['max-parallel'] } : {}),
  };
  return { jobs: 1, slurm };
}

export async function runSweepCommand(args: SweepArgs): Promise<void> {
  const t0 = performance.now();
  const executor = executorFlags(args);
  const grid = String(last(args.grid));
  const out = String(last(args.out));
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const bar = !args.json && process.stdout.isTTY && process.stderr.isTTY ? progressBar(process.stderr, t0) : undefined;
  const running = new Map<string, string>();
  let done = 0;
  let total = 0;
  const runningText = () => [...running.values()].join('; ');
  const lineAbove = (write: () => void) => {
    bar?.clear();
    write();
    bar?.redraw();
  };
  const onEvent = (e: SweepEvent) => {
    switch (e.type) {
      case 'plan': {
        total = e.floatsToRun + e.toRun;
        if (args.json) return;
        const floats = e.floatsToRun + e.floatsCached;
        const stage = e.stage === 1 ? ', stage 1 of 2 (estimate and train every point)' : e.stage === 2 ? ', stage 2 of 2 (the estimated front)' : '';
        say(
          `sweep${stage}: ${plural(e.points, 'point')} (${e.cached} cached, ${e.toRun} to run)` +
            (floats ? ` and ${plural(floats, 'float32 reference')} (${e.floatsCached} cached, ${e.floatsToRun} to run)` : '') +
            `${total ? (e.executor === 'local' ? (e.workers ? ` on ${plural(e.workers, 'worker')}` : ' in this process') : ` on Slurm${e.workers ? ` (at most ${e.workers} at a time)` : ''}`) : ''}; results in ${out}`,
        );
        if (args['dry-run']) for (const j of e.jobs) say(`  ${j.cached ? 'cached' : 'to run'}  ${j.label}  (${j.key})`);
        return;
      }
      case 'submitted':
        if (!args.json) lineAbove(() => say(`sweep: Slurm job ${e.jobId}: ${plural(e.tasks, 'array task')}, logs in ${e.batchDir}`));
        return;
      case 'start':
        running.set(e.job.key, e.job.label);
        bar?.update(done, total, runningText());
        return;
      case 'step':
        running.set(e.job.key, `${e.job.label} (${e.step})`);
        bar?.update(done, total, runningText());
        return;
      case 'done': {
        done = e.done;
        running.delete(e.job.key);
        const w = String(e.total).length;
        bar?.clear();
        if (!args.json) say(`[${String(e.done).padStart(w)}/${e.total} ${clock((performance.now() - t0) / 1000)}] ${e.job.label}: ${describeRecord(e.record)}`);
        bar?.update(done, total, runningText());
        return;
      }
      case 'log':
        lineAbove(() => process.stderr.write(`${e.line}\n`));
        return;
    }
  };
  let outcome: Awaited<ReturnType<typeof runSweep>>;
  try {
    outcome = await runSweep({
      gridFile: grid,
      out,
      jobs: executor.jobs,
      executor: args.executor,
      ...(executor.slurm ? { slurm: executor.slurm } : {}),
      retryFailed: args['retry-failed'],
      dryRun: args['dry-run'],
      onEvent,
    });
  } finally {
    bar?.stop();
  }
  printOutcome(outcome, args, say);
  process.exitCode = outcome.exitCode;
}

/** The end of a sweep: the JSON document, or one summary line and the failures. */
function printOutcome(outcome: Awaited<ReturnType<typeof runSweep>>, args: SweepArgs, say: (line: string) => void): void {
  const { document: doc, files } = outcome;
  if (args.json) {
    process.stdout.write(`${JSON.stringify(doc, null, 1)}\n`);
    return;
  }
  if (args['dry-run']) return;
  const s = doc.summary;
  const rel = (f: string) => (f.startsWith(`${process.cwd()}${path.sep}`) ? path.relative(process.cwd(), f) : f);
  say(
    `sweep: ${s.ok} ok, ${s.failed} failed of ${plural(s.points, 'point')} (${s.cached} cached, ${s.ran} run${s.floatRuns ? `, ${plural(s.floatRuns, 'float32 reference')} run` : ''}) in ${clock(s.wallSeconds)}; ` +
      `wrote ${[files.csv, files.json, files.paretoArea, files.paretoPower, ...(fs.existsSync(files.paretoEstimate) ? [files.paretoEstimate] : [])].map(rel).join(', ')}`,
  );
  for (const p of doc.points) if (p.status === 'failed') say(`  failed: ${p.label}: ${p.error}`);
  for (const f of doc.floats) if (f.status === 'failed') say(`  failed: ${f.label}: ${f.error}`);
}

/** The `sweep` command, for main.ts: `.command(sweepCommand)`. */
export const command: CommandModule<object, SweepArgs> = {
  command: 'sweep',
  describe:
    'Run a grid of accelerators (variant × PEs × formats × data sets) through verify, train, synth and power in parallel, resumable; CSV, JSON and Pareto plots (docs/SWEEP.md)',
  builder: (y) => sweepOptions(y),
  handler: (args) => runSweepCommand(args),
};
