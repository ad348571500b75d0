/**
 * fast-check arbitraries for networks with convolution and pooling, and the commands that replay
 * a case: shared by the property test (test/property/cnn-equivalence.test.ts) and `npm run fuzz`.
 * The RTL builds their inference and taxonn variants (docs/ARCHITECTURE.md §18).
 */
import fc from 'fast-check';
import { ConfigError, configDocument, parseConfig, type Config, type Format, type LayerSpec } from '../../src/config/index.js';
import type { VerifyCase } from './config-arbitrary.js';

const convArb = fc.record({
  filters: fc.integer({ min: 1, max: 12 }),
  kernel: fc.integer({ min: 1, max: 4 }),
  stride: fc.integer({ min: 1, max: 2 }),
  padding: fc.constantFrom('same' as const, 'valid' as const),
  pool: fc.constantFrom(undefined, 'max' as const, 'avg' as const),
});

const format = (signed: boolean) =>
  fc
    .integer({ min: 4, max: 12 })
    .chain((bits) => fc.record({ bits: fc.constant(bits), frac: fc.integer({ min: Math.max(0, bits - 5), max: signed ? bits - 1 : bits - 2 }) }));

/** The layer objects: 0–2 convolutions (each maybe pooled; with none, a pool of the input), maybe a hidden dense layer, the output layer. */
const layersArb = fc
  .record({
    input: fc.tuple(fc.integer({ min: 2, max: 9 }), fc.integer({ min: 2, max: 9 }), fc.integer({ min: 1, max: 3 })),
    convs: fc.array(convArb, { minLength: 0, maxLength: 2 }),
    inputPool: fc.constantFrom('max' as const, 'avg' as const),
    hidden: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
    classes: fc.integer({ min: 2, max: 5 }),
  })
  .map((r): LayerSpec[] => {
    const layers: LayerSpec[] = [{ input: [...r.input] }];
    if (r.convs.length === 0) layers.push({ pool: { kind: r.inputPool, size: 2 } });
    for (const c of r.convs) {
      layers.push({ conv: { filters: c.filters, kernel: c.kernel, stride: c.stride, padding: c.padding } });
      if (c.pool) layers.push({ pool: { kind: c.pool, size: 2 } });
    }
    if (r.hidden !== undefined) layers.push({ dense: r.hidden });
    layers.push({ dense: r.classes });
    return layers;
  });

/** Valid configurations of small networks with convolution, all three variants (a drawn shape that does not fit is drawn again). */
export const cnnConfigArb: fc.Arbitrary<Config> = fc
  .record({
    layers: layersArb,
    pes: fc.integer({ min: 1, max: 12 }),
    weight: format(true),
    act: format(false),
    error: format(true),
    hidden: fc.constantFrom('relu' as const, 'hardsigmoid' as const),
    seed: fc.integer({ min: 1, max: 65535 }),
    inputsPerBeat: fc.integer({ min: 1, max: 6 }),
    // per-layer formats in about a third of the cases (each layer's fraction bits moved by −1..+1)
    perLayer: fc.constantFrom(false, false, true),
    // the taxonn variant trains in RTL (§18 "Training"): half the cases, with every rounding and skip setting; the dedicated variant a quarter
    variant: fc.constantFrom('inference' as const, 'taxonn' as const, 'taxonn' as const, 'dedicated' as const),
    rounding: fc.constantFrom('nearest' as const, 'stochastic' as const, 'truncate' as const),
    lrShift: fc.integer({ min: 2, max: 12 }),
    skips: fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()),
    weightPorts: fc.constantFrom('1r1w' as const, '1r1w' as const, '1p' as const, '2x1p' as const),
    // the dedicated variant's own schedule (its default) or taxonn's
    fuse: fc.constantFrom(true, true, false),
    jitter: fc.array(fc.integer({ min: -1, max: 1 }), { minLength: 12, maxLength: 12 }),
  })
  .map((r) => {
    const L = r.layers.filter((l) => !('input' in l) && !('pool' in l)).length;
    const moved = (f: Format, signed: boolean, at: number) =>
      Array.from({ length: L }, (_, k) => ({ bits: f.bits, frac: Math.max(0, Math.min(signed ? f.bits - 1 : f.bits - 2, f.frac + (r.jitter[at + k] ?? 0))) }));
    try {
      return parseConfig({
        variant: r.variant,
        layers: r.layers,
        pes: r.pes,
        weight: r.perLayer ? moved(r.weight, true, 0) : r.weight,
        act: r.perLayer ? moved(r.act, false, 4) : r.act,
        error: r.perLayer ? moved(r.error, true, 8) : r.error,
        accBits: 48,
        lrShift: r.variant !== 'inference' ? r.lrShift : 12,
        ...(r.variant !== 'inference'
          ? { rounding: r.rounding, skipZeroInputs: r.skips[0], skipZeroActivations: r.skips[1], skipZeroErrors: r.skips[2], weightPorts: r.weightPorts }
          : {}),
        ...(r.variant === 'dedicated' ? { fuseBackwardUpdate: r.fuse } : {}),
        hidden: r.hidden,
        seed: r.seed,
        inputsPerBeat: r.inputsPerBeat,
      });
    } catch (e) {
      if (e instanceof ConfigError) return undefined;
      throw e;
    }
  })
  .filter((c): c is Config => c !== undefined);

export const cnnVerifyCaseArb: fc.Arbitrary<VerifyCase> = fc.record({
  cfg: cnnConfigArb,
  samples: fc.integer({ min: 3, max: 25 }),
  stimulusSeed: fc.integer({ min: 1, max: 1_000_000 }),
  stalls: fc.boolean(),
});

/** The commands that replay a case: its configuration written to a file, then `npx taxonn verify --config` it. */
export function cnnVerifyCommand(c: VerifyCase): string {
  const json = JSON.stringify(configDocument(c.cfg));
  return [
    `echo '${json}' > case.json &&`,
    'npx taxonn verify --config case.json',
    `--samples ${c.samples} --stimulus-seed ${c.stimulusSeed}`,
    c.stalls ? '--stalls' : '',
  ]
    .filter(Boolean)
    .join(' ');
}
