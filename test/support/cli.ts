/** Running `taxonn` (bin/taxonn.mjs) as a child process, as a user would, for CLI tests. */
import { execFile, spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../../src/hdl/source.js';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const bin = path.join(repoRoot, 'bin', 'taxonn.mjs');

export function runTaxonn(args: readonly string[], env?: NodeJS.ProcessEnv): CliResult {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: repoRoot, env: env ?? process.env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same without blocking, so that several can run at once. */
export function runTaxonnAsync(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: repoRoot, env: env ?? process.env, encoding: 'utf8' }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
