/**
 * Per-layer number formats and learning rates (docs/CONFIG.md "Per-layer formats"): `weight`,
 * `act`, `error` and `lrShift` are each given once for every weight layer or as a list with one
 * entry per weight layer. This file reads them per layer and derives each layer's shifts
 * (docs/ARCHITECTURE.md §1). Pure arithmetic: the schema's cross-field checks use it before a
 * Config exists, so it takes the raw fields.
 *
 * Entry k is the document's layer l = k + 1: weight[k] its weights, act[k] its inputs a_{l-1}
 * (act[0] is the sample's format), error[k] its output errors e_l, lrShift[k] its learning rate.
 */
import type { Format, PerLayer } from './schema.js';

/** Entry k of a per-layer value (the value itself when it is given once). */
export function entryOf<T>(v: PerLayer<T>, k: number): T {
  if (!Array.isArray(v)) return v as T;
  const list = v as readonly T[];
  const x = list[k];
  if (x === undefined) throw new RangeError(`per-layer value: no entry ${k} in a list of ${list.length}`);
  return x;
}

/** The value for every one of `n` layers. */
export const entriesOf = <T>(v: PerLayer<T>, n: number): readonly T[] => Array.from({ length: n }, (_, k) => entryOf(v, k));

/** The storage width of a format field: every layer's entry has the same bits. */
export const bitsOf = (v: PerLayer<Format>): number => entryOf(v, 0).bits;

/** The fields that may be given per layer. */
export const PER_LAYER_FIELDS = ['weight', 'act', 'error', 'lrShift'] as const;

export interface ArithmeticFields {
  readonly layers: readonly number[];
  readonly weight: PerLayer<Format>;
  readonly act: PerLayer<Format>;
  readonly error: PerLayer<Format>;
  readonly lrShift: PerLayer<number>;
  readonly hidden: string;
}

/** The arithmetic of one weight layer l = index + 1 (docs/ARCHITECTURE.md §1). */
export interface LayerArithmetic {
  readonly index: number;
  readonly weight: Format;
  /** Its inputs a_{l-1}. */
  readonly act: Format;
  /** Its output errors e_l. */
  readonly error: Format;
  readonly lrShift: number;
  /** Wf + Af: the fraction bits of its sums z_l (and of its output target 1.0). */
  readonly zFrac: number;
  /** Hidden layers: the format of its outputs a_l (the next layer's act); undefined for the output layer. */
  readonly outAct?: Format;
  /** Hidden layers: the activation's right shift Wf + Af − Af_l (≥ 0 in a valid configuration). */
  readonly activationShift?: number;
  /** Layers l ≥ 2: the format of the errors e_{l-1} its backward pass writes. */
  readonly lowerError?: Format;
  /** Wf + Ef (+ 2 for hard-sigmoid's derivative 1/4): the fraction bits of its backward sums (layers l ≥ 2 have them). */
  readonly backwardFrac: number;
  /** Layers l ≥ 2: the backward requantisation's right shift backwardFrac − Ef_{l-1} (≥ 0 in a valid configuration). */
  readonly backwardShift?: number;
  /** S = Ef + Af + k − Wf: the update's right shift (≥ 0 in a valid configuration). */
  readonly updateShift: number;
}

/** Hard-sigmoid's derivative 1/4: two more fraction bits in the backward sum. */
export const derivativeShift = (hidden: string): number => (hidden === 'hardsigmoid' ? 2 : 0);

/** Every weight layer's formats and shifts (the fields must have one entry per layer where they are lists). */
export function layerArithmetic(f: ArithmeticFields): readonly LayerArithmetic[] {
  const L = f.layers.length - 1;
  const d = derivativeShift(f.hidden);
  const out: LayerArithmetic[] = [];
  for (let k = 0; k < L; k++) {
    const weight = entryOf(f.weight, k);
    const act = entryOf(f.act, k);
    const error = entryOf(f.error, k);
    const lrShift = entryOf(f.lrShift, k);
    const zFrac = weight.frac + act.frac;
    const outAct = k < L - 1 ? entryOf(f.act, k + 1) : undefined;
    const lowerError = k > 0 ? entryOf(f.error, k - 1) : undefined;
    const backwardFrac = weight.frac + error.frac + d;
    out.push(
      Object.freeze({
        index: k,
        weight,
        act,
        error,
        lrShift,
        zFrac,
        ...(outAct ? { outAct, activationShift: zFrac - outAct.frac } : {}),
        backwardFrac,
        ...(lowerError ? { lowerError, backwardShift: backwardFrac - lowerError.frac } : {}),
        updateShift: error.frac + act.frac + lrShift - weight.frac,
      }),
    );
  }
  return Object.freeze(out);
}

/** Whether any of the per-layer fields differs between layers (a list whose entries are all equal does not). */
export function hasPerLayerArithmetic(f: Pick<ArithmeticFields, 'weight' | 'act' | 'error' | 'lrShift'>): boolean {
  return PER_LAYER_FIELDS.some((name) => {
    const v = f[name] as PerLayer<unknown>;
    if (!Array.isArray(v)) return false;
    const first = JSON.stringify(v[0]);
    return v.some((x) => JSON.stringify(x) !== first);
  });
}

/** `s8q7` or `s8q[8,7]`: a format field as text, per layer where it differs. */
export function formatFieldText(v: PerLayer<Format>, signed: boolean): string {
  const sign = signed ? 's' : 'u';
  if (!Array.isArray(v)) return `${sign}${(v as Format).bits}q${(v as Format).frac}`;
  const list = v as readonly Format[];
  const fracs = list.map((x) => x.frac);
  const head = list[0] ?? { bits: 0, frac: 0 };
  return fracs.every((x) => x === head.frac) ? `${sign}${head.bits}q${head.frac}` : `${sign}${head.bits}q[${fracs.join(',')}]`;
}

/** `6` or `[6,7]`. */
export function lrShiftText(v: PerLayer<number>): string {
  if (!Array.isArray(v)) return String(v);
  const list = v as readonly number[];
  return list.every((x) => x === list[0]) ? String(list[0]) : `[${list.join(',')}]`;
}
