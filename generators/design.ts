/**
 * The accelerator of a configuration, whichever kind of network it describes: layer sizes (an
 * MLP: generators/accelerator/) or layer objects with convolution and pooling (generators/cnn/).
 * Flows that build, simulate or synthesise "the design" start here.
 */
import type { Config } from '../src/config/index.js';
import type { Module } from '../src/hdl/index.js';
import { plan as densePlan, type Plan } from './accelerator/plan.js';
import { accelerator } from './accelerator/top.js';
import { cnnAccelerator } from './cnn/top.js';
import { cnnPlan, type CnnPlan } from './cnn/plan.js';
import type { MemoryTarget } from './memories/target.js';

/** The top module for `cfg`; `target`: what its single-port memories are built from (SRAM macros for an ASIC). */
export function design(cfg: Config, target: MemoryTarget = {}): Module {
  return cfg.network ? cnnAccelerator(cfg, target) : accelerator(cfg, target);
}

/** The plan of the design `design(cfg)` builds. */
export function designPlan(cfg: Config): Plan | CnnPlan {
  return cfg.network ? cnnPlan(cfg) : densePlan(cfg);
}
