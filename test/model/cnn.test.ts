/**
 * The golden model of networks with convolution (src/model/cnn/golden.ts) against the literal
 * BigInt reference of docs/ARCHITECTURE.md §17 (cnn-reference.ts), on random networks, formats,
 * roundings and skip settings, with negative controls: each deliberate mistake in the reference
 * must be caught. And two bridges to the dense models, which the RTL already matches: a
 * convolution whose kernel covers its whole input is a dense layer, bit for bit in the golden
 * model and to float rounding in the float32 reference.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, type Config, type LayerSpec } from '../../src/config/index.js';
import { GoldenAccelerator, initialWeights } from '../../src/model/accelerator.js';
import { FloatConvTrainer } from '../../src/model/cnn/float.js';
import { GoldenConvNetwork } from '../../src/model/cnn/golden.js';
import { FloatTrainer } from '../../src/model/float.js';
import { lfsrSequence } from '../../src/model/lfsr.js';
import { Rng } from '../../src/model/rng.js';
import { CNN_MUTATIONS, ReferenceConvNetwork, type CnnMutation } from './cnn-reference.js';

/** A random network with convolution: 1–2 convolutions with optional pools, maybe a hidden dense layer, the output layer. */
function randomLayers(rng: Rng): LayerSpec[] {
  let h = rng.int(3, 9);
  let w = rng.int(3, 9);
  const layers: LayerSpec[] = [{ input: [h, w, rng.int(1, 3)] }];
  // sometimes no convolution: a pool of the input, then dense layers (the first weight layer dense)
  if (rng.bool(0.15))
    return [...layers, { pool: { kind: rng.pick(['max', 'avg'] as const) } }, ...(rng.bool() ? [{ dense: rng.int(1, 6) }] : []), { dense: rng.int(2, 4) }];
  const convs = rng.int(1, 2);
  for (let i = 0; i < convs; i++) {
    const kernel = rng.int(1, Math.min(3, h, w));
    const stride = rng.int(1, 2);
    const padding = rng.pick(['same', 'valid'] as const);
    layers.push({ conv: { filters: rng.int(1, 5), kernel, stride, padding } });
    h = padding === 'same' ? Math.ceil(h / stride) : Math.floor((h - kernel) / stride) + 1;
    w = padding === 'same' ? Math.ceil(w / stride) : Math.floor((w - kernel) / stride) + 1;
    if (h >= 2 && w >= 2 && rng.bool(0.6)) {
      layers.push({ pool: { kind: rng.pick(['max', 'avg'] as const), size: 2 } });
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
    }
  }
  if (rng.bool(0.4)) layers.push({ dense: rng.int(1, 6) });
  layers.push({ dense: rng.int(2, 4) });
  return layers;
}

function randomConfig(rng: Rng): Config {
  for (;;) {
    const layers = randomLayers(rng);
    const wb = rng.int(6, 12);
    const ab = rng.int(4, 8);
    const eb = rng.int(4, 8);
    try {
      return parseConfig({
        layers,
        pes: rng.int(1, 5),
        weight: { bits: wb, frac: rng.int(wb - 3, wb - 1) },
        act: { bits: ab, frac: rng.int(ab - 3, ab - 1) },
        error: { bits: eb, frac: rng.int(eb - 3, eb - 1) },
        lrShift: rng.int(2, 10),
        accBits: 40,
        rounding: rng.pick(['truncate', 'nearest', 'stochastic'] as const),
        // the dedicated variant: the learning-rate multiplier and the wide stochastic draw (§9)
        variant: rng.bool(0.3) ? 'dedicated' : 'taxonn',
        hidden: rng.pick(['relu', 'hardsigmoid'] as const),
        seed: rng.int(1, 65535),
        skipZeroInputs: rng.bool(),
        skipZeroErrors: rng.bool(),
        skipZeroActivations: rng.bool(),
      });
    } catch {
      // a drawn format that the configuration refuses (an update shift below 0): draw again
    }
  }
}

/** Random weight codes within ±2^(bits−2) and inputs with about a third zeros. */
function randomRun(cfg: Config, rng: Rng, samples: number) {
  const golden = new GoldenConvNetwork(cfg);
  const wb = (cfg.weight as { bits: number }).bits;
  const ab = (cfg.act as { bits: number }).bits;
  const codes = Array.from({ length: golden.paramCount }, () => rng.int(-(2 ** (wb - 2)), 2 ** (wb - 2)));
  const inputs = Array.from({ length: samples }, () => Array.from({ length: cfg.layers[0]! }, () => (rng.bool(0.35) ? 0 : rng.int(0, 2 ** ab - 1))));
  const labels = inputs.map(() => rng.int(0, cfg.layers.at(-1)! - 1));
  return { codes, inputs, labels };
}

/** How many cross-checks changed a weight (a check where nothing moves would prove little). */
let moved = 0;

/** Trains both on the same samples; the first sample (and what) where they differ, or undefined. */
function crossCheck(cfg: Config, seed: number, samples: number, mutation?: CnnMutation): string | undefined {
  const rng = new Rng(seed);
  const { codes, inputs, labels } = randomRun(cfg, rng, samples);
  const golden = new GoldenConvNetwork(cfg);
  golden.loadWeights(codes);
  const ref = new ReferenceConvNetwork(cfg, mutation);
  ref.load(codes);
  const seq = lfsrSequence(cfg.seed);
  for (let n = 0; n < samples; n++) {
    const pg = golden.train(inputs[n]!, labels[n]!);
    const pr = ref.run(inputs[n]!, labels[n]!);
    if (pg !== pr) return `sample ${n}: prediction ${pg} vs ${pr}`;
    const wg = Array.from(golden.readWeights());
    const wr = ref.read();
    const at = wg.findIndex((v, q) => v !== wr[q]);
    if (at >= 0) return `sample ${n}: weight ${at} is ${wg[at]} vs ${wr[at]}`;
    // the update operations numbered (§2): lane 0 of the reference stepped once per operation
    if (seq[golden.lfsrPhase()] !== ref.lanes[0]!.state) return `sample ${n}: LFSR phase ${golden.lfsrPhase()} is not the reference's lane 0`;
  }
  if (golden.infer(inputs[0]!) !== ref.run(inputs[0]!)) return 'inference';
  if (Array.from(golden.readWeights()).some((v, q) => v !== codes[q])) moved++;
  return undefined;
}

describe('GoldenConvNetwork against the BigInt reference (ARCHITECTURE.md §17)', () => {
  it('agrees on 40 random networks, 6 training samples each', () => {
    const rng = new Rng(1717);
    moved = 0;
    const kinds = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const cfg = randomConfig(rng);
      for (const l of cfg.network!.layers) kinds.add(l.kind === 'pool' ? `${l.pool} pool` : l.kind === 'conv' ? `${l.padding} stride ${l.stride}` : 'dense');
      if (cfg.network!.layers.find((l) => l.kind !== 'pool')?.kind === 'dense') kinds.add('dense first');
      if (cfg.variant === 'dedicated') kinds.add(`dedicated ${cfg.rounding}`);
      expect(crossCheck(cfg, 100 + i, 6), JSON.stringify(cfg.network!.spec)).toBeUndefined();
    }
    expect(moved).toBeGreaterThanOrEqual(30);
    expect([...kinds].sort()).toEqual([
      'avg pool',
      'dedicated nearest',
      'dedicated stochastic',
      'dedicated truncate',
      'dense',
      'dense first',
      'max pool',
      'same stride 1',
      'same stride 2',
      'valid stride 1',
      'valid stride 2',
    ]);
  });

  describe('negative controls: the reference made wrong in one detail is caught', () => {
    for (const mutation of CNN_MUTATIONS) {
      it(mutation, () => {
        const rng = new Rng(4242);
        let caught = 0;
        for (let i = 0; i < 60 && caught === 0; i++) {
          const cfg = mutated(randomConfig(rng), mutation);
          if (!cfg) continue;
          if (crossCheck(cfg, 500 + i, 4, mutation) !== undefined) caught++;
        }
        expect(caught).toBeGreaterThan(0);
      });
    }
  });
});

/** The settings under which a mutation can show (e.g. stochastic rounding for LFSR numbering); undefined when the configuration refuses them. */
function mutated(cfg: Config, mutation: CnnMutation): Config | undefined {
  const doc = { ...cfg, layers: cfg.network!.spec } as Record<string, unknown>;
  delete doc.network;
  if (['dense-zero-steps', 'skipped-group-steps', 'gradient-per-position'].includes(mutation)) doc.rounding = 'stochastic';
  if (mutation === 'dense-zero-steps') doc.skipZeroActivations = doc.skipZeroInputs = true;
  if (mutation === 'skipped-group-steps') doc.skipZeroErrors = true;
  if (mutation === 'dedicated-low-bits') Object.assign(doc, { variant: 'dedicated', rounding: 'stochastic' });
  try {
    return parseConfig(doc);
  } catch {
    return undefined; // e.g. the dedicated variant's rule weight.frac ≤ error.frac + act.frac
  }
}

it('the inference variant runs training samples as inferences (no weight changes)', () => {
  const cfg = parseConfig({ variant: 'inference', layers: [{ input: [4, 4, 1] }, { conv: { filters: 2, kernel: 3 } }, { dense: 2 }] });
  const g = new GoldenConvNetwork(cfg);
  const w0 = GoldenConvNetwork.initialWeights(cfg, 3);
  g.loadWeights(w0);
  const x = Array.from({ length: 16 }, (_, i) => (i * 37) % 200);
  expect(g.train(x, 1)).toBe(g.infer(x));
  expect(Array.from(g.readWeights())).toEqual(Array.from(w0));
  expect(g.lastUpdateOps()).toBe(0);
});

describe('a convolution over its whole input is a dense layer', () => {
  const side = 5;
  const spec = (units: number, classes: number): LayerSpec[] => [
    { input: [side, side, 1] },
    { conv: { filters: units, kernel: side, stride: 1, padding: 'valid' } },
    { dense: classes },
  ];

  it('the golden model matches GoldenAccelerator bit for bit (stochastic rounding, skips of layers 2..L)', () => {
    const rng = new Rng(99);
    for (const rounding of ['stochastic', 'nearest'] as const) {
      const doc = { pes: 3, rounding, skipZeroInputs: false, skipZeroErrors: true, skipZeroActivations: true, lrShift: 4 };
      const conv = parseConfig({ ...doc, layers: spec(7, 4) });
      const dense = parseConfig({ ...doc, layers: [side * side, 7, 4] });
      const g = new GoldenConvNetwork(conv);
      const d = new GoldenAccelerator(dense);
      const w0 = initialWeights(dense, 5);
      expect(Array.from(GoldenConvNetwork.initialWeights(conv, 5))).toEqual(Array.from(w0));
      g.loadWeights(w0);
      d.loadWeights(w0);
      for (let n = 0; n < 30; n++) {
        const x = Array.from({ length: side * side }, () => (rng.bool(0.3) ? 0 : rng.int(0, 255)));
        const label = rng.int(0, 3);
        expect(g.train(x, label)).toBe(d.train(x, label));
        expect(Array.from(g.readWeights())).toEqual(Array.from(d.readWeights()));
      }
    }
  });

  it('the float32 reference matches FloatTrainer to float rounding', () => {
    const rng = new Rng(7);
    const conv = parseConfig({ layers: spec(6, 3), lrShift: 3 });
    const dense = parseConfig({ layers: [side * side, 6, 3], lrShift: 3 });
    const f = FloatConvTrainer.withInitialWeights(conv, 11);
    const d = FloatTrainer.withInitialWeights(dense, 11);
    expect(Array.from(f.readWeights())).toEqual(Array.from(d.readWeights()));
    for (let n = 0; n < 50; n++) {
      const x = Array.from({ length: side * side }, () => (rng.bool(0.3) ? 0 : rng.float()));
      const label = rng.int(0, 2);
      f.train(x, label);
      d.train(x, label);
      expect(f.lastLoss).toBeCloseTo(d.lastLoss, 5);
    }
    const a = f.readWeights();
    const b = d.readWeights();
    for (let q = 0; q < a.length; q++) expect(a[q]).toBeCloseTo(b[q]!, 4);
  });
});
