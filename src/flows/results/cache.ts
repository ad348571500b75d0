/**
 * The run cache of `npm run results`: one JSON file per run in .cache/results/, named by the
 * run's key (runKey: a readable prefix and a hash of the run parameters), written atomically
 * (src/util/atomic-write.ts), so an interrupted run resumes from the runs that finished and never
 * reads half a file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../hdl/source.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import type { RunResult } from './summary.js';

export const RESULTS_CACHE_DIR = path.join(repoRoot, '.cache', 'results');

export const cachePath = (dir: string, key: string): string => path.join(dir, `${key}.json`);

/** The cached result of `key`, or undefined (missing, unreadable or for another key). */
export function readCachedResult(dir: string, key: string): RunResult | undefined {
  try {
    const r = JSON.parse(fs.readFileSync(cachePath(dir, key), 'utf8')) as RunResult;
    return r && r.key === key && Array.isArray(r.perEpoch) ? r : undefined;
  } catch {
    return undefined;
  }
}

export function writeCachedResult(dir: string, r: RunResult): void {
  writeFileAtomic(cachePath(dir, r.key), `${JSON.stringify(r, null, 1)}\n`);
}
