/** The configuration flags: parsing, "only flags given", flags over the file, errors naming the flag. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { addConfigOptions, configFromArgs, configOverridesFromArgs } from '../../src/cli/config-options.js';
import { ConfigError, DEFAULT_CONFIG } from '../../src/config/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'taxonn-flags-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function parse(argv: string[]) {
  return addConfigOptions(yargs(argv))
    .strict()
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new Error(msg);
    })
    .parseSync();
}
const overrides = (argv: string[]) => configOverridesFromArgs(parse(argv));
const config = (argv: string[]) => configFromArgs(parse(argv));
function flagError(argv: string[]): string {
  try {
    config(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  return expect.fail(`accepted ${argv.join(' ')}`);
}

describe('configuration flags', () => {
  it('no flags: no overrides, the defaults', () => {
    expect(overrides([])).toEqual({});
    expect(config([])).toEqual(DEFAULT_CONFIG);
  });

  it('every field has a flag', () => {
    const o = overrides([
      '--variant',
      'taxonn',
      '--layers',
      '100, 30,10',
      '--pes',
      '8',
      '--weight',
      '14:12',
      '--act',
      '6:4',
      '--error',
      '10:7',
      '--acc-bits',
      '40',
      '--lr-shift',
      '5',
      '--rounding',
      'nearest',
      '--hidden',
      'hardsigmoid',
      '--seed',
      '0xBEEF',
      '--inputs-per-beat',
      '4',
      '--skip-zero-inputs',
      'false',
      '--skip-zero-errors',
      'false',
    ]);
    expect(o).toEqual({
      variant: 'taxonn',
      layers: [100, 30, 10],
      pes: 8,
      weight: { bits: 14, frac: 12 },
      act: { bits: 6, frac: 4 },
      error: { bits: 10, frac: 7 },
      accBits: 40,
      lrShift: 5,
      rounding: 'nearest',
      hidden: 'hardsigmoid',
      seed: 0xbeef,
      inputsPerBeat: 4,
      skipZeroInputs: false,
      skipZeroErrors: false,
    });
    expect(config(['--seed', '1234']).seed).toBe(1234);
  });

  it('formats in dot notation, alone or over bits:frac', () => {
    expect(overrides(['--weight.bits', '16', '--weight.frac', '14'])).toEqual({ weight: { bits: 16, frac: 14 } });
    expect(config(['--weight.frac', '10']).weight).toEqual({ bits: 12, frac: 10 });
    expect(config(['--weight', '12:11', '--weight.frac', '9']).weight).toEqual({ bits: 12, frac: 9 });
  });

  it('a repeated flag: the last wins', () => {
    expect(config(['--pes', '4', '--pes', '8']).pes).toBe(8);
  });

  it('flags override the file, which overrides the defaults', () => {
    const f = path.join(dir, 'a.json');
    writeFileSync(f, JSON.stringify({ layers: [100, 30, 10], pes: 8, weight: { bits: 14, frac: 12 }, rounding: 'truncate' }));
    const c = config(['--config', f, '--pes', '4', '--weight.frac', '10', '--rounding', 'nearest']);
    expect(c.layers).toEqual([100, 30, 10]);
    expect(c.pes).toBe(4);
    expect(c.weight).toEqual({ bits: 14, frac: 10 });
    expect(c.rounding).toBe('nearest');
    expect(c.act).toEqual(DEFAULT_CONFIG.act);
  });

  it.each<[string[], string]>([
    [['--layers', '784,x,10'], 'config: --layers must be a comma-separated list of layer sizes like 784,64,10, got "784,x,10"'],
    [['--pes', 'many'], 'config: --pes must be an integer in 1..1024, got "many"'],
    [['--pes', '1.5'], 'config: --pes must be an integer in 1..1024, got "1.5"'],
    [['--pes'], 'config: --pes must be an integer in 1..1024, got ""'],
    [['--weight', '12'], 'config: --weight must be bits:frac like 12:11 (or --weight.bits B --weight.frac F), got "12"'],
    [['--act', '8/6'], 'config: --act must be bits:frac like 8:6 (or --act.bits B --act.frac F), got "8/6"'],
    [['--weight.bits', 'x'], 'config: --weight.bits must be an integer in 2..32, got "x"'],
    [['--seed', '0xZZ'], 'config: --seed must be an integer in 1..65535 (a non-zero 16-bit LFSR seed), decimal or 0x hex, got "0xZZ"'],
    [['--acc-bits', 'wide'], 'config: --acc-bits must be an integer (at most 48), got "wide"'],
  ])('malformed %j is a ConfigError naming the flag', (argv, expected) => {
    expect(flagError(argv)).toBe(expected);
  });

  it.each<[string[], string]>([
    [['--pes', '0'], 'config: pes must be an integer in 1..1024, got 0 (from --pes)'],
    [['--weight', '12:13'], 'config: weight.frac must be an integer in 0..12 (≤ weight.bits), got 13 (from --weight)'],
    [['--weight.frac', '13'], 'config: weight.frac must be an integer in 0..12 (≤ weight.bits), got 13 (from --weight.frac)'],
    [
      ['--layers', '784'],
      'config: layers must be a list of at least 2 layer sizes (integers in 1..65536), or of layer objects starting with {"input": [height, width, channels]} (docs/CONFIG.md), got [784] (from --layers)',
    ],
    [['--rounding', 'up'], 'config: rounding must be one of "truncate", "nearest", "stochastic", got "up" (from --rounding)'],
    [['--seed', '0'], 'config: seed must be an integer in 1..65535 (a non-zero 16-bit LFSR seed), got 0 (from --seed)'],
    [
      ['--acc-bits', '20'],
      'config: accBits must be an integer in 30..48 (at least 30: the forward sum of layer 1, 785 terms of weight × activation, needs 30 bits), got 20 (from --acc-bits)',
    ],
    [['--weight.sign', '1'], 'config: weight.sign is not a known field (allowed: bits, frac), got 1 (from --weight.sign)'],
  ])('out of range %j: the validator names the field and the flag', (argv, expected) => {
    expect(flagError(argv)).toBe(expected);
  });

  it('a missing --config file', () => {
    const f = path.join(dir, 'missing.json');
    expect(flagError(['--config', f])).toBe(`config: cannot read ${f}: no such file`);
  });

  it('a value from the file is noted as such', () => {
    const f = path.join(dir, 'b.json');
    writeFileSync(f, '{ "pes": 0 }');
    expect(flagError(['--config', f])).toBe(`config: pes must be an integer in 1..1024, got 0 (in ${f})`);
    expect(config(['--config', f, '--pes', '2']).pes).toBe(2); // the flag repairs it
  });
});

describe('with SRAM macros (an ASIC build)', () => {
  const asic = (argv: string[]) => configFromArgs(parse(argv), true);
  it('the weight banks default to 2x1p, the ports the macros build; a flag or the file still names them', () => {
    expect(DEFAULT_CONFIG.weightPorts).toBe('1r1w');
    expect(asic([]).weightPorts).toBe('2x1p');
    expect(asic(['--weight-ports', '1p']).weightPorts).toBe('1p');
    const f = path.join(dir, 'ports.json');
    writeFileSync(f, '{ "weightPorts": "1r1w", "pes": 4 }');
    expect(asic(['--config', f]).weightPorts).toBe('1r1w');
    expect(asic(['--config', f]).pes).toBe(4);
    expect(config([]).weightPorts).toBe('1r1w'); // without macros, the default
  });
});
