/**
 * The golden model of any configuration: GoldenAccelerator for layers of sizes (the accelerator
 * the RTL builds), GoldenConvNetwork for a network with convolution (docs/ARCHITECTURE.md §17).
 */
import type { Config } from '../config/index.js';
import { GoldenAccelerator, initialWeights } from './accelerator.js';
import { GoldenConvNetwork } from './cnn/golden.js';

/** What the training engines and the saved networks use of a golden model. */
export type GoldenModel = Pick<GoldenAccelerator, 'train' | 'infer' | 'lastOutputs' | 'readWeights' | 'loadWeights'>;

/** The golden model of `cfg` (either kind of network). */
export function goldenModel(cfg: Config): GoldenModel {
  return cfg.network ? new GoldenConvNetwork(cfg) : new GoldenAccelerator(cfg);
}

/** The initial weight codes of `cfg` (either kind of network). */
export function initialCodes(cfg: Config, seed: number): Int32Array {
  return cfg.network ? GoldenConvNetwork.initialWeights(cfg, seed) : initialWeights(cfg, seed);
}
