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
import { expectHolds, rtlEquivalent } from '../support/property.js';
import { runTaxonn } from '../support/cli.js';
import { verifyCaseArb, verifyCommand } from '../support/config-arbitrary.js';

describe('property: RTL ≡ golden model', () => {
  it('holds on random configurations, streams and stalls (6 seeded cases)', async () => {
    await expectHolds(verifyCaseArb, rtlEquivalent, { seed: 20261125, numRuns: 6, command: verifyCommand });
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
