/**
 * Interfaces: Bundle (named typed fields, some of them flipped), Vec (n of one shape) and Stream
 * (payload, valid, ready, optional last). A shape describes an interface from its *source*'s side:
 * plain fields flow from source to sink, flipped fields (a stream's ready) flow back. A module
 * declares one as a port with `m.output(name, shape)` (this module is the source) or
 * `m.input(name, shape)` (the sink); it becomes one Verilog port per field, named
 * `<name>_<field>`. `m.connect(a, b)` connects two interfaces field by field in one call.
 */
import { Bool, typeName, type HdlType } from './types.js';
import { cat, type Expr, type Signal } from './expr.js';

/** A member's direction, seen from the interface's source: out = source drives it, in = sink drives it. */
export type Flow = 'out' | 'in';

export type Shape = HdlType | BundleShape | VecShape;

export type FieldSpec = Shape | Flipped;

/** A field that flows from sink to source (a stream's `ready`). */
export class Flipped<S extends Shape = Shape> {
  readonly kind = 'flipped';
  constructor(readonly shape: S) {}
}

export class BundleShape<F extends Record<string, FieldSpec> = Record<string, FieldSpec>> {
  readonly kind: 'bundle' | 'stream' = 'bundle';
  constructor(
    readonly fields: F,
    /** Verilog names of fields where they differ from the keys (AXI4-Stream's tdata, tvalid, …). */
    readonly portNames: Partial<Record<keyof F & string, string>> = {},
  ) {}
}

export class VecShape<S extends Shape = Shape> {
  readonly kind = 'vec';
  constructor(
    readonly length: number,
    readonly element: S,
  ) {}
}

/** The fields of a stream of `T`. */
export type StreamFields<T extends Shape, L extends boolean> = { data: T; valid: HdlType; ready: Flipped<HdlType> } & (L extends true
  ? { last: HdlType }
  : unknown);

export class StreamShape<T extends Shape = Shape, L extends boolean = boolean> extends BundleShape<StreamFields<T, L> & Record<string, FieldSpec>> {
  override readonly kind = 'stream';
}

// ---- constructors ----------------------------------------------------------------------------

/** A bundle of named fields; wrap a field in `flipped()` to make it flow from sink to source. */
export function Bundle<F extends Record<string, FieldSpec>>(fields: F): BundleShape<F> {
  for (const k of Object.keys(fields)) checkFieldName(k);
  return new BundleShape(fields);
}

/** `length` elements of one shape, ports `<name>_0` … `<name>_<length-1>`. */
export function Vec<S extends Shape>(length: number, element: S): VecShape<S> {
  if (!Number.isInteger(length) || length < 1 || length > 4096) throw new RangeError(`Vec length must be an integer in 1..4096, got ${length}`);
  return new VecShape(length, element);
}

export function flipped<S extends Shape>(shape: S): Flipped<S> {
  return new Flipped(shape);
}

export interface StreamOptions<L extends boolean> {
  /** A `last` field marking the final beat of a packet. */
  last?: L;
  /** 'axi': AXI4-Stream port names (tdata, tvalid, tready, tlast); default data, valid, ready, last. */
  names?: 'plain' | 'axi';
}

/**
 * A valid/ready stream of `payload` (AXI4-Stream rules): a beat moves in a cycle where both
 * valid and ready are high (`fire`); once valid is high the source keeps it and the payload
 * until the beat moves; ready may depend on valid, valid must not wait for ready.
 */
export function Stream<T extends Shape, L extends boolean = false>(payload: T, opts: StreamOptions<L> = {}): StreamShape<T, L> {
  const fields: Record<string, FieldSpec> = { data: payload, valid: Bool, ready: flipped(Bool) };
  if (opts.last) fields.last = Bool;
  const names: Record<string, string> = {};
  if (opts.names === 'axi') for (const k of Object.keys(fields)) names[k] = `t${k}`;
  return new StreamShape(fields as StreamFields<T, L> & Record<string, FieldSpec>, names as never);
}

export function isShape(x: unknown): x is BundleShape | VecShape {
  return x instanceof BundleShape || x instanceof VecShape;
}

// ---- values ----------------------------------------------------------------------------------

/** The TS value of an interface whose leaves are `Leaf` (Signal for declared ports and wires). */
export type Value<S, Leaf = Signal> =
  S extends Flipped<infer U>
    ? Value<U, Leaf>
    : S extends StreamShape<infer T, infer L>
      ? StreamValue<T, L, Leaf>
      : S extends BundleShape<infer F>
        ? BundleValue<F, Leaf>
        : S extends VecShape<infer U>
          ? readonly Value<U, Leaf>[]
          : Leaf;

export type BundleValue<F, Leaf = Signal> = { readonly [K in keyof F]: Value<F[K], Leaf> };

export type StreamValue<T, L, Leaf = Signal> = {
  readonly data: Value<T, Leaf>;
  readonly valid: Leaf;
  readonly ready: Leaf;
  /** valid & ready: a beat moves in this cycle. */
  readonly fire: Expr;
} & (L extends true ? { readonly last: Leaf } : unknown);

/** Which end of an interface a value is, seen from the code that holds it. */
export type Side = 'source' | 'sink' | 'either';

/** What taxonn knows about an interface value (kept beside it, so the value stays a plain object). */
export interface InterfaceInfo {
  readonly shape: BundleShape | VecShape;
  readonly side: Side;
  /** How messages name it: `port s_in of module top`, `wire pipe`, `instance fifo's in`. */
  readonly what: string;
  /** Its leaves, in declaration order. */
  readonly leaves: readonly Leaf[];
}

export interface Leaf {
  /** Field path from the interface root, e.g. ['data', 're'] or ['lanes', '3']. */
  readonly path: readonly string[];
  /** Port/wire name suffix: the path with Verilog names, joined by '_'. */
  readonly suffix: string;
  readonly type: HdlType;
  readonly flow: Flow;
  readonly signal: Expr;
}

const infos = new WeakMap<object, InterfaceInfo>();

export function interfaceInfo(value: unknown): InterfaceInfo | undefined {
  return typeof value === 'object' && value !== null ? infos.get(value) : undefined;
}

export interface LeafSpec {
  readonly path: readonly string[];
  readonly suffix: string;
  readonly type: HdlType;
  readonly flow: Flow;
}

/** Every leaf of `shape`, depth first in field order, with its flow from the source's side. */
export function leavesOf(shape: Shape, flow: Flow = 'out', path: string[] = [], suffix: string[] = []): LeafSpec[] {
  if (shape instanceof BundleShape) {
    const out: LeafSpec[] = [];
    for (const [k, f] of Object.entries(shape.fields)) {
      const name = (shape.portNames as Record<string, string | undefined>)[k] ?? k;
      const inner = f instanceof Flipped ? f.shape : f;
      const fl: Flow = f instanceof Flipped ? (flow === 'out' ? 'in' : 'out') : flow;
      out.push(...leavesOf(inner, fl, [...path, k], [...suffix, name]));
    }
    return out;
  }
  if (shape instanceof VecShape) {
    const out: LeafSpec[] = [];
    for (let i = 0; i < shape.length; i++) out.push(...leavesOf(shape.element, flow, [...path, String(i)], [...suffix, String(i)]));
    return out;
  }
  return [{ path, suffix: suffix.join('_'), type: shape, flow }];
}

/**
 * Builds the value of `shape` whose leaves are made by `make` (a port, a wire, an instance
 * connection), records what it is, and returns it.
 */
export function buildValue<S extends BundleShape | VecShape, L extends Expr = Signal>(
  shape: S,
  side: Side,
  what: string,
  make: (leaf: LeafSpec) => L,
): Value<S, L> {
  const leaves: Leaf[] = [];
  const build = (s: Shape, flow: Flow, path: string[], suffix: string[]): unknown => {
    if (s instanceof BundleShape) {
      const obj: Record<string, unknown> = {};
      for (const [k, f] of Object.entries(s.fields)) {
        const name = (s.portNames as Record<string, string | undefined>)[k] ?? k;
        const inner = f instanceof Flipped ? f.shape : f;
        const fl: Flow = f instanceof Flipped ? (flow === 'out' ? 'in' : 'out') : flow;
        obj[k] = build(inner, fl, [...path, k], [...suffix, name]);
      }
      if (s instanceof StreamShape) {
        let fire: Expr | undefined;
        Object.defineProperty(obj, 'fire', {
          enumerable: false,
          get: () => (fire ??= (obj.valid as Expr).and(obj.ready as Expr)),
        });
      }
      return Object.freeze(obj);
    }
    if (s instanceof VecShape) {
      return Object.freeze(Array.from({ length: s.length }, (_, i) => build(s.element, flow, [...path, String(i)], [...suffix, String(i)])));
    }
    const spec: LeafSpec = { path, suffix: suffix.join('_'), type: s, flow };
    const signal = make(spec);
    leaves.push({ ...spec, signal });
    return signal;
  };
  const value = build(shape, 'out', [], []) as object;
  infos.set(value, { shape, side, what, leaves });
  // Sub-bundles of a value are interfaces of their own (connect a stream's payload bundle).
  registerChildren(value, shape, side, what, leaves);
  return value as Value<S, L>;
}

function registerChildren(value: object, shape: BundleShape | VecShape, side: Side, what: string, leaves: readonly Leaf[]): void {
  const entries: [string, Shape | Flipped][] =
    shape instanceof BundleShape ? Object.entries(shape.fields) : Array.from({ length: shape.length }, (_, i) => [String(i), shape.element]);
  for (const [k, f] of entries) {
    const inner = f instanceof Flipped ? f.shape : f;
    if (!(inner instanceof BundleShape || inner instanceof VecShape)) continue;
    const child = (value as Record<string, object>)[k]!;
    const childLeaves = leaves
      .filter((l) => l.path.length > 0 && l.path[0] === k)
      .map((l) => ({ ...l, path: l.path.slice(1), flow: f instanceof Flipped ? flip(l.flow) : l.flow }));
    const childSide: Side = f instanceof Flipped ? (side === 'source' ? 'sink' : side === 'sink' ? 'source' : 'either') : side;
    infos.set(child, { shape: inner, side: childSide, what: `${what}.${k}`, leaves: childLeaves });
    registerChildren(child, inner, childSide, `${what}.${k}`, childLeaves);
  }
}

const flip = (f: Flow): Flow => (f === 'out' ? 'in' : 'out');

// ---- descriptions ----------------------------------------------------------------------------

/** A short description of a shape for messages: Stream(UInt(8), last), Bundle{re, im}, Vec(4, SInt(8)). */
export function describeShape(s: Shape | Flipped): string {
  if (s instanceof Flipped) return `flipped ${describeShape(s.shape)}`;
  if (s instanceof StreamShape) return `Stream(${describeShape(s.fields.data as Shape)}${'last' in s.fields ? ', last' : ''})`;
  if (s instanceof BundleShape) return `Bundle{${Object.keys(s.fields).join(', ')}}`;
  if (s instanceof VecShape) return `Vec(${s.length}, ${describeShape(s.element)})`;
  return typeName(s);
}

/** Total bits of a shape's leaves (a flat payload's width). */
export function shapeWidth(s: Shape): number {
  return leavesOf(s).reduce((n, l) => n + l.type.width, 0);
}

function checkFieldName(k: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new RangeError(`Bundle field '${k}' is not a valid identifier`);
  if (k === 'fire') throw new RangeError(`Bundle field 'fire' is reserved (a stream's valid & ready)`);
}

/** The bits of an interface value: its leaves concatenated, the first field in the high bits. */
export function pack(value: object): Expr {
  const info = interfaceInfo(value);
  if (!info) throw new TypeError('pack: the value is not an interface');
  return cat(...info.leaves.map((l) => l.signal));
}
