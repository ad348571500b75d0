// External tool wrappers: find on PATH, check version, run with clear errors.
export * from './tool.js';
export * from './verilator.js';
export * from './iverilog.js';
export * from './yosys.js';
export * from './make.js';
export * from './nextpnr.js';
export * from './opensta.js';
export * from './slurm.js';
