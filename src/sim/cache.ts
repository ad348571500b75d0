// Where taxonn keeps what it builds: compiled Verilator models and emitted RTL, reused across
// runs and projects (entries are content-addressed, so sharing them is safe).
//
//   $TAXONN_CACHE_DIR                  if set
//   $XDG_CACHE_HOME/taxonn             else, if XDG_CACHE_HOME is set
//   ~/.cache/taxonn                    else
//
// Never inside node_modules or the project: an installed package stays read-only, and deleting
// the folder only costs the next build its time (docs/SIM.md).

import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export function cacheRoot(): string {
  const own = process.env.TAXONN_CACHE_DIR;
  if (own) return own;
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'taxonn');
}

/** A subfolder of the cache ('verilator' for models, 'rtl' for emitted designs). */
export const cacheDir = (name: string): string => join(cacheRoot(), name);
