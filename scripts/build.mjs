#!/usr/bin/env node
// The package build (npm run build; prepack runs it): compile src/ and generators/ to dist/ with
// declarations, copy the files the code reads at run time (every templates/ folder under src/:
// the C++ harness, the accelerator's workload driver, the Icarus testbench), and stamp the build
// so bin/taxonn.mjs knows it is newer than the sources. Plain Node, no dependencies.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (tsc.status !== 0) {
  rmSync(dist, { recursive: true, force: true }); // nothing half-built is left to run
  process.exit(tsc.status ?? 1);
}
for (const e of readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true })) {
  if (!e.isDirectory() || e.name !== 'templates') continue;
  const from = join(e.parentPath ?? e.path, e.name);
  cpSync(from, join(dist, relative(root, from)), { recursive: true });
}
writeFileSync(join(dist, '.build-stamp'), `${new Date().toISOString()}\n`);
