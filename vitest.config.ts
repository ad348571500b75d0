import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (f: string) => fileURLToPath(new URL(`./src/${f}`, import.meta.url));

// Simulation tests build Verilator models (seconds each on a cold cache): generous timeouts,
// and at most two test files at once on this two-core machine.
export default defineConfig({
  // The examples import 'taxonn' as a user's project does (tsconfig.json's paths, for tsc and tsx).
  resolve: {
    alias: [
      { find: /^taxonn$/, replacement: src('index.ts') },
      { find: /^taxonn\/accelerator$/, replacement: src('accelerator.ts') },
      { find: /^taxonn\/model$/, replacement: src('model/index.ts') },
      { find: /^taxonn\/config$/, replacement: src('config/index.ts') },
      { find: /^taxonn\/bindings$/, replacement: src('bindings.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
