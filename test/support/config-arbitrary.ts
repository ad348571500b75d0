/**
 * fast-check arbitraries for accelerator configurations and verify runs, and the command line
 * that reproduces a case: shared by the property tests and `npm run fuzz`.
 */
import fc from 'fast-check';
import { ConfigError, parseConfig, type Config, type Format } from '../../src/config/index.js';
import { formatText } from '../../src/config/fields.js';

export interface VerifyCase {
  readonly cfg: Config;
  readonly samples: number;
  readonly stimulusSeed: number;
  readonly stalls: boolean;
}

const format = (signed: boolean) =>
  fc
    .integer({ min: 4, max: 16 })
    .chain((bits) => fc.record({ bits: fc.constant(bits), frac: fc.integer({ min: Math.max(0, bits - 6), max: signed ? bits - 1 : bits - 2 }) }));

/** Valid configurations of small networks (fast to build), every option exercised. */
export const configArb: fc.Arbitrary<Config> = fc
  .record({
    // taxonn most often; the baselines too (docs/ARCHITECTURE.md §9).
    variant: fc.constantFrom('taxonn' as const, 'taxonn' as const, 'inference' as const, 'dedicated' as const),
    layers: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 2, maxLength: 5 }),
    pes: fc.integer({ min: 1, max: 17 }),
    weight: format(true),
    act: format(false),
    error: format(true),
    lrExtra: fc.integer({ min: 0, max: 8 }),
    rounding: fc.constantFrom('truncate' as const, 'nearest' as const, 'stochastic' as const),
    hidden: fc.constantFrom('relu' as const, 'hardsigmoid' as const),
    seed: fc.integer({ min: 1, max: 65535 }),
    inputsPerBeat: fc.integer({ min: 1, max: 8 }),
    skipZeroInputs: fc.boolean(),
    skipZeroErrors: fc.boolean(),
    // the backward pass over the non-zero activations only (docs/ARCHITECTURE.md §16)
    skipZeroActivations: fc.boolean(),
    // the dedicated variant's two schedules (docs/ARCHITECTURE.md §9)
    fuse: fc.boolean(),
    // single-port weight banks in a quarter of the cases (docs/ARCHITECTURE.md §12)
    weightPorts: fc.constantFrom('1r1w' as const, '1r1w' as const, '1r1w' as const, '1p' as const, '2x1p' as const),
    // Per-layer formats and learning rates in about a third of the cases: each layer's fraction
    // bits moved by −1..+1 from the drawn format (docs/CONFIG.md "Per-layer formats").
    perLayer: fc.constantFrom(false, false, true),
    jitter: fc.array(fc.integer({ min: -1, max: 1 }), { minLength: 12, maxLength: 12 }),
  })
  .map((r) => {
    const L = r.layers.length - 1;
    const moved = (f: Format, signed: boolean, at: number) =>
      Array.from({ length: L }, (_, k) => ({ bits: f.bits, frac: Math.max(0, Math.min(signed ? f.bits : f.bits - 1, f.frac + (r.jitter[at + k] ?? 0))) }));
    const weight = r.perLayer ? moved(r.weight, true, 0) : [r.weight];
    const act = r.perLayer ? moved(r.act, false, 4) : [r.act];
    const error = r.perLayer ? moved(r.error, true, 8) : [r.error];
    const need = Array.from({ length: L }, (_, k) => {
      const at = <T>(xs: readonly T[]) => xs[Math.min(k, xs.length - 1)]!;
      return r.lrExtra + Math.max(r.variant === 'dedicated' ? 1 : 0, at(weight).frac - at(error).frac - at(act).frac);
    });
    // the dedicated variant has one learning-rate register
    const lrShift = r.variant === 'dedicated' ? Math.max(...need) : r.perLayer ? need : need[0]!;
    try {
      return parseConfig({
        variant: r.variant,
        layers: r.layers,
        pes: r.pes,
        weight: r.perLayer ? weight : r.weight,
        act: r.perLayer ? act : r.act,
        error: r.perLayer ? error : r.error,
        accBits: 48,
        lrShift,
        rounding: r.rounding,
        hidden: r.hidden,
        seed: r.seed,
        inputsPerBeat: r.inputsPerBeat,
        skipZeroInputs: r.skipZeroInputs,
        skipZeroErrors: r.skipZeroErrors,
        skipZeroActivations: r.skipZeroActivations,
        fuseBackwardUpdate: r.variant === 'dedicated' && r.fuse,
        weightPorts: r.weightPorts,
      });
    } catch (e) {
      if (e instanceof ConfigError) return undefined;
      throw e;
    }
  })
  .filter((c): c is Config => c !== undefined);

export const verifyCaseArb: fc.Arbitrary<VerifyCase> = fc.record({
  cfg: configArb,
  samples: fc.integer({ min: 3, max: 25 }),
  stimulusSeed: fc.integer({ min: 1, max: 1_000_000 }),
  stalls: fc.boolean(),
});

/** The `npx taxonn verify …` command that replays a case. */
export function verifyCommand(c: VerifyCase): string {
  const f = formatText;
  const { cfg } = c;
  return [
    'npx taxonn verify',
    `--variant ${cfg.variant}`,
    `--layers ${cfg.layers.join(',')}`,
    `--pes ${cfg.pes}`,
    `--weight ${f(cfg.weight)} --act ${f(cfg.act)} --error ${f(cfg.error)}`,
    `--acc-bits ${cfg.accBits} --lr-shift ${[cfg.lrShift].flat().join(',')}`,
    `--rounding ${cfg.rounding} --hidden ${cfg.hidden}`,
    `--seed ${cfg.seed} --inputs-per-beat ${cfg.inputsPerBeat} --skip-zero-inputs ${cfg.skipZeroInputs} --skip-zero-errors ${cfg.skipZeroErrors}`,
    `--skip-zero-activations ${cfg.skipZeroActivations} --fuse-backward-update ${cfg.fuseBackwardUpdate} --weight-ports ${cfg.weightPorts}`,
    `--samples ${c.samples} --stimulus-seed ${c.stimulusSeed}`,
    c.stalls ? '--stalls' : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** Stalls of the CLI's --stalls flag, per mille. */
export const CLI_STALLS = 300;
