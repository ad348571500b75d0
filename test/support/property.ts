/**
 * The RTL ≡ golden model property over verify cases (either kind of network), and running it
 * seeded with fast-check, failing with the commands that replay the minimal case.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { stimulusSeed, verify } from '../../src/flows/rtl/verify.js';
import { emitForSim } from '../../src/sim/from-module.js';
import { verilatorLint, yosysSynthCheck } from '../../src/tools/index.js';
import { design } from '../../generators/design.js';
import { CLI_STALLS, type VerifyCase } from './config-arbitrary.js';

/**
 * The case's design is lint-clean, synthesises in Yosys (no latches; `check -assert`: no
 * multiple drivers, no undriven nets) and equals the golden model on its stream, Verilator
 * starting from random initial state (--x-initial unique, seed `xSeed`).
 */
export async function rtlEquivalent(c: VerifyCase, xSeed: number): Promise<boolean> {
  const emitted = emitForSim(design(c.cfg)).design;
  if (!(await verilatorLint(emitted.files, emitted.top)).ok) return false;
  const syn = await yosysSynthCheck(emitted.files, emitted.top);
  if (!syn.ok || syn.latches > 0) return false;
  const r = await verify(c.cfg, {
    samples: c.samples,
    seed: stimulusSeed(c.cfg.seed, c.stimulusSeed),
    stallPermille: c.stalls ? CLI_STALLS : 0,
    xRandomSeed: xSeed,
  });
  return r.equivalent;
}

export async function expectHolds(
  cases: fc.Arbitrary<VerifyCase>,
  holds: (c: VerifyCase, xSeed: number) => Promise<boolean>,
  run: { readonly seed: number; readonly numRuns: number; readonly command: (c: VerifyCase) => string },
): Promise<void> {
  const result = await fc.check(
    fc.asyncProperty(cases, fc.integer({ min: 1, max: 0x7fffffff }), (c, x) => holds(c, x)),
    { seed: run.seed, numRuns: run.numRuns },
  );
  if (result.failed) {
    const [c] = result.counterexample as [VerifyCase, number];
    expect.fail(`minimal failing case (after ${result.numShrinks} shrinks): ${run.command(c)}`);
  }
}
