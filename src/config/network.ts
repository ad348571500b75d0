/**
 * Networks with convolution (docs/CONFIG.md "Convolutional networks", docs/ARCHITECTURE.md §17):
 * `layers` given as layer objects instead of sizes. The first object is the input shape, then
 * convolution, pooling and dense layers; a flatten is implied before the first dense layer.
 *
 *     [{"input": [28, 28, 1]}, {"conv": {"filters": 8, "kernel": 3, "stride": 1, "padding": "same"}},
 *      {"pool": {"kind": "max", "size": 2}}, {"dense": 10}]
 *
 * Shapes follow TensorFlow/Keras: feature maps are height × width × channels, stored channels
 * last (index (y·W + x)·C + c, also the flatten order); "same" padding gives ceil(in / stride)
 * outputs with the padding split floor/ceil (top/left gets the smaller half), "valid" gives
 * floor((in − kernel) / stride) + 1; pooling is 2 × 2 with stride 2 and drops an odd last row or
 * column. Pure arithmetic and checks: the schema calls checkNetwork, and the rest of the project
 * reads the Network it returns.
 */

export const PADDINGS = ['same', 'valid'] as const;
export const POOL_KINDS = ['max', 'avg'] as const;
export type Padding = (typeof PADDINGS)[number];
export type PoolKind = (typeof POOL_KINDS)[number];

/** The limits of a layer object's fields. */
export const NETWORK_LIMITS = Object.freeze({
  /** Height and width of the input. */
  maxSide: 4096,
  maxChannels: 4096,
  maxFilters: 4096,
  minKernel: 1,
  maxKernel: 7,
  strides: [1, 2] as const,
  poolSizes: [2] as const,
  /** Output units of a dense layer (as a size in the plain list). */
  maxDense: 65536,
  /** Values of one feature map (height · width · channels), the input's included: the models hold each in memory. */
  maxMapValues: 1_048_576,
  /** A convolution's output positions × kernel places: the models precompute that many taps. */
  maxTaps: 16_777_216,
});

/** A layer object as written in a configuration. */
export type LayerSpec =
  | { readonly input: readonly number[] }
  | { readonly conv: { readonly filters: number; readonly kernel: number; readonly stride?: number; readonly padding?: Padding } }
  | { readonly pool: { readonly kind: PoolKind; readonly size?: number } }
  | { readonly dense: number };

/** A feature map's shape (a dense layer's output is 1 × 1 × units). */
export interface Shape {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

interface LayerBase {
  /** Index of the layer object in `layers` (the input is 0). */
  readonly at: number;
  readonly in: Shape;
  readonly out: Shape;
}

export interface ConvLayer extends LayerBase {
  readonly kind: 'conv';
  readonly filters: number;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: Padding;
  /** Rows and columns of zeros before the input (top, left): floor(total / 2) with "same", 0 with "valid". */
  readonly padTop: number;
  readonly padLeft: number;
}

export interface PoolLayer extends LayerBase {
  readonly kind: 'pool';
  readonly pool: PoolKind;
  readonly size: number;
}

export interface DenseLayer extends LayerBase {
  readonly kind: 'dense';
  readonly units: number;
}

export type NetworkLayer = ConvLayer | PoolLayer | DenseLayer;
export type WeightLayer = ConvLayer | DenseLayer;

/** A checked network: the layers after the input with their shapes, and the document form. */
export interface Network {
  readonly input: Shape;
  readonly layers: readonly NetworkLayer[];
  /** As written (with the defaults filled in): what a saved configuration holds. */
  readonly spec: readonly LayerSpec[];
}

/** A problem with one layer: the path under `layers`, the rule ("must be …") and the value. */
export interface NetworkIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly got?: string;
}

export const volume = (s: Shape): number => s.height * s.width * s.channels;
export const shapeText = (s: Shape): string => `${s.height}×${s.width}×${s.channels}`;

/** Whether a `layers` value is given as layer objects (any entry an object). */
export const isLayerObjects = (layers: unknown): layers is readonly unknown[] =>
  Array.isArray(layers) && layers.some((x) => x !== null && typeof x === 'object');

/** The weight layers (convolution and dense), in order: the configuration's per-layer entries. */
export const weightLayers = (n: Network): readonly WeightLayer[] => n.layers.filter((l): l is WeightLayer => l.kind !== 'pool');

/** A weight layer's inputs per output: kernel² · channels (convolution) or the flattened input (dense). */
export const fanIn = (l: WeightLayer): number => (l.kind === 'conv' ? l.kernel * l.kernel * l.in.channels : volume(l.in));

/** A weight layer's rows (one per filter or unit): each holds fanIn weights and a bias. */
export const rowsOf = (l: WeightLayer): number => (l.kind === 'conv' ? l.filters : l.units);

/** Σ rows · (fanIn + 1): weights plus biases. */
export const networkParamCount = (n: Network): number => weightLayers(n).reduce((s, l) => s + rowsOf(l) * (fanIn(l) + 1), 0);

/**
 * The sizes the configuration's `layers` holds for a network with convolution: the input's size,
 * then each weight layer's output size (so `layers.length − 1` is the number of weight layers and
 * the last entry the number of classes, as for a list of sizes).
 */
export const networkSizes = (n: Network): readonly number[] => [volume(n.input), ...weightLayers(n).map((l) => volume(l.out))];

/** Weights plus biases of each weight layer of a configuration (a network's, or N_l · (N_{l−1} + 1) of its sizes). */
export function layerParamCounts(cfg: { readonly layers: readonly number[]; readonly network?: Network }): readonly number[] {
  if (cfg.network) return weightLayers(cfg.network).map((l) => rowsOf(l) * (fanIn(l) + 1));
  return cfg.layers.slice(1).map((n, k) => n * (cfg.layers[k]! + 1));
}

/**
 * The layers as short text: `784-64-10` for sizes, `28×28×1 conv8k3 maxpool conv16k3 maxpool dense10`
 * for a network (a convolution's stride and padding shown when they are not 1 and "same").
 */
export function layersText(cfg: { readonly layers: readonly number[]; readonly network?: Network }): string {
  if (!cfg.network) return cfg.layers.join('-');
  const parts = cfg.network.layers.map((l) => {
    if (l.kind === 'dense') return `dense${l.units}`;
    if (l.kind === 'pool') return `${l.pool}pool`;
    return `conv${l.filters}k${l.kernel}${l.stride !== 1 ? `s${l.stride}` : ''}${l.padding === 'valid' ? 'v' : ''}`;
  });
  return [shapeText(cfg.network.input), ...parts].join(' ');
}

/** Whether the network has a convolution or pooling layer (else it is a list of sizes written as objects). */
export const hasConvolution = (n: Network): boolean => n.layers.some((l) => l.kind !== 'dense');

const KIND_KEYS = ['input', 'conv', 'pool', 'dense'] as const;
const CONV_KEYS = ['filters', 'kernel', 'stride', 'padding'] as const;
const POOL_KEYS = ['kind', 'size'] as const;

const isInt = (v: unknown, lo: number, hi: number): v is number => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const quoted = (xs: readonly string[]) => xs.map((x) => `"${x}"`).join(', ');

/** Output side of a convolution (TensorFlow): same ceil(in / s), valid floor((in − k) / s) + 1. */
export const convSide = (side: number, kernel: number, stride: number, padding: Padding): number =>
  padding === 'same' ? Math.ceil(side / stride) : Math.floor((side - kernel) / stride) + 1;

/** Zeros before the input along one side: half of the total "same" padding, rounded down. */
const padBefore = (side: number, out: number, kernel: number, stride: number, padding: Padding): number =>
  padding === 'same' ? Math.floor(Math.max((out - 1) * stride + kernel - side, 0) / 2) : 0;

/**
 * Checks `layers` given as objects and derives every shape. Returns the network, or the issues
 * (each names its layer: `layers[3].conv.kernel`); the first issue of a layer stops the shapes
 * after it, since they would be guesses.
 */
export function checkNetwork(layers: readonly unknown[]): { network?: Network; issues: NetworkIssue[] } {
  const issues: NetworkIssue[] = [];
  const fail = (path: readonly PropertyKey[], message: string, got?: unknown) =>
    issues.push({ path, message, ...(got === undefined ? {} : { got: JSON.stringify(got) }) });
  const input = checkInput(layers[0], fail);
  if (!input) return { issues };
  const out: NetworkLayer[] = [];
  const spec: LayerSpec[] = [{ input: [input.height, input.width, input.channels] }];
  let shape = input;
  let dense = false;
  for (let at = 1; at < layers.length; at++) {
    const raw = layers[at];
    const before = issues.length;
    const layer = checkLayer(raw, at, shape, dense, fail);
    if (!layer || issues.length > before) return { issues };
    out.push(layer.layer);
    spec.push(layer.spec);
    shape = layer.layer.out;
    dense ||= layer.layer.kind === 'dense';
  }
  const last = out.at(-1);
  if (last?.kind !== 'dense') {
    fail(
      [out.length],
      `must be a dense layer {"dense": classes}, because the last layer gives the class scores (a flatten is implied before it)`,
      layers[out.length] ?? layers[0],
    );
    return { issues };
  }
  return { network: { input, layers: out, spec }, issues };
}

type Fail = (path: readonly PropertyKey[], message: string, got?: unknown) => void;

function checkInput(raw: unknown, fail: Fail): Shape | undefined {
  const rule = `must be the input shape {"input": [height, width, channels]}, each an integer ≥ 1 (height and width ≤ ${NETWORK_LIMITS.maxSide}, channels ≤ ${NETWORK_LIMITS.maxChannels})`;
  if (!isObject(raw) || !('input' in raw)) {
    const what =
      isObject(raw) && KIND_KEYS.some((k) => k in raw) ? `; a network given as layer objects starts with its input, not a ${Object.keys(raw)[0]} layer` : '';
    fail([0], `${rule}${what}`, raw);
    return undefined;
  }
  const extra = Object.keys(raw).filter((k) => k !== 'input');
  if (extra.length) {
    fail([0, extra[0]!], 'is not a known field of the input layer (allowed: input)', raw[extra[0]!]);
    return undefined;
  }
  const s = raw.input;
  const ok =
    Array.isArray(s) &&
    s.length === 3 &&
    isInt(s[0], 1, NETWORK_LIMITS.maxSide) &&
    isInt(s[1], 1, NETWORK_LIMITS.maxSide) &&
    isInt(s[2], 1, NETWORK_LIMITS.maxChannels);
  if (!ok) {
    fail([0, 'input'], rule.replace('must be the input shape {"input": [height, width, channels]}', 'must be [height, width, channels]'), s);
    return undefined;
  }
  if (s[0] * s[1] * s[2] > NETWORK_LIMITS.maxMapValues) {
    fail([0, 'input'], `must hold at most ${NETWORK_LIMITS.maxMapValues} values (height · width · channels)`, s);
    return undefined;
  }
  return { height: s[0], width: s[1], channels: s[2] };
}

function checkLayer(raw: unknown, at: number, shape: Shape, afterDense: boolean, fail: Fail): { layer: NetworkLayer; spec: LayerSpec } | undefined {
  const kinds = isObject(raw) ? Object.keys(raw) : [];
  if (!isObject(raw) || kinds.length !== 1 || !['conv', 'pool', 'dense'].includes(kinds[0]!)) {
    const why = isObject(raw) && 'input' in raw ? '; only the first layer is the input' : '';
    fail([at], `must be one layer object: {"conv": {…}}, {"pool": {…}} or {"dense": units}${why}`, raw);
    return undefined;
  }
  const kind = kinds[0] as 'conv' | 'pool' | 'dense';
  if (kind === 'dense') return checkDense(raw.dense, at, shape, fail);
  if (afterDense) {
    fail(
      [at],
      `must come before the first dense layer, because a ${kind === 'conv' ? 'convolution' : 'pooling'} layer needs a feature map and a dense layer's output is a vector`,
      raw,
    );
    return undefined;
  }
  return kind === 'conv' ? checkConv(raw.conv, at, shape, fail) : checkPool(raw.pool, at, shape, fail);
}

function unknownKey(fields: Record<string, unknown>, allowed: readonly string[], path: readonly PropertyKey[], fail: Fail): boolean {
  const extra = Object.keys(fields).filter((k) => !allowed.includes(k));
  if (extra.length) fail([...path, extra[0]!], `is not a known field (allowed: ${allowed.join(', ')})`, fields[extra[0]!]);
  return extra.length > 0;
}

function checkDense(units: unknown, at: number, shape: Shape, fail: Fail): { layer: DenseLayer; spec: LayerSpec } | undefined {
  if (!isInt(units, 1, NETWORK_LIMITS.maxDense)) {
    fail([at, 'dense'], `must be the number of units, an integer in 1..${NETWORK_LIMITS.maxDense}`, units);
    return undefined;
  }
  return { layer: { kind: 'dense', at, in: shape, out: { height: 1, width: 1, channels: units }, units }, spec: { dense: units } };
}

function checkConv(c: unknown, at: number, shape: Shape, fail: Fail): { layer: ConvLayer; spec: LayerSpec } | undefined {
  const path = [at, 'conv'];
  if (!isObject(c)) {
    fail(path, 'must be an object {"filters": …, "kernel": …, "stride": 1 or 2, "padding": "same" or "valid"}', c);
    return undefined;
  }
  if (unknownKey(c, CONV_KEYS, path, fail)) return undefined;
  const { filters, kernel, stride = 1, padding = 'valid' } = c;
  const L = NETWORK_LIMITS;
  if (!isInt(filters, 1, L.maxFilters)) fail([...path, 'filters'], `must be an integer in 1..${L.maxFilters}`, filters);
  if (!isInt(kernel, L.minKernel, L.maxKernel)) fail([...path, 'kernel'], `must be an integer in ${L.minKernel}..${L.maxKernel} (a square kernel)`, kernel);
  if (!(L.strides as readonly unknown[]).includes(stride)) fail([...path, 'stride'], `must be ${L.strides.join(' or ')}`, stride);
  if (!(PADDINGS as readonly unknown[]).includes(padding)) fail([...path, 'padding'], `must be one of ${quoted(PADDINGS)}`, padding);
  if (!isInt(filters, 1, L.maxFilters) || !isInt(kernel, 1, L.maxKernel) || !isInt(stride, 1, 2) || !(PADDINGS as readonly unknown[]).includes(padding))
    return undefined;
  const p = padding as Padding;
  if (kernel > shape.height || kernel > shape.width) {
    fail(
      [...path, 'kernel'],
      `must be at most ${Math.min(shape.height, shape.width)}, because its input is ${shapeText(shape)} (a kernel larger than its input)`,
      kernel,
    );
    return undefined;
  }
  const oh = convSide(shape.height, kernel, stride, p);
  const ow = convSide(shape.width, kernel, stride, p);
  if (oh * ow * filters > L.maxMapValues) {
    fail(
      [...path, 'filters'],
      `must be at most ${Math.floor(L.maxMapValues / (oh * ow))}, because the output ${oh}×${ow}×${filters} may hold at most ${L.maxMapValues} values`,
      filters,
    );
    return undefined;
  }
  if (oh * ow * kernel * kernel > L.maxTaps) {
    fail([...path, 'kernel'], `must be smaller: ${oh}×${ow} positions × ${kernel}² kernel places is more than ${L.maxTaps} taps`, kernel);
    return undefined;
  }
  const layer: ConvLayer = {
    kind: 'conv',
    at,
    in: shape,
    out: { height: oh, width: ow, channels: filters },
    filters,
    kernel,
    stride,
    padding: p,
    padTop: padBefore(shape.height, oh, kernel, stride, p),
    padLeft: padBefore(shape.width, ow, kernel, stride, p),
  };
  return { layer, spec: { conv: { filters, kernel, stride, padding: p } } };
}

function checkPool(c: unknown, at: number, shape: Shape, fail: Fail): { layer: PoolLayer; spec: LayerSpec } | undefined {
  const path = [at, 'pool'];
  if (!isObject(c)) {
    fail(path, 'must be an object {"kind": "max" or "avg", "size": 2}', c);
    return undefined;
  }
  if (unknownKey(c, POOL_KEYS, path, fail)) return undefined;
  const { kind, size = 2 } = c;
  if (!(POOL_KINDS as readonly unknown[]).includes(kind)) fail([...path, 'kind'], `must be one of ${quoted(POOL_KINDS)}`, kind);
  if (!(NETWORK_LIMITS.poolSizes as readonly unknown[]).includes(size)) fail([...path, 'size'], 'must be 2 (2 × 2 windows, stride 2)', size);
  if (!(POOL_KINDS as readonly unknown[]).includes(kind) || size !== 2) return undefined;
  const oh = Math.floor(shape.height / size);
  const ow = Math.floor(shape.width / size);
  if (oh === 0 || ow === 0) {
    fail(path, `must have an input at least ${size}×${size}, because its input ${shapeText(shape)} pools to zero`, c);
    return undefined;
  }
  const layer: PoolLayer = { kind: 'pool', at, in: shape, out: { height: oh, width: ow, channels: shape.channels }, pool: kind as PoolKind, size };
  return { layer, spec: { pool: { kind: kind as PoolKind, size } } };
}
