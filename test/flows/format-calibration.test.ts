/** `train --formats auto`'s rule: the most fraction bits whose range holds the calibrated value. */
import { describe, expect, it } from 'vitest';
import { calibrateFormats, fracFor, integerBits } from '../../src/flows/format-calibration.js';
import { resolveTrainConfig } from '../../src/flows/train.js';
import { loadDataset } from '../../src/model/datasets/index.js';

describe('format calibration', () => {
  it('integerBits: the smallest i with v < 2^i', () => {
    expect([0.3, 0.5, 0.99, 1, 1.5, 2, 3.9, 4].map(integerBits)).toEqual([-1, 0, 0, 1, 1, 2, 2, 3]);
    expect(integerBits(0)).toBe(Number.NEGATIVE_INFINITY);
  });

  it('fracFor: signed keeps a sign bit, unsigned not; clamped to the legal fracs', () => {
    expect(fracFor(0.48, 8, true)).toBe(8); // ±0.5 holds 0.48
    expect(fracFor(0.6, 8, true)).toBe(7); // ±1
    expect(fracFor(1.9, 8, true)).toBe(6); // ±2
    expect(fracFor(1, 8, false)).toBe(7); // [0, 2): 1.0 must be representable
    expect(fracFor(3.9, 8, false)).toBe(6); // [0, 4)
    expect(fracFor(0.001, 8, true)).toBe(8); // at most bits
    expect(fracFor(0, 8, false)).toBe(7); // at most bits − 1
    expect(fracFor(1000, 8, true)).toBe(0); // at least 0
  });

  it('on Iris: one proposal per weight layer at the configured bits, a valid configuration, deterministic', () => {
    const cfg = resolveTrainConfig('iris', { overrides: { weight: { bits: 8, frac: 6 }, act: { bits: 8, frac: 6 }, error: { bits: 8, frac: 6 } } });
    const data = loadDataset('iris');
    const c = calibrateFormats(cfg, data);
    expect(c.samples).toBe(100);
    for (const field of ['weight', 'act', 'error'] as const) {
      expect(c.formats[field]).toHaveLength(2);
      expect(c.formats[field].every((f) => f.bits === 8)).toBe(true);
    }
    // inputs are scaled to [0, 1]: 1.0 needs one integer bit
    expect(c.ranges.act[0]).toBe(1);
    expect(c.formats.act[0]).toEqual({ bits: 8, frac: 7 });
    expect(c.config.weight).toEqual(c.formats.weight);
    expect(calibrateFormats(cfg, data).formats).toEqual(c.formats);
  });
});
