/**
 * `taxonn/model`: the bit-exact golden model of the accelerator and its blocks, the float32
 * reference trainer, fixed-point helpers, seeded random numbers and the data-set loaders.
 */
export * from './accelerator.js';
export { FloatTrainer, type FloatTrainerParams } from './float.js';
export * from './blocks.js';
export * from './fixed.js';
export { Rng } from './rng.js';
export * from './datasets/index.js';
export { GoldenConvNetwork } from './cnn/golden.js';
export { FloatConvTrainer } from './cnn/float.js';
export { goldenModel, initialCodes, type GoldenModel } from './golden-model.js';
