// Verilator simulation harness: build a design into a shared library and drive it from TypeScript.
export type { PortSpec, SimDesign } from './types.js';
export { Simulator, type SimulatorOptions, type PackedBatchOptions } from './simulator.js';
export { buildModel, renderCapi, type BuildOptions, type BuildResult, type TraceFormat } from './build.js';
export { readPorts, diffPorts, parseVerilatorXmlPorts } from './ports.js';
export { resolveDesign, type ResolvedDesign, type PortInfo } from './design.js';
export { VerilatorError, parseVerilatorOutput, type VerilatorDiagnostic } from './diagnostics.js';
export { simulate, emitForSim, type EmittedDesign, type SimulateOptions } from './from-module.js';
export { setProgress } from './progress.js';
export { cacheRoot } from './cache.js';
