/**
 * The configuration fields on the command line: one entry per field of Config, next to the schema
 * it mirrors (schema.ts), with the field's flag, its help line (ranges from LIMITS, defaults from
 * DEFAULT_CONFIG) and how a flag value is read. src/cli/config-options.ts declares and parses the
 * flags from this table and nothing else, so a new field is one entry here.
 */
import { DEFAULT_CONFIG } from './defaults.js';
import { FIELD_RULES, HIDDEN_ACTIVATIONS, LIMITS, ROUNDINGS, VARIANTS, WEIGHT_PORTS, type ConfigFieldName, type Format, type PerLayer } from './schema.js';

/**
 * How a flag's value becomes the field's: `enum` and `layers` as given (the validator names the
 * rule), `int` an integer, `hexInt` an integer in decimal or 0x hex, `format` bits:frac or
 * --flag.bits/--flag.frac, `bool` true or false.
 */
export type FlagKind = 'enum' | 'layers' | 'int' | 'hexInt' | 'format' | 'bool';

export interface ConfigField {
  readonly flag: string;
  readonly kind: FlagKind;
  /** The help line (what the field is, its range, its default). */
  readonly help: string;
  /** int and hexInt: what a malformed value is told it must be. */
  readonly rule?: string;
}

/** Every value of an enum for a help line: "a, b or c". */
export const orList = (xs: readonly string[]): string => (xs.length > 1 ? `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}` : xs.join(''));

const d = DEFAULT_CONFIG;
const L = LIMITS;
/** A format as a flag value: bits:frac, per layer bits:frac,bits:frac. */
export const formatText = (f: PerLayer<Format>): string =>
  Array.isArray(f) ? (f as readonly Format[]).map(formatText).join(',') : `${(f as Format).bits}:${(f as Format).frac}`;

/** The fields in the order of Config (and of --help). */
export const CONFIG_FIELDS = {
  variant: { flag: 'variant', kind: 'enum', help: `accelerator variant: ${orList(VARIANTS)} (default ${d.variant}; docs/ARCHITECTURE.md §9)` },
  layers: {
    flag: 'layers',
    kind: 'layers',
    help: `layer sizes N_0,…,N_L, comma-separated, ≥ ${L.minLayers} of them, each 1..${L.maxLayerSize} (default ${d.layers.join(',')}; convolution and pooling layers: layer objects in a --config file, docs/CONFIG.md)`,
  },
  pes: { flag: 'pes', kind: 'int', rule: FIELD_RULES.pes, help: `P, processing elements, 1..${L.maxPes} (default ${d.pes})` },
  weight: {
    flag: 'weight',
    kind: 'format',
    help: `signed weight format bits:frac, bits ${L.minFormatBits}..${L.maxFormatBits}, frac ≤ bits, or per weight layer bits:frac,bits:frac (same bits); or --weight.bits/--weight.frac (default ${formatText(d.weight)})`,
  },
  act: { flag: 'act', kind: 'format', help: `unsigned activation format bits:frac, frac < bits; or --act.bits/--act.frac (default ${formatText(d.act)})` },
  error: { flag: 'error', kind: 'format', help: `signed error format bits:frac, frac ≤ bits; or --error.bits/--error.frac (default ${formatText(d.error)})` },
  accBits: {
    flag: 'acc-bits',
    kind: 'int',
    rule: `must be an integer (at most ${L.maxAccBits})`,
    help: `accumulator bits, minAccBits..${L.maxAccBits} (default ${d.accBits})`,
  },
  lrShift: {
    flag: 'lr-shift',
    kind: 'int',
    rule: FIELD_RULES.lrShift,
    help: `k in learning rate 2^-k, 0..${L.maxLrShift}, with error.frac + act.frac + k ≥ weight.frac, or per weight layer k1,k2 (default ${d.lrShift})`,
  },
  rounding: { flag: 'rounding', kind: 'enum', help: `update rounding: ${orList(ROUNDINGS)} (default ${d.rounding})` },
  hidden: { flag: 'hidden', kind: 'enum', help: `hidden activation: ${orList(HIDDEN_ACTIVATIONS)} (default ${d.hidden})` },
  seed: {
    flag: 'seed',
    kind: 'hexInt',
    rule: `${FIELD_RULES.seed}, decimal or 0x hex`,
    help: `LFSR seed, 1..${L.maxSeed}, decimal or 0x hex (default 0x${d.seed.toString(16).toUpperCase()})`,
  },
  inputsPerBeat: {
    flag: 'inputs-per-beat',
    kind: 'int',
    rule: FIELD_RULES.inputsPerBeat,
    help: `K, activations per s_sample beat, 1..${L.maxInputsPerBeat}, K · act.bits ≤ ${L.maxBeatBits} (default ${d.inputsPerBeat})`,
  },
  skipZeroInputs: {
    flag: 'skip-zero-inputs',
    kind: 'bool',
    help: `true or false: layer 1 issues only the non-zero inputs; with convolution, its forward pass reads no weight and its update no error for a zero input (default ${d.skipZeroInputs})`,
  },
  skipZeroErrors: {
    flag: 'skip-zero-errors',
    kind: 'bool',
    help: `true or false: the update skips groups whose errors are all zero (default ${d.skipZeroErrors})`,
  },
  skipZeroActivations: {
    flag: 'skip-zero-activations',
    kind: 'bool',
    help: `true or false: the backward pass and the update of layers 2..L skip the columns whose activation is zero; with convolution, the forward pass reads no weight and the backward pass and the update no error for a zero activation (default ${d.skipZeroActivations})`,
  },
  fuseBackwardUpdate: {
    flag: 'fuse-backward-update',
    kind: 'bool',
    help: 'true or false (dedicated variant only): the backward pass also updates the weights it reads (default true for dedicated, false otherwise)',
  },
  weightPorts: {
    flag: 'weight-ports',
    kind: 'enum',
    help: `the weight banks' ports: ${orList(WEIGHT_PORTS)} (1p: single-port, the update at half rate; 2x1p: even and odd single-port banks, full rate; default ${d.weightPorts})`,
  },
} as const satisfies { readonly [K in ConfigFieldName]: ConfigField };

/** The flag of each configuration field. */
export type ConfigFlag = (typeof CONFIG_FIELDS)[ConfigFieldName]['flag'];
