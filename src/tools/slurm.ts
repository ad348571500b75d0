// Slurm's client commands (sbatch, squeue, scontrol, sacct, sinfo): `taxonn sweep --executor slurm`
// (src/flows/sweep/slurm/). Debian's slurm-wlm on this machine (scripts/slurm-local.sh starts a
// one-node cluster); on a real cluster, the login node's own installation.

import fs from 'node:fs';
import { findTool, run, type FoundTool, type ToolSpec } from './tool.js';

/** No Slurm cluster to talk to (no configuration, the controller does not answer). */
export class SlurmError extends Error {
  override name = 'SlurmError';
}

const spec = (binary: string): ToolSpec => ({
  name: binary,
  binary,
  // `sinfo --version` prints "slurm-wlm 22.05.8" (Debian 12), "slurm 23.02.7" (upstream builds).
  versionArgs: ['--version'],
  versionRegex: /slurm(?:-wlm)?\s+(\d+\.\d+(?:\.\d+)?)/,
  // job arrays with a throttle (--array=0-9%2) and squeue -r: far older; 20.02 is what is tested against
  minVersion: '20.02',
  aptPackage: 'slurm-wlm',
});

export interface SlurmTools {
  readonly sbatch: FoundTool;
  readonly squeue: FoundTool;
  readonly scontrol: FoundTool;
  readonly sinfo: FoundTool;
  /** Absent when sacct is not installed; where there is no accounting database it fails, and is not used. */
  readonly sacct?: FoundTool;
}

/**
 * The client commands, after checking that a cluster answers: a SLURM_CONF naming a missing file
 * would make every command retry for a minute, and no controller would hang each poll.
 * @throws SlurmError, ToolMissingError
 */
export async function slurmTools(): Promise<SlurmTools> {
  const conf = process.env.SLURM_CONF;
  if (conf !== undefined && !fs.existsSync(conf)) {
    throw new SlurmError(`SLURM_CONF names ${conf}, which does not exist (start a local cluster with scripts/slurm-local.sh up)`);
  }
  if (conf === undefined && !fs.existsSync('/etc/slurm/slurm.conf')) {
    throw new SlurmError(
      'no Slurm configuration: SLURM_CONF is not set and /etc/slurm/slurm.conf does not exist (start a local cluster with scripts/slurm-local.sh up)',
    );
  }
  const sinfo = findTool(spec('sinfo'));
  const r = await run(sinfo, ['-h', '-o', '%P %a'], { timeoutMs: 30_000, allowFailure: true });
  if (r.code !== 0) {
    const why = r.stderr.trim().split('\n').pop() || `exit code ${r.code}`;
    throw new SlurmError(`no Slurm controller answers (sinfo: ${why})${conf ? ` for SLURM_CONF=${conf}` : ''}`);
  }
  let sacct: FoundTool | undefined;
  try {
    sacct = findTool(spec('sacct'));
  } catch {
    sacct = undefined;
  }
  return { sbatch: findTool(spec('sbatch')), squeue: findTool(spec('squeue')), scontrol: findTool(spec('scontrol')), sinfo, ...(sacct ? { sacct } : {}) };
}
