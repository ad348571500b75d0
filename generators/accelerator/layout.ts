/**
 * The harness's view of the generator's sizes (src/flows' simulation drivers read the banks and
 * drive the host interface with them). Every number comes from plan(), that is from src/config's
 * deriveSizes: this file only names them as the harness uses them.
 */
import type { Config, LayerSizes } from '../../src/config/index.js';
import type { FixedFormat } from '../../src/hdl/index.js';
import { plan } from './plan.js';

export interface Layout {
  readonly P: number;
  readonly L: number;
  readonly layers: readonly LayerSizes[];
  readonly weightDepth: number;
  readonly errorDepth: number;
  /** Hidden activations; 0 when the network has no hidden layer. */
  readonly actDepth: number;
  readonly inputDepth: number;
  readonly K: number;
  readonly weightFmt: FixedFormat;
  readonly actFmt: FixedFormat;
  readonly errorFmt: FixedFormat;
}

export function layout(cfg: Config): Layout {
  const { P, L, K, sizes, formats } = plan(cfg);
  const { weightDepth, errorDepth, actDepth, inputDepth } = sizes;
  return {
    P,
    L,
    layers: sizes.layers,
    weightDepth,
    errorDepth,
    actDepth,
    inputDepth,
    K,
    weightFmt: formats.weight,
    actFmt: formats.act,
    errorFmt: formats.error,
  };
}
