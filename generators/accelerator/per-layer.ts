/**
 * The datapath's per-layer arithmetic (per-layer formats and learning rates, docs/ARCHITECTURE.md
 * §1): a constant or a requantising unit that differs between weight layers, selected by the
 * layer index that travels with the operation it belongs to. When every layer has the same
 * value there is no select: a literal or a single unit, the hardware of uniform formats.
 */
import { UInt, lit, type Expr, type Module } from '../../src/hdl/index.js';
import { constantOf, layerTable } from './tables.js';

/** values[layer] as an unsigned `width`-bit expression: a literal when every layer has the same value (or there is no layer index). */
export function perLayerConstant(m: Module, name: string, layer: Expr | undefined, values: readonly number[], width: number): Expr {
  const same = constantOf(values);
  if (same !== undefined || !layer) return lit(same ?? values[0] ?? 0, UInt(width));
  return layerTable(m, name, layer, values, width);
}

/**
 * A unit whose parameters differ between layers: one instance per distinct parameter set
 * (named `name` when there is one, else `name_l<first layer using it>`), all fed the same
 * inputs, and the output `output` of the one for `layer`. `params[k]` undefined: layer k does
 * not use the unit (its output is then don't-care, the first unit's); when no layer uses it
 * (a one-layer network has no hidden activation and no backward pass), `fallback` builds it.
 */
export function perLayerUnit<P>(
  m: Module,
  name: string,
  layer: Expr | undefined,
  params: readonly (P | undefined)[],
  build: (p: P) => Module,
  inputs: Record<string, Expr>,
  output: string,
  fallback: P,
): Expr {
  const keys: string[] = [];
  const units: { readonly key: string; readonly first: number; readonly p: P }[] = [];
  params.forEach((p, k) => {
    if (p === undefined) return;
    const key = JSON.stringify(p);
    keys[k] = key;
    if (!units.some((u) => u.key === key)) units.push({ key, first: k, p });
  });
  const only = units[0] ?? { key: '', first: 0, p: fallback };
  if (units.length <= 1 || !layer) return m.instance(name, build(only.p), inputs).out(output);
  const outs = units.map((u) => m.instance(`${name}_l${u.first + 1}`, build(u.p), inputs).out(output));
  const [first] = outs;
  if (!first) throw new RangeError(`generator bug: no unit for ${name}`);
  const w = m.wire(`${name}_${output}`, first.type);
  w.set(first);
  m.switch(layer, (c) =>
    keys.forEach((key, k) => {
      const out = outs[units.findIndex((u) => u.key === key)];
      if (key !== undefined && key !== only.key && out) c.is(k, () => w.set(out));
    }),
  );
  return w;
}

/** The index of each layer's value among the distinct values (a unit's select input), and the distinct values. */
export function distinctIndex(values: readonly number[]): { readonly distinct: readonly number[]; readonly index: readonly number[] } {
  const distinct = [...new Set(values)];
  return { distinct, index: values.map((v) => distinct.indexOf(v)) };
}
