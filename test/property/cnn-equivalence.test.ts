/**
 * Property: for every valid network with convolution and pooling (the inference variant and the
 * taxonn variant, which trains in RTL: docs/ARCHITECTURE.md §18) and every sample stream, with or
 * without random stalls, the RTL is lint-clean, synthesises in Yosys without latches, predicts
 * what GoldenConvNetwork predicts and holds its weights after every sample (untouched by an
 * inference, updated as the golden model's by a training sample). fast-check draws the cases
 * (seeded, bounded here; `npm run fuzz` draws them among the dense ones) and prints a failing one
 * as the commands that replay it. Verilator runs with random initial state (--x-initial unique).
 */
import { describe, it } from 'vitest';
import { expectHolds, rtlEquivalent } from '../support/property.js';
import { cnnVerifyCaseArb, cnnVerifyCommand } from '../support/cnn-arbitrary.js';

describe('property: RTL ≡ golden model for networks with convolution', () => {
  it('holds on random networks, streams and stalls (8 seeded cases)', async () => {
    await expectHolds(cnnVerifyCaseArb, rtlEquivalent, { seed: 20261207, numRuns: 8, command: cnnVerifyCommand });
  });
});
