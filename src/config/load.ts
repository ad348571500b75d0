/**
 * resolveConfig(): the defaults, a JSON configuration file over them and overrides over that,
 * deep-merged leaf by leaf (a format may be given partially: `{ "weight": { "frac": 10 } }`), validated. Every failure is a one-line ConfigError; a bad value's message
 * notes where it came from ("in cfg.json", "from --pes", "the default").
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_CONFIG, defaultsFor } from './defaults.js';
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
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message.split('\n')[0];
    throw new ConfigError(`config: cannot read ${file}: ${why}`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch (e) {
    const at = jsonErrorAt(text);
    if (!at) throw new ConfigError(`config: ${file} is not valid JSON: ${(e as Error).message.split('\n')[0]}`);
    const { line, column } = lineColumn(text, at.pos);
    throw new ConfigError(`config: ${file} is not valid JSON: ${at.reason} at line ${line}, column ${column} (position ${at.pos})`);
  }
}

/** `over` merged into `base`: plain objects recursively, anything else (arrays too) replaced; undefined is ignored. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
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

function lineColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      start = i + 1;
    }
  }
  return { line, column: pos - start + 1 };
}

/**
 * Where (and why) `text` stops being JSON, found by a small recursive-descent scan (V8's own
 * message does not always give a position); undefined if the scan finds no error.
 */
export function jsonErrorAt(text: string): { pos: number; reason: string } | undefined {
  let i = 0;
  class Stop {
    constructor(
      readonly pos: number,
      readonly reason: string,
    ) {}
  }
  const what = () => (i >= text.length ? 'end of file' : `'${text[i]}'`);
  const fail = (expected: string): never => {
    throw new Stop(i, i >= text.length ? `unexpected end of file (expected ${expected})` : `unexpected ${what()} (expected ${expected})`);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const lit = (word: string) => {
    for (const c of word) {
      if (text[i] !== c) fail(`"${word}"`);
      i++;
    }
  };
  const str = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('a closing \'"\'');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) throw new Stop(i, 'a control character (e.g. a line break) inside a string');
      if (c === 0x5c) {
        i++;
        const e = text[i];
        if (e === 'u') {
          for (let k = 1; k <= 4; k++) if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) throw new Stop(i + k, 'a bad \\u escape in a string');
          i += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
        else throw new Stop(i, `a bad escape '\\${e ?? ''}' in a string`);
      } else i++;
    }
  };
  const num = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '-') fail('a value');
    i += m![0].length;
  };
  const value = (depth: number): void => {
    if (depth > 1000) throw new Stop(i, 'nesting too deep');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] === '}') throw new Stop(i, "a trailing comma before '}'");
        if (text[i] !== '"') fail('a double-quoted property name');
        str();
        ws();
        if (text[i] !== ':') fail("':'");
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail("',' or '}'");
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] === ']') throw new Stop(i, "a trailing comma before ']'");
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail("',' or ']'");
      }
    } else if (c === '"') str();
    else if (c === 't') lit('true');
    else if (c === 'f') lit('false');
    else if (c === 'n') lit('null');
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) num();
    else fail('a value');
  };
  try {
    value(0);
    ws();
    if (i < text.length) fail('the end of the file after the value');
    return undefined;
  } catch (e) {
    if (e instanceof Stop) return { pos: e.pos, reason: e.reason };
    throw e;
  }
}
