/**
 * Source locations of the user's TypeScript code, so that every design error and every
 * emitted statement group can point at the line that created it.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export interface SourceLoc {
  readonly file: string;
  readonly line: number;
}

const hdlDir = path.dirname(fileURLToPath(import.meta.url));
const libDir = path.join(hdlDir, 'lib');
/**
 * The taxonn package's root (the repository in a checkout, node_modules/taxonn when installed):
 * the nearest folder above this file with a package.json, whether it runs from src/ or dist/.
 */
export const repoRoot = (() => {
  for (let d = hdlDir; path.dirname(d) !== d; d = path.dirname(d)) if (fs.existsSync(path.join(d, 'package.json'))) return d;
  return path.resolve(hdlDir, '..', '..');
})();

const framePattern = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):\d+\)?$/;

/**
 * The first stack frame outside src/hdl/ (the library itself) and outside node internals:
 * that is the user's line.
 */
export function callerLoc(): SourceLoc | undefined {
  return userFrames(1, callerLoc)[0];
}

/**
 * The user's frames, innermost first (at most `limit`): where a module was built, then who
 * called the generator that built it, and so on. Names a module by its call site when one
 * generator builds several.
 */
export function callerStack(limit = 6): SourceLoc[] {
  return userFrames(limit, callerStack);
}

function userFrames(limit: number, above: (...args: never[]) => unknown): SourceLoc[] {
  const holder: { stack?: string } = {};
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  Error.captureStackTrace(holder, above);
  Error.stackTraceLimit = saved;
  const out: SourceLoc[] = [];
  for (const raw of (holder.stack ?? '').split('\n').slice(1)) {
    const m = framePattern.exec(raw.trim());
    if (!m) continue;
    let file = m[1]!;
    if (file.startsWith('file://')) file = fileURLToPath(file);
    if (file.startsWith('node:') || file.includes('/node_modules/')) continue;
    const abs = path.resolve(file);
    // The library's own frames are skipped, except its standard library of modules (lib/):
    // a FIFO's statements point at the FIFO's lines, and its callers at the user's.
    if (abs.startsWith(hdlDir + path.sep) && !abs.startsWith(libDir + path.sep)) continue;
    out.push({ file: displayPath(file), line: Number(m[2]) });
    if (out.length >= limit) break;
  }
  return out;
}

const rootOfDir = new Map<string, string>();

/**
 * A source path as messages and emitted Verilog show it: relative to the root of the project
 * that holds the file (the nearest folder with a package.json), so the text does not depend on
 * the folder the generator runs from nor on where the project lives.
 */
function displayPath(file: string): string {
  const dir = path.dirname(path.resolve(file));
  let root = rootOfDir.get(dir);
  if (root === undefined) {
    root = dir;
    for (let d = dir; ; d = path.dirname(d)) {
      if (fs.existsSync(path.join(d, 'package.json'))) {
        root = d;
        break;
      }
      if (path.dirname(d) === d) break;
    }
    rootOfDir.set(dir, root);
  }
  return path.relative(root, path.resolve(file)).split(path.sep).join('/');
}

export const formatLoc = (loc: SourceLoc | undefined): string => (loc ? `${loc.file}:${loc.line}` : '<unknown>');
