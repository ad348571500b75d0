/**
 * Writing a file so that no reader, and no interrupted run, ever sees half of it: the text goes
 * to a temporary sibling (the same folder, so the rename stays within one file system), which is
 * then renamed over the target. Every file the project writes for others to read goes through
 * here: generated Verilog and bindings, run caches, sweep records and tables, documents.
 * Imports nothing of the project, so every layer may use it.
 */
import fs from 'node:fs';
import path from 'node:path';

let serial = 0;

/** Writes `text` to `file` atomically, creating its folder if needed. */
export function writeFileAtomic(file: string, text: string): void {
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${serial++}.tmp`);
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
