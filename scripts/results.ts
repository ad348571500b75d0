/**
 * `npm run results [-- --workers N] [--fresh] [--dry-run] [--no-claims] [--only cnn]`: runs the
 * experiment plan of src/flows/results/plan.ts (float32 vs the golden model at four format choices
 * × three rounding modes on MNIST, Fashion-MNIST and Iris, seeds averaged; the RTL at the default
 * configuration on Iris and an MNIST subset), the hardware claims (claims.ts) and the networks with
 * convolution (cnn-plan.ts), and writes docs/RESULTS.md and docs/results/test-error-per-epoch.svg.
 * `--only cnn` runs only the CNN plan and replaces its section of docs/RESULTS.md in place.
 *
 * The runs go to `--workers` forked worker processes (scripts/results-worker.ts, default 2), the
 * longest first; each result is cached in .cache/results/ under a key of its parameters, so an
 * interrupted run resumes where it stopped (`--fresh` ignores the cache). `--dry-run` lists the
 * jobs and what is cached.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESULTS_CACHE_DIR, readCachedResult } from '../src/flows/results/cache.js';
import { writeFileAtomic } from '../src/util/atomic-write.js';
import { testErrorPlot } from '../src/flows/results/plot.js';
import { DEFAULT_CONFIG, type Rounding } from '../src/config/index.js';
import {
  CLAIMS_CACHE_DIR,
  ENERGY_PLOT,
  claimsJobs,
  energyBars,
  defaultClaimsPlan,
  readClaimsResult,
  renderClaims,
  runClaimsJob,
  writeClaimsResult,
  type ClaimsResult,
} from '../src/flows/results/claims.js';
import { energyPlot } from '../src/flows/results/energy-plot.js';
import { DEFAULT_FORMAT, DEFAULT_PLAN, planJobs, runKey, type FormatChoice, type Job } from '../src/flows/results/plan.js';
import { meanGapOf, summarize, type RunResult, type Summary } from '../src/flows/results/summary.js';
import { renderResultsMarkdown } from '../src/flows/results/markdown.js';
import { repoRoot } from '../src/hdl/source.js';
import { runPool } from '../src/flows/worker-pool.js';
import { cnnHardwareJobs, cnnRtlSpec, cnnStepInputs, cnnTrainJobs, defaultCnnPlan } from '../src/flows/results/cnn-plan.js';
import { renderCnnSection, spliceCnnSection, type CnnHardwareResult } from '../src/flows/results/cnn-markdown.js';
import type { ToWorker } from './results-worker.js';

const RESULTS_MD = path.join(repoRoot, 'docs', 'RESULTS.md');
const PLOT_SVG = path.join(repoRoot, 'docs', 'results', 'test-error-per-epoch.svg');
const ENERGY_SVG = path.join(repoRoot, 'docs', ENERGY_PLOT);
const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results-worker.ts');

interface Options {
  workers: number;
  fresh: boolean;
  dryRun: boolean;
  claims: boolean;
  onlyCnn: boolean;
}

function parseArgs(argv: string[]): Options {
  const opts = { workers: 2, fresh: false, dryRun: false, claims: true, onlyCnn: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--fresh') opts.fresh = true;
    else if (a === '--only') {
      if (argv[++i] !== 'cnn') throw new Error(`--only takes "cnn" (the section on networks with convolution), got ${argv[i] ?? 'nothing'}`);
      opts.onlyCnn = true;
    } else if (a === '--no-claims') opts.claims = false;
    else if (a === '--dry-run') opts.dryRun = true;
    else if (a === '--workers') {
      const n = Number(argv[++i]);
      if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--workers must be a positive integer, got ${argv[i]}`);
      opts.workers = n;
    } else throw new Error(`unknown argument ${a} (allowed: --workers N, --fresh, --dry-run, --no-claims, --only cnn)`);
  }
  return opts;
}

const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

function machine(): string {
  const cpus = os.cpus();
  let vm = false;
  try {
    vm = /^flags\s*:.*\bhypervisor\b/m.test(fs.readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    /* not Linux */
  }
  const model = (cpus[0]?.model ?? 'unknown CPU').trim();
  return `${cpus.length}-core ${vm ? 'VM' : 'machine'} (${model}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}`;
}

function commit(): string | undefined {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: repoRoot, encoding: 'utf8' }).trim() !== '';
    return `${head}${dirty ? ' (with uncommitted changes)' : ''}`;
  } catch {
    return undefined;
  }
}

function progress(done: number, of: number, t0: number, job: Job, r: RunResult): void {
  const err = r.testError === null ? 'no test error' : `test error ${(100 * r.testError).toFixed(2)}%`;
  const eq = r.engine === 'rtl' ? (r.equivalent ? ', EQUIVALENT' : ', MISMATCH') : '';
  process.stderr.write(
    `[${String(done).padStart(String(of).length)}/${of} ${clock((performance.now() - t0) / 1000)}] ${job.label}: ${err}${eq} (${r.wallSeconds.toFixed(1)} s)\n`,
  );
}

/** Runs `todo` on `n` workers, longest first; the first failure stops them all (the finished runs stay cached). */
function runAll(todo: Job[], n: number, onDone: (job: Job, r: RunResult) => void): Promise<void> {
  return runPool<Job, RunResult>(todo, {
    worker: WORKER,
    execArgv: ['--import', 'tsx'],
    cwd: repoRoot,
    workers: n,
    output: 'inherit',
    toWorker: (job): ToWorker => ({ type: 'run', job, cacheDir: RESULTS_CACHE_DIR }),
    onFailure: {
      stop: (job, f) =>
        f.kind === 'reported'
          ? new Error(`${job?.label}: ${f.message}`)
          : f.kind === 'exited'
            ? new Error(`worker ${f.pid} exited (${f.signal ?? `code ${f.code}`}) while running ${job?.label}`)
            : f.error,
    },
    onDone,
  });
}

/**
 * The ledger of the invocations that computed runs since the cache was empty (.cache/results/_ledger.json),
 * updated after every run, so the document's total run time survives an interruption and a resume.
 */
interface Ledger {
  runsCachedAtStart: number;
  loadStart: number;
  invocations: { start: string; wallSeconds: number; runsComputed: number; loadEnd: number }[];
}
const LEDGER = path.join(RESULTS_CACHE_DIR, '_ledger.json');

function readLedger(): Ledger | undefined {
  try {
    const l = JSON.parse(fs.readFileSync(LEDGER, 'utf8')) as Ledger;
    return Array.isArray(l.invocations) ? l : undefined;
  } catch {
    return undefined;
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.onlyCnn) return onlyCnn(opts);
  const t0 = performance.now();
  const loadStart = os.loadavg()[0]!;
  const jobs = planJobs(DEFAULT_PLAN);
  const results = new Map<string, RunResult>();
  if (!opts.fresh) {
    for (const j of jobs) {
      const r = readCachedResult(RESULTS_CACHE_DIR, j.key);
      if (r) results.set(j.key, r);
    }
  }
  const todo = jobs.filter((j) => !results.has(j.key));
  const cached = jobs.length - todo.length;
  process.stderr.write(
    `results: ${jobs.length} runs, ${cached} cached in ${path.relative(repoRoot, RESULTS_CACHE_DIR)}/, ${todo.length} to run on ${Math.min(opts.workers, todo.length)} workers\n`,
  );
  if (opts.dryRun) {
    for (const j of jobs) process.stdout.write(`${results.has(j.key) ? 'cached' : 'to run'}  ${j.label}  (${j.key})\n`);
    return;
  }

  // a run from an empty cache starts a new ledger; a resumed one adds an invocation to it
  const ledger: Ledger = (cached > 0 && readLedger()) || { runsCachedAtStart: cached, loadStart, invocations: [] };
  const me = { start: new Date().toISOString(), wallSeconds: 0, runsComputed: 0, loadEnd: loadStart };
  if (todo.length) ledger.invocations.push(me);
  const saveLedger = () => {
    me.wallSeconds = (performance.now() - t0) / 1000;
    me.loadEnd = os.loadavg()[0]!;
    if (todo.length) writeFileAtomic(LEDGER, `${JSON.stringify(ledger, null, 1)}\n`);
  };

  let done = 0;
  await runAll(todo, opts.workers, (job, r) => {
    results.set(job.key, r);
    done++;
    me.runsComputed = done;
    saveLedger();
    progress(done, todo.length, t0, job, r);
  });

  const summary = summarize(DEFAULT_PLAN, (spec) => results.get(runKey(spec)));
  saveLedger();
  const claims = opts.claims ? await runClaims(summary, opts.fresh) : undefined;
  const cnn = await runCnn(opts);
  const wallSeconds = (performance.now() - t0) / 1000;
  const c = commit();
  const md = renderResultsMarkdown(
    summary,
    {
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      node: process.version,
      machine: machine(),
      loadStart: ledger.loadStart,
      loadEnd: ledger.invocations.at(-1)?.loadEnd ?? os.loadavg()[0]!,
      workers: opts.workers,
      wallSeconds: ledger.invocations.reduce((s, i) => s + i.wallSeconds, 0),
      invocations: ledger.invocations.length,
      runsComputed: ledger.invocations.reduce((s, i) => s + i.runsComputed, 0),
      runsCached: ledger.runsCachedAtStart,
      runSeconds: jobs.reduce((s, j) => s + (results.get(j.key)?.wallSeconds ?? 0), 0),
      ...(c ? { commit: c } : {}),
    },
    { ...(claims ? { claims: claims.markdown } : {}), ...(cnn ? { cnn: cnn.markdown } : {}) },
  );
  if (claims?.energySvg) writeFileAtomic(ENERGY_SVG, claims.energySvg);
  writeFileAtomic(PLOT_SVG, testErrorPlot(summary));
  writeFileAtomic(RESULTS_MD, md);
  process.stderr.write(`results: wrote ${path.relative(repoRoot, RESULTS_MD)} and ${path.relative(repoRoot, PLOT_SVG)} in ${clock(wallSeconds)}\n`);
  const bad = summary.rtl.filter((r) => !r.rtl.equivalent || !r.sameAsGolden);
  if (cnn && !cnn.equivalent) {
    process.stderr.write('results: the RTL did not confirm the golden model on a network with convolution\n');
    process.exitCode = 1;
  }
  if (bad.length) {
    process.stderr.write(`results: the RTL did not confirm the golden model on ${bad.map((r) => r.plan.dataset).join(', ')}\n`);
    process.exitCode = 1;
  }
}

/** The hardware claims (src/flows/results/claims.ts): each step cached in .cache/claims/, run one at a time (the tools use the cores). */
async function runClaims(summary: Summary, fresh: boolean): Promise<{ markdown: string; energySvg?: string }> {
  const plan = defaultClaimsPlan();
  const jobs = claimsJobs(plan);
  const done: ClaimsResult[] = [];
  const todo = jobs.filter((j) => {
    const r = fresh ? undefined : readClaimsResult(CLAIMS_CACHE_DIR, j.key);
    if (r) done.push(r);
    return !r;
  });
  process.stderr.write(
    `results: hardware claims: ${jobs.length} steps, ${jobs.length - todo.length} cached in ${path.relative(repoRoot, CLAIMS_CACHE_DIR)}/, ${todo.length} to run\n`,
  );
  for (const [n, j] of todo.entries()) {
    const r = await runClaimsJob(j, plan);
    writeClaimsResult(CLAIMS_CACHE_DIR, r);
    done.push(r);
    process.stderr.write(`[claims ${n + 1}/${todo.length}] ${j.variant}${j.schedule ? ` (${j.schedule})` : ''} ${j.step} (${r.wallSeconds.toFixed(1)} s)\n`);
  }
  const ordered = jobs.map((j) => done.find((r) => r.key === j.key)!);
  const gapOf = (f: FormatChoice, r: Rounding) => {
    const g = meanGapOf(summary, f, r);
    return Number.isFinite(g.gap) ? g.gap : null;
  };
  const markdown = renderClaims(plan, ordered, {
    taxonnGapPp: gapOf(DEFAULT_FORMAT, DEFAULT_CONFIG.rounding),
    dedicatedGapPp: gapOf({ weight: 16, act: 16, error: 16 }, 'nearest'),
  });
  const bars = energyBars(ordered);
  const title = `Energy per sample, ${plan.network.layers.join('-')} P = ${plan.network.pes} at ${plan.clockMHz} MHz (MNIST)`;
  return bars.length ? { markdown, energySvg: energyPlot(bars, title) } : { markdown };
}

/**
 * The networks with convolution (src/flows/results/cnn-plan.ts): the training runs on the workers
 * (cached in .cache/results/), then the hardware steps one at a time (cached in .cache/claims/);
 * the section's markdown, and whether every RTL run was equivalent. Undefined for --dry-run.
 */
async function runCnn(opts: Options): Promise<{ markdown: string; equivalent: boolean } | undefined> {
  const t0 = performance.now();
  const plan = defaultCnnPlan();
  const jobs = cnnTrainJobs(plan);
  const results = new Map<string, RunResult>();
  for (const j of opts.fresh ? [] : jobs) {
    const r = readCachedResult(RESULTS_CACHE_DIR, j.key);
    if (r) results.set(j.key, r);
  }
  const todo = jobs.filter((j) => !results.has(j.key));
  const hardware = cnnHardwareJobs(plan);
  const cachedSteps = new Map(hardware.map((h) => [h.job.key, opts.fresh ? undefined : readClaimsResult(CLAIMS_CACHE_DIR, h.job.key)]));
  process.stderr.write(
    `results: networks with convolution: ${jobs.length} training runs, ${jobs.length - todo.length} cached, ${todo.length} to run; ` +
      `${hardware.length} hardware steps, ${[...cachedSteps.values()].filter(Boolean).length} cached\n`,
  );
  if (opts.dryRun) {
    for (const j of jobs) process.stdout.write(`${results.has(j.key) ? 'cached' : 'to run'}  ${j.label}  (${j.key})\n`);
    for (const h of hardware) process.stdout.write(`${cachedSteps.get(h.job.key) ? 'cached' : 'to run'}  ${h.job.command}  (${h.job.key})\n`);
    return undefined;
  }
  let done = 0;
  await runAll(todo, opts.workers, (job, r) => {
    results.set(job.key, r);
    progress(++done, todo.length, t0, job, r);
  });
  const measured: CnnHardwareResult[] = [];
  for (const h of hardware) {
    let r = cachedSteps.get(h.job.key);
    if (!r) {
      r = await runClaimsJob(h.job, cnnStepInputs(plan, h.network));
      writeClaimsResult(CLAIMS_CACHE_DIR, r);
      process.stderr.write(
        `[cnn hardware ${clock((performance.now() - t0) / 1000)}] ${h.network.dataset} ${h.job.variant} ${h.job.step} (${r.wallSeconds.toFixed(1)} s)\n`,
      );
    }
    measured.push({ ...h, result: r });
  }
  const c = commit();
  const markdown = renderCnnSection(plan, (spec) => results.get(runKey(spec)), measured, {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    node: process.version,
    machine: machine(),
    ...(c ? { commit: c } : {}),
    runsComputed: todo.length,
    runsCached: jobs.length - todo.length,
  });
  const equivalent = plan.networks.every((n) => results.get(runKey(cnnRtlSpec(n)))?.equivalent === true);
  return { markdown, equivalent };
}

/** `--only cnn`: the CNN plan alone, its section replaced in docs/RESULTS.md (the rest of the document untouched). */
async function onlyCnn(opts: Options): Promise<void> {
  const before = fs.readFileSync(RESULTS_MD, 'utf8');
  const cnn = await runCnn(opts);
  if (!cnn) return;
  writeFileAtomic(RESULTS_MD, spliceCnnSection(before, cnn.markdown));
  process.stderr.write(`results: wrote the section on networks with convolution in ${path.relative(repoRoot, RESULTS_MD)}\n`);
  if (!cnn.equivalent) {
    process.stderr.write('results: the RTL did not confirm the golden model on a network with convolution\n');
    process.exitCode = 1;
  }
}

main().catch((e) => {
  process.stderr.write(`results: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
