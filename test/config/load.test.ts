/** resolveConfig: files, JSON errors, deep merging of overrides, origins in messages. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, deepMerge, readConfigFile, resolveConfig } from '../../src/config/index.js';
import { jsonErrorAt } from '../../src/config/json-error.js';

const dir = mkdtempSync(path.join(tmpdir(), 'taxonn-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(text: string): string {
  const f = path.join(dir, `cfg${n++}.json`);
  writeFileSync(f, text);
  return f;
}
function thrown(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).not.toContain('\n');
    return e as ConfigError;
  }
  return expect.fail('no error');
}

describe('resolveConfig', () => {
  it('with nothing: the defaults', () => {
    expect(resolveConfig()).toEqual(DEFAULT_CONFIG);
    expect(resolveConfig({})).toEqual(DEFAULT_CONFIG);
  });

  it('reads a file; missing fields default', () => {
    const f = file(JSON.stringify({ layers: [100, 30, 10], pes: 8, rounding: 'nearest' }, null, 2));
    const c = resolveConfig({ file: f });
    expect(c.layers).toEqual([100, 30, 10]);
    expect(c.pes).toBe(8);
    expect(c.rounding).toBe('nearest');
    expect(c.weight).toEqual(DEFAULT_CONFIG.weight);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('overrides win over the file, deep-merged (a format may be partial)', () => {
    const f = file(JSON.stringify({ layers: [100, 30, 10], pes: 8, weight: { bits: 14, frac: 12 }, seed: 7 }));
    const c = resolveConfig({ file: f, overrides: { pes: 4, weight: { frac: 10 }, layers: [20, 10] } });
    expect(c.pes).toBe(4);
    expect(c.weight).toEqual({ bits: 14, frac: 10 });
    expect(c.layers).toEqual([20, 10]); // arrays are replaced, not merged
    expect(c.seed).toBe(7);
  });

  it('a partial format over the defaults keeps the default other half', () => {
    expect(resolveConfig({ overrides: { act: { frac: 5 } } }).act).toEqual({ bits: 8, frac: 5 });
  });

  it('missing file', () => {
    const f = path.join(dir, 'nope.json');
    expect(thrown(() => resolveConfig({ file: f })).message).toBe(`config: cannot read ${f}: no such file`);
  });

  it('a directory', () => {
    const d = path.join(dir, 'adir');
    mkdirSync(d);
    expect(thrown(() => resolveConfig({ file: d })).message).toBe(`config: cannot read ${d}: it is a directory`);
  });

  it.each([
    ['a trailing comma', '{\n  "pes": 8,\n}\n', "a trailing comma before '}' at line 3, column 1"],
    ['a missing colon', '{\n  "pes" 8\n}', "unexpected '8' (expected ':') at line 2, column 9"],
    ['a missing value', '{ "pes": }', "unexpected '}' (expected a value) at line 1, column 10"],
    ['single quotes', "{ 'pes': 8 }", "unexpected ''' (expected a double-quoted property name) at line 1, column 3"],
    ['a comment', '// my config\n{ "pes": 8 }', "unexpected '/' (expected a value) at line 1, column 1"],
    ['an unclosed object', '{ "layers": [784, 64, 10]', "unexpected end of file (expected ',' or '}') at line 1, column 26"],
    ['an empty file', '', 'unexpected end of file (expected a value) at line 1, column 1'],
    ['garbage after the value', '{ "pes": 8 } x', "unexpected 'x' (expected the end of the file after the value) at line 1, column 14"],
    ['a hex number', '{ "seed": 0xACE1 }', "unexpected 'x' (expected ',' or '}') at line 1, column 12"],
  ])('malformed JSON (%s) names the file, line and column', (_, text, where) => {
    const f = file(text);
    const m = thrown(() => resolveConfig({ file: f })).message;
    expect(m.startsWith(`config: ${f} is not valid JSON: ${where} (position `)).toBe(true);
  });

  it('a JSON value that is not an object', () => {
    const f = file('[784, 64, 10]');
    expect(thrown(() => resolveConfig({ file: f })).message).toBe(
      `config: the configuration must be an object of configuration fields (see docs/CONFIG.md), got [784, 64, 10] (in ${f})`,
    );
  });

  it('a byte-order mark is allowed', () => {
    const f = file('\uFEFF{ "pes": 2 }');
    expect(resolveConfig({ file: f }).pes).toBe(2);
  });

  it('messages say where a bad value came from', () => {
    const f = file(JSON.stringify({ pes: 0, weight: { bits: 12, frac: 11 }, extra: 1 }));
    const e = thrown(() => resolveConfig({ file: f, overrides: { seed: 0, weight: { frac: 13 } } }));
    expect(e.issues).toEqual([
      `config: extra is not a known field (allowed: variant, layers, pes, weight, act, error, accBits, lrShift, rounding, hidden, seed, inputsPerBeat, skipZeroInputs, skipZeroErrors, skipZeroActivations, fuseBackwardUpdate, weightPorts), got 1 (in ${f})`,
      `config: pes must be an integer in 1..1024, got 0 (in ${f})`,
      'config: weight.frac must be an integer in 0..12 (≤ weight.bits), got 13 (from the overrides)',
      'config: seed must be an integer in 1..65535 (a non-zero 16-bit LFSR seed), got 0 (from the overrides)',
    ]);
    const e2 = thrown(() => resolveConfig({ overrides: { pes: 2000 }, overrideOrigin: () => 'from --pes' }));
    expect(e2.message).toBe('config: pes must be an integer in 1..1024, got 2000 (from --pes)');
    const e3 = thrown(() => resolveConfig({ overrides: { layers: [8000, 2000] } }));
    expect(e3.message).toMatch(/^config: accBits must be an integer in 33\.\.48 .*, got 32 \(the default\)$/);
  });
});

describe('helpers', () => {
  it('deepMerge: objects recursively, arrays and scalars replaced, undefined ignored', () => {
    expect(deepMerge({ a: { b: 1, c: 2 }, d: [1, 2], e: 1 }, { a: { c: 3 }, d: [9], e: undefined })).toEqual({ a: { b: 1, c: 3 }, d: [9], e: 1 });
  });

  it('readConfigFile returns any JSON value', () => {
    expect(readConfigFile(file('{"a": [1, {"b": null}], "c": "\\u00e9"}'))).toEqual({ a: [1, { b: null }], c: 'é' });
  });

  it('jsonErrorAt agrees with JSON.parse on what is valid', () => {
    const texts = [
      '{}',
      '[]',
      '1',
      '-0.5e+3',
      '"x\\n"',
      '{"a":[true,false,null]}',
      '[1,]',
      '{"a":1,}',
      '01',
      '1.',
      '-',
      '"\\x"',
      '"a\nb"',
      '{"a" "b"}',
      'nul',
      '[1 2]',
      ' {} ',
    ];
    for (const t of texts) {
      let ok = true;
      try {
        JSON.parse(t);
      } catch {
        ok = false;
      }
      expect(jsonErrorAt(t) === undefined, t).toBe(ok);
    }
  });
});
