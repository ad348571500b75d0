/** The hardware construction library: the public API. */
export * from './types.js';
export { Expr, Signal, lit, constant, mux, cat, type Operand } from './expr.js';
export { Module, Instance, When, SwitchBuilder, buildModule, type RegOptions, type ParamValue, type ModuleOptions } from './module.js';
export {
  Bundle,
  Vec,
  Stream,
  flipped,
  pack,
  describeShape,
  shapeWidth,
  BundleShape,
  VecShape,
  StreamShape,
  Flipped,
  type Shape,
  type FieldSpec,
  type Value,
  type BundleValue,
  type StreamValue,
  type StreamOptions,
} from './interface.js';
export { counter, type Counter, type CounterOptions } from './counter.js';
export { skidBuffer, fifo } from './lib/stream.js';
export { Memory, type ReadDuringWrite } from './memory.js';
export type { ClockDomain, DomainOptions, ResetKind } from './domain.js';
export { Fsm } from './fsm.js';
export { roundShift, requantize, type Rounding } from './fixed.js';
export { elaborate, hasClockGates, usesClock, usesReset, type Design, type StructureOf } from './elaborate.js';
export {
  DesignError,
  DesignErrors,
  designError,
  WidthError,
  HdlTypeError,
  UndrivenError,
  MultipleDriversError,
  CombLoopError,
  LatchError,
  CrossModuleError,
  UnknownPortError,
  NamingError,
  CdcError,
  MisuseError,
  type DesignErrorKind,
} from './errors.js';
export { emitModule } from './emit/verilog.js';
export { emitDesign, writeFiles, type EmittedFile } from './emit/design.js';
export { portsOf } from './ports.js';
export { VERSION } from './version.js';
export type { SourceLoc } from './source.js';
export { evaluate } from './eval.js';
export { stableJson } from './stable-json.js';
