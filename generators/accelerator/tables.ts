/** Small helpers for the controller: per-layer constant tables and delay lines. */
import { UInt, type Expr, type Module, type Signal } from '../../src/hdl/index.js';

/**
 * A per-layer constant looked up by the layer register: a case statement (or a plain constant
 * when every layer has the same value).
 */
export function layerTable(m: Module, name: string, layer: Expr, values: readonly number[], width: number): Signal {
  const w = m.wire(name, UInt(width));
  if (values.every((v) => v === values[0])) {
    m.assign(w, values[0]!);
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
