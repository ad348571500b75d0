/**
 * The outputs of `taxonn sweep` (docs/SWEEP.md): one flat row per point (DIR/sweep.csv), the
 * whole document (DIR/sweep.json: the grid, a summary, every point's record joined with its
 * float32 reference, the Pareto fronts), written atomically with the project's writeFileAtomic.
 */
import path from 'node:path';
import { formatFieldText, type Format, type PerLayer } from '../../config/index.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import type { FormatEntry, SweepGrid } from './grid.js';
import type { FloatRecord, PointRecord } from './point.js';

/** A point in sweep.json: its record, whether it came from the cache, and its float32 reference. */
export type SweepPointEntry = PointRecord & {
  /** Read from DIR/points/ (not run by this invocation). */
  readonly cached: boolean;
  readonly floatKey: string | null;
  /** The float32 engine's test error on the same network, data, seed, epochs and sample order. */
  readonly floatTestError: number | null;
  /** (testError − floatTestError) × 100, percentage points. */
  readonly gapPp: number | null;
};

export interface SweepSummary {
  readonly points: number;
  readonly ok: number;
  readonly failed: number;
  /** Points without a result yet (an interrupted run). */
  readonly pending: number;
  /** Points (and float32 references) found in DIR/points/ at the start. */
  readonly cached: number;
  /** Points run by this invocation. */
  readonly ran: number;
  readonly floatRuns: number;
  /** Where the points of this invocation ran (sweep.ts SweepExecutor). */
  readonly executor: 'local' | 'slurm';
  /** Local worker processes (the Slurm executor: --max-parallel, 0 for no limit). */
  readonly jobs: number;
  /** Wall time of this invocation so far. */
  readonly wallSeconds: number;
  /** Σ wall time of the points' records (cached ones included). */
  readonly pointSeconds: number;
}

export interface ParetoFronts {
  /** Per data set, the keys of the points on the front of (area, test error) and of (power, test error). */
  readonly area: Readonly<Record<string, readonly string[]>>;
  readonly power: Readonly<Record<string, readonly string[]>>;
}

export interface SweepDocument {
  readonly version: number;
  readonly grid: { readonly file: string } & SweepGrid;
  readonly out: string;
  readonly summary: SweepSummary;
  readonly points: readonly SweepPointEntry[];
  readonly floats: readonly FloatRecord[];
  readonly pareto: ParetoFronts;
}

/** The CSV's columns, in order (docs/SWEEP.md). The point's error message is `errorMessage` (`error` is the error format). */
export const CSV_COLUMNS = [
  'variant',
  'pes',
  'weight',
  'act',
  'error',
  'dataset',
  'status',
  'equivalent',
  'cyclesPerSample',
  'utilization',
  'testError',
  'floatTestError',
  'gapPp',
  'logicAreaUm2',
  'memoryAreaUm2',
  'totalPowerMw',
  'energyPerSampleNj',
  'errorMessage',
  'cells',
  'failedStep',
  'seconds',
  'key',
  // the estimate step's model (src/flows/estimate/), kept apart from the measured columns above
  'estCyclesPerSample',
  'estLogicAreaUm2',
  'estEnergyPerSampleNj',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
export type SweepRow = Record<CsvColumn, string | number | boolean | null>;

const fmt = (signed: boolean, f: PerLayer<Format>) => formatFieldText(f, signed);
/** A requested format for a point whose configuration did not resolve: "s12q10", "s12q?", or "default". */
const requested = (entry: FormatEntry, part: 'weight' | 'act' | 'error', signed: boolean) => {
  if (entry === 'default') return 'default';
  const f = entry[part];
  return f ? `${signed ? 's' : 'u'}${f.bits ?? '?'}q${f.frac ?? '?'}` : 'default';
};

/** The flat row of a point (the CSV line; the plots read it too). */
export function rowOf(p: SweepPointEntry): SweepRow {
  const c = p.config;
  const r = p.results;
  const area = r.synth;
  return {
    variant: p.params.variant,
    pes: p.params.pes,
    weight: c ? fmt(true, c.weight) : requested(p.params.format, 'weight', true),
    act: c ? fmt(false, c.act) : requested(p.params.format, 'act', false),
    error: c ? fmt(true, c.error) : requested(p.params.format, 'error', true),
    dataset: p.params.dataset,
    status: p.status,
    equivalent: r.verify ? r.verify.equivalent : null,
    cyclesPerSample: r.verify?.cyclesPerSample ?? r.power?.cyclesPerSample ?? null,
    utilization: r.verify?.utilization ?? null,
    testError: r.train?.testError ?? null,
    floatTestError: p.floatTestError,
    gapPp: p.gapPp,
    logicAreaUm2: area?.logicAreaUm2 ?? null,
    memoryAreaUm2: area?.memoryAreaUm2 ?? null,
    totalPowerMw: r.power?.totalPowerMw ?? null,
    energyPerSampleNj: r.power?.energyPerSampleNj ?? null,
    errorMessage: p.error,
    cells: area?.cells ?? null,
    failedStep: p.failedStep,
    seconds: p.seconds,
    key: p.key,
    estCyclesPerSample: r.estimate?.cyclesPerSample ?? null,
    estLogicAreaUm2: r.estimate?.logicAreaUm2 ?? null,
    estEnergyPerSampleNj: r.estimate?.energyPerSampleNj ?? null,
  };
}

/** A CSV field: numbers to 7 significant digits, null empty, text quoted when it holds a comma, quote or line break (RFC 4180). */
export function csvField(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(Number(v.toPrecision(7))) : '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderCsv(rows: readonly SweepRow[]): string {
  return [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => csvField(r[c])).join(','))].map((l) => `${l}\n`).join('');
}

/** Joins a point record with its float32 reference (by key; null when it has none). */
export function entryOf(p: PointRecord, cached: boolean, floatKey: string | null, floats: ReadonlyMap<string, FloatRecord>): SweepPointEntry {
  const f = floatKey ? floats.get(floatKey) : undefined;
  const floatTestError = f?.testError ?? null;
  const t = p.results.train?.testError ?? null;
  const gapPp = t !== null && floatTestError !== null ? Number((100 * (t - floatTestError)).toFixed(6)) : null;
  return { ...p, cached, floatKey: floatKey && f ? floatKey : null, floatTestError, gapPp };
}

export interface SweepFiles {
  readonly csv: string;
  readonly json: string;
  readonly paretoArea: string;
  readonly paretoPower: string;
  /** Written when the points have estimates (plot.ts ParetoPlotSet.estimate). */
  readonly paretoEstimate: string;
  readonly points: string;
  /** The Slurm executor's batches (slurm/batch.ts). */
  readonly slurm: string;
}

export const sweepFiles = (dir: string): SweepFiles => ({
  csv: path.join(dir, 'sweep.csv'),
  json: path.join(dir, 'sweep.json'),
  paretoArea: path.join(dir, 'pareto-area.svg'),
  paretoPower: path.join(dir, 'pareto-power.svg'),
  paretoEstimate: path.join(dir, 'pareto-estimate.svg'),
  points: path.join(dir, 'points'),
  slurm: path.join(dir, 'slurm'),
});

/** Writes DIR/sweep.csv and DIR/sweep.json (each atomically). */
export function writeTables(dir: string, doc: SweepDocument): void {
  const f = sweepFiles(dir);
  writeFileAtomic(f.csv, renderCsv(doc.points.map(rowOf)));
  writeFileAtomic(f.json, `${JSON.stringify(doc, null, 1)}\n`);
}
