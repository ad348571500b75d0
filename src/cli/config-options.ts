/**
 * The accelerator configuration on the command line: addConfigOptions() declares one flag per
 * field of the field table (src/config/fields.ts: flag, help, kind; plus --config FILE),
 * configOverridesFromArgs() turns the flags actually given into
 * overrides, configFromArgs() resolves file + flags + defaults into a validated Config.
 * A malformed flag value is a ConfigError naming the flag; a well-formed but out-of-range one is
 * reported by the validator with "(from --flag)". See docs/CONFIG.md.
 */
import type { Argv } from 'yargs';
import {
  ConfigError,
  configDocument,
  parseConfig,
  DEFAULT_CONFIG,
  FIELD_RULES,
  fracRule,
  readConfigFile,
  resolveConfig,
  show,
  type Config,
  type ConfigFieldName,
  type ConfigPath,
} from '../config/index.js';
import { CONFIG_FIELDS, formatText, orList, type ConfigField, type ConfigFlag } from '../config/fields.js';

/** The flag of each configuration field (from the field table, src/config/fields.ts). */
export const CONFIG_FLAGS = Object.freeze(Object.fromEntries(Object.entries(CONFIG_FIELDS).map(([k, f]) => [k, f.flag]))) as {
  readonly [K in ConfigFieldName]: (typeof CONFIG_FIELDS)[K]['flag'];
};

/** The parsed flags as yargs hands them over (strings; formats may be objects via dot notation). */
export type ConfigArgs = { config?: string } & { [F in ConfigFlag]?: unknown };

const GROUP = 'Accelerator configuration (docs/CONFIG.md; flags override --config):';
const d = DEFAULT_CONFIG;
export { orList };

/** Declare --config and one flag per configuration field on `y` (no yargs defaults: only given flags count). */
export function addConfigOptions<T>(y: Argv<T>): Argv<T & ConfigArgs> {
  const str = (describe: string) => ({ type: 'string' as const, describe, group: GROUP });
  const options: Record<string, ReturnType<typeof str>> = { config: str('JSON configuration file (any subset of the fields)') };
  for (const f of Object.values(CONFIG_FIELDS)) options[f.flag] = str(f.help);
  return y.options(options) as unknown as Argv<T & ConfigArgs>;
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

/** `bits:frac`, or per layer `bits:frac,bits:frac,…` (one per weight layer). */
function formatFlag(field: 'weight' | 'act' | 'error', raw: unknown): Record<string, unknown> | Record<string, unknown>[] {
  const v = last(raw);
  if (typeof v === 'string' && v.includes(',')) return v.split(',').map((part) => formatFlag(field, part) as Record<string, unknown>);
  const out: Record<string, unknown> = {};
  const bitsRule = FIELD_RULES.bits;
  for (const v of Array.isArray(raw) ? raw : [raw]) {
    if (typeof v === 'string') {
      // Signs are accepted here so that a negative value reaches the validator, which names the rule.
      const m = /^\s*([+-]?\d+)\s*:\s*([+-]?\d+)\s*$/.exec(v);
      if (!m) throw flagError(field, `must be bits:frac like ${formatText(d[field])} (or --${field}.bits B --${field}.frac F)`, v);
      out.bits = Number(m[1]);
      out.frac = Number(m[2]);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'bits') out.bits = intFlag(`${field}.bits`, x, bitsRule);
        else if (k === 'frac') out.frac = intFlag(`${field}.frac`, x, fracRule(field));
        else out[k] = last(x); // rejected by the validator, naming the flag
      }
    } else {
      throw flagError(field, `must be bits:frac like ${formatText(d[field])} (or --${field}.bits B --${field}.frac F)`, v);
    }
  }
  return out;
}

const given = (v: unknown) => v !== undefined;

/** The value of a flag of `kind`, parsed (enums and layer sizes checked by the validator, which names the rule). */
function flagValue(field: ConfigFieldName, f: ConfigField, raw: unknown): unknown {
  switch (f.kind) {
    case 'enum':
      return last(raw);
    case 'layers':
      return layersFlag(f.flag, raw);
    case 'int':
    case 'hexInt': {
      // lrShift per layer: k1,k2,…
      const v = last(raw);
      if (field === 'lrShift' && typeof v === 'string' && v.includes(',')) return v.split(',').map((x) => intFlag(f.flag, x, f.rule ?? ''));
      return intFlag(f.flag, raw, f.rule ?? '', f.kind === 'hexInt');
    }
    case 'format':
      return formatFlag(field as 'weight' | 'act' | 'error', raw);
    case 'bool':
      return boolFlag(f.flag, raw);
  }
}

function layersFlag(flag: string, raw: unknown): number[] {
  const v = last(raw);
  const rule = 'must be a comma-separated list of layer sizes like 784,64,10';
  const parts = typeof v === 'number' ? [String(v)] : typeof v === 'string' ? v.split(',').map((s) => s.trim()) : null;
  if (!parts?.every((p) => /^[+-]?\d+$/.test(p))) throw flagError(flag, rule, v);
  return parts.map(Number);
}

/** The configuration overrides of the flags actually given (not --config), with their values parsed. */
export function configOverridesFromArgs(args: ConfigArgs | Record<string, unknown>): Record<string, unknown> {
  const a = args as Record<string, unknown>;
  const o: Record<string, unknown> = {};
  for (const [field, f] of Object.entries(CONFIG_FIELDS) as [ConfigFieldName, ConfigField][]) {
    if (given(a[f.flag])) o[field] = flagValue(field, f, a[f.flag]);
  }
  return o;
}

/** "from --pes", "from --weight.frac" (dot notation) or "from --weight" (bits:frac): where an override came from. */
export function flagOrigin(args: ConfigArgs | Record<string, unknown>): (path: ConfigPath) => string {
  return (path) => {
    const field = String(path[0]) as ConfigFieldName;
    const flag: string = CONFIG_FLAGS[field] ?? field;
    const raw = (args as Record<string, unknown>)[flag];
    const sub = path[1];
    const dotted = (Array.isArray(raw) ? raw : [raw]).some((v) => v !== null && typeof v === 'object' && typeof sub === 'string' && sub in v);
    return `from --${dotted ? `${flag}.${String(sub)}` : flag}`;
  };
}

/**
 * The validated Config of --config (if given) with the other flags over it and the defaults under
 * it; `asic`: SRAM macros are given (asicDefaults).
 */
export function configFromArgs(args: ConfigArgs | Record<string, unknown>, asic = false): Config {
  const file = last((args as Record<string, unknown>).config);
  if (file !== undefined && typeof file !== 'string') throw flagError('config', 'must be a file name', file);
  return resolveConfig({ file, overrides: { ...asicDefaults(args, asic), ...configOverridesFromArgs(args) }, overrideOrigin: flagOrigin(args) });
}

/**
 * With SRAM macros (`asic`: --sram-liberty given), weight banks those macros build: weightPorts
 * "2x1p", the least energy per sample (docs/HARDWARE.md, Power), unless --weight-ports or the
 * --config file names the ports ("1r1w" there is tiled as if the single-port macros could serve
 * two ports: a lower bound nothing builds). Defaults only: the flags go over them.
 */
export function asicDefaults(args: ConfigArgs | Record<string, unknown>, asic: boolean): Record<string, unknown> {
  const a = args as Record<string, unknown>;
  if (!asic || given(a[CONFIG_FIELDS.weightPorts.flag])) return {};
  const file = last(a.config);
  const fromFile = typeof file === 'string' ? readConfigFile(file) : undefined;
  if (fromFile !== null && typeof fromFile === 'object' && 'weightPorts' in fromFile) return {};
  return { weightPorts: '2x1p' };
}

/**
 * The configuration of a saved network (`--weights F`, a network file): the file's own. A
 * `--config` file or configuration flags given beside it must agree with it; the first field
 * that differs is a ConfigError naming it, where it came from and the network's value. With
 * `anyVariant` (verify: the same weights on other hardware, e.g. a trained network on the
 * inference variant) the variant may differ; the network's configuration is then re-checked with it.
 */
export function configBesideNetwork(
  args: ConfigArgs | Record<string, unknown>,
  network: Config,
  networkFile: string,
  opts: { readonly anyVariant?: boolean } = {},
): Config {
  const file = last((args as Record<string, unknown>).config);
  if (file !== undefined && typeof file !== 'string') throw flagError('config', 'must be a file name', file);
  const origin = flagOrigin(args);
  const check = (given: unknown, where: (path: ConfigPath) => string) => {
    const differs = firstDifference(given, network, []);
    if (differs) {
      const [path, value] = differs;
      throw new ConfigError(
        `config: ${path.join('.')} ${show(value)} (${where(path)}) differs from the network in ${networkFile}, trained with ${show(valueAt(network, path))}; ` +
          'drop it, or train a network with it',
      );
    }
  };
  const variantOf = (x: unknown) => (x !== null && typeof x === 'object' && 'variant' in x ? (x as { variant: unknown }).variant : undefined);
  const withoutVariant = (x: unknown) => {
    if (!opts.anyVariant || variantOf(x) === undefined) return x;
    const { variant: _variant, ...rest } = x as Record<string, unknown>;
    return rest;
  };
  const fromFile = file !== undefined ? readConfigFile(file) : undefined;
  const flags = configOverridesFromArgs(args);
  if (file !== undefined) check(withoutVariant(fromFile), () => `in ${file}`);
  check(withoutVariant(flags), origin);
  const variant = opts.anyVariant ? (variantOf(flags) ?? variantOf(fromFile)) : undefined;
  return variant === undefined || variant === network.variant ? network : parseConfig({ ...configDocument(network), variant });
}

/** The first leaf of `given` whose value differs from `base`'s at the same path (arrays compared whole). */
function firstDifference(given: unknown, base: unknown, path: ConfigPath): [ConfigPath, unknown] | undefined {
  if (given !== null && typeof given === 'object' && !Array.isArray(given)) {
    for (const [k, v] of Object.entries(given)) {
      const hit = firstDifference(v, valueAt(base, [k]), [...path, k]);
      if (hit) return hit;
    }
    return undefined;
  }
  return JSON.stringify(given) === JSON.stringify(base) ? undefined : [path, given];
}

function valueAt(root: unknown, path: ConfigPath): unknown {
  return path.reduce<unknown>((node, k) => (node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[k] : undefined), root);
}
