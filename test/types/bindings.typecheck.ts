/**
 * Checked by `tsc --noEmit` (part of `make test`), never run: a testbench typed with the
 * generated bindings cannot name a port that does not exist, or poke an output.
 */
import type { Simulator } from '../../src/sim/index.js';
import type * as Pe from '../support/bindings/pe.js';

export function typedTestbench(sim: Simulator<Pe.Inputs, Pe.Outputs>): bigint {
  sim.poke('weight', 3);
  sim.poke('act', 5);
  // @ts-expect-error 'wieght' is not a port of the PE
  sim.poke('wieght', 3);
  // @ts-expect-error 'acc' is an output: it cannot be poked
  sim.poke('acc', 0);
  // @ts-expect-error 'accumulator' is not a port of the PE
  sim.peek('accumulator');
  return sim.peek('acc');
}
