/**
 * Networks given as layer objects (src/config/network.ts): the shapes follow TensorFlow/Keras,
 * each mistake is one line naming its layer, and what builds dense layers only refuses the rest.
 */
import { describe, expect, it } from 'vitest';
import { resolveTrainConfig } from '../../src/flows/train.js';
import {
  ConfigError,
  configDocument,
  deriveSizes,
  layerArithmetic,
  networkParamCount,
  parseConfig,
  requireDenseLayers,
  type ConvLayer,
  type LayerSpec,
} from '../../src/config/index.js';

const conv = (filters: number, kernel: number, stride = 1, padding: 'same' | 'valid' = 'same'): LayerSpec => ({ conv: { filters, kernel, stride, padding } });
const maxPool: LayerSpec = { pool: { kind: 'max', size: 2 } };
const issueExample: LayerSpec[] = [{ input: [28, 28, 1] }, conv(8, 3), maxPool, conv(16, 3), maxPool, { dense: 10 }];

function message(layers: unknown): string {
  try {
    parseConfig({ layers });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(layers)}`);
}

describe('layer objects', () => {
  it('derive the shapes of the issue example (same padding, 2 × 2 max pools)', () => {
    const cfg = parseConfig({ layers: issueExample });
    const shapes = cfg.network!.layers.map((l) => [l.kind, l.out.height, l.out.width, l.out.channels]);
    expect(shapes).toEqual([
      ['conv', 28, 28, 8],
      ['pool', 14, 14, 8],
      ['conv', 14, 14, 16],
      ['pool', 7, 7, 16],
      ['dense', 1, 1, 10],
    ]);
    // the input's size, then each weight layer's outputs
    expect(cfg.layers).toEqual([784, 6272, 3136, 10]);
    expect(networkParamCount(cfg.network!)).toBe(8 * 10 + 16 * 73 + 10 * 785);
  });

  it('follow Keras: same = ceil(in / stride) with the smaller half of the padding first, valid = floor((in − k) / stride) + 1, odd edges pooled away', () => {
    const cfg = parseConfig({ layers: [{ input: [7, 6, 2] }, conv(3, 4, 2, 'same'), conv(2, 2, 1, 'valid'), maxPool, { dense: 2 }] });
    const [a, b, p] = cfg.network!.layers as [ConvLayer, ConvLayer, { out: { height: number; width: number } }];
    // 7 → 4 (padding (4−1)·2 + 4 − 7 = 3: 1 before, 2 after); 6 → 3 (padding 2·2 + 4 − 6 = 2: 1 and 1)
    expect([a.out.height, a.out.width, a.padTop, a.padLeft]).toEqual([4, 3, 1, 1]);
    expect([b.out.height, b.out.width, b.padTop]).toEqual([3, 2, 0]);
    expect([p.out.height, p.out.width]).toEqual([1, 1]);
  });

  it('default stride 1, "valid" padding and pool size 2, as Keras does, and are written back whole', () => {
    const cfg = parseConfig({ layers: [{ input: [5, 5, 1] }, { conv: { filters: 2, kernel: 3 } }, { pool: { kind: 'avg' } }, { dense: 3 }] });
    expect(cfg.network!.layers[0]!.out.height).toBe(3);
    expect(configDocument(cfg).layers).toEqual([
      { input: [5, 5, 1] },
      { conv: { filters: 2, kernel: 3, stride: 1, padding: 'valid' } },
      { pool: { kind: 'avg', size: 2 } },
      { dense: 3 },
    ]);
    expect(parseConfig(configDocument(cfg))).toEqual(cfg);
  });

  it('that are all dense become a list of sizes (no network: every flow takes them)', () => {
    const cfg = parseConfig({ layers: [{ input: [1, 1, 4] }, { dense: 16 }, { dense: 3 }] });
    expect(cfg.layers).toEqual([4, 16, 3]);
    expect(cfg.network).toBeUndefined();
  });

  it.each([
    [[{ dense: 10 }, { dense: 3 }], /^config: layers\[0\] must be the input shape .*not a dense layer, got \{"dense":10\}$/],
    [[{ input: [28, 28] }, { dense: 3 }], /^config: layers\[0\]\.input must be \[height, width, channels\]/],
    [
      [{ input: [4, 4, 1] }, conv(2, 5), { dense: 3 }],
      /^config: layers\[1\]\.conv\.kernel must be at most 4, because its input is 4×4×1 \(a kernel larger than its input\), got 5$/,
    ],
    [[{ input: [4, 4, 1] }, conv(2, 8), { dense: 3 }], /^config: layers\[1\]\.conv\.kernel must be an integer in 1\.\.7/],
    [[{ input: [4, 4, 1] }, conv(2, 3, 3), { dense: 3 }], /^config: layers\[1\]\.conv\.stride must be 1 or 2, got 3$/],
    [
      [{ input: [4, 4, 1] }, { conv: { filters: 2, kernel: 3, padding: 'full' } }, { dense: 3 }],
      /^config: layers\[1\]\.conv\.padding must be one of "same", "valid"/,
    ],
    [[{ input: [4, 4, 1] }, { conv: { filters: 2, kernel: 3, pad: 1 } }, { dense: 3 }], /^config: layers\[1\]\.conv\.pad is not a known field/],
    [
      [{ input: [3, 3, 1] }, conv(2, 3, 1, 'valid'), maxPool, { dense: 3 }],
      /^config: layers\[2\]\.pool must have an input at least 2×2, because its input 1×1×2 pools to zero/,
    ],
    [[{ input: [4, 4, 1] }, { pool: { kind: 'min' } }, { dense: 3 }], /^config: layers\[1\]\.pool\.kind must be one of "max", "avg"/],
    [[{ input: [4, 4, 1] }, { pool: { kind: 'max', size: 3 } }, { dense: 3 }], /^config: layers\[1\]\.pool\.size must be 2/],
    [
      [{ input: [4, 4, 1] }, { dense: 5 }, conv(2, 1), { dense: 3 }],
      /^config: layers\[2\] must come before the first dense layer, because a convolution layer needs a feature map/,
    ],
    [[{ input: [4, 4, 1] }, conv(2, 3)], /^config: layers\[1\] must be a dense layer \{"dense": classes\}, because the last layer gives the class scores/],
    [[{ input: [4, 4, 1] }, { input: [4, 4, 1] }, { dense: 3 }], /^config: layers\[1\] must be one layer object: .*; only the first layer is the input/],
    [[{ input: [4, 4, 1] }], /^config: layers must be a list of at least 2 layer sizes/],
    [[{ input: [2048, 2048, 1] }, { dense: 2 }], /^config: layers\[0\]\.input must hold at most 1048576 values/],
    [
      [{ input: [512, 512, 1] }, conv(8, 3), { dense: 2 }],
      /^config: layers\[1\]\.conv\.filters must be at most 4, because the output 512×512×8 may hold at most 1048576 values, got 8$/,
    ],
  ])('%j is one line naming the layer', (layers, expected) => {
    const m = message(layers);
    expect(m).toMatch(expected);
    expect(m).not.toContain('\n');
  });

  it('with the dedicated variant take its defaults (16-bit formats, round to nearest, its fused schedule)', () => {
    const cfg = parseConfig({ variant: 'dedicated', layers: issueExample });
    expect([cfg.fuseBackwardUpdate, cfg.weight, cfg.rounding, cfg.network?.layers.length]).toEqual([true, { bits: 16, frac: 15 }, 'nearest', 5]);
  });

  it('size the accumulator for the gradient sums of a convolution', () => {
    // 64 × 64 positions of an s8 error × u8 activation: more than any forward sum here
    const layers = [{ input: [64, 64, 1] }, conv(1, 3), maxPool, maxPool, maxPool, { dense: 2 }];
    expect(() => parseConfig({ layers, accBits: 24 })).toThrow(
      /^config: accBits must be an integer in (\d+)\.\.48 \(at least \1: the gradient sum of layer 1 \(conv\), 4096 terms of error × activation/,
    );
  });

  it('examples/cnn-<data set>.json are CNNs in the 12/8/8 class that fit their data set', () => {
    for (const dataset of ['mnist', 'fashion-mnist'] as const) {
      const file = `examples/cnn-${dataset === 'mnist' ? 'mnist' : 'fashion'}.json`;
      const cfg = resolveTrainConfig(dataset, { file });
      expect(cfg.network?.layers.filter((l) => l.kind === 'conv').length, file).toBeGreaterThanOrEqual(2);
      expect([cfg.layers[0], cfg.layers.at(-1)]).toEqual([784, 10]);
      for (const a of layerArithmetic(cfg)) expect([a.weight.bits <= 12, a.act.bits <= 8, a.error.bits <= 8]).toEqual([true, true, true]);
    }
  });

  it('are refused, naming the layer, by what builds dense layers only', () => {
    const cfg = parseConfig({ layers: issueExample });
    expect(() => deriveSizes(cfg)).toThrow(/^config: layers\[1\] is a convolution layer, which the RTL generator does not build yet: /);
    expect(() => requireDenseLayers(parseConfig({ layers: [{ input: [4, 4, 1] }, maxPool, { dense: 2 }] }), 'the estimate does not model')).toThrow(
      /^config: layers\[1\] is a pooling layer, which the estimate does not model yet/,
    );
  });
});
