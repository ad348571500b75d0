/** A hand-written, typed testbench of the PE: single steps, as an engineer would poke it. */
import { describe, expect, it } from 'vitest';
import { defaultBlocks } from '../../generators/blocks/index.js';
import { PE_OP } from '../../generators/blocks/pe.js';
import { simulate } from '../../src/sim/from-module.js';
import type * as Pe from '../support/bindings/pe.js';

describe('PE, single-stepped through the typed bindings', () => {
  it('computes a forward dot product, then a backward one, with `first` starting each sum', async () => {
    const sim = await simulate<Pe.Inputs, Pe.Outputs>(defaultBlocks().pe);
    try {
      sim.reset();
      const w = [-2048, 2047, 5, -1];
      const a = [255, 255, 3, 0];
      sim.poke('op', PE_OP.forward);
      sim.poke('en', 1);
      w.forEach((wi, i) => {
        sim.poke('weight', wi);
        sim.poke('act', a[i]!);
        sim.poke('first', i === 0 ? 1 : 0);
        sim.step();
      });
      expect(sim.peek('acc')).toBe(BigInt(w.reduce((s, wi, i) => s + wi * a[i]!, 0)));
      sim.poke('op', PE_OP.backward);
      sim.poke('err', -128);
      sim.poke('weight', -2048);
      sim.poke('first', 1);
      sim.step();
      expect(sim.peek('acc')).toBe(262144n);
      sim.poke('en', 0);
      sim.step(3);
      expect(sim.peek('acc')).toBe(262144n);
      expect(() => sim.poke('weight', 2048)).toThrow(/weight/);
    } finally {
      sim.close();
    }
  });
});
