/**
 * One error class per kind of design mistake (WidthError, LatchError, …, all DesignErrors with
 * their `kind`). Builders record them and keep going, so one run reports every mistake;
 * elaboration throws them together as a DesignErrors.
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

type KindError = new (detail: string, loc: SourceLoc | undefined, moduleName?: string) => DesignError;

const kindError = (kind: DesignErrorKind, name: string): KindError =>
  class extends DesignError {
    constructor(detail: string, loc: SourceLoc | undefined, moduleName?: string) {
      super(kind, detail, loc, moduleName);
      this.name = name;
    }
  };

/** A value does not fit, or two widths disagree. */
export const WidthError = kindError('width', 'WidthError');
/** Signed where unsigned is needed, a shape where a type is, and the like. */
export const HdlTypeError = kindError('type', 'HdlTypeError');
/** A signal or output nobody drives. */
export const UndrivenError = kindError('undriven', 'UndrivenError');
export const MultipleDriversError = kindError('multiple-drivers', 'MultipleDriversError');
export const CombLoopError = kindError('comb-loop', 'CombLoopError');
/** A combinational signal not assigned on every path. */
export const LatchError = kindError('latch', 'LatchError');
/** A signal of one module used in another. */
export const CrossModuleError = kindError('cross-module', 'CrossModuleError');
export const UnknownPortError = kindError('unknown-port', 'UnknownPortError');
/** An invalid name, or two things (modules, signals) with one name. */
export const NamingError = kindError('name', 'NamingError');
/** A clock-domain crossing without a synchroniser. */
export const CdcError = kindError('cdc', 'CdcError');
/** The library used in a way it does not support (an FSM built twice, …). */
export const MisuseError = kindError('usage', 'MisuseError');

const BY_KIND: Record<DesignErrorKind, KindError> = {
  width: WidthError,
  type: HdlTypeError,
  undriven: UndrivenError,
  'multiple-drivers': MultipleDriversError,
  'comb-loop': CombLoopError,
  latch: LatchError,
  'cross-module': CrossModuleError,
  'unknown-port': UnknownPortError,
  name: NamingError,
  cdc: CdcError,
  usage: MisuseError,
};

/** The error of `kind`: an instance of that kind's class. */
export function designError(kind: DesignErrorKind, detail: string, loc: SourceLoc | undefined, moduleName?: string): DesignError {
  return new BY_KIND[kind](detail, loc, moduleName);
}

export class DesignErrors extends Error {
  constructor(readonly errors: readonly DesignError[]) {
    super(`${errors.length} design error${errors.length === 1 ? '' : 's'}:\n` + errors.map((e) => `  ${e.message}`).join('\n'));
    this.name = 'DesignErrors';
  }
}
