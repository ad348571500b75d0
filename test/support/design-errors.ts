/** The message of the DesignErrors that emitting a design throws ('' when it emits cleanly). */
import { DesignErrors, emitDesign, type Module } from '../../src/hdl/index.js';

export function designErrorsOf(build: () => Module): string {
  try {
    emitDesign(build());
  } catch (e) {
    if (e instanceof DesignErrors) return e.message;
    throw e;
  }
  return '';
}
