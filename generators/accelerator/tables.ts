/** The per-layer constant tables the layer register selects, and small helpers: delay lines, counter widths. */
import { UInt, type Expr, type Module, type Signal } from '../../src/hdl/index.js';
import type { Plan } from './plan.js';

/** The current weight layer and its constants (docs/ARCHITECTURE.md §3). */
export interface LayerTables {
  /** The layer register: the weight layer the controller works on. */
  readonly layer: Signal;
  readonly nIn: Signal;
  readonly nOut: Signal;
  readonly lastGroup: Signal;
  readonly rowLen: Signal;
  readonly weightBase: Signal;
  readonly inActBase: Signal;
  readonly outActBase: Signal;
  readonly isFirst: Signal;
  readonly isOutput: Signal;
  /** The layer's error-bank region and the one of the layer below (training variants). */
  readonly errors?: { readonly base: Signal; readonly lowerBase: Signal };
}

/** Each layer's constants, by table (docs/ARCHITECTURE.md §3). */
export function layerConstants(plan: Plan) {
  const layers = plan.sizes.layers;
  return {
    nIn: layers.map((l) => l.nIn),
    nOut: layers.map((l) => l.nOut),
    lastGroup: layers.map((l) => l.groups - 1),
    rowLen: layers.map((l) => l.rowLen),
    weightBase: layers.map((l) => l.weightBase),
    errorBase: layers.map((l) => l.errorBase),
    lowerErrorBase: layers.map((_, k) => (k ? (layers[k - 1]?.errorBase ?? 0) : 0)),
    inActBase: layers.map((l) => l.inActBase),
    outActBase: layers.map((l) => l.outActBase),
  };
}

/** The value of a table that is the same in every layer (then it needs no lookup), else undefined. */
export function constantOf(values: readonly number[]): number | undefined {
  const first = values[0] ?? 0;
  return values.every((v) => v === first) ? first : undefined;
}

export function layerTables(m: Module, plan: Plan): LayerTables {
  const { bits, sizes } = plan;
  const k = layerConstants(plan);
  const layer = m.reg('layer', UInt(bits.layer), { init: 0 });
  const table = (name: string, values: readonly number[], width: number) => layerTable(m, name, layer, values, width);
  const nIn = table('layer_n_in', k.nIn, bits.column);
  const nOut = table('layer_n_out', k.nOut, bits.neuron);
  const lastGroup = table('layer_last_group', k.lastGroup, bits.group);
  const rowLen = table('layer_row_len', k.rowLen, bits.weightAddr + 1);
  const weightBase = table('layer_weight_base', k.weightBase, bits.weightAddr);
  const errors = plan.trains
    ? { base: table('layer_error_base', k.errorBase, bits.errorAddr), lowerBase: table('layer_lower_error_base', k.lowerErrorBase, bits.errorAddr) }
    : undefined;
  const inActBase = table('layer_in_act_base', k.inActBase, bits.actAddr);
  const outActBase = table('layer_out_act_base', k.outActBase, bits.actAddr);
  const isFirst = m.wire('is_first_layer', layer.eq(0));
  const isOutput = m.wire('is_output_layer', layer.eq(sizes.L - 1));
  const common = { layer, nIn, nOut, lastGroup, rowLen, weightBase, inActBase, outActBase, isFirst, isOutput };
  return errors ? { ...common, errors } : common;
}

/**
 * A per-layer constant looked up by the layer register: a case statement (or a plain constant
 * when every layer has the same value).
 */
export function layerTable(m: Module, name: string, layer: Expr, values: readonly number[], width: number): Signal {
  const w = m.wire(name, UInt(width));
  const same = constantOf(values);
  if (same !== undefined) {
    m.assign(w, same);
    return w;
  }
  w.set(0);
  m.switch(layer, (c) => values.forEach((v, k) => c.is(k, () => w.set(v))));
  return w;
}

/** `e` delayed by `n` cycles through registers named name_d1..name_dn (reset to 0 when `reset`). */
export function delayLine(m: Module, name: string, e: Expr, n: number, reset = false): Expr {
  let x = e;
  for (let i = 1; i <= n; i++) x = m.flop(`${name}_d${i}`, x, reset ? { init: 0 } : {});
  return x;
}

/** Bits needed to count from 0 to n inclusive. */
export const bitsFor = (n: number): number => Math.max(1, Math.ceil(Math.log2(n + 1)));

/** xs[i], which must exist: per-lane arrays are built with P entries (an out-of-range lane is a generator bug). */
export function at<T>(xs: readonly T[], i: number): T {
  const x = xs[i];
  if (x === undefined) throw new RangeError(`generator bug: no entry ${i} in an array of ${xs.length}`);
  return x;
}
