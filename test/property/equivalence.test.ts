/**
 * Property: for every valid configuration and every sample stream, with or without random
 * stalls, the RTL is lint-clean, synthesises in Yosys without latches, multiple drivers or
 * undriven nets, and is bit-exact against the golden model. fast-check generates
 * the cases (seeded, bounded here; `npm run fuzz -- --minutes M` runs a long campaign) and, on a
 * failure, shrinks to a minimal configuration and stream, printed as an `npx taxonn verify`
 * command. Verilator runs with random initial state (--x-initial unique) and a random seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runTaxonn } from '../support/cli.js';
import { generateAccelerator } from '../../src/flows/rtl/generate.js';
import { stimulusSeed, verify } from '../../src/flows/rtl/verify.js';
import { emitForSim } from '../../src/sim/from-module.js';
import { verilatorLint, yosysSynthCheck } from '../../src/tools/index.js';
import { CLI_STALLS, verifyCaseArb, verifyCommand, type VerifyCase } from '../support/config-arbitrary.js';

async function holds(c: VerifyCase, xSeed: number): Promise<boolean> {
  const { design } = emitForSim(generateAccelerator(c.cfg).top);
  if (!(await verilatorLint(design.files, design.top)).ok) return false;
  // Yosys: synthesises, no latches, and `check -assert` (no multiple drivers, no undriven nets).
  const syn = await yosysSynthCheck(design.files, design.top);
  if (!syn.ok || syn.latches > 0) return false;
  const r = await verify(c.cfg, {
    samples: c.samples,
    seed: stimulusSeed(c.cfg.seed, c.stimulusSeed),
    stallPermille: c.stalls ? CLI_STALLS : 0,
    xRandomSeed: xSeed,
  });
  return r.equivalent;
}

describe('property: RTL ≡ golden model', () => {
  it('holds on random configurations, streams and stalls (6 seeded cases)', async () => {
    const result = await fc.check(
      fc.asyncProperty(verifyCaseArb, fc.integer({ min: 1, max: 0x7fffffff }), (c, x) => holds(c, x)),
      { seed: 20261125, numRuns: 6 },
    );
    if (result.failed) {
      const [c] = result.counterexample as [VerifyCase, number];
      expect.fail(`minimal failing case (after ${result.numShrinks} shrinks): ${verifyCommand(c)}`);
    }
  });

  it('prints a command that replays the very same case', () => {
    const c = fc.sample(verifyCaseArb, { seed: 7, numRuns: 1 })[0]!;
    const cmd = verifyCommand({ ...c, samples: 4 });
    const args = cmd.replace('npx taxonn ', '').split(' ');
    const r = runTaxonn([...args, '--json']);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as { equivalent: boolean; samples: number; config: unknown };
    expect(report.samples).toBe(4);
    expect(report.config).toEqual(c.cfg);
    expect(report.equivalent).toBe(true);
  });
});
