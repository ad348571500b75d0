/**
 * The accelerator configuration: a strict zod schema (unknown keys are rejected), the `Config`
 * type it produces, and parseConfig(), which applies the defaults, validates and throws a
 * ConfigError whose message is one line: `config: <field path> must be <allowed>, got <value>`.
 * Fields, ranges and defaults are documented in docs/CONFIG.md; the semantics in
 * docs/ARCHITECTURE.md.
 */
import { z } from 'zod';
import type { Rounding as HdlRounding } from '../hdl/index.js';
import { DEFAULT_CONFIG, DEDICATED_LR_FRAC, deepFreeze, variantDefaults } from './defaults.js';
import { accumulatorNeed, networkAccumulatorNeed, paramCount } from './bounds.js';
import { entryOf, layerArithmetic } from './layer-arithmetic.js';
import { checkNetwork, hasConvolution, isLayerObjects, networkParamCount, networkSizes, type Network } from './network.js';

/**
 * taxonn: the time-multiplexed training accelerator; inference: its forward path only (the
 * baseline it starts from); dedicated: a conventional training accelerator with separate
 * multiplier arrays and a multiplier for a programmable learning rate (docs/ARCHITECTURE.md §9).
 */
export const VARIANTS = ['taxonn', 'inference', 'dedicated'] as const;
export const ROUNDINGS = ['truncate', 'nearest', 'stochastic'] as const satisfies readonly HdlRounding[];
export const HIDDEN_ACTIVATIONS = ['relu', 'hardsigmoid'] as const;

export type Variant = (typeof VARIANTS)[number];
export type Rounding = (typeof ROUNDINGS)[number];
/** The weight banks' ports: one read and one write per cycle, or one access per cycle (single-port SRAM, iCE40 SPRAM). */
export const WEIGHT_PORTS = ['1r1w', '1p', '2x1p'] as const;
export type WeightPorts = (typeof WEIGHT_PORTS)[number];
export type HiddenActivation = (typeof HIDDEN_ACTIVATIONS)[number];

/** A fixed-point format: `bits` in total, `frac` of them fraction bits (signedness is per field). */
export interface Format {
  readonly bits: number;
  readonly frac: number;
}

/**
 * A value given once for every weight layer, or as a list with one entry per weight layer
 * (entry k for the document's layer k + 1; src/config/layer-arithmetic.ts reads it per layer).
 */
export type PerLayer<T> = T | readonly T[];

/** A validated configuration (parseConfig/resolveConfig return it deeply frozen). */
export interface Config {
  readonly variant: Variant;
  /**
   * N_0 (inputs), N_1, …, N_L (outputs): at least 2 sizes. For a network with convolution
   * (`network`): the input's size, then each weight layer's output size.
   */
  readonly layers: readonly number[];
  /**
   * Present when `layers` was given as layer objects with a convolution or pooling layer
   * (src/config/network.ts, docs/ARCHITECTURE.md §17): the layers and their shapes. Layer objects
   * that are all dense become a list of sizes, without `network`.
   */
  readonly network?: Network;
  /** P: processing elements (lanes). */
  readonly pes: number;
  /**
   * Weights and biases, signed. Per layer: entry k is the format of weight layer k + 1; every
   * entry has the same bits (the layers share each lane's weight bank), frac may differ.
   */
  readonly weight: PerLayer<Format>;
  /**
   * Activations and inputs, unsigned; frac < bits. Per layer: entry k is the format of weight
   * layer k + 1's inputs (entry 0 is the sample's), same bits in every entry.
   */
  readonly act: PerLayer<Format>;
  /** Errors, signed. Per layer: entry k is the format of weight layer k + 1's output errors, same bits. */
  readonly error: PerLayer<Format>;
  readonly accBits: number;
  /** k in η = 2^-k, per layer or for all. */
  readonly lrShift: PerLayer<number>;
  readonly rounding: Rounding;
  readonly hidden: HiddenActivation;
  /** 16-bit LFSR seed, non-zero. */
  readonly seed: number;
  /** K: activations per s_sample data beat. */
  readonly inputsPerBeat: number;
  /**
   * Layer 1 runs over the sample's non-zero inputs only: the receiver stores them as (index,
   * value) pairs, forward and update issue one column per pair (docs/ARCHITECTURE.md §10).
   */
  readonly skipZeroInputs: boolean;
  /**
   * The update skips a group of P rows whose errors are all zero (it would change no weight):
   * 2 cycles instead of a row of issues (docs/ARCHITECTURE.md §11).
   */
  readonly skipZeroErrors: boolean;
  /**
   * The backward pass and the update of layers 2..L issue only the columns whose activation is
   * non-zero: the others' gradient is 0, and so is their error (the activation's derivative is 0
   * there), which the drain writes with the activation (docs/ARCHITECTURE.md §16). The update's
   * LFSR draws are numbered over the issued columns.
   */
  readonly skipZeroActivations: boolean;
  /**
   * The dedicated variant's schedule (docs/ARCHITECTURE.md §9): true (its default), the backward
   * pass of layers 2..L also updates each weight it reads, on its separate gradient multipliers
   * (fewer cycles); false, the backward pass and then the update, as taxonn (less energy on
   * 784-64-10, docs/HARDWARE.md). Only the dedicated variant has the multipliers to fuse them.
   */
  readonly fuseBackwardUpdate: boolean;
  /**
   * The weight banks' ports (docs/ARCHITECTURE.md §12): '1r1w' (a read and a write per cycle),
   * '1p' (single-port: one access per cycle, as SRAM macros and the iCE40 SPRAM have; the
   * update's read-modify-write then issues every other cycle) or '2x1p' (two single-port banks
   * per lane, the even and the odd addresses: the update at full rate).
   */
  readonly weightPorts: WeightPorts;
}

/** The fields a configuration document has (`network` is derived from `layers`). */
export type ConfigFieldName = Exclude<keyof Config, 'network'>;

/** The hard limits of the fields (docs/CONFIG.md). */
export const LIMITS = Object.freeze({
  minLayers: 2,
  maxLayerSize: 65536,
  /** Σ N_l (N_{l-1} + 1), weights plus biases. */
  maxParams: 16_777_216,
  maxPes: 1024,
  minFormatBits: 2,
  maxFormatBits: 32,
  /** The golden model's number arithmetic is exact below 2^53. */
  maxAccBits: 48,
  maxLrShift: 31,
  maxSeed: 65535,
  maxInputsPerBeat: 64,
  /** inputsPerBeat × act.bits: the s_sample data beat width. */
  maxBeatBits: 1024,
});

/** A bad configuration value. `message` is one line naming the field; `issues` lists every problem found. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly issues: readonly string[];
  constructor(message: string, issues?: readonly string[]) {
    super(message);
    this.issues = issues ?? [message];
  }
}

// ---- field rules ------------------------------------------------------------------------------

const quoted = (xs: readonly string[]) => xs.map((x) => `"${x}"`).join(', ');
const isIntIn = (v: unknown, lo: number, hi: number): v is number => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;

type FormatName = 'weight' | 'act' | 'error';
const FORMAT_RULES: Record<FormatName, { fracMax: (bits: number) => number; note: string }> = {
  weight: { fracMax: (b) => b, note: '≤ weight.bits' },
  act: { fracMax: (b) => b - 1, note: '< act.bits, so that 1.0 is representable' },
  error: { fracMax: (b) => b, note: '≤ error.bits' },
};

/** What a field must be ("must be …"); `bits` makes a format's frac range exact. */
export const FIELD_RULES = Object.freeze({
  variant: `must be one of ${quoted(VARIANTS)}`,
  layers: `must be a list of at least ${LIMITS.minLayers} layer sizes (integers in 1..${LIMITS.maxLayerSize}), or of layer objects starting with {"input": [height, width, channels]} (docs/CONFIG.md)`,
  layerSize: `must be an integer in 1..${LIMITS.maxLayerSize}`,
  pes: `must be an integer in 1..${LIMITS.maxPes}`,
  format: 'must be an object {"bits": …, "frac": …}',
  bits: `must be an integer in ${LIMITS.minFormatBits}..${LIMITS.maxFormatBits}`,
  accBits: `must be an integer, at most ${LIMITS.maxAccBits} and at least minAccBits (see docs/CONFIG.md)`,
  lrShift: `must be an integer in 0..${LIMITS.maxLrShift}`,
  rounding: `must be one of ${quoted(ROUNDINGS)}`,
  hidden: `must be one of ${quoted(HIDDEN_ACTIVATIONS)}`,
  seed: `must be an integer in 1..${LIMITS.maxSeed} (a non-zero 16-bit LFSR seed)`,
  inputsPerBeat: `must be an integer in 1..${LIMITS.maxInputsPerBeat}`,
  skipZeroInputs: 'must be true or false',
  skipZeroErrors: 'must be true or false',
  skipZeroActivations: 'must be true or false',
  fuseBackwardUpdate: 'must be true or false',
  weightPorts: `must be one of ${quoted(WEIGHT_PORTS)}`,
});

/** "must be an integer in 0..12 (≤ weight.bits)": the frac rule of a format, exact when `bits` is valid. */
export function fracRule(format: FormatName, bits?: unknown): string {
  const r = FORMAT_RULES[format];
  const b = isIntIn(bits, LIMITS.minFormatBits, LIMITS.maxFormatBits) ? bits : LIMITS.maxFormatBits;
  return `must be an integer in 0..${r.fracMax(b)} (${r.note})`;
}

const int = (lo: number, hi: number, rule: string) => z.number({ error: rule }).int({ error: rule }).min(lo, { error: rule }).max(hi, { error: rule });

function formatSchema(name: FormatName) {
  const rule = FORMAT_RULES[name];
  const fracMaxStatic = rule.fracMax(LIMITS.maxFormatBits);
  return z
    .strictObject(
      {
        bits: int(LIMITS.minFormatBits, LIMITS.maxFormatBits, FIELD_RULES.bits),
        frac: int(0, fracMaxStatic, fracRule(name)),
      },
      { error: FIELD_RULES.format },
    )
    .check((ctx) => {
      const { bits, frac } = ctx.value;
      if (isIntIn(bits, LIMITS.minFormatBits, LIMITS.maxFormatBits) && isIntIn(frac, 0, fracMaxStatic) && frac > rule.fracMax(bits)) {
        ctx.issues.push({ code: 'custom', path: ['frac'], message: fracRule(name, bits), input: frac });
      }
    });
}

/**
 * A field given once or per layer: the single schema, or a non-empty list of it (its issues keep
 * their index in the path, `weight[1].frac`). The list's length is checked against the layers
 * by the cross-field rules.
 */
function perLayer<T>(one: z.ZodType<T>, name: string) {
  const rule = `must be one value for every layer or a list with one per weight layer (${name === 'lrShift' ? 'integers' : 'formats'})`;
  const list = z.array(one, { error: rule }).min(1, { error: rule });
  return z.custom<PerLayer<T>>().check((ctx) => {
    const r = (Array.isArray(ctx.value) ? list : one).safeParse(ctx.value);
    if (!r.success) for (const issue of r.error.issues) ctx.issues.push({ ...issue, input: ctx.value } as (typeof ctx.issues)[number]);
  });
}

const d = DEFAULT_CONFIG;

/** The configuration schema: strict, every field defaulted (see DEFAULT_CONFIG), cross-field rules checked. */
export const configSchema = z
  .strictObject(
    {
      variant: z.enum(VARIANTS, { error: FIELD_RULES.variant }).default(d.variant),
      layers: layersSchema().default(() => [...d.layers]),
      pes: int(1, LIMITS.maxPes, FIELD_RULES.pes).default(d.pes),
      weight: perLayer<Format>(formatSchema('weight'), 'weight').default(() => structuredClone(d.weight)),
      act: perLayer<Format>(formatSchema('act'), 'act').default(() => structuredClone(d.act)),
      error: perLayer<Format>(formatSchema('error'), 'error').default(() => structuredClone(d.error)),
      accBits: z.number({ error: FIELD_RULES.accBits }).int({ error: FIELD_RULES.accBits }).default(d.accBits),
      lrShift: perLayer<number>(int(0, LIMITS.maxLrShift, FIELD_RULES.lrShift), 'lrShift').default(() => structuredClone(d.lrShift)),
      rounding: z.enum(ROUNDINGS, { error: FIELD_RULES.rounding }).default(d.rounding),
      hidden: z.enum(HIDDEN_ACTIVATIONS, { error: FIELD_RULES.hidden }).default(d.hidden),
      seed: int(1, LIMITS.maxSeed, FIELD_RULES.seed).default(d.seed),
      inputsPerBeat: int(1, LIMITS.maxInputsPerBeat, FIELD_RULES.inputsPerBeat).default(d.inputsPerBeat),
      skipZeroInputs: z.boolean({ error: FIELD_RULES.skipZeroInputs }).default(d.skipZeroInputs),
      skipZeroErrors: z.boolean({ error: FIELD_RULES.skipZeroErrors }).default(d.skipZeroErrors),
      skipZeroActivations: z.boolean({ error: FIELD_RULES.skipZeroActivations }).default(d.skipZeroActivations),
      fuseBackwardUpdate: z.boolean({ error: FIELD_RULES.fuseBackwardUpdate }).default(d.fuseBackwardUpdate),
      weightPorts: z.enum(WEIGHT_PORTS, { error: FIELD_RULES.weightPorts }).default(d.weightPorts),
    },
    { error: 'must be an object of configuration fields (see docs/CONFIG.md)' },
  )
  .check((ctx) => {
    // Cross-field rules, each only when the fields it reads are valid on their own. A network
    // given as layer objects is checked by then: the rules read its sizes (networkSizes).
    const raw = ctx.value;
    const network = isLayerObjects(raw.layers) ? checkNetwork(raw.layers).network : undefined;
    const v: Config = { ...raw, layers: network ? networkSizes(network) : (raw.layers as number[]) };
    const bad = (...fields: string[]) => ctx.issues.some((i) => fields.includes(String(i.path?.[0])));
    const fail = (field: keyof Config, message: string, got?: string) =>
      ctx.issues.push({ code: 'custom', path: [field], message, input: v[field], ...(got === undefined ? {} : { params: { got } }) });

    if (!bad('variant', 'fuseBackwardUpdate') && v.fuseBackwardUpdate && v.variant !== 'dedicated') {
      fail(
        'fuseBackwardUpdate',
        `must be false for the ${v.variant} variant, because only the dedicated variant has separate backward and gradient multipliers to run together`,
        'true',
      );
    }
    if (!bad('layers')) {
      const n = network ? networkParamCount(network) : paramCount(v.layers);
      if (n > LIMITS.maxParams) {
        fail('layers', `must have at most ${LIMITS.maxParams} weights and biases in total (Σ N_l·(N_{l-1}+1))`, `${n} for ${show(raw.layers)}`);
      }
    }
    const formatsOk = !bad('layers', 'weight', 'act', 'error', 'lrShift');
    const perLayerIssues = formatsOk ? perLayerRules(v) : [];
    for (const i of perLayerIssues) ctx.issues.push({ code: 'custom', path: [...i.path], message: i.message, input: valueAt(v, i.path) });
    const arithmeticOk = formatsOk && perLayerIssues.length === 0;
    if (!bad('accBits')) {
      if (arithmeticOk) {
        const formats = [entryOf(v.weight, 0), entryOf(v.act, 0), entryOf(v.error, 0)] as const;
        const need = network ? networkAccumulatorNeed(network, ...formats) : accumulatorNeed(v.layers, ...formats);
        if (need.bits > LIMITS.maxAccBits) {
          fail(
            'accBits',
            `cannot be wide enough: ${need.reason}, more than the limit ${LIMITS.maxAccBits} (the golden model's ` +
              `arithmetic is exact below 2^53); use smaller layers or narrower formats`,
          );
        } else if (v.accBits < need.bits || v.accBits > LIMITS.maxAccBits) {
          fail('accBits', `must be an integer in ${need.bits}..${LIMITS.maxAccBits} (at least ${need.bits}: ${need.reason})`);
        }
      } else if (!isIntIn(v.accBits, 1, LIMITS.maxAccBits)) {
        fail('accBits', FIELD_RULES.accBits);
      }
    }
    if (arithmeticOk) for (const i of shiftRules(v)) ctx.issues.push({ code: 'custom', path: [...i.path], message: i.message, input: valueAt(v, i.path) });
    if (!bad('inputsPerBeat', 'act')) {
      const actBits = entryOf(v.act, 0).bits;
      const beat = v.inputsPerBeat * actBits;
      // A training sample's header beat holds the train bit and the label (docs/ARCHITECTURE.md §6).
      const classes = v.layers.at(-1) ?? 1;
      const labelBits = Math.max(1, Math.ceil(Math.log2(classes)));
      const lo = v.variant === 'inference' || bad('layers') ? 1 : Math.ceil((labelBits + 1) / actBits);
      if (beat > LIMITS.maxBeatBits) {
        const hi = Math.floor(LIMITS.maxBeatBits / actBits);
        fail(
          'inputsPerBeat',
          `must be an integer in ${lo}..${hi} (inputsPerBeat × act.bits ≤ ${LIMITS.maxBeatBits} bits per s_sample beat, act.bits = ${actBits})`,
        );
      } else if (v.inputsPerBeat < lo) {
        fail(
          'inputsPerBeat',
          `must be at least ${lo}: the s_sample header beat holds the train bit and a ${labelBits}-bit label for ${classes} classes, ` +
            `${labelBits + 1} bits, and inputsPerBeat × act.bits = ${beat} (act.bits = ${actBits})`,
        );
      }
    }
  });

/**
 * `layers`: a list of sizes, or of layer objects (checkNetwork; each issue keeps its path under
 * `layers`, e.g. `layers[3].conv.kernel`).
 */
function layersSchema() {
  const sizes = z.array(int(1, LIMITS.maxLayerSize, FIELD_RULES.layerSize), { error: FIELD_RULES.layers }).min(LIMITS.minLayers, { error: FIELD_RULES.layers });
  return z.custom<readonly number[]>().check((ctx) => {
    const value = ctx.value as unknown;
    if (!isLayerObjects(value)) {
      const r = sizes.safeParse(value);
      if (!r.success) for (const issue of r.error.issues) ctx.issues.push({ ...issue, input: value } as (typeof ctx.issues)[number]);
      return;
    }
    if (value.length < LIMITS.minLayers) {
      ctx.issues.push({ code: 'custom', path: [], message: FIELD_RULES.layers, input: value });
      return;
    }
    for (const i of checkNetwork(value).issues) {
      ctx.issues.push({ code: 'custom', path: [...i.path], message: i.message, input: value, ...(i.got === undefined ? {} : { params: { got: i.got } }) });
    }
  });
}

interface RuleIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

const FORMAT_WHAT: Record<FormatName, string> = {
  weight: "weights share each lane's weight bank",
  act: 'activations share the activation buffer',
  error: 'errors share the error banks',
};

/** Per-layer lists: one entry per weight layer, and the same bits in every entry of a format (its memory's word). */
function perLayerRules(v: Config): RuleIssue[] {
  const L = v.layers.length - 1;
  const issues: RuleIssue[] = [];
  for (const name of ['weight', 'act', 'error', 'lrShift'] as const) {
    const list = v[name];
    if (!Array.isArray(list)) continue;
    if (list.length !== L) {
      issues.push({
        path: [name],
        message: `must have one entry per weight layer, ${L} for layers ${show(v.layers)}, or be a single value; got ${list.length} entries`,
      });
      continue;
    }
    if (name === 'lrShift') continue;
    const formats = list as readonly Format[];
    const bits = formats[0]?.bits;
    formats.forEach((f, k) => {
      if (f.bits !== bits)
        issues.push({
          path: [name, k, 'bits'],
          message: `must equal ${name}[0].bits = ${bits}, because every layer's ${FORMAT_WHAT[name]} (only frac may differ)`,
        });
    });
  }
  return issues;
}

/** Each layer's requantisation and update shifts must be ≥ 0 (docs/ARCHITECTURE.md §1); the dedicated variant's learning-rate register. */
function shiftRules(v: Config): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const list = (name: string) => Array.isArray(v[name as keyof Config]);
  const at = (name: string, k: number, ...rest: string[]): PropertyKey[] => (list(name) ? [name, k, ...rest] : [name, ...rest]);
  const dedicated = v.variant === 'dedicated';
  if (dedicated && Array.isArray(v.lrShift) && new Set(v.lrShift).size > 1) {
    issues.push({
      path: ['lrShift'],
      message: `must be one value for the dedicated variant (η = 2^-lrShift is one Q0.${DEDICATED_LR_FRAC} register the host drives)`,
    });
  }
  for (const a of layerArithmetic(v)) {
    const l = a.index + 1;
    const { weight: w, act: x, error: e } = a;
    const layer = list('lrShift') || list('weight') || list('act') || list('error') ? ` of layer ${l}` : '';
    if (dedicated) {
      const k = a.lrShift;
      if (k < 1 || k > DEDICATED_LR_FRAC) {
        issues.push({
          path: at('lrShift', a.index),
          message: `must be an integer in 1..${DEDICATED_LR_FRAC} for the dedicated variant (η = 2^-lrShift is held in a Q0.${DEDICATED_LR_FRAC} register)`,
        });
      } else if (e.frac + x.frac < w.frac) {
        issues.push({
          path: at('weight', a.index, 'frac'),
          message: `must be at most error.frac + act.frac = ${e.frac + x.frac}${layer} for the dedicated variant (its learning-rate product is shifted right by error.frac + act.frac − weight.frac + 16 ≥ 16)`,
        });
      }
    } else if (a.updateShift < 0) {
      const lo = w.frac - e.frac - x.frac;
      const why = `the update shift${layer} S = error.frac + act.frac + lrShift − weight.frac = ${e.frac} + ${x.frac} + lrShift − ${w.frac} must be ≥ 0`;
      issues.push({
        path: at('lrShift', a.index),
        message:
          lo > LIMITS.maxLrShift
            ? `cannot be large enough: ${why}, so lrShift ≥ ${lo} > ${LIMITS.maxLrShift}; lower weight.frac or raise act.frac/error.frac`
            : `must be an integer in ${lo}..${LIMITS.maxLrShift} (${why})`,
      });
    }
    if (a.outAct && (a.activationShift ?? 0) < 0) {
      issues.push({
        path: ['act', l, 'frac'],
        message: `must be at most weight[${a.index}].frac + act[${a.index}].frac = ${a.zFrac}, because layer ${l}'s sums are requantised to it by a right shift`,
      });
    }
    if (a.lowerError && (a.backwardShift ?? 0) < 0) {
      issues.push({
        path: ['error', a.index - 1, 'frac'],
        message: `must be at most ${a.backwardFrac} (weight[${a.index}].frac + error[${a.index}].frac${v.hidden === 'hardsigmoid' ? ' + 2' : ''}), because layer ${l}'s backward sums are requantised to it by a right shift`,
      });
    }
  }
  return issues;
}

/** What a configuration may be written as: every field optional (defaults fill in), formats whole. */
export type ConfigInput = z.input<typeof configSchema>;

/** A partial configuration to deep-merge over another (formats may be partial here). */
export type ConfigOverrides = { readonly [K in keyof Config]?: Config[K] extends PerLayer<Format> ? Partial<Format> | readonly Format[] : Config[K] };

// ---- parsing and messages -----------------------------------------------------------------

export type ConfigPath = readonly PropertyKey[];

export interface ParseOptions {
  /**
   * Where the value at `path` came from, appended to the message as " (…)": e.g. "in cfg.json",
   * "from --pes". Return undefined for no note; values absent from the input and filled by a
   * default are noted as "the default".
   */
  origin?: (path: ConfigPath) => string | undefined;
}

/** Apply the defaults to `input` and validate it: the deeply frozen Config, or a ConfigError. */
export function parseConfig(input: unknown = {}, options: ParseOptions = {}): Config {
  const r = configSchema.safeParse(withVariantDefaults(input));
  if (!r.success) {
    // Unknown keys first: a misspelt field is usually the cause of what else looks wrong.
    const issues = [...r.error.issues].sort((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'));
    const lines = [...new Set(issues.flatMap((i) => issueLines(i, input, options)))];
    throw new ConfigError(lines[0] ?? 'config: invalid configuration', lines);
  }
  const cfg: Config = withNetwork(r.data as Omit<Config, 'layers'> & { layers: unknown });
  return deepFreeze(structuredClone(cfg));
}

/**
 * A configuration as a document again (what a file holds and parseConfig reads back): a network
 * with convolution is written as its layer objects.
 */
export function configDocument(cfg: Config): Omit<Config, 'layers' | 'network'> & { readonly layers: Config['layers'] | Network['spec'] } {
  if (!cfg.network) return cfg;
  const { network, ...rest } = cfg;
  return { ...rest, layers: network.spec };
}

/** Layer objects become the sizes and `network` (only when they have a convolution or pooling layer). */
function withNetwork(data: Omit<Config, 'layers'> & { layers: unknown }): Config {
  if (!isLayerObjects(data.layers)) return data as Config;
  const network = checkNetwork(data.layers).network;
  if (!network) throw new Error('parseConfig: a network that passed the schema failed its check');
  const layers = networkSizes(network);
  return hasConvolution(network) ? { ...data, layers, network } : { ...data, layers };
}

/** The fields a variant defaults differently (e.g. dedicated: 16-bit formats), filled where absent. */
function withVariantDefaults(input: unknown): unknown {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
  const variant = (input as { variant?: unknown }).variant;
  if (typeof variant !== 'string' || !(VARIANTS as readonly string[]).includes(variant)) return input;
  const own = variantDefaults(variant as Variant);
  const out: Record<string, unknown> = { ...input };
  for (const [k, v] of Object.entries(own)) if (out[k] === undefined) out[k] = structuredClone(v);
  return out;
}

/** `layers[2]`, `weight.frac`. */
export function pathText(path: ConfigPath): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s;
}

function valueAt(root: unknown, path: ConfigPath): unknown {
  let v = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** A value for a message: JSON-like, at most about 80 characters; `nothing` for a missing one. */
export function show(v: unknown): string {
  const s = showFull(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function showFull(v: unknown, depth = 0): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v))
    return depth > 2
      ? '[…]'
      : `[${v
          .slice(0, 40)
          .map((x) => showFull(x, depth + 1))
          .join(', ')}${v.length > 40 ? ', …' : ''}]`;
  if (v !== null && typeof v === 'object') {
    if (depth > 2) return '{…}';
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}: ${showFull(x, depth + 1)}`)
      .join(', ')}}`;
  }
  return String(v);
}

/** "; did you mean "accBits"?" for acc_bits, acc-bits, accbits, acbits (case, separators, ≤ 2 edits). */
function suggestion(key: string, allowed: readonly string[]): string {
  const norm = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  const k = norm(key);
  const limit = k.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestD = limit + 1;
  for (const a of allowed) {
    const dist = editDistance(k, norm(a));
    if (dist < bestD) [best, bestD] = [a, dist];
  }
  return best ? `; did you mean "${best}"?` : '';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

interface IssueLike {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly keys?: readonly string[];
  readonly params?: Record<string, unknown>;
}

function issueLines(issue: IssueLike, input: unknown, options: ParseOptions): string[] {
  const isTop = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const note = (path: ConfigPath, fromDefault: boolean) => {
    const o = fromDefault ? 'the default' : options.origin?.(path);
    return o ? ` (${o})` : '';
  };
  if (issue.code === 'unrecognized_keys') {
    const allowed = issue.path.length === 0 ? Object.keys(configSchema.shape) : ['bits', 'frac'];
    return (issue.keys ?? []).map((k) => {
      const path = [...issue.path, k];
      return (
        `config: ${pathText(path)} is not a known field (allowed: ${allowed.join(', ')}${suggestion(k, allowed)}), ` +
        `got ${show(valueAt(input, path))}${note(path, false)}`
      );
    });
  }
  if (issue.path.length === 0) {
    return [`config: the configuration ${issue.message}, got ${show(input)}${note([], false)}`];
  }
  const path = issue.path;
  const fromDefault = isTop(input) ? input[String(path[0])] === undefined && String(path[0]) in DEFAULT_CONFIG : input === undefined;
  const value = valueAt(fromDefault ? DEFAULT_CONFIG : input, path);
  let message = issue.message;
  const [head, leaf] = path;
  if (issue.code !== 'custom' && path.length === 2 && leaf === 'frac' && (head === 'weight' || head === 'act' || head === 'error')) {
    message = fracRule(head, valueAt(input, [head, 'bits']));
  }
  const got = typeof issue.params?.got === 'string' ? issue.params.got : show(value);
  return [`config: ${pathText(path)} ${message}, got ${got}${note(path, fromDefault)}`];
}
