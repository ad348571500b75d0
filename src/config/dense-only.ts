/**
 * The guard of what handles dense layers only (the RTL generators and every flow built on them,
 * the dense golden model, the estimate): a configuration with convolution or pooling layers is a
 * one-line ConfigError naming the first such layer and what does run it (docs/ARCHITECTURE.md §17).
 */
import type { Network } from './network.js';
import { ConfigError } from './schema.js';

/** Throws unless the configuration is a list of dense layers; `what` says what the caller does not do ("the RTL generator does not build"). */
export function requireDenseLayers(cfg: { readonly network?: Network }, what: string): void {
  const first = cfg.network?.layers.find((l) => l.kind !== 'dense');
  if (!first) return;
  throw new ConfigError(
    `config: layers[${first.at}] is a ${first.kind === 'conv' ? 'convolution' : 'pooling'} layer, which ${what} yet: ` +
      'convolutional networks run in `taxonn train --engine golden` or `--engine float` only (docs/ARCHITECTURE.md §17)',
  );
}
