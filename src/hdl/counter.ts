/**
 * Counters: the idiom every design repeats (a beat counter, a word index, a timeout), as one
 * call. `counter(m, 'beat', 10, { enable: s.fire })` counts 0..9 while enable is high and
 * tells when it wraps.
 */
import { mux, type Expr, type Signal } from './expr.js';
import type { Module } from './module.js';
import { callerLoc } from './source.js';
import { UInt, clog2 } from './types.js';

export interface CounterOptions {
  /** Count only in cycles where this is high (default: every cycle). */
  enable?: Expr;
  /** Back to 0 in cycles where this is high (it wins over enable: a synchronous clear). */
  clear?: Expr;
}

export interface Counter {
  /** The count, UInt(clog2(modulo)), reset to 0. */
  readonly value: Signal;
  /** value == modulo - 1 */
  readonly last: Expr;
  /** The counter wraps to 0 at the next clock edge: enable & last. */
  readonly wrap: Expr;
}

/** A counter modulo `modulo` (2 or more): 0, 1, …, modulo − 1, 0, … */
export function counter(m: Module, name: string, modulo: number, opts: CounterOptions = {}): Counter {
  if (!Number.isSafeInteger(modulo) || modulo < 2) {
    m.record('usage', `counter '${name}': modulo must be an integer of at least 2, got ${modulo}`, callerLoc());
    modulo = 2;
  }
  const width = clog2(modulo);
  const value = m.reg(name, UInt(width), { init: 0 });
  const last = value.eq(modulo - 1);
  // A power of two wraps by itself; otherwise the last value goes back to 0 explicitly.
  const step = modulo === 2 ** width ? value.inc() : mux(last, 0, value.inc());
  const count = () => (opts.enable ? m.when(opts.enable, () => value.set(step)) : value.set(step));
  if (opts.clear) m.when(opts.clear, () => value.set(0)).otherwise(count);
  else count();
  return { value, last, wrap: opts.enable ? opts.enable.and(last) : last };
}
