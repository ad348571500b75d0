/**
 * Command-line papercuts, fixed before yargs sees the arguments or after it complains:
 * - a negative value after a flag (`--weight -10:9`, `--lr-shift -1`) reaches the flag (and its
 *   check) instead of being read as more flags;
 * - an unknown flag is reported with the nearest known one.
 */
/** `--flag -10:9` → `--flag=-10:9`: a token that starts with '-' and a digit is a value. */
export function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (/^--[A-Za-z][\w.-]*$/.test(a) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** yargs' "Unknown argument(s): x, y" with "(did you mean --z?)" where a known flag is close. */
export function suggestFlags(msg: string, usage: unknown, command: string | undefined): string {
  if (/^Did you mean /.test(msg)) return `unknown command '${command}': ${msg.replace(/^Did/, 'did')}`;
  const m = /^Unknown arguments?: (.+)$/.exec(msg);
  const described = (usage as { getDescriptions?: () => Record<string, unknown> } | undefined)?.getDescriptions?.();
  if (!m || !described) return msg;
  const known = Object.keys(described).filter((k) => k.length > 1 && !/[A-Z]/.test(k));
  const parts = m[1]!.split(', ').map((bad) => {
    const best = nearest(bad, known);
    const flag = bad.length > 1 ? `--${bad}` : `-${bad}`;
    return best ? `${flag} (did you mean --${best}?)` : flag;
  });
  return `unknown ${parts.length === 1 ? 'flag' : 'flags'} ${parts.join(', ')}; see --help`;
}

/** The known name closest to `s` (edit distance at most a third of its length, at least 1), if any. */
export function nearest(s: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(1, Math.floor(s.length / 3)) + 1;
  for (const k of known) {
    const d = distance(s, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}
