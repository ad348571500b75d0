/**
 * resolveConfig(): the defaults, a JSON configuration file over them and overrides over that,
 * deep-merged leaf by leaf (a format may be given partially: `{ "weight": { "frac": 10 } }`),
 * validated. Every failure is a one-line ConfigError; a bad value's message notes where it came
 * from ("in cfg.json", "from --pes", "the default"); malformed JSON is placed by line and column
 * (json-error.ts).
 */
import { DEFAULT_CONFIG, defaultsFor } from './defaults.js';
import { readJsonFile } from './json-error.js';
import { ConfigError, VARIANTS, parseConfig, type Config, type ConfigPath, type Variant } from './schema.js';

export interface ResolveOptions {
  /** A JSON file holding a (partial) configuration object. */
  file?: string;
  /** Values that win over the file's, deep-merged (formats may be partial: `{ weight: { frac: 10 } }`). */
  overrides?: object;
  /** Where an override at `path` came from, for messages (e.g. the CLI answers "from --pes"). */
  overrideOrigin?: (path: ConfigPath) => string | undefined;
}

/** The file's configuration (if any), with `overrides` deep-merged over it, defaulted and validated. */
export function resolveConfig(options: ResolveOptions = {}): Config {
  const { file, overrides = {} } = options;
  const fromFile = file === undefined ? {} : readConfigFile(file);
  if (!isPlainObject(fromFile)) {
    // Not an object at all: let the validator say so, naming the file.
    return parseConfig(fromFile, { origin: () => `in ${file}` });
  }
  // Leaf by leaf: defaults, then the file, then the overrides (so `--weight.frac 10` keeps the
  // weight bits of the file or the default).
  // A variant's own defaults (e.g. dedicated: 16-bit formats) stand in for the general ones.
  const variant = [(overrides as { variant?: unknown }).variant, fromFile.variant].find((v) => v !== undefined);
  const base = (VARIANTS as readonly unknown[]).includes(variant) ? defaultsFor(variant as Variant) : DEFAULT_CONFIG;
  const merged = deepMerge(deepMerge(base, fromFile), overrides);
  return parseConfig(merged, {
    origin: (path) => {
      if (hasPath(overrides, path)) return options.overrideOrigin ? options.overrideOrigin(path) : 'from the overrides';
      if (file !== undefined && hasPath(fromFile, path)) return `in ${file}`;
      return hasPath(DEFAULT_CONFIG, path) ? 'the default' : undefined;
    },
  });
}

/** The parsed JSON of `file` (any JSON value), or a ConfigError naming the file (and line/column). */
export function readConfigFile(file: string): unknown {
  return readJsonFile(file, (p) =>
    p.kind === 'unreadable'
      ? new ConfigError(`config: cannot read ${file}: ${p.why}`)
      : new ConfigError(`config: ${file} is not valid JSON: ${p.why}${p.pos === undefined ? '' : ` (position ${p.pos})`}`),
  );
}

/**
 * `over` merged into `base`: plain objects recursively, anything else (arrays too) replaced;
 * undefined is ignored. An object over a list of objects merges into every entry, so
 * `--weight.bits 10` over per-layer weight formats sets the bits of every layer.
 */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (Array.isArray(base) && isPlainObject(over) && base.every(isPlainObject)) return base.map((b) => deepMerge(b, over));
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Whether `root` has a defined value at `path` (object keys and array indices). */
export function hasPath(root: unknown, path: ConfigPath): boolean {
  let v = root;
  for (const p of path) {
    if (!isPlainObject(v) && !Array.isArray(v)) return false;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v !== undefined;
}
