#!/usr/bin/env node
// The `taxonn` command. It runs the compiled CLI (dist/, built by `npm run build` and shipped in
// the package) when that build is newer than every source file; in a checkout with sources newer
// than the build (or no build yet) it runs the TypeScript sources through tsx instead, so an
// edit is never silently ignored. The check stats the source files: a few milliseconds.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'src', 'cli', 'main.js');
const stamp = join(root, 'dist', '.build-stamp');

/** The newest modification time of the files under `dir` (0 when it does not exist). */
function newest(dir) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function builtAndFresh() {
  if (!existsSync(compiled) || !existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  return ['src', 'generators'].every((d) => newest(join(root, d)) <= built);
}

if (builtAndFresh()) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
