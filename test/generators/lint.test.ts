/**
 * Every emitted module of the blocks, at the defaults and at other parameter sets, is clean
 * under verilator --lint-only -Wall (no waivers), compiles with iverilog -g2005, and
 * synthesises in Yosys without latches.
 */
import { describe, expect, it } from 'vitest';
import { defaultBlockParams, defaultBlocks } from '../../generators/blocks/index.js';
import { activation } from '../../generators/blocks/activation.js';
import { pe } from '../../generators/blocks/pe.js';
import { requant } from '../../generators/blocks/requant.js';
import { update } from '../../generators/blocks/update.js';
import { checkGates } from '../../src/flows/rtl/lint.js';
import type { Module } from '../../src/hdl/index.js';
import { emitForSim } from '../../src/sim/from-module.js';

async function expectClean(m: Module) {
  const { design } = emitForSim(m);
  const g = await checkGates(design.files, design.top);
  expect(g.output).toBe('');
  expect([g.verilator, g.iverilog, g.yosys, g.latches]).toEqual([true, true, true, 0]);
}

describe('the three gates', () => {
  for (const [name, m] of Object.entries(defaultBlocks())) {
    it(`default ${name} (${m.name})`, async () => expectClean(m));
  }
  const d = defaultBlockParams();
  it('PE with 4-bit and 16-bit formats', async () => {
    await expectClean(
      pe({ weight: { bits: 4, frac: 3, signed: true }, act: { bits: 4, frac: 2, signed: false }, error: { bits: 4, frac: 3, signed: true }, accBits: 10 }),
    );
    await expectClean(
      pe({
        weight: { bits: 16, frac: 15, signed: true },
        act: { bits: 16, frac: 12, signed: false },
        error: { bits: 16, frac: 14, signed: true },
        accBits: 48,
      }),
    );
  });
  it('requantisation in every rounding mode, signed and unsigned', async () => {
    for (const rounding of ['truncate', 'nearest', 'stochastic'] as const) {
      await expectClean(requant({ ...d.requant, rounding }));
      await expectClean(requant({ ...d.requant, out: { bits: 8, frac: 6, signed: true }, rounding }));
    }
  });
  it('update unit in every rounding mode, with shifts 0 and > 16', async () => {
    for (const rounding of ['truncate', 'nearest', 'stochastic'] as const) {
      await expectClean(update({ ...d.update, rounding }));
    }
    await expectClean(update({ ...d.update, shift: 0 }));
    await expectClean(update({ ...d.update, gradBits: 33, shift: 20 }));
  });
  it('hard-sigmoid activation', async () => {
    await expectClean(activation({ ...d.activation, hidden: 'hardsigmoid' }));
  });
});
