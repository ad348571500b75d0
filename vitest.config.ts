import { defineConfig } from 'vitest/config';

// Simulation tests build Verilator models (seconds each on a cold cache): generous timeouts,
// and at most two test files at once on this two-core machine.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
