/**
 * The grid file of `taxonn sweep` (docs/SWEEP.md): a strict zod schema, loading with one-line
 * errors that name the field and the file (SweepError), and the plan: one point per data set ×
 * variant × format × PE count, each with a key (a readable prefix and a hash of everything that
 * determines its results), under which its result is cached in DIR/points/<key>.json.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  HIDDEN_ACTIVATIONS,
  ROUNDINGS,
  VARIANTS,
  WEIGHT_PORTS,
  pathText,
  show,
  type Config,
  type ConfigPath,
  type Format,
  type LayerSpec,
  type Variant,
} from '../../config/index.js';
import { checkNetwork } from '../../config/network.js';
import { readJsonFile } from '../../config/json-error.js';
import { DATASET_NAMES, type DatasetName } from '../../model/datasets/index.js';
import { stableJson } from '../../hdl/index.js';
import { DEFAULT_LIBERTY, DEFAULT_LIBERTY_PACKAGE } from '../hardware/synth.js';
import { TRAIN_DEFAULTS, resolveTrainConfig } from '../train.js';
import { CALIBRATION } from '../estimate/calibration.js';

/** Bad input to the sweep: the grid file or the output folder (exit code 2). */
export class SweepError extends Error {
  override name = 'SweepError';
}

/** The steps of a point, in the order they run. */
export const SWEEP_STEPS = ['estimate', 'verify', 'train', 'synth', 'power'] as const;
export type SweepStep = (typeof SWEEP_STEPS)[number];
/** The steps of a grid without `steps`: the flows (the estimate is asked for by name). */
export const DEFAULT_STEPS: readonly SweepStep[] = ['verify', 'train', 'synth', 'power'];

/**
 * Bumped when the meaning of a cached point changes, e.g. when the generator's defaults change
 * what a point measures: every point runs again. 2: skipZeroErrors (on by default) changes cycles,
 * power and the stochastic draws. 3: skipZeroActivations (on by default) does too.
 */
export const SWEEP_VERSION = 3;

/** Defaults of the grid's optional settings. */
export const GRID_DEFAULTS = Object.freeze({
  verifySamples: 20,
  /** Random stalls on every valid/ready, per mille of cycles. */
  stallPermille: 100,
  /** The stimulus seed of verify (weights, inputs, stalls). */
  verifySeed: 1,
  powerSamples: 4,
  clockMHz: 100,
});

/** A format entry of the grid: "default" (the variant's and data set's defaults) or formats over them, each in part or whole. */
export type FormatEntry = 'default' | { readonly weight?: Partial<Format>; readonly act?: Partial<Format>; readonly error?: Partial<Format> };

/** Configuration fields other than the grid's axes, applied to every point. */
export interface ConfigExtras {
  readonly accBits?: number;
  readonly lrShift?: number;
  readonly rounding?: Config['rounding'];
  readonly hidden?: Config['hidden'];
  readonly seed?: number;
  readonly inputsPerBeat?: number;
  readonly skipZeroInputs?: boolean;
  readonly skipZeroErrors?: boolean;
  readonly skipZeroActivations?: boolean;
  readonly weightPorts?: Config['weightPorts'];
}

export interface SweepGrid {
  readonly variants: readonly Variant[];
  readonly pes: readonly number[];
  readonly formats: readonly FormatEntry[];
  readonly datasets: readonly DatasetName[];
  /** A network per data set instead of its default (TRAIN_DEFAULTS). */
  readonly layers: Readonly<Partial<Record<DatasetName, readonly number[] | readonly LayerSpec[]>>>;
  readonly config: ConfigExtras;
  readonly train: { readonly epochs?: number; readonly limit?: number };
  readonly verify: { readonly samples: number; readonly stallPermille: number };
  /** Liberty paths resolved (relative to the grid file's folder); undefined: DEFAULT_LIBERTY. */
  readonly synth: { readonly liberty?: string; readonly sramLiberty: readonly string[] };
  readonly power: { readonly samples: number; readonly clockMHz: number };
  /** In SWEEP_STEPS order, no repeats (with twoStage: the second stage's). */
  readonly steps: readonly SweepStep[];
  /** Estimate and train every point, then run `steps` on the estimated Pareto front only (two-stage.ts). */
  readonly twoStage?: { readonly front: 'area' | 'energy' };
}

// ---- schema ---------------------------------------------------------------------------------

const quoted = (xs: readonly string[]) => xs.map((x) => `"${x}"`).join(', ');
const list = (what: string) => `must be a non-empty list of ${what}`;
const R = {
  variants: list(`variants (${quoted(VARIANTS)})`),
  variant: `must be one of ${quoted(VARIANTS)}`,
  pes: list('PE counts (positive integers)'),
  pe: 'must be a positive integer',
  formats: list('formats ("default" or {"weight", "act", "error"} objects of {"bits", "frac"})'),
  format: 'must be "default" or an object with at least one of "weight", "act", "error"',
  part: 'must be an object {"bits": …, "frac": …} (either may be left out)',
  nonNegInt: 'must be a non-negative integer',
  posInt: 'must be a positive integer',
  datasets: list(`data sets (${quoted(DATASET_NAMES)})`),
  dataset: `must be one of ${quoted(DATASET_NAMES)}`,
  layersByDataset: `must be an object of networks by data set, e.g. {"iris": [4, 8, 3]}`,
  layers: 'must be a list of at least 2 layer sizes (positive integers)',
  config:
    "must be an object of configuration fields other than the grid's axes (accBits, lrShift, rounding, hidden, seed, inputsPerBeat, skipZeroInputs, skipZeroErrors, skipZeroActivations, weightPorts)",
  rounding: `must be one of ${quoted(ROUNDINGS)}`,
  hidden: `must be one of ${quoted(HIDDEN_ACTIVATIONS)}`,
  section: (fields: string) => `must be an object {${fields}} (every field optional)`,
  stallPermille: 'must be an integer in 0..1000',
  file: 'must be a file name (a non-empty string)',
  files: 'must be a list of file names',
  clock: 'must be a positive number',
  steps: list(`steps (${quoted(SWEEP_STEPS)})`),
  step: `must be one of ${quoted(SWEEP_STEPS)}`,
  unique: 'must not repeat a value',
  grid: 'must be a JSON object (see docs/SWEEP.md)',
};

const posInt = z.number({ error: R.posInt }).int({ error: R.posInt }).min(1, { error: R.posInt });
const nonNegInt = z.number({ error: R.nonNegInt }).int({ error: R.nonNegInt }).min(0, { error: R.nonNegInt });
const unique = <T>(xs: readonly T[]) => new Set(xs.map((x) => stableJson(x))).size === xs.length;

const formatPart = z.strictObject({ bits: nonNegInt.optional(), frac: nonNegInt.optional() }, { error: R.part });
export const formatObjectSchema = z
  .strictObject({ weight: formatPart.optional(), act: formatPart.optional(), error: formatPart.optional() }, { error: R.format })
  .refine((f) => f.weight !== undefined || f.act !== undefined || f.error !== undefined, { error: R.format });
const formatEntry = z.union([z.literal('default'), formatObjectSchema], { error: R.format });

const nonEmptyUnique = <T extends z.ZodType>(item: T, rule: string) =>
  z.array(item, { error: rule }).min(1, { error: rule }).refine(unique, { error: R.unique });

const layerSizes = z.array(posInt, { error: R.layers }).min(2, { error: R.layers });
/** Layer sizes; layer objects (a network with convolution) get their own message: a sweep does not take them yet. */
/** Layer sizes, or layer objects (a network with convolution: CONFIG.md "Convolutional networks"), each problem the configuration's own. */
const layersArray = z.custom<number[] | LayerSpec[]>().check((ctx) => {
  const v = ctx.value as unknown;
  if (Array.isArray(v) && v.some((x) => x !== null && typeof x === 'object')) {
    const first = checkNetwork(v).issues[0];
    if (first) ctx.issues.push({ code: 'custom', message: first.message, input: v, path: [...first.path] });
    return;
  }
  const r = layerSizes.safeParse(v);
  if (!r.success) for (const issue of r.error.issues) ctx.issues.push({ ...issue, input: v } as (typeof ctx.issues)[number]);
});

export const gridSchema = z.strictObject(
  {
    variants: nonEmptyUnique(z.enum(VARIANTS, { error: R.variant }), R.variants),
    pes: nonEmptyUnique(z.number({ error: R.pe }).int({ error: R.pe }).min(1, { error: R.pe }), R.pes),
    formats: nonEmptyUnique(formatEntry, R.formats).optional(),
    datasets: nonEmptyUnique(z.enum(DATASET_NAMES, { error: R.dataset }), R.datasets),
    layers: z
      .strictObject(Object.fromEntries(DATASET_NAMES.map((d) => [d, layersArray.optional()])) as Record<DatasetName, z.ZodOptional<typeof layersArray>>, {
        error: R.layersByDataset,
      })
      .optional(),
    config: z
      .strictObject(
        {
          accBits: posInt.optional(),
          lrShift: nonNegInt.optional(),
          rounding: z.enum(ROUNDINGS, { error: R.rounding }).optional(),
          hidden: z.enum(HIDDEN_ACTIVATIONS, { error: R.hidden }).optional(),
          seed: posInt.optional(),
          inputsPerBeat: posInt.optional(),
          skipZeroInputs: z.boolean({ error: 'must be true or false' }).optional(),
          skipZeroErrors: z.boolean({ error: 'must be true or false' }).optional(),
          skipZeroActivations: z.boolean({ error: 'must be true or false' }).optional(),
          weightPorts: z.enum(WEIGHT_PORTS, { error: `must be one of ${quoted(WEIGHT_PORTS)}` }).optional(),
        },
        { error: R.config },
      )
      .optional(),
    train: z.strictObject({ epochs: posInt.optional(), limit: posInt.optional() }, { error: R.section('"epochs", "limit"') }).optional(),
    verify: z
      .strictObject(
        {
          samples: posInt.optional(),
          stallPermille: z
            .number({ error: R.stallPermille })
            .int({ error: R.stallPermille })
            .min(0, { error: R.stallPermille })
            .max(1000, { error: R.stallPermille })
            .optional(),
        },
        { error: R.section('"samples", "stallPermille"') },
      )
      .optional(),
    synth: z
      .strictObject(
        {
          liberty: z.string({ error: R.file }).min(1, { error: R.file }).optional(),
          sramLiberty: z.array(z.string({ error: R.file }).min(1, { error: R.file }), { error: R.files }).optional(),
        },
        { error: R.section('"liberty", "sramLiberty"') },
      )
      .optional(),
    power: z
      .strictObject(
        {
          samples: posInt.optional(),
          clockMHz: z.number({ error: R.clock }).positive({ error: R.clock }).refine(Number.isFinite, { error: R.clock }).optional(),
        },
        { error: R.section('"samples", "clockMHz"') },
      )
      .optional(),
    steps: nonEmptyUnique(z.enum(SWEEP_STEPS, { error: R.step }), R.steps).optional(),
    twoStage: z.strictObject({ front: z.enum(['area', 'energy'], { error: 'must be "area" or "energy"' }) }, { error: R.section('"front"') }).optional(),
  },
  { error: R.grid },
);

const TOP_FIELDS = Object.keys(gridSchema.shape);

// ---- loading --------------------------------------------------------------------------------

function valueAt(root: unknown, p: ConfigPath): unknown {
  let v = root;
  for (const k of p) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

interface IssueLike {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly keys?: readonly string[];
}

/** The first problem of a failed parse, as "<field> must be …, got …" (or "<field> is not a known field …"). */
function describeIssues(issues: readonly IssueLike[], input: unknown): string {
  const sorted = [...issues].sort((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'));
  const issue = sorted[0]!;
  if (issue.code === 'unrecognized_keys') {
    const at = issue.path;
    const key = issue.keys?.[0] ?? '?';
    const schemaAt = at.length === 0 ? TOP_FIELDS : allowedKeysAt(at);
    const note = at.length === 1 && at[0] === 'config' ? "; variant, layers, pes and the formats are set by the grid's own fields" : '';
    return `${pathText([...at, key])} is not a known field (allowed: ${schemaAt.join(', ')}${note}), got ${show(valueAt(input, [...at, key]))}`;
  }
  if (issue.code === 'invalid_union') {
    // A format entry that is an object: report the object's own first problem.
    const v = valueAt(input, issue.path);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const r = formatObjectSchema.safeParse(v);
      if (!r.success)
        return describeIssues(
          r.error.issues.map((i) => ({ ...i, path: [...issue.path, ...i.path] })),
          input,
        );
    }
  }
  if (issue.path.length === 0) return `the grid ${issue.message}, got ${show(input)}`;
  return `${pathText(issue.path)} ${issue.message}, got ${show(valueAt(input, issue.path))}`;
}

function allowedKeysAt(at: readonly PropertyKey[]): string[] {
  const top = String(at[0]);
  if (at.length >= 2 && top === 'formats') return at.length === 2 ? ['weight', 'act', 'error'] : ['bits', 'frac'];
  const field = (gridSchema.shape as Record<string, z.ZodType>)[top];
  let s: unknown = field;
  while (s && typeof s === 'object' && 'unwrap' in s && typeof (s as { unwrap: unknown }).unwrap === 'function') s = (s as { unwrap(): unknown }).unwrap();
  const shape = (s as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

/** The parsed JSON of a grid file, or a SweepError naming the file (with line and column when it is not JSON). */
function readGridJson(file: string): unknown {
  return readJsonFile(file, (p) =>
    p.kind === 'unreadable'
      ? new SweepError(`sweep: cannot read the grid ${file}: ${p.why}`)
      : new SweepError(`sweep: the grid ${file} is not valid JSON: ${p.why}`),
  );
}

/**
 * Reads and validates a grid file. Types and shapes are checked here (one-line SweepError:
 * `sweep: <field> must be …, got … (in <file>)`); value ranges and combinations are the
 * configuration validator's, per point (a point it rejects fails, the others run).
 * Liberty paths are resolved relative to the grid file's folder and must exist when a step needs them.
 */
export function loadGrid(file: string): SweepGrid {
  return parseGrid(readGridJson(file), file);
}

/** `loadGrid` on an already parsed value; `file` names it in messages and anchors relative paths. */
export function parseGrid(input: unknown, file: string): SweepGrid {
  const r = gridSchema.safeParse(input);
  if (!r.success) throw new SweepError(`sweep: ${describeIssues(r.error.issues, input)} (in ${file})`);
  const g = r.data;
  const steps = SWEEP_STEPS.filter((s) => (g.steps ?? (g.twoStage ? ['verify', 'synth', 'power'] : DEFAULT_STEPS)).includes(s));
  if (g.twoStage && steps.some((s) => s === 'estimate' || s === 'train')) {
    throw new SweepError(
      `sweep: with twoStage, steps are the second stage's (verify, synth, power): the first always estimates and trains, got ${JSON.stringify(g.steps)} (in ${file})`,
    );
  }
  const base = path.dirname(path.resolve(file));
  const resolveFile = (f: string) => path.resolve(base, f);
  const liberty = g.synth?.liberty !== undefined ? resolveFile(g.synth.liberty) : undefined;
  const sramLiberty = (g.synth?.sramLiberty ?? []).map(resolveFile);
  if (steps.includes('synth') || steps.includes('power')) {
    const check = (f: string, field: ConfigPath, given: string) => {
      let ok = false;
      try {
        ok = fs.statSync(f).isFile();
      } catch {
        ok = false;
      }
      if (!ok) throw new SweepError(`sweep: ${pathText(field)} must name a readable file, got ${JSON.stringify(given)} (${f} not found) (in ${file})`);
    };
    if (liberty !== undefined) check(liberty, ['synth', 'liberty'], g.synth!.liberty!);
    else if (!fs.existsSync(DEFAULT_LIBERTY)) {
      throw new SweepError(
        `sweep: the default liberty ${DEFAULT_LIBERTY} is missing: install Debian's ${DEFAULT_LIBERTY_PACKAGE} (make setup) or set synth.liberty (in ${file})`,
      );
    }
    sramLiberty.forEach((f, i) => check(f, ['synth', 'sramLiberty', i], g.synth!.sramLiberty![i]!));
  }
  return Object.freeze({
    variants: g.variants,
    pes: g.pes,
    formats: (g.formats ?? ['default']) as FormatEntry[],
    datasets: g.datasets,
    layers: (g.layers ?? {}) as SweepGrid['layers'],
    config: g.config ?? {},
    train: g.train ?? {},
    verify: { samples: g.verify?.samples ?? GRID_DEFAULTS.verifySamples, stallPermille: g.verify?.stallPermille ?? GRID_DEFAULTS.stallPermille },
    synth: { ...(liberty !== undefined ? { liberty } : {}), sramLiberty },
    power: { samples: g.power?.samples ?? GRID_DEFAULTS.powerSamples, clockMHz: g.power?.clockMHz ?? GRID_DEFAULTS.clockMHz },
    steps,
    ...(g.twoStage ? { twoStage: { front: g.twoStage.front } } : {}),
  });
}

// ---- the plan -------------------------------------------------------------------------------

/** What a point is: its place on the grid's axes and the configuration fields it shares with the others. */
export interface PointParams {
  readonly dataset: DatasetName;
  readonly variant: Variant;
  readonly pes: number;
  readonly format: FormatEntry;
  /** The grid's network for this data set, sizes or layer objects (absent: the data set's default). */
  readonly layers?: readonly number[] | readonly LayerSpec[];
  readonly config: ConfigExtras;
}

/** The settings of the steps a point runs (only those; they are part of its key). */
export interface StepSettings {
  /** inputZeros: the data set's fraction of zero inputs (the estimate's calibration), 0 when unknown. */
  readonly estimate?: { readonly inputZeros: number };
  readonly verify?: { readonly samples: number; readonly stallPermille: number; readonly seed: number };
  readonly train?: { readonly epochs: number; readonly limit?: number };
  readonly synth?: { readonly liberty: string; readonly sramLiberty: readonly string[] };
  readonly power?: { readonly samples: number; readonly clockMHz: number; readonly liberty: string; readonly sramLiberty: readonly string[] };
}

export interface SweepPoint {
  /** `<dataset>-<variant>-p<P>-<formats>-<hash>`: the name of its file in DIR/points/. */
  readonly key: string;
  /** e.g. "iris taxonn P=4 default formats". */
  readonly label: string;
  readonly params: PointParams;
  readonly steps: readonly SweepStep[];
  readonly settings: StepSettings;
}

const fmtPart = (letter: string, f: Partial<Format> | undefined) => (f ? `${letter}${f.bits ?? ''}q${f.frac ?? ''}` : '');
/** "default", or the formats given, e.g. "w12q10-a8q6-e8q6" (a part left out: "w12q"). */
export function formatSlug(f: FormatEntry): string {
  if (f === 'default') return 'default';
  return [fmtPart('w', f.weight), fmtPart('a', f.act), fmtPart('e', f.error)].filter(Boolean).join('-');
}

const hashOf = (v: unknown) => createHash('sha256').update(stableJson(v)).digest('hex').slice(0, 12);

/** The key of a point: a readable prefix and a hash of its parameters, steps and step settings (and SWEEP_VERSION). */
export function pointKey(params: PointParams, steps: readonly SweepStep[], settings: StepSettings): string {
  const hash = hashOf({ v: SWEEP_VERSION, kind: 'point', params, steps, settings });
  return `${params.dataset}-${params.variant}-p${params.pes}-${formatSlug(params.format)}-${hash}`;
}

/** The points of a grid, data set by data set, then variant, format and PE count, in the grid's order. */
export function planPoints(grid: SweepGrid, steps: readonly SweepStep[] = grid.steps): SweepPoint[] {
  const liberty = grid.synth.liberty ?? DEFAULT_LIBERTY;
  const points: SweepPoint[] = [];
  for (const dataset of grid.datasets) {
    const settings: StepSettings = {
      ...(steps.includes('estimate') ? { estimate: { inputZeros: CALIBRATION.inputZeros[dataset] ?? 0 } } : {}),
      ...(steps.includes('verify')
        ? { verify: { samples: grid.verify.samples, stallPermille: grid.verify.stallPermille, seed: GRID_DEFAULTS.verifySeed } }
        : {}),
      ...(steps.includes('train')
        ? { train: { epochs: grid.train.epochs ?? TRAIN_DEFAULTS[dataset].epochs, ...(grid.train.limit !== undefined ? { limit: grid.train.limit } : {}) } }
        : {}),
      ...(steps.includes('synth') ? { synth: { liberty, sramLiberty: grid.synth.sramLiberty } } : {}),
      ...(steps.includes('power')
        ? { power: { samples: grid.power.samples, clockMHz: grid.power.clockMHz, liberty, sramLiberty: grid.synth.sramLiberty } }
        : {}),
    };
    const layers = grid.layers[dataset];
    for (const variant of grid.variants) {
      for (const format of grid.formats) {
        for (const pes of grid.pes) {
          const params: PointParams = { dataset, variant, pes, format, ...(layers ? { layers } : {}), config: grid.config };
          const label = `${dataset} ${variant} P=${pes} ${format === 'default' ? 'default formats' : formatSlug(format)}`;
          points.push({ key: pointKey(params, steps, settings), label, params, steps, settings });
        }
      }
    }
  }
  return points;
}

/** Where a configuration value of a point came from, for ConfigError messages. */
function originOf(p: ConfigPath, params: PointParams): string | undefined {
  const head = String(p[0]);
  if (head === 'variant') return 'from variants';
  if (head === 'pes') return 'from pes';
  if (head === 'layers') return params.layers ? `from layers.${params.dataset}` : undefined;
  if (head === 'weight' || head === 'act' || head === 'error') return `from formats: ${formatSlug(params.format)}`;
  return 'from config';
}

/**
 * The point's configuration: the project defaults, the data set's (network, learning rate, Iris
 * weight binary point), the variant's defaults where no format is given, then the grid's values.
 * @throws ConfigError (the point fails with its message)
 */
export function resolvePointConfig(params: PointParams): Config {
  const overrides = {
    ...params.config,
    variant: params.variant,
    pes: params.pes,
    ...(params.layers ? { layers: [...params.layers] } : {}),
    ...(params.format === 'default' ? {} : params.format),
  };
  return resolveTrainConfig(params.dataset, { overrides, overrideOrigin: (p) => originOf(p, params) });
}

/** The float32 reference of a trained point: what its result depends on. */
export interface FloatParams {
  readonly dataset: DatasetName;
  readonly layers: readonly number[];
  /** A network with convolution: its layer objects (`layers` are then its sizes). */
  readonly network?: readonly LayerSpec[];
  readonly hidden: Config['hidden'];
  readonly lrShift: Config['lrShift'];
  readonly seed: number;
  readonly epochs: number;
  readonly limit?: number;
}

export interface FloatJob {
  readonly key: string;
  readonly label: string;
  readonly params: FloatParams;
  /** A valid configuration with these parameters (the float engine reads only layers, hidden, lrShift and seed). */
  readonly config: Config;
}

export function floatJobOf(cfg: Config, dataset: DatasetName, train: NonNullable<StepSettings['train']>): FloatJob {
  const params: FloatParams = {
    dataset,
    layers: cfg.layers,
    ...(cfg.network ? { network: cfg.network.spec } : {}),
    hidden: cfg.hidden,
    lrShift: cfg.lrShift,
    seed: cfg.seed,
    epochs: train.epochs,
    ...(train.limit !== undefined ? { limit: train.limit } : {}),
  };
  const key = `float-${dataset}-l${cfg.layers.join('x')}-${hashOf({ v: SWEEP_VERSION, kind: 'float', params })}`;
  return { key, label: `${dataset} float32 reference ${cfg.layers.join('-')}, lr 2^-${cfg.lrShift}, ${train.epochs} epochs`, params, config: cfg };
}
