/**
 * Real samples as a verify stimulus (`verify --dataset`): the first n training samples of a
 * built-in data set, quantised to the first layer's activation format as the train flows do.
 */
import { entryOf, type Config } from '../../config/index.js';
import { DatasetError, loadDataset, quantizeInputs, type DatasetName } from '../../model/datasets/index.js';

export interface DatasetStimulus {
  readonly name: string;
  readonly inputs: readonly Int32Array[];
  readonly labels: readonly number[];
}

/** The first `n` training samples of `name` for `cfg`; a data set whose shape does not fit the network is a one-line DatasetError. */
export function datasetStimulus(cfg: Config, name: DatasetName, n: number): DatasetStimulus {
  const data = loadDataset(name);
  const inputs = cfg.layers[0]!;
  const classes = cfg.layers.at(-1)!;
  if (data.features !== inputs || data.classes !== classes) {
    throw new DatasetError(
      `verify --dataset ${name}: its samples have ${data.features} inputs and ${data.classes} classes, the network ${inputs} and ${classes}`,
    );
  }
  const count = Math.min(n, data.train.y.length);
  const F = data.features;
  const codes = quantizeInputs(data.train.x.subarray(0, count * F), entryOf(cfg.act, 0));
  return {
    name,
    inputs: Array.from({ length: count }, (_, i) => codes.subarray(i * F, (i + 1) * F)),
    labels: Array.from(data.train.y.subarray(0, count)),
  };
}
