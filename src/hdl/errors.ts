/**
 * One error class per kind of design mistake. Builders record them and keep going, so one
 * run reports every mistake; elaboration throws them together as a DesignErrors.
 */
import { formatLoc, type SourceLoc } from './source.js';

export type DesignErrorKind =
  | 'width'
  | 'type'
  | 'undriven'
  | 'multiple-drivers'
  | 'comb-loop'
  | 'latch'
  | 'cross-module'
  | 'unknown-port'
  | 'name'
  | 'cdc'
  | 'usage';

export class DesignError extends Error {
  constructor(
    readonly kind: DesignErrorKind,
    readonly detail: string,
    readonly loc: SourceLoc | undefined,
    readonly moduleName?: string,
  ) {
    super(`${formatLoc(loc)}: ${kind} error${moduleName ? ` in module ${moduleName}` : ''}: ${detail}`);
    this.name = 'DesignError';
  }
}

export class DesignErrors extends Error {
  constructor(readonly errors: readonly DesignError[]) {
    super(
      `${errors.length} design error${errors.length === 1 ? '' : 's'}:\n` +
        errors.map((e) => `  ${e.message}`).join('\n'),
    );
    this.name = 'DesignErrors';
  }
}
