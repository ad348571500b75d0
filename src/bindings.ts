/**
 * `taxonn/bindings`: typed TypeScript port bindings for a module (docs/SIM.md), so that a
 * testbench naming a port the module does not have fails to type-check:
 *
 *   import { writeBindings } from 'taxonn/bindings';
 *   writeBindings(fir(), 'src/fir.bindings.ts');
 *   // then: simulate<Inputs, Outputs>(fir())
 *
 * It loads ts-morph (and with it a TypeScript compiler), which is why it is not in the root export.
 */
import fs from 'node:fs';
import { emitBindings } from './hdl/emit/bindings.js';
import type { Module } from './hdl/module.js';
import { writeFileAtomic } from './util/atomic-write.js';

export { emitBindings };

/** Writes the bindings of `m` to `file` (folders created) when they differ; returns true when written. */
export function writeBindings(m: Module, file: string): boolean {
  const text = emitBindings(m);
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) return false;
  writeFileAtomic(file, text);
  return true;
}
