/**
 * `taxonn`: the hardware construction library and its simulator (docs/HDL.md, docs/SIM.md).
 *
 *   import { buildModule, SInt, emitDesign, writeFiles, simulate } from 'taxonn';
 *
 * The accelerator generator, its golden model, configuration and flows are the subpaths
 * `taxonn/accelerator`, `taxonn/model`, `taxonn/config`; typed port bindings `taxonn/bindings`.
 */
export * from './hdl/index.js';
export {
  Simulator,
  simulate,
  emitForSim,
  buildModel,
  VerilatorError,
  parseVerilatorOutput,
  type SimulatorOptions,
  type SimulateOptions,
  type PackedBatchOptions,
  type SimDesign,
  type PortSpec,
  type BuildOptions,
  type BuildResult,
  type TraceFormat,
  type VerilatorDiagnostic,
  type EmittedDesign,
} from './sim/index.js';
export { cacheRoot, setProgress } from './sim/index.js';
export { verilatorLint, type CheckResult } from './tools/verilator.js';
export { ToolMissingError, ToolVersionError, ToolFailedError } from './tools/tool.js';
