/** Per-layer formats and learning rates in the configuration (docs/CONFIG.md "Per-layer formats"). */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, deriveSizes, deepMerge, hasPerLayerArithmetic, layerArithmetic, parseConfig } from '../../src/config/index.js';
import { configOverridesFromArgs } from '../../src/cli/config-options.js';
import { PER_LAYER_FORMATS } from '../../src/flows/results/plan.js';
import { resolveTrainConfig } from '../../src/flows/train.js';

const f = (bits: number, frac: number) => ({ bits, frac });
const base = { layers: [784, 64, 10], weight: [f(8, 8), f(8, 7)], act: f(8, 6), error: [f(8, 8), f(8, 6)], lrShift: [6, 7] };

const message = (input: unknown): string => {
  try {
    parseConfig(input);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  return 'accepted';
};

describe('per-layer fields', () => {
  it('a list per weight layer, or one value: each layer reads its own', () => {
    const cfg = parseConfig(base);
    const a = layerArithmetic(cfg);
    expect(a.map((x) => x.weight.frac)).toEqual([8, 7]);
    expect(a.map((x) => x.error.frac)).toEqual([8, 6]);
    expect(a.map((x) => x.act.frac)).toEqual([6, 6]);
    // S = Ef + Af + k − Wf per layer; the hidden activation's shift Wf + Af − Af'; the backward shift Wf + Ef − Ef_below
    expect(a.map((x) => x.updateShift)).toEqual([8 + 6 + 6 - 8, 6 + 6 + 7 - 7]);
    expect(deriveSizes(cfg).updateShifts).toEqual([12, 12]);
    expect(a[0]?.activationShift).toBe(8 + 6 - 6);
    expect(a[1]?.backwardShift).toBe(7 + 6 - 8);
    expect(hasPerLayerArithmetic(cfg)).toBe(true);
    expect(hasPerLayerArithmetic(parseConfig({ ...base, weight: [f(8, 7), f(8, 7)], error: f(8, 6), lrShift: [6, 6] }))).toBe(false);
  });

  it('rejects, on one line naming the entry and why', () => {
    expect(message({ ...base, weight: [f(8, 8), f(8, 7), f(8, 7)] })).toMatch(
      /^config: weight must have one entry per weight layer, 2 for layers \[784, 64, 10\].*got 3 entries/,
    );
    expect(message({ ...base, weight: [f(8, 8), f(12, 7)] })).toMatch(
      /^config: weight\[1\]\.bits must equal weight\[0\]\.bits = 8, because every layer's weights share each lane's weight bank/,
    );
    expect(message({ ...base, act: [f(8, 6), f(8, 7)], error: f(8, 6), weight: f(8, 0) })).toMatch(
      /^config: act\[1\]\.frac must be at most weight\[0\]\.frac \+ act\[0\]\.frac = 6/,
    );
    expect(message({ ...base, layers: [5, 4, 3], error: [f(8, 8), f(8, 0)], weight: [f(8, 2), f(8, 2)] })).toMatch(
      /^config: error\[0\]\.frac must be at most 2 /,
    );
    expect(message({ ...base, lrShift: [6, 0], weight: [f(8, 8), f(8, 8)], error: [f(8, 8), f(8, 0)], act: [f(8, 6), f(8, 0)] })).toMatch(
      /^config: lrShift\[1\] must be an integer in 8\.\.31 \(the update shift of layer 2/,
    );
    expect(message({ ...base, variant: 'dedicated', accBits: 32 })).toMatch(/^config: lrShift must be one value for the dedicated variant/);
    expect(message({ ...base, weight: [] })).toMatch(/^config: weight must be one value for every layer or a list/);
    expect(message({ ...base, weight: [f(8, 9), f(8, 7)] })).toMatch(/^config: weight\[0\]\.frac must be an integer in 0\.\.8/);
  });

  it('the command line: comma-separated per layer, and a dotted flag over a list sets every entry', () => {
    const o = configOverridesFromArgs({ weight: '8:8,8:7', 'lr-shift': '6,7', act: '8:6' });
    expect(o).toEqual({ weight: [f(8, 8), f(8, 7)], act: f(8, 6), lrShift: [6, 7] });
    expect(deepMerge({ weight: [f(8, 8), f(8, 7)] }, { weight: { bits: 10 } })).toEqual({ weight: [f(10, 8), f(10, 7)] });
  });

  it('examples/w8a8e8-<data set>.json are the per-layer configurations of RESULTS.md, 8/8/8, and valid for their data set', () => {
    for (const [dataset, formats] of Object.entries(PER_LAYER_FORMATS)) {
      const file = `examples/w8a8e8-${dataset}.json`;
      const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
      expect({ weight: json.weight, act: json.act, error: json.error }).toEqual(formats);
      const cfg = resolveTrainConfig(dataset as 'mnist', { file });
      const a = layerArithmetic(cfg);
      expect(a.every((x) => x.weight.bits === 8 && x.act.bits === 8 && x.error.bits === 8)).toBe(true);
      expect(cfg.rounding).toBe('stochastic');
    }
  });
});
