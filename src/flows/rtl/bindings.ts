/** Typed port bindings of the default blocks, kept in test/support/bindings/ (checked for staleness by a test). */
import fs from 'node:fs';
import path from 'node:path';
import { defaultBlocks } from '../../../generators/blocks/index.js';
import { writeFiles } from '../../hdl/index.js';
import { emitBindings } from '../../hdl/emit/bindings.js';
import { repoRoot } from '../../hdl/source.js';

export const BINDINGS_DIR = path.join(repoRoot, 'test', 'support', 'bindings');

/** The bindings files as they should be: file name → text. */
export function expectedBindings(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, m] of Object.entries(defaultBlocks())) out.set(`${name}.ts`, emitBindings(m, { regenerate: 'npx taxonn bindings' }));
  return out;
}

/** Writes the bindings; returns the files that changed. */
export function writeBindings(dir = BINDINGS_DIR): string[] {
  const changed: string[] = [];
  const files = [...expectedBindings()].filter(([file, text]) => {
    const p = path.join(dir, file);
    const same = fs.existsSync(p) && fs.readFileSync(p, 'utf8') === text;
    if (!same) changed.push(p);
    return !same;
  });
  writeFiles(
    dir,
    files.map(([file, text]) => ({ file, text })),
  );
  return changed;
}
