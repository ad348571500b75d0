/**
 * `taxonn sweep --executor slurm` (docs/SWEEP.md, "Slurm"): what is read from Slurm's commands
 * (recorded outputs of Slurm 22.05), the sbatch options, the flags, and real sweeps through a
 * one-node Slurm cluster started on this machine by scripts/slurm-local.sh: the same results as
 * the local executor, a task killed for its memory recorded with Slurm's reason and sent again by
 * --retry-failed, and an interrupted sweep whose array goes on.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../src/hdl/source.js';
import type { SweepDocument } from '../../../src/flows/sweep/output.js';
import { checkSlurmOptions, parseJobId, sbatchArgs } from '../../../src/flows/sweep/slurm/batch.js';
import { describeState, isFinal, parseSacct, parseScontrol, parseSqueue } from '../../../src/flows/sweep/slurm/queue.js';
import { runTaxonnAsync } from '../../support/cli.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'taxonn-slurm-test-'));
const cluster = path.join(tmp, 'cluster');
const script = path.join(repoRoot, 'scripts', 'slurm-local.sh');
const env = { ...process.env, SLURM_CONF: path.join(cluster, 'slurm.conf') };

const writeGrid = (name: string, grid: unknown) => {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, JSON.stringify(grid));
  return f;
};
const sweep = (args: string[], e: NodeJS.ProcessEnv = env) => runTaxonnAsync(['sweep', ...args], e);
const doc = (out: string) => JSON.parse(fs.readFileSync(path.join(out, 'sweep.json'), 'utf8')) as SweepDocument;

/** A record without what depends on the run's timing. */
function timeless(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(timeless);
  if (x === null || typeof x !== 'object') return x;
  return Object.fromEntries(
    Object.entries(x)
      .filter(([k]) => !/seconds|Seconds|finishedAt|PerSecond/.test(k))
      .map(([k, v]) => [k, timeless(v)]),
  );
}

describe("what is read from Slurm's commands", () => {
  it('squeue -r: the tasks of one array, waiting or running', () => {
    const text = ['12|0|RUNNING|None', '12|1|PENDING|Resources', '12|2|PENDING|JobArrayTaskLimit', '13|0|RUNNING|None', '14|N/A|RUNNING|None', ''].join('\n');
    expect(parseSqueue(text, '12')).toEqual([
      { task: 0, state: 'RUNNING', reason: 'None' },
      { task: 1, state: 'PENDING', reason: 'Resources' },
      { task: 2, state: 'PENDING', reason: 'JobArrayTaskLimit' },
    ]);
  });

  it('scontrol show job -o: final states, reasons and exit codes (a time limit, a memory kill)', () => {
    const text = [
      'JobId=7 ArrayJobId=6 ArrayTaskId=0 ArrayTaskThrottle=2 JobName=taxonn-sweep UserId=root(0) JobState=TIMEOUT Reason=TimeLimit Dependency=(null) ExitCode=0:0 RunTime=00:01:08',
      'JobId=8 ArrayJobId=6 ArrayTaskId=1 JobName=taxonn-sweep JobState=FAILED Reason=JobLaunchFailure Dependency=(null) Requeue=1 ExitCode=0:9',
      'JobId=9 ArrayJobId=6 ArrayTaskId=2 JobName=taxonn-sweep JobState=COMPLETED Reason=None ExitCode=0:0',
      'JobId=5 JobName=wrap JobState=COMPLETED Reason=None ExitCode=0:0',
    ].join('\n');
    const s = parseScontrol(text, '6');
    expect(s).toEqual([
      { task: 0, state: 'TIMEOUT', reason: 'TimeLimit', exitCode: '0:0' },
      { task: 1, state: 'FAILED', reason: 'JobLaunchFailure', exitCode: '0:9' },
      { task: 2, state: 'COMPLETED', reason: 'None', exitCode: '0:0' },
    ]);
    expect(s.map(describeState)).toEqual(['TIMEOUT (TimeLimit)', 'FAILED (JobLaunchFailure), killed by signal 9', 'COMPLETED']);
    expect(describeState({ task: 3, state: 'FAILED', reason: 'NonZeroExitCode', exitCode: '1:0' })).toBe('FAILED (NonZeroExitCode), exit code 1');
  });

  it('sacct -P -X: the allocation line of each task ("CANCELLED by 0" is CANCELLED)', () => {
    const text = [
      '40_0|OUT_OF_MEMORY|0:125|None',
      '40_1|CANCELLED by 0|0:15|None',
      '40_2|NODE_FAIL|0:0|None',
      '41_0|COMPLETED|0:0|None',
      '40|RUNNING|0:0|None',
    ].join('\n');
    expect(parseSacct(text, '40').map((s) => [s.task, s.state])).toEqual([
      [0, 'OUT_OF_MEMORY'],
      [1, 'CANCELLED'],
      [2, 'NODE_FAIL'],
    ]);
    for (const st of ['OUT_OF_MEMORY', 'CANCELLED', 'NODE_FAIL', 'TIMEOUT', 'COMPLETED', 'FAILED']) expect(isFinal(st), st).toBe(true);
    for (const st of ['PENDING', 'RUNNING', 'COMPLETING', 'REQUEUED']) expect(isFinal(st), st).toBe(false);
  });

  it('sbatch: the options a sweep passes, and the job id of --parsable', () => {
    const args = sbatchArgs({ dir: '/shared/out/slurm/b1', jobs: new Array(5).fill(null) }, { partition: 'cpu', time: '1:00:00', mem: '4G', maxParallel: 3 });
    expect(args).toEqual([
      '--parsable',
      '--job-name=taxonn-sweep',
      '--array=0-4%3',
      '--output=/shared/out/slurm/b1/task-%a.log',
      `--chdir=${repoRoot}`,
      '--partition=cpu',
      '--time=1:00:00',
      '--mem=4G',
      '/shared/out/slurm/b1/task.sh',
    ]);
    expect(parseJobId('1234\n')).toBe('1234');
    expect(parseJobId('1234;cluster2\n')).toBe('1234');
    expect(() => parseJobId('sbatch: error: Batch job submission failed')).toThrow(/not a job id/);
    expect(() => checkSlurmOptions({ time: '1h' })).toThrow('sweep: --time must be a Slurm time limit (minutes, m:s, h:m:s, d-h, d-h:m or d-h:m:s), got "1h"');
    expect(() => checkSlurmOptions({ mem: '4GB' })).toThrow('sweep: --mem must be a size in megabytes or with a unit K, M, G or T (e.g. 4G), got "4GB"');
    expect(() => checkSlurmOptions({ partition: 'a b' })).toThrow(/--partition must be a partition name/);
    for (const time of ['30', '30:00', '1:00:00', '2-0', '2-12:00', '2-12:00:00']) expect(() => checkSlurmOptions({ time })).not.toThrow();
  });
});

describe('taxonn sweep --executor: bad input is one line, exit 2', () => {
  const grid = writeGrid('flags.json', { variants: ['taxonn'], pes: [2], datasets: ['iris'], steps: ['train'] });
  const cases: [string[], NodeJS.ProcessEnv, string][] = [
    [['--time', '10'], env, 'taxonn: --time applies to --executor slurm only'],
    [
      ['--executor', 'slurm', '--jobs', '2'],
      env,
      'taxonn: --jobs applies to --executor local only (with slurm, --max-parallel limits the points running at once)',
    ],
    [['--executor', 'kubernetes'], env, 'taxonn: --executor must be one of local, slurm, got "kubernetes"'],
    [
      ['--executor', 'slurm'],
      { ...env, SLURM_CONF: path.join(tmp, 'none.conf') },
      `taxonn: SLURM_CONF names ${path.join(tmp, 'none.conf')}, which does not exist (start a local cluster with scripts/slurm-local.sh up)`,
    ],
  ];
  for (const [args, e, message] of cases) {
    it(args.join(' '), async () => {
      const r = await sweep(['--grid', grid, '--out', path.join(tmp, 'flags-out'), ...args], e);
      expect(r.stderr.trim()).toBe(message);
      expect(r.code).toBe(2);
    });
  }
});

describe('real sweeps through a one-node Slurm cluster (scripts/slurm-local.sh)', { timeout: 600_000 }, () => {
  beforeAll(() => {
    const r = spawnSync('bash', [script, 'up', cluster], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`slurm-local.sh up failed: ${r.stderr}`);
    expect(r.stdout.trim()).toBe(`export SLURM_CONF=${env.SLURM_CONF}`);
  }, 60_000);
  afterAll(() => {
    spawnSync('bash', [script, 'down', cluster]);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('gives the records of the local executor (timing aside): 4 points and a float32 reference, verify and train', async () => {
    const grid = writeGrid('same.json', {
      variants: ['taxonn', 'inference'],
      pes: [2, 4],
      datasets: ['iris'],
      layers: { iris: [4, 8, 3] },
      train: { epochs: 5 },
      verify: { samples: 6 },
      steps: ['verify', 'train'],
    });
    const onSlurm = path.join(tmp, 'same-slurm');
    const local = path.join(tmp, 'same-local');
    const s = await sweep(['--grid', grid, '--out', onSlurm, '--executor', 'slurm', '--max-parallel', '2']);
    expect(s.stderr.split('\n').filter((l) => l.startsWith('taxonn:'))).toEqual([]);
    expect(s.code).toBe(0);
    expect(s.stdout).toContain('sweep: 4 points (0 cached, 4 to run) and 1 float32 reference (0 cached, 1 to run) on Slurm (at most 2 at a time)');
    expect(s.stdout).toMatch(/sweep: Slurm job \d+: 5 array tasks, logs in /);
    const l = await sweep(['--grid', grid, '--out', local, '--jobs', '2']);
    expect(l.code).toBe(0);
    const a = doc(onSlurm);
    const b = doc(local);
    expect(a.summary).toMatchObject({ points: 4, ok: 4, failed: 0, ran: 4, floatRuns: 1, executor: 'slurm', jobs: 2 });
    expect(b.summary).toMatchObject({ executor: 'local', jobs: 2 });
    expect(a.points.map(timeless)).toEqual(b.points.map(timeless));
    expect(a.floats.map(timeless)).toEqual(b.floats.map(timeless));
    const csv = (dir: string) =>
      fs
        .readFileSync(path.join(dir, 'sweep.csv'), 'utf8')
        .split('\n')
        .map((row) => row.split(',').filter((_, i) => i !== 20)); // the seconds column
    expect(csv(onSlurm)).toEqual(csv(local));
  });

  it('records a task Slurm kills for its memory with Slurm’s reason, keeps it, and sends it again with --retry-failed', async () => {
    // 300,000 verify samples: several seconds of simulation, so the memory sampling (every second) sees the task
    const grid = writeGrid('oom.json', {
      variants: ['taxonn'],
      pes: [2],
      datasets: ['iris'],
      layers: { iris: [4, 8, 3] },
      verify: { samples: 300_000 },
      steps: ['verify'],
    });
    const out = path.join(tmp, 'oom');
    const first = await sweep(['--grid', grid, '--out', out, '--executor', 'slurm', '--mem', '20M']);
    expect(first.code).toBe(1);
    const p = doc(out).points[0]!;
    expect(p.status).toBe('failed');
    // slurmstepd's last word varies: "Exceeded job memory limit" or "StepId=N.batch exceeded memory limit (…)"
    expect(p.error).toMatch(/^slurm: array task 0 \(job \d+_0\) ended FAILED.*killed by signal 9.*[Ee]xceeded (job )?memory limit/);
    expect(first.stdout).toContain(`failed: ${p.label}: ${p.error}`);

    const again = await sweep(['--grid', grid, '--out', out, '--executor', 'slurm']);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('sweep: 1 point (1 cached, 0 to run)');

    const retried = await sweep(['--grid', grid, '--out', out, '--executor', 'slurm', '--retry-failed']);
    expect(retried.stderr.split('\n').filter((l) => l.startsWith('taxonn:'))).toEqual([]);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain('sweep: 1 point (0 cached, 1 to run)');
    const q = doc(out).points[0]!;
    expect(q.status).toBe('ok');
    expect(q.results.verify!.equivalent).toBe(true);
    expect(q.results.verify!.samples).toBe(300_000);
  });

  it('an interrupted sweep leaves its array running: a rerun refuses to submit twice, then finds the records', async () => {
    const grid = writeGrid('detach.json', {
      variants: ['taxonn'],
      pes: [4],
      datasets: ['iris'],
      layers: { iris: [4, 8, 3] },
      verify: { samples: 600_000 },
      steps: ['verify'],
    });
    const out = path.join(tmp, 'detach');
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'taxonn.mjs'), 'sweep', '--grid', grid, '--out', out, '--executor', 'slurm'], {
      cwd: repoRoot,
      env,
    });
    const jobId = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (b: Buffer) => {
        text += b.toString();
        const m = /Slurm job (\d+):/.exec(text);
        if (m) resolve(m[1]!);
      });
      child.on('exit', () => reject(new Error(`the sweep ended before submitting: ${text}`)));
    });
    child.kill('SIGINT');
    const refused = await sweep(['--grid', grid, '--out', out, '--executor', 'slurm']);
    expect(refused.stderr.trim()).toBe(
      `taxonn: sweep: Slurm job ${jobId} of an earlier run of this sweep still has 1 task queued or running; wait for it (squeue -j ${jobId}) or cancel it (scancel ${jobId}), then run again`,
    );
    expect(refused.code).toBe(2);
    for (let i = 0; i < 120; i++) {
      const q = spawnSync('squeue', ['-h', '-j', jobId], { encoding: 'utf8', env });
      if (q.status === 0 && q.stdout.trim() === '') break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const resumed = await sweep(['--grid', grid, '--out', out, '--executor', 'slurm']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('sweep: 1 point (1 cached, 0 to run)');
    expect(doc(out).points[0]!.results.verify!.equivalent).toBe(true);
  });
});
