// Verilator's warnings and errors, pointed back at the TypeScript that made the Verilog.
//
// Why: a warning in a generated file is a bug in the design or in the generator, and the
// Verilog line alone does not say which TS line to look at. Every statement group taxonn emits
// carries a `// file.ts:line` comment, so the nearest such comment at or above the warning's
// line names the TS line that made it.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ToolFailedError } from '../tools/tool.js';

/** One `%Warning-CODE: file:line:col: message` (or %Error) line of Verilator's output. */
export interface VerilatorDiagnostic {
  readonly severity: 'warning' | 'error';
  /** WIDTH, UNUSEDSIGNAL, … (empty for plain errors). */
  readonly code: string;
  readonly file: string;
  readonly line: number;
  readonly message: string;
  /** The TS line that emitted the Verilog line, when the file is taxonn's. */
  readonly source: string | undefined;
}

const DIAGNOSTIC = /^%(Warning|Error)(?:-([A-Z0-9_]+))?: ([^:\s]+\.s?v):(\d+):(?:\d+:)?\s*(.*)$/;
const SOURCE_COMMENT = /\/\/ ([^\s:]+\.[cm]?[jt]s):(\d+)\b/;

/** The diagnostics in Verilator's output that name a file and line. */
export function parseVerilatorOutput(output: string): VerilatorDiagnostic[] {
  const out: VerilatorDiagnostic[] = [];
  const texts = new Map<string, string[] | undefined>();
  for (const raw of output.split('\n')) {
    const m = DIAGNOSTIC.exec(raw.trim());
    if (!m) continue;
    const file = m[3]!;
    if (!texts.has(file)) texts.set(file, readLines(file));
    const line = Number(m[4]);
    out.push({
      severity: m[1] === 'Warning' ? 'warning' : 'error',
      code: m[2] ?? '',
      file,
      line,
      message: m[5]!.trim(),
      source: sourceOf(texts.get(file), line),
    });
  }
  return out;
}

function readLines(file: string): string[] | undefined {
  try {
    return readFileSync(file, 'utf8').split('\n');
  } catch {
    return undefined;
  }
}

/** The `// file.ts:line` comment on the line or on the nearest line above it. */
function sourceOf(lines: string[] | undefined, line: number): string | undefined {
  if (!lines) return undefined;
  for (let i = Math.min(line, lines.length) - 1; i >= 0; i--) {
    const m = SOURCE_COMMENT.exec(lines[i]!);
    if (m) return `${m[1]}:${m[2]}`;
  }
  return undefined;
}

/** Verilator rejected a design: each problem with its Verilog line and the TS line behind it. */
export class VerilatorError extends Error {
  override name = 'VerilatorError';
  constructor(
    readonly top: string,
    readonly diagnostics: readonly VerilatorDiagnostic[],
    readonly command: string,
  ) {
    const n = diagnostics.length;
    super(
      `verilator rejected ${top} (${n} problem${n === 1 ? '' : 's'}):\n` +
        diagnostics
          .map((d) => `  ${basename(d.file)}:${d.line}: ${d.code || d.severity}: ${d.message}${d.source ? ` (emitted by ${d.source})` : ''}`)
          .join('\n'),
    );
  }
}

/** Runs `f`; a Verilator failure that names Verilog lines becomes a VerilatorError. */
export async function explainVerilatorFailure<T>(top: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof ToolFailedError) {
      const diagnostics = parseVerilatorOutput(`${e.stdout}\n${e.stderr}`);
      if (diagnostics.length) throw new VerilatorError(top, diagnostics, e.command);
    }
    throw e;
  }
}
