/**
 * The data sets the accelerator trains on (docs/TRAINING.md): `loadDataset(name, { dir })`
 * returns the train and test splits as float features in [0, 1] and uint8 labels;
 * `quantizeInputs` turns features into the accelerator's input codes. Every problem with a
 * file is a one-line `DatasetError`.
 */
import { DATASET_NAMES, DatasetError, type Dataset, type DatasetName, type LoadOptions } from './dataset.js';
import { loadFashionMnist } from './fashion-mnist.js';
import { loadIris } from './iris.js';
import { loadMnist } from './mnist.js';

export {
  DATASET_NAMES,
  DatasetError,
  quantizeInputs,
  type Dataset,
  type DatasetName,
  type DatasetSplit,
  type LoadOptions,
} from './dataset.js';
export { loadMnist, defaultMnistDir } from './mnist.js';
export { loadFashionMnist, readIdxImages, readIdxLabels, FASHION_MNIST_DIR, FASHION_CLASSES } from './fashion-mnist.js';
export { loadIris, defaultIrisDir, IRIS_CLASSES, IRIS_SPLIT_SEED } from './iris.js';
export { loadUserDataset, SCALINGS, USER_SPLIT_SEED, USER_TEST_FRACTION, type Scaling, type UserDataOptions } from './user.js';

export function isDatasetName(name: unknown): name is DatasetName {
  return typeof name === 'string' && (DATASET_NAMES as readonly string[]).includes(name);
}

/** Loads and checks one data set (synchronously). An unknown name or a bad file is a DatasetError. */
export function loadDataset(name: DatasetName, opts: LoadOptions = {}): Dataset {
  switch (name) {
    case 'mnist':
      return loadMnist(opts);
    case 'fashion-mnist':
      return loadFashionMnist(opts);
    case 'iris':
      return loadIris(opts);
    default:
      throw new DatasetError(`dataset: unknown data set ${JSON.stringify(name)} (known: ${DATASET_NAMES.join(', ')})`);
  }
}
