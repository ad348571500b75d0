/** The configuration schema: defaults, every rejection, and the one-line message format. */
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_CONFIG,
  DEFAULT_FORMATS,
  configSchema,
  deriveSizes,
  resolveConfig,
  parseConfig,
  updateShift,
  type Config,
} from '../../src/config/index.js';

/** The ConfigError `input` raises (failing the test if it is accepted). */
function rejection(input: unknown): ConfigError {
  try {
    parseConfig(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  return expect.fail(`accepted ${JSON.stringify(input)}`);
}
const messageOf = (input: unknown) => rejection(input).message;

describe('defaults', () => {
  it('are the recommended low-bit configuration and valid', () => {
    const c = parseConfig({});
    expect(c).toEqual({
      variant: 'taxonn',
      layers: [784, 64, 10],
      pes: 16,
      weight: { bits: 12, frac: 11 },
      act: { bits: 8, frac: 6 },
      error: { bits: 8, frac: 6 },
      accBits: 32,
      lrShift: 6,
      rounding: 'stochastic',
      hidden: 'relu',
      seed: 0xace1,
      inputsPerBeat: 16,
      skipZeroInputs: true,
      skipZeroErrors: true,
      skipZeroActivations: true,
      fuseBackwardUpdate: false,
      weightPorts: '1r1w',
    } satisfies Config);
    expect(parseConfig()).toEqual(c);
    expect(parseConfig(DEFAULT_CONFIG)).toEqual(DEFAULT_CONFIG);
    expect(c).toEqual(DEFAULT_CONFIG);
  });

  it('returns deeply frozen copies', () => {
    const c = parseConfig({ layers: [3, 2] });
    expect(Object.isFrozen(c) && Object.isFrozen(c.layers) && Object.isFrozen(c.weight)).toBe(true);
    expect(Object.isFrozen(DEFAULT_CONFIG) && Object.isFrozen(DEFAULT_CONFIG.layers)).toBe(true);
    expect(parseConfig({}).layers).not.toBe(DEFAULT_CONFIG.layers);
  });

  it('keeps the older exports DEFAULT_FORMATS and updateShift', () => {
    expect(DEFAULT_FORMATS.weight).toEqual({ bits: 12, frac: 11, signed: true });
    expect(DEFAULT_FORMATS.act).toEqual({ bits: 8, frac: 6, signed: false });
    expect(DEFAULT_FORMATS.error).toEqual({ bits: 8, frac: 6, signed: true });
    expect([DEFAULT_FORMATS.accBits, DEFAULT_FORMATS.lrShift, DEFAULT_FORMATS.rounding, DEFAULT_FORMATS.seed]).toEqual([32, 6, 'stochastic', 0xace1]);
    expect(updateShift(DEFAULT_FORMATS, DEFAULT_FORMATS.lrShift)).toBe(7); // 6 + 6 + 6 − 11
  });

  it('fill in each missing field separately', () => {
    const c = parseConfig({ layers: [5, 7, 3], pes: 4, rounding: 'nearest' });
    expect(c.layers).toEqual([5, 7, 3]);
    expect(c.pes).toBe(4);
    expect(c.rounding).toBe('nearest');
    expect(c.weight).toEqual(DEFAULT_CONFIG.weight);
  });

  it('the zod schema is usable on its own', () => {
    expect(configSchema.safeParse({ pes: 8 }).success).toBe(true);
    expect(configSchema.safeParse({ pes: 8, nope: 1 }).success).toBe(false);
  });
});

describe('accepted edge values', () => {
  it.each([
    ['the smallest network', { layers: [1, 1], pes: 1 }],
    ['odd sizes, not multiples of P', { layers: [5, 7, 3], pes: 4 }],
    ['P larger than every layer', { layers: [3, 2], pes: 1024 }],
    ['the largest layer size', { layers: [65536, 2], accBits: 40 }],
    ['exactly 2^24 parameters', { layers: [4095, 4096], accBits: 40 }],
    ['many layers', { layers: [8, 8, 8, 8, 8, 8, 8, 8, 8, 8] }],
    ['frac = bits for weights and errors', { weight: { bits: 8, frac: 8 }, error: { bits: 4, frac: 4 }, lrShift: 0 }],
    ['act frac = bits − 1', { act: { bits: 8, frac: 7 } }],
    ['S = 0 exactly', { weight: { bits: 16, frac: 15 }, lrShift: 3, accBits: 40 }],
    ['accBits at the minimum (30 for the defaults)', { accBits: 30 }],
    ['accBits 48', { accBits: 48 }],
    ['32-bit formats, small layers', { layers: [2, 2], weight: { bits: 32, frac: 0 }, act: { bits: 8, frac: 0 }, error: { bits: 8, frac: 0 }, accBits: 43 }],
    ['every rounding and hidden activation', { rounding: 'truncate', hidden: 'hardsigmoid' }],
    ['seed 1 and 65535', { seed: 1 }],
    ['seed 65535', { seed: 65535 }],
    ['K · act.bits = 1024', { inputsPerBeat: 64, act: { bits: 16, frac: 6 }, accBits: 40 }],
    ['K = 1', { inputsPerBeat: 1 }],
    [
      'K = 1 with a narrow act for an inference network of many classes',
      { variant: 'inference', layers: [4, 200], act: { bits: 2, frac: 1 }, inputsPerBeat: 1, accBits: 40 },
    ],
  ])('%s', (_, input) => {
    expect(() => parseConfig(input)).not.toThrow();
  });
});

describe('rejections name the field, the allowed range and the value', () => {
  it.each<[string, unknown, string]>([
    [
      'too few layers',
      { layers: [784] },
      'config: layers must be a list of at least 2 layer sizes (integers in 1..65536), or of layer objects starting with {"input": [height, width, channels]} (docs/CONFIG.md), got [784]',
    ],
    [
      'no layers',
      { layers: [] },
      'config: layers must be a list of at least 2 layer sizes (integers in 1..65536), or of layer objects starting with {"input": [height, width, channels]} (docs/CONFIG.md), got []',
    ],
    [
      'layers not a list',
      { layers: '784,64,10' },
      'config: layers must be a list of at least 2 layer sizes (integers in 1..65536), or of layer objects starting with {"input": [height, width, channels]} (docs/CONFIG.md), got "784,64,10"',
    ],
    ['layer size 0', { layers: [784, 0, 10] }, 'config: layers[1] must be an integer in 1..65536, got 0'],
    ['negative layer size', { layers: [784, 64, -10] }, 'config: layers[2] must be an integer in 1..65536, got -10'],
    ['layer size 1e6', { layers: [1e6, 10] }, 'config: layers[0] must be an integer in 1..65536, got 1000000'],
    ['non-integer layer size', { layers: [784, 64.5, 10] }, 'config: layers[1] must be an integer in 1..65536, got 64.5'],
    ['string layer size', { layers: [784, '64', 10] }, 'config: layers[1] must be an integer in 1..65536, got "64"'],
    [
      'too many parameters',
      { layers: [65536, 65536] },
      'config: layers must have at most 16777216 weights and biases in total (Σ N_l·(N_{l-1}+1)), got 4295032832 for [65536, 65536]',
    ],
    ['pes 0', { pes: 0 }, 'config: pes must be an integer in 1..1024, got 0'],
    ['pes 1025', { pes: 1025 }, 'config: pes must be an integer in 1..1024, got 1025'],
    ['pes as a string', { pes: '16' }, 'config: pes must be an integer in 1..1024, got "16"'],
    ['weight.frac > bits', { weight: { bits: 12, frac: 13 } }, 'config: weight.frac must be an integer in 0..12 (≤ weight.bits), got 13'],
    ['error.frac > bits', { error: { bits: 8, frac: 9 } }, 'config: error.frac must be an integer in 0..8 (≤ error.bits), got 9'],
    ['act.frac = bits', { act: { bits: 8, frac: 8 } }, 'config: act.frac must be an integer in 0..7 (< act.bits, so that 1.0 is representable), got 8'],
    ['negative frac', { weight: { bits: 12, frac: -1 } }, 'config: weight.frac must be an integer in 0..12 (≤ weight.bits), got -1'],
    ['non-integer frac', { weight: { bits: 12, frac: 1.5 } }, 'config: weight.frac must be an integer in 0..12 (≤ weight.bits), got 1.5'],
    ['bits 1', { weight: { bits: 1, frac: 0 } }, 'config: weight.bits must be an integer in 2..32, got 1'],
    ['bits 33', { act: { bits: 33, frac: 6 } }, 'config: act.bits must be an integer in 2..32, got 33'],
    ['missing frac', { weight: { bits: 12 } }, 'config: weight.frac must be an integer in 0..12 (≤ weight.bits), got nothing'],
    ['format not an object', { weight: 12 }, 'config: weight must be an object {"bits": …, "frac": …}, got 12'],
    ['format with a third key', { error: { bits: 8, frac: 6, signed: true } }, 'config: error.signed is not a known field (allowed: bits, frac), got true'],
    [
      'accBits too narrow',
      { accBits: 16 },
      'config: accBits must be an integer in 30..48 (at least 30: the forward sum of layer 1, 785 terms of weight × activation, needs 30 bits), got 16',
    ],
    [
      'accBits above 48',
      { accBits: 49 },
      'config: accBits must be an integer in 30..48 (at least 30: the forward sum of layer 1, 785 terms of weight × activation, needs 30 bits), got 49',
    ],
    ['accBits not an integer', { accBits: 31.5 }, 'config: accBits must be an integer, at most 48 and at least minAccBits (see docs/CONFIG.md), got 31.5'],
    [
      'no accBits can be wide enough',
      { layers: [65536, 2], weight: { bits: 32, frac: 16 }, act: { bits: 16, frac: 8 } },
      "config: accBits cannot be wide enough: the forward sum of layer 1, 65537 terms of weight × activation, needs 64 bits, more than the limit 48 (the golden model's arithmetic is exact below 2^53); use smaller layers or narrower formats, got 32 (the default)",
    ],
    ['lrShift 32', { lrShift: 32 }, 'config: lrShift must be an integer in 0..31, got 32'],
    [
      'S < 0',
      { weight: { bits: 16, frac: 15 }, lrShift: 2, accBits: 40 },
      'config: lrShift must be an integer in 3..31 (the update shift S = error.frac + act.frac + lrShift − weight.frac = 6 + 6 + lrShift − 15 must be ≥ 0), got 2',
    ],
    ['bad rounding', { rounding: 'up' }, 'config: rounding must be one of "truncate", "nearest", "stochastic", got "up"'],
    ['bad hidden', { hidden: 'tanh' }, 'config: hidden must be one of "relu", "hardsigmoid", got "tanh"'],
    [
      'fuseBackwardUpdate without the dedicated variant',
      { fuseBackwardUpdate: true },
      'config: fuseBackwardUpdate must be false for the taxonn variant, because only the dedicated variant has separate backward and gradient multipliers to run together, got true',
    ],
    ['bad variant', { variant: 'training' }, 'config: variant must be one of "taxonn", "inference", "dedicated", got "training"'],
    ['seed 0', { seed: 0 }, 'config: seed must be an integer in 1..65535 (a non-zero 16-bit LFSR seed), got 0'],
    ['seed 65536', { seed: 65536 }, 'config: seed must be an integer in 1..65535 (a non-zero 16-bit LFSR seed), got 65536'],
    ['seed as a hex string', { seed: '0xACE1' }, 'config: seed must be an integer in 1..65535 (a non-zero 16-bit LFSR seed), got "0xACE1"'],
    ['inputsPerBeat 0', { inputsPerBeat: 0 }, 'config: inputsPerBeat must be an integer in 1..64, got 0'],
    [
      'K · act.bits > 1024',
      { inputsPerBeat: 64, act: { bits: 17, frac: 6 }, accBits: 40 },
      'config: inputsPerBeat must be an integer in 1..60 (inputsPerBeat × act.bits ≤ 1024 bits per s_sample beat, act.bits = 17), got 64',
    ],
    [
      'a header beat too narrow for the label (found by npm run fuzz)',
      { layers: [1, 9], weight: { bits: 4, frac: 0 }, act: { bits: 4, frac: 0 }, error: { bits: 4, frac: 0 }, lrShift: 0, accBits: 48, inputsPerBeat: 1 },
      'config: inputsPerBeat must be at least 2: the s_sample header beat holds the train bit and a 4-bit label for 9 classes, 5 bits, and inputsPerBeat × act.bits = 4 (act.bits = 4), got 1',
    ],
    [
      'unknown key',
      { pes: 16, banks: 4 },
      'config: banks is not a known field (allowed: variant, layers, pes, weight, act, error, accBits, lrShift, rounding, hidden, seed, inputsPerBeat, skipZeroInputs, skipZeroErrors, skipZeroActivations, fuseBackwardUpdate, weightPorts), got 4',
    ],
    [
      'misspelt key',
      { acc_bits: 30 },
      'config: acc_bits is not a known field (allowed: variant, layers, pes, weight, act, error, accBits, lrShift, rounding, hidden, seed, inputsPerBeat, skipZeroInputs, skipZeroErrors, skipZeroActivations, fuseBackwardUpdate, weightPorts; did you mean "accBits"?), got 30',
    ],
    ['not an object', [784, 64, 10], 'config: the configuration must be an object of configuration fields (see docs/CONFIG.md), got [784, 64, 10]'],
    ['null', null, 'config: the configuration must be an object of configuration fields (see docs/CONFIG.md), got null'],
    ['wrong type (boolean)', { hidden: true }, 'config: hidden must be one of "relu", "hardsigmoid", got true'],
  ])('%s', (_, input, expected) => {
    const e = rejection(input);
    expect(e.message).toBe(expected);
    expect(e.message).not.toContain('\n');
    expect(e.name).toBe('ConfigError');
    expect(e.issues[0]).toBe(expected);
  });

  it('every message has the shape `config: <path> …, got <value>` on one line', () => {
    const shape = /^config: [A-Za-z_]+(\[\d+\]|\.[a-z]+)? (must be|cannot be|is not a known field) .*, got .+$/;
    for (const input of [
      { layers: [1] },
      { layers: [1, 0] },
      { pes: -1 },
      { act: { bits: 8, frac: 9 } },
      { accBits: 8 },
      { seed: 1.5 },
      { x: 1 },
      { lrShift: -1 },
    ]) {
      const m = messageOf(input);
      expect(m).toMatch(shape);
    }
  });

  it('the accBits message gives the minimum and why, for a backward-bound network', () => {
    // 2-wide inputs, then a huge output layer: the backward sum of layer 2 dominates.
    const m = messageOf({ layers: [2, 2, 60000], accBits: 21 });
    expect(m).toMatch(
      /^config: accBits must be an integer in 35\.\.48 \(at least 35: the backward sum of layer 2, 60000 terms of weight × error, needs 35 bits\), got 21$/,
    );
    // Tiny layers: one product sets the minimum.
    expect(messageOf({ layers: [1, 1], accBits: 20 })).toBe(
      'config: accBits must be an integer in 21..48 (at least 21: one PE product, max(weight.bits, error.bits) + max(act.bits + 1, error.bits), needs 21 bits), got 20',
    );
  });

  it('notes a value that came from a default, and lrShift that no value can satisfy', () => {
    expect(messageOf({ layers: [1, 1], weight: { bits: 32, frac: 32 }, act: { bits: 4, frac: 0 }, error: { bits: 4, frac: 0 }, accBits: 40 })).toBe(
      'config: lrShift cannot be large enough: the update shift S = error.frac + act.frac + lrShift − weight.frac = 0 + 0 + lrShift − 32 must be ≥ 0, ' +
        'so lrShift ≥ 32 > 31; lower weight.frac or raise act.frac/error.frac, got 6 (the default)',
    );
    expect(messageOf({ weight: { bits: 16, frac: 14 } })).toMatch(/^config: accBits must be an integer in 34\.\.48 .*, got 32 \(the default\)$/);
  });

  it('collects every problem in `issues`, unknown keys first, the message being the first', () => {
    const e = rejection({ pes: 0, seed: 0, acbits: 3, layers: [1] });
    expect(e.issues).toEqual([
      'config: acbits is not a known field (allowed: variant, layers, pes, weight, act, error, accBits, lrShift, rounding, hidden, seed, inputsPerBeat, skipZeroInputs, skipZeroErrors, skipZeroActivations, fuseBackwardUpdate, weightPorts; did you mean "accBits"?), got 3',
      'config: layers must be a list of at least 2 layer sizes (integers in 1..65536), or of layer objects starting with {"input": [height, width, channels]} (docs/CONFIG.md), got [1]',
      'config: pes must be an integer in 1..1024, got 0',
      'config: seed must be an integer in 1..65535 (a non-zero 16-bit LFSR seed), got 0',
    ]);
    expect(e.message).toBe(e.issues[0]);
  });

  it('shortens long values', () => {
    const m = messageOf({ layers: Array.from({ length: 100 }, () => 0) });
    expect(m.length).toBeLessThan(200);
    expect(m).toMatch(/^config: layers\[0\] must be an integer in 1\.\.65536, got 0$/);
  });
});

describe('variants', () => {
  it('dedicated defaults to 16-bit formats, nearest rounding and a wider accumulator; given fields win', () => {
    const d = parseConfig({ variant: 'dedicated' });
    expect([d.weight, d.act, d.error, d.accBits, d.rounding]).toEqual([{ bits: 16, frac: 15 }, { bits: 16, frac: 12 }, { bits: 16, frac: 14 }, 44, 'nearest']);
    expect(deriveSizes(d).minAccBits).toBeLessThanOrEqual(44);
    const own = parseConfig({ variant: 'dedicated', weight: { bits: 12, frac: 11 }, rounding: 'stochastic' });
    expect([own.weight, own.act, own.rounding]).toEqual([{ bits: 12, frac: 11 }, { bits: 16, frac: 12 }, 'stochastic']);
    // The same through files and flags (resolveConfig merges the variant's defaults first).
    expect(resolveConfig({ overrides: { variant: 'dedicated', act: { frac: 10 } } }).act).toEqual({ bits: 16, frac: 10 });
    // The other variants keep the project defaults.
    expect(parseConfig({ variant: 'inference' }).weight).toEqual(DEFAULT_CONFIG.weight);
  });

  it('dedicated: η must fit its Q0.16 register, and the product shift must be ≥ 16', () => {
    expect(() => parseConfig({ variant: 'dedicated', lrShift: 17 })).toThrow(
      'config: lrShift must be an integer in 1..16 for the dedicated variant (η = 2^-lrShift is held in a Q0.16 register), got 17',
    );
    expect(() => parseConfig({ variant: 'dedicated', lrShift: 0 })).toThrow(/lrShift must be an integer in 1\.\.16/);
    expect(() =>
      parseConfig({ variant: 'dedicated', weight: { bits: 16, frac: 15 }, act: { bits: 8, frac: 6 }, error: { bits: 8, frac: 6 }, accBits: 40 }),
    ).toThrow(/^config: weight\.frac must be at most error\.frac \+ act\.frac = 12 for the dedicated variant .*, got 15$/);
  });

  it('inference: the cycle bound counts the forward MACs only', () => {
    const t = deriveSizes(DEFAULT_CONFIG);
    const i = deriveSizes(parseConfig({ variant: 'inference' }));
    expect(i.macs).toEqual({ forward: t.macs.forward, backward: 0, update: 0, total: t.macs.forward });
    expect(i.boundCycles).toBe(Math.ceil(t.macs.forward / 16));
  });
});
