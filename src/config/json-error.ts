/**
 * Where and why a text stops being JSON, for one-line messages ("unexpected '}' (expected a
 * value) at line 3, column 1"): V8's own message does not always give a position. The parsing is
 * jsonc-parser's (Microsoft's JSON scanner and parser, strict: no comments, no trailing commas);
 * this file keeps the parser's state while it visits the text, so the first error can say what
 * was expected there, and finds the character at fault inside a bad string or number token.
 * `readJsonFile` reads a JSON file with these messages (configurations and sweep grids).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as JsoncParser from 'jsonc-parser';
import { whyUnreadable } from '../util/why-unreadable.js';

/**
 * jsonc-parser, loaded on the first malformed file only: every command imports src/config, and
 * the parser is needed only to explain a syntax error (BENCHMARKS.md: modules a process loads
 * without using them measurably slowed the golden model's loops).
 */
let jsonc: typeof JsoncParser | undefined;
const parser = (): typeof JsoncParser => (jsonc ??= createRequire(import.meta.url)('jsonc-parser') as typeof JsoncParser);

/** How a JSON file could not be used, for the caller's own one-line error. */
export type JsonFileProblem =
  /** The file could not be read: "no such file", "it is a directory", "permission denied", or the system's message. */
  | { readonly kind: 'unreadable'; readonly why: string }
  /** The text is not JSON: why and where ("unexpected '}' (expected a value) at line 3, column 1"), and the offset when known. */
  | { readonly kind: 'invalid'; readonly why: string; readonly pos?: number };

/**
 * Reads a JSON file (a leading byte-order mark is ignored): its value, or the error `fail` makes
 * of the problem, thrown. The configuration loader and the sweep's grid reader share it.
 */
export function readJsonFile(file: string, fail: (problem: JsonFileProblem) => Error): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw fail({ kind: 'unreadable', why: whyUnreadable(e) });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch (e) {
    const at = jsonErrorAt(text);
    if (!at) throw fail({ kind: 'invalid', why: (e as Error).message.split('\n')[0] ?? '' });
    throw fail({ kind: 'invalid', why: `${at.reason} at line ${at.line}, column ${at.column}`, pos: at.pos });
  }
}

export interface JsonErrorAt {
  /** Offset of the character at fault (the text's length: its end). */
  readonly pos: number;
  /** 1-based line and column of `pos`. */
  readonly line: number;
  readonly column: number;
  /** e.g. "unexpected '}' (expected a value)", "a trailing comma before ']'". */
  readonly reason: string;
}

/** What the parser wants next: a value, a property name, a colon, a comma (or the container's end), the end of the text. */
type Expect = 'value' | 'name' | 'colon' | 'comma' | 'end';

interface FirstError {
  readonly code: JsoncParser.ParseErrorCode;
  readonly offset: number;
  readonly length: number;
  readonly expect: Expect;
  /** The innermost open container. */
  readonly inside: '{' | '[' | undefined;
}

/** Where (and why) `text` stops being JSON; undefined when it is JSON. */
export function jsonErrorAt(text: string): JsonErrorAt | undefined {
  const first = firstError(text);
  if (!first) return undefined;
  const { pos, reason } = describe(text, first);
  return { pos, reason, ...lineColumn(text, pos) };
}

/** The parser's first error, with what it expected there. */
function firstError(text: string): FirstError | undefined {
  const stack: ('{' | '[')[] = [];
  let expect: Expect = 'value';
  let first: FirstError | undefined;
  const valueDone = () => {
    expect = stack.length ? 'comma' : 'end';
  };
  // A container's end at the end of the text is the parser giving up on a missing '}' or ']'.
  const close = (_offset: number, length: number) => {
    if (length === 0) return;
    stack.pop();
    valueDone();
  };
  try {
    parser().visit(
      text,
      {
        onObjectBegin: () => {
          stack.push('{');
          expect = 'name';
        },
        onObjectProperty: () => {
          expect = 'colon';
        },
        onObjectEnd: close,
        onArrayBegin: () => {
          stack.push('[');
          expect = 'value';
        },
        onArrayEnd: close,
        onLiteralValue: valueDone,
        onSeparator: (c) => {
          expect = c === ':' || stack.at(-1) === '[' ? 'value' : 'name';
        },
        onError: (code, offset, length) => {
          first ??= { code, offset, length, expect, inside: stack.at(-1) };
        },
      },
      { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
    );
  } catch (e) {
    if (e instanceof RangeError) return undefined; // nested too deep for the parser's recursion
    throw e;
  }
  return first;
}

const EXPECTED: Readonly<Record<Exclude<Expect, 'comma'>, string>> = {
  value: 'a value',
  name: 'a double-quoted property name',
  colon: "':'",
  end: 'the end of the file after the value',
};

/** What may follow a value inside `inside` (or at the top). */
const afterValue = (inside: '{' | '[' | undefined): string => (inside === '{' ? "',' or '}'" : inside === '[' ? "',' or ']'" : EXPECTED.end);

const unexpected = (text: string, pos: number, expected: string) =>
  pos >= text.length ? `unexpected end of file (expected ${expected})` : `unexpected '${text[pos]}' (expected ${expected})`;

/** The character at fault and the reason, from the parser's error and state. */
function describe(text: string, e: FirstError): { pos: number; reason: string } {
  const expected = e.expect === 'comma' ? afterValue(e.inside) : EXPECTED[e.expect];
  // jsonc-parser reports a bad string or number token as it scans it, before it finds that the
  // token does not belong there at all; only where one may stand is the fault inside it.
  const { ParseErrorCode } = parser();
  switch (e.code) {
    case ParseErrorCode.InvalidCharacter:
    case ParseErrorCode.InvalidEscapeCharacter:
    case ParseErrorCode.InvalidUnicode:
    case ParseErrorCode.UnexpectedEndOfString:
      if (e.expect === 'value' || e.expect === 'name') return stringFault(text, e.offset);
      break;
    case ParseErrorCode.UnexpectedEndOfNumber:
    case ParseErrorCode.InvalidNumberFormat:
      if (e.expect === 'value') return numberFault(text, e.offset, e.length, e.inside);
      break;
  }
  const c = text[e.offset];
  if ((c === '}' && e.expect === 'name') || (c === ']' && e.expect === 'value' && e.inside === '['))
    return { pos: e.offset, reason: `a trailing comma before '${c}'` };
  const literal = e.expect === 'value' ? literalFault(text, e.offset, e.length, e.inside) : undefined;
  return literal ?? { pos: e.offset, reason: unexpected(text, e.offset, expected) };
}

/** A number token that is not a JSON number: the longest number it starts with is the value, what follows is the fault. */
function numberFault(text: string, offset: number, length: number, inside: '{' | '[' | undefined): { pos: number; reason: string } {
  const pos = offset + (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(offset, offset + length))?.[0].length ?? 0);
  return { pos, reason: unexpected(text, pos, pos === offset ? 'a value' : afterValue(inside)) };
}

/** A misspelt true, false or null (or one run into the next word): where it goes wrong. */
function literalFault(text: string, offset: number, length: number, inside: '{' | '[' | undefined): { pos: number; reason: string } | undefined {
  const word = ['true', 'false', 'null'].find((w) => w[0] === text[offset]);
  if (!word || length === 0) return undefined;
  let i = 0;
  while (i < word.length && text[offset + i] === word[i]) i++;
  return { pos: offset + i, reason: unexpected(text, offset + i, i === word.length ? afterValue(inside) : `"${word}"`) };
}

/** The first fault inside the string token at `start` (its opening quote). */
function stringFault(text: string, start: number): { pos: number; reason: string } {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) break;
    if (c < 0x20) return { pos: i, reason: 'a control character (e.g. a line break) inside a string' };
    if (c !== 0x5c) continue;
    const esc = text[++i];
    if (esc === 'u') {
      for (let k = 1; k <= 4; k++) if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) return { pos: i + k, reason: 'a bad \\u escape in a string' };
      i += 4;
    } else if (esc === undefined || !'"\\/bfnrt'.includes(esc)) {
      return { pos: i, reason: `a bad escape '\\${esc ?? ''}' in a string` };
    }
  }
  return { pos: text.length, reason: unexpected(text, text.length, "a closing '\"'") };
}

function lineColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      start = i + 1;
    }
  }
  return { line, column: pos - start + 1 };
}
