/**
 * A whole design → one Verilog file per module, written atomically: every text is produced
 * in memory first (so a design error writes nothing), then each file goes through a temporary
 * name and a rename (src/util/atomic-write.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { elaborate, type Design } from '../elaborate.js';
import type { Module } from '../module.js';
import { emitModule } from './verilog.js';
import { VERSION } from '../version.js';
import { writeFileAtomic } from '../../util/atomic-write.js';

export interface EmittedFile {
  readonly module: Module;
  readonly file: string;
  readonly text: string;
}

/** Elaborates `top` and returns the Verilog text of each module (children first), named per Design.nameOf. */
export function emitDesign(top: Module): { design: Design; files: EmittedFile[] } {
  const design = elaborate(top, (m, nameOf) => stripSource(emitModule(m, { version: VERSION, nameOf })));
  const files = design.modules.map((m) => ({
    module: m,
    file: `${design.nameOf(m)}.v`,
    text: emitModule(m, { version: VERSION, nameOf: design.nameOf }),
  }));
  return { design, files };
}

function stripSource(text: string): string {
  return text.replace(/\/\/.*$/gm, '');
}

/** Writes the files into `dir` (created if needed); each file appears whole or not at all. */
export function writeFiles(dir: string, files: readonly { file: string; text: string }[]): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const f of files) {
    const dest = path.join(dir, f.file);
    writeFileAtomic(dest, f.text);
    written.push(dest);
  }
  return written;
}
