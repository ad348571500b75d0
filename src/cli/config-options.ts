/**
 * The accelerator configuration on the command line: addConfigOptions() declares one flag per
 * field (plus --config FILE), configOverridesFromArgs() turns the flags actually given into
 * overrides, configFromArgs() resolves file + flags + defaults into a validated Config.
 * A malformed flag value is a ConfigError naming the flag; a well-formed but out-of-range one is
 * reported by the validator with "(from --flag)". See docs/CONFIG.md.
 */
import type { Argv } from 'yargs';
import {
  ConfigError,
  DEFAULT_CONFIG,
  FIELD_RULES,
  HIDDEN_ACTIVATIONS,
  ROUNDINGS,
  VARIANTS,
  fracRule,
  resolveConfig,
  show,
  type Config,
  type ConfigPath,
  type Format,
} from '../config/index.js';

/** The flag of each configuration field. */
export const CONFIG_FLAGS = Object.freeze({
  variant: 'variant',
  layers: 'layers',
  pes: 'pes',
  weight: 'weight',
  act: 'act',
  error: 'error',
  accBits: 'acc-bits',
  lrShift: 'lr-shift',
  rounding: 'rounding',
  hidden: 'hidden',
  seed: 'seed',
  inputsPerBeat: 'inputs-per-beat',
  skipZeroInputs: 'skip-zero-inputs',
  skipZeroErrors: 'skip-zero-errors',
} as const satisfies Record<keyof Config, string>);

/** The parsed flags as yargs hands them over (strings; formats may be objects via dot notation). */
export interface ConfigArgs {
  config?: string;
  variant?: string;
  layers?: string;
  pes?: string;
  weight?: unknown;
  act?: unknown;
  error?: unknown;
  'acc-bits'?: string;
  'lr-shift'?: string;
  rounding?: string;
  hidden?: string;
  seed?: string;
  'inputs-per-beat'?: string;
  'skip-zero-inputs'?: string;
  'skip-zero-errors'?: string;
}

const GROUP = 'Accelerator configuration (docs/CONFIG.md; flags override --config):';
const d = DEFAULT_CONFIG;
const fmt = (f: Format) => `${f.bits}:${f.frac}`;
/** Every value of an enum for its help line: "a, b or c". */
export const orList = (xs: readonly string[]) => (xs.length > 1 ? `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}` : xs.join(''));

/** Declare --config and one flag per configuration field on `y` (no yargs defaults: only given flags count). */
export function addConfigOptions<T>(y: Argv<T>): Argv<T & ConfigArgs> {
  const str = (describe: string) => ({ type: 'string' as const, describe, group: GROUP });
  return y.options({
    config: str('JSON configuration file (any subset of the fields)'),
    variant: str(`accelerator variant: ${orList(VARIANTS)} (default ${d.variant}; docs/ARCHITECTURE.md §9)`),
    layers: str(`layer sizes N_0,…,N_L, comma-separated, ≥ 2 of them, each 1..65536 (default ${d.layers.join(',')})`),
    pes: str(`P, processing elements, 1..1024 (default ${d.pes})`),
    weight: str(`signed weight format bits:frac, bits 2..32, frac ≤ bits; or --weight.bits/--weight.frac (default ${fmt(d.weight)})`),
    act: str(`unsigned activation format bits:frac, frac < bits; or --act.bits/--act.frac (default ${fmt(d.act)})`),
    error: str(`signed error format bits:frac, frac ≤ bits; or --error.bits/--error.frac (default ${fmt(d.error)})`),
    'acc-bits': str(`accumulator bits, minAccBits..48 (default ${d.accBits})`),
    'lr-shift': str(`k in learning rate 2^-k, 0..31, with error.frac + act.frac + k ≥ weight.frac (default ${d.lrShift})`),
    rounding: str(`update rounding: ${orList(ROUNDINGS)} (default ${d.rounding})`),
    hidden: str(`hidden activation: ${orList(HIDDEN_ACTIVATIONS)} (default ${d.hidden})`),
    seed: str(`LFSR seed, 1..65535, decimal or 0x hex (default 0x${d.seed.toString(16).toUpperCase()})`),
    'inputs-per-beat': str(`K, activations per s_sample beat, 1..64, K · act.bits ≤ 1024 (default ${d.inputsPerBeat})`),
    'skip-zero-inputs': str(`true or false: layer 1 issues only the non-zero inputs (default ${d.skipZeroInputs})`),
    'skip-zero-errors': str(`true or false: the update skips groups whose errors are all zero (default ${d.skipZeroErrors})`),
  }) as unknown as Argv<T & ConfigArgs>;
}

const flagError = (flag: string, rule: string, got: unknown) => new ConfigError(`config: --${flag} ${rule}, got ${show(got)}`);

/** A repeated flag arrives as an array: the last one wins. */
const last = (v: unknown): unknown => (Array.isArray(v) ? v[v.length - 1] : v);

function intFlag(flag: string, raw: unknown, rule: string, hex = false): number {
  const v = last(raw);
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^[+-]?\d+$/.test(s)) return Number(s);
    if (hex && /^0x[0-9a-f]+$/i.test(s)) return parseInt(s.slice(2), 16);
  }
  throw flagError(flag, rule, v);
}

function boolFlag(flag: string, raw: unknown): boolean {
  const v = last(raw);
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw flagError(flag, 'must be true or false', v);
}

function formatFlag(field: 'weight' | 'act' | 'error', raw: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const bitsRule = FIELD_RULES.bits;
  for (const v of Array.isArray(raw) ? raw : [raw]) {
    if (typeof v === 'string') {
      // Signs are accepted here so that a negative value reaches the validator, which names the rule.
      const m = /^\s*([+-]?\d+)\s*:\s*([+-]?\d+)\s*$/.exec(v);
      if (!m) throw flagError(field, `must be bits:frac like ${fmt(d[field])} (or --${field}.bits B --${field}.frac F)`, v);
      out.bits = Number(m[1]);
      out.frac = Number(m[2]);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'bits') out.bits = intFlag(`${field}.bits`, x, bitsRule);
        else if (k === 'frac') out.frac = intFlag(`${field}.frac`, x, fracRule(field));
        else out[k] = last(x); // rejected by the validator, naming the flag
      }
    } else {
      throw flagError(field, `must be bits:frac like ${fmt(d[field])} (or --${field}.bits B --${field}.frac F)`, v);
    }
  }
  return out;
}

const given = (v: unknown) => v !== undefined;

/** The configuration overrides of the flags actually given (not --config), with their values parsed. */
export function configOverridesFromArgs(args: ConfigArgs | Record<string, unknown>): Record<string, unknown> {
  const a = args as Record<string, unknown>;
  const o: Record<string, unknown> = {};
  const F = CONFIG_FLAGS;
  if (given(a[F.variant])) o.variant = last(a[F.variant]);
  if (given(a[F.layers])) {
    const v = last(a[F.layers]);
    const rule = 'must be a comma-separated list of layer sizes like 784,64,10';
    const parts = typeof v === 'number' ? [String(v)] : typeof v === 'string' ? v.split(',').map((s) => s.trim()) : null;
    if (!parts || !parts.every((p) => /^[+-]?\d+$/.test(p))) throw flagError(F.layers, rule, v);
    o.layers = parts.map(Number);
  }
  if (given(a[F.pes])) o.pes = intFlag(F.pes, a[F.pes], FIELD_RULES.pes);
  for (const f of ['weight', 'act', 'error'] as const) if (given(a[F[f]])) o[f] = formatFlag(f, a[F[f]]);
  if (given(a[F.accBits])) o.accBits = intFlag(F.accBits, a[F.accBits], 'must be an integer (at most 48)');
  if (given(a[F.lrShift])) o.lrShift = intFlag(F.lrShift, a[F.lrShift], FIELD_RULES.lrShift);
  if (given(a[F.rounding])) o.rounding = last(a[F.rounding]);
  if (given(a[F.hidden])) o.hidden = last(a[F.hidden]);
  if (given(a[F.seed])) o.seed = intFlag(F.seed, a[F.seed], `${FIELD_RULES.seed}, decimal or 0x hex`, true);
  if (given(a[F.inputsPerBeat])) o.inputsPerBeat = intFlag(F.inputsPerBeat, a[F.inputsPerBeat], FIELD_RULES.inputsPerBeat);
  if (given(a[F.skipZeroInputs])) o.skipZeroInputs = boolFlag(F.skipZeroInputs, a[F.skipZeroInputs]);
  if (given(a[F.skipZeroErrors])) o.skipZeroErrors = boolFlag(F.skipZeroErrors, a[F.skipZeroErrors]);
  return o;
}

/** "from --pes", "from --weight.frac" (dot notation) or "from --weight" (bits:frac): where an override came from. */
export function flagOrigin(args: ConfigArgs | Record<string, unknown>): (path: ConfigPath) => string {
  return (path) => {
    const field = String(path[0]) as keyof Config;
    const flag: string = CONFIG_FLAGS[field] ?? field;
    const raw = (args as Record<string, unknown>)[flag];
    const sub = path[1];
    const dotted = (Array.isArray(raw) ? raw : [raw]).some((v) => v !== null && typeof v === 'object' && typeof sub === 'string' && sub in v);
    return `from --${dotted ? `${flag}.${String(sub)}` : flag}`;
  };
}

/** The validated Config of --config (if given) with the other flags over it and the defaults under it. */
export function configFromArgs(args: ConfigArgs | Record<string, unknown>): Config {
  const file = last((args as Record<string, unknown>).config);
  if (file !== undefined && typeof file !== 'string') throw flagError('config', 'must be a file name', file);
  return resolveConfig({ file, overrides: configOverridesFromArgs(args), overrideOrigin: flagOrigin(args) });
}
