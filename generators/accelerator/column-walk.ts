/**
 * skipZeroActivations (docs/ARCHITECTURE.md §16): the backward pass of layer l walks only the
 * columns whose activation (of hidden layer l − 1) is non-zero, lowest first. A register holds
 * the columns not walked yet; the next column is its lowest set bit, one-hot, encoded into the
 * column index i and the lane and group of its error (i mod P, i div P) by constant OR trees, so
 * P need not be a power of two (no divider).
 */
import { Bool, UInt, cat, lit, mux, type Expr, type Module } from '../../src/hdl/index.js';
import type { Plan } from './plan.js';
import type { LayerTables } from './tables.js';

export interface ColumnWalk {
  /** A column is left to walk (in the loading cycle: the layer has one). */
  readonly any: Expr;
  /** The next column: its index i, and the lane and group of its error in the layer below. */
  readonly col: Expr;
  readonly lane: Expr;
  readonly group: Expr;
  /** Take the next column off the walk (in the loading cycle, the layer's columns are loaded first). */
  readonly take: () => void;
}

/** The one-hot `hot`'s position j encoded as f(j), `width` bits: bit b is the OR of the positions whose f has bit b. */
function encode(m: Module, name: string, hot: Expr, width: number, f: (j: number) => number): Expr {
  const bits: Expr[] = [];
  for (let b = 0; b < width; b++) {
    const terms: Expr[] = [];
    for (let j = 0; j < hot.width; j++) if ((f(j) >> b) & 1) terms.push(hot.bit(j));
    bits.push(terms.length ? terms.reduce((x, y) => x.or(y)) : lit(0, Bool));
  }
  return m.wire(name, cat(...bits.reverse()));
}

/**
 * The walk over the current layer's columns: `actNonZero` is the drain's bit per activation-buffer
 * word; `loading` the cycle that starts a layer's walk (bwd_init).
 */
export function columnWalk(m: Module, plan: Plan, tables: LayerTables, actNonZero: Expr, loading: Expr): ColumnWalk {
  const { P, bits, sizes } = plan;
  const walked = sizes.layers.filter((l) => l.index >= 1);
  const width = Math.max(...walked.map((l) => l.nIn));
  // layer l's columns: the bits of hidden layer l − 1's activations
  const bitsOf = (l: (typeof walked)[number]) => {
    const s = actNonZero.slice(l.inActBase + l.nIn - 1, l.inActBase);
    return l.nIn < width ? s.zext(width) : s;
  };
  const first = walked[0];
  if (!first) throw new RangeError('columnWalk: the network has no hidden layer');
  const layerBits = walked.slice(1).reduce<Expr>((sel, l) => mux(tables.layer.eq(l.index), bitsOf(l), sel), bitsOf(first));
  const rem = m.reg('walk_rem', UInt(width), { init: 0 });
  const src = m.wire('walk_src', mux(loading, layerBits, rem));
  const lowest = m.wire('walk_next', src.and(src.not().inc().truncate(width)));
  return {
    any: m.wire('walk_any', src.orR()),
    col: encode(m, 'walk_col', lowest, bits.column, (j) => j),
    lane: encode(m, 'walk_lane', lowest, bits.lane, (j) => j % P),
    group: encode(m, 'walk_grp', lowest, bits.errorAddr, (j) => Math.floor(j / P)),
    take: () => rem.set(src.and(lowest.not())),
  };
}
