/** Why a file could not be read, in a few words for a one-line error ("no such file", "it is a directory", "permission denied", or the system's message). */
export function whyUnreadable(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES') return 'permission denied';
  return (e as Error).message?.split('\n')[0] ?? String(e);
}
