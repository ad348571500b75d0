/**
 * Source locations of the user's TypeScript code, so that every design error and every
 * emitted statement group can point at the line that created it.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export interface SourceLoc {
  readonly file: string;
  readonly line: number;
}

const hdlDir = path.dirname(fileURLToPath(import.meta.url));
/** Repository root: paths in messages and in emitted Verilog are relative to it, for determinism. */
export const repoRoot = path.resolve(hdlDir, '..', '..');

const framePattern = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):\d+\)?$/;

/**
 * The first stack frame outside src/hdl/ (the library itself) and outside node internals:
 * that is the user's line.
 */
export function callerLoc(): SourceLoc | undefined {
  const holder: { stack?: string } = {};
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = 30;
  Error.captureStackTrace(holder, callerLoc);
  Error.stackTraceLimit = saved;
  const lines = (holder.stack ?? '').split('\n').slice(1);
  for (const raw of lines) {
    const m = framePattern.exec(raw.trim());
    if (!m) continue;
    let file = m[1]!;
    if (file.startsWith('file://')) file = fileURLToPath(file);
    if (file.startsWith('node:') || file.includes('/node_modules/')) continue;
    if (path.resolve(file).startsWith(hdlDir + path.sep)) continue;
    const rel = path.relative(repoRoot, file);
    return { file: rel.startsWith('..') ? file : rel, line: Number(m[2]) };
  }
  return undefined;
}

export const formatLoc = (loc: SourceLoc | undefined): string => (loc ? `${loc.file}:${loc.line}` : '<unknown>');
