/**
 * Clock gates of a network with convolution (docs/ARCHITECTURE.md §15 and §18 "Energy"): on an
 * ASIC target the registers of a group that is idle in most cycles run in a gated domain of the
 * library (m.gated), whose enable is 1 in every cycle where one of them changes; elsewhere (the
 * FPGA) in the default domain, with the same values.
 */
import type { Expr, Module, Signal } from '../../src/hdl/index.js';

/**
 * The registers `make` builds, in a gated domain of `enable` (an ASIC target: the caller assigns
 * the wire once what it depends on exists) or, without an enable, in the current domain. They must
 * change only in cycles where the enable is 1 (m.gated).
 */
export function inGated<R>(m: Module, name: string, enable: Signal | undefined, make: () => R): R {
  if (!enable) return make();
  let regs: R | undefined;
  m.gated(name, enable, () => {
    regs = make();
  });
  if (regs === undefined) throw new RangeError('generator bug: a gated body made no registers');
  return regs;
}

/** A register that takes `e` in the cycles of `when` and holds it otherwise (a pipeline field that moves with its issue). */
export function held(m: Module, name: string, e: Expr, when: Expr): Signal {
  const r = m.reg(name, e.type);
  m.when(when, () => r.set(e));
  return r;
}
