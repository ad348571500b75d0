/**
 * The module under construction. Expression operators record their errors on it, so that a
 * mistake anywhere in a module body is collected rather than thrown (one run, all errors).
 */
import { designError, type DesignErrorKind } from './errors.js';
import { callerLoc, type SourceLoc } from './source.js';

export interface ErrorSink {
  readonly name: string;
  record(kind: DesignErrorKind, detail: string, loc?: SourceLoc): void;
}

const stack: ErrorSink[] = [];

export function pushModule(m: ErrorSink): void {
  stack.push(m);
}

export function popModule(): void {
  stack.pop();
}

export function activeModule(): ErrorSink | undefined {
  return stack[stack.length - 1];
}

/** Records the error on the module under construction, or throws it when there is none. */
export function reportError(kind: DesignErrorKind, detail: string, loc: SourceLoc | undefined = callerLoc()): void {
  const m = activeModule();
  if (m) m.record(kind, detail, loc);
  else throw designError(kind, detail, loc);
}
