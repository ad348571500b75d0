/**
 * `taxonn/accelerator`: the TaxoNN training accelerator generator and the flows around it
 * (docs/ARCHITECTURE.md, docs/CONFIG.md).
 *
 *   import { resolveConfig } from 'taxonn/config';
 *   import { generateAccelerator, writeOutputFolder, verify } from 'taxonn/accelerator';
 */
export { accelerator, topName, statesOf, learningRateCode, laneSeeds } from '../generators/accelerator/top.js';
// either kind of network: layer sizes (the dense design) or layer objects with convolution (generators/cnn, §18)
export { design } from '../generators/design.js';
export { cnnAccelerator } from '../generators/cnn/top.js';
export { defaultBlocks, defaultBlockParams } from '../generators/blocks/index.js';
export { generateAccelerator, writeOutputFolder, OutputError, type GeneratedOutput, type Manifest, type MemoryInfo } from './flows/rtl/generate.js';
export { verify, stimulusSeed, type VerifyOptions, type VerifyReport, type Mismatch } from './flows/rtl/verify.js';
