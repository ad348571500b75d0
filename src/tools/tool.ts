// Finding and running external EDA tools (verilator, iverilog, yosys).
//
// Why: every flow shells out to tools installed from Debian packages. When one
// is missing or too old we want a single actionable line, not an ENOENT stack
// trace from deep inside a build; and when one fails we want the command line
// and the tail of its stderr, not 10 000 lines of log.

import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, readdirSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface ToolSpec {
  /** Human name used in messages, e.g. "verilator". */
  name: string;
  /** Executable to look up on PATH. */
  binary: string;
  /** Arguments that make the tool print its version (stdout or stderr). */
  versionArgs: string[];
  /** First capture group is the dotted version number. */
  versionRegex: RegExp;
  /** Oldest accepted version, dotted numbers compared numerically ("5.0" <= "5.006"). */
  minVersion: string;
  /** Debian package that provides the tool (for the install hint). */
  aptPackage: string;
}

export interface FoundTool {
  name: string;
  /** Absolute path of the executable. */
  path: string;
  /** Version as printed by the tool, e.g. "5.006". */
  version: string;
}

function installHint(spec: ToolSpec): string {
  return `run \`make setup\` (or: sudo apt-get install -y ${spec.aptPackage})`;
}

/** The tool's executable is not on PATH (or its version could not be read). */
export class ToolMissingError extends Error {
  constructor(
    readonly tool: string,
    detail: string,
  ) {
    super(detail);
    this.name = 'ToolMissingError';
  }
}

/** The tool was found but is older than the project needs. */
export class ToolVersionError extends Error {
  constructor(
    readonly tool: string,
    readonly found: string,
    readonly required: string,
    hint: string,
  ) {
    super(`${tool} ${found} is too old: version >= ${required} is required: ${hint}`);
    this.name = 'ToolVersionError';
  }
}

/** A tool ran but exited non-zero (or timed out). */
export class ToolFailedError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stdout: string,
    readonly stderr: string,
    reason: string,
  ) {
    const tail = lastLines(stderr.trim() || stdout.trim(), 20);
    super(`${reason}: ${command}${tail ? `\n${tail}` : ''}`);
    this.name = 'ToolFailedError';
  }
}

export function lastLines(text: string, n: number): string {
  const lines = text.split('\n');
  return lines.slice(Math.max(0, lines.length - n)).join('\n');
}

/** Compare dotted versions numerically: "5.006" vs "5.0" -> 1. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** First executable file called `binary` on PATH, or undefined. */
export function whichSync(binary: string): string | undefined {
  if (binary.includes('/')) return isExecutable(binary) ? binary : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, binary);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

// One lookup per tool per process: the version check spawns the tool, and
// flows call findTool() before every run.
const cache = new Map<string, FoundTool>();

/**
 * Find a tool on PATH and check its version. Synchronous (it is a one-off
 * ~10 ms spawn, then cached), so it can be called from anywhere.
 * @throws ToolMissingError if not on PATH or the version is unreadable
 * @throws ToolVersionError if older than spec.minVersion
 */
export function findTool(spec: ToolSpec): FoundTool {
  const key = `${spec.binary}\0${spec.minVersion}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const path = whichSync(spec.binary);
  if (!path) {
    throw new ToolMissingError(spec.name, `${spec.name} not found on PATH: ${installHint(spec)}`);
  }
  const res = spawnSync(path, spec.versionArgs, { encoding: 'utf8', timeout: 30_000 });
  const m = spec.versionRegex.exec(`${res.stdout ?? ''}\n${res.stderr ?? ''}`);
  if (!m?.[1]) {
    throw new ToolMissingError(
      spec.name,
      `${spec.name} at ${path} did not report a version (\`${spec.binary} ${spec.versionArgs.join(' ')}\`): ${installHint(spec)}`,
    );
  }
  const version = m[1];
  if (compareVersions(version, spec.minVersion) < 0) {
    throw new ToolVersionError(spec.name, version, spec.minVersion, installHint(spec));
  }
  const found: FoundTool = { name: spec.name, path, version };
  cache.set(key, found);
  return found;
}

export interface RunOptions {
  cwd?: string;
  /** Kill the tool after this long (default: 10 minutes). */
  timeoutMs?: number;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Return normally on a non-zero exit instead of throwing ToolFailedError. */
  allowFailure?: boolean;
}

export interface RunResult {
  /** Exit code (null if killed by a signal). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Shell-style rendering of the command, for messages. */
  command: string;
}

/** Quote an argument for display in a message (not for execution). */
function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Kills the descendants of `pid` (Linux: from /proc). A tool's own children (Yosys runs ABC
 * through `sh -c`) would otherwise outlive a timeout, keep its output pipes open, and the run
 * would not end until they do.
 */
function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return; // not Linux: the child alone is killed
  }
  const children = new Map<number, number[]>();
  for (const e of entries) {
    try {
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(e)]);
    } catch {
      /* the process ended meanwhile */
    }
  }
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      walk(c);
      try {
        process.kill(c, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  };
  walk(pid);
}

/**
 * Run a tool, capturing stdout and stderr.
 * @throws ToolFailedError on a non-zero exit (unless allowFailure), a signal or a timeout
 */
export function run(tool: FoundTool, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const command = [tool.path, ...args].map(shellQuote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(tool.path, args, {
      cwd: opts.cwd,
      env: opts.env ? { ...process.env, ...opts.env } : process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(child.pid);
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 600_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new ToolFailedError(command, null, '', String(e), `${tool.name} could not be started`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (timedOut) {
        reject(new ToolFailedError(command, code, stdout, stderr, `${tool.name} timed out after ${opts.timeoutMs ?? 600_000} ms`));
      } else if (signal) {
        reject(new ToolFailedError(command, code, stdout, stderr, `${tool.name} was killed by ${signal}`));
      } else if (code !== 0 && !opts.allowFailure) {
        reject(new ToolFailedError(command, code, stdout, stderr, `${tool.name} failed (exit ${code})`));
      } else {
        resolve({ code, stdout, stderr, command });
      }
    });
  });
}
