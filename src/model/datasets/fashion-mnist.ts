/**
 * Fashion-MNIST (Zalando), as installed by the Debian package `dataset-fashion-mnist`
 * (`/usr/share/datasets/fashion-mnist/`): the four gzipped IDX files
 * `{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz`, 60,000 training and 10,000 test 28×28
 * images, the official split in file order. Pixels (uint8) are divided by 255.
 *
 * IDX: a big-endian header (magic 0x00000803 for uint8 images with 3 dimensions, then count,
 * rows, columns; magic 0x00000801 for uint8 labels with 1 dimension, then count), then the
 * data, exactly count·rows·columns (count) bytes.
 */
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { datasetError, readBytes, type Dataset, type DatasetSplit, type LoadOptions } from './dataset.js';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;
const ROWS = 28;
const COLS = 28;
const IMAGES_MAGIC = 0x00000803;
const LABELS_MAGIC = 0x00000801;

const hex = (v: number) => `0x${v.toString(16).padStart(8, '0')}`;

function gunzip(file: string): Buffer {
  const gz = readBytes('fashion-mnist', file);
  try {
    return gunzipSync(gz);
  } catch (e) {
    throw datasetError('fashion-mnist', file, `corrupt or truncated gzip data (${(e as Error).message.split('\n')[0]})`);
  }
}

/** The pixel bytes of an IDX image file (count × 28 × 28), checked. */
export function readIdxImages(file: string): { count: number; pixels: Uint8Array } {
  const b = gunzip(file);
  const bad = (what: string) => datasetError('fashion-mnist', file, what);
  if (b.length < 16) throw bad(`truncated: ${b.length} bytes, shorter than the 16-byte IDX image header`);
  const magic = b.readUInt32BE(0);
  if (magic !== IMAGES_MAGIC) throw bad(`wrong IDX magic ${hex(magic)}, expected ${hex(IMAGES_MAGIC)} (uint8 images, 3 dimensions)`);
  const count = b.readUInt32BE(4);
  const rows = b.readUInt32BE(8);
  const cols = b.readUInt32BE(12);
  if (rows !== ROWS || cols !== COLS) throw bad(`wrong dimensions: ${rows}×${cols} images, expected ${ROWS}×${COLS}`);
  if (count === 0) throw bad('has no images');
  const need = count * ROWS * COLS;
  const have = b.length - 16;
  if (have < need) throw bad(`truncated: ${count} images need ${need} bytes of pixels after the header, found ${have}`);
  if (have > need) throw bad(`malformed: ${have - need} bytes after the ${count} images the header announces`);
  return { count, pixels: new Uint8Array(b.buffer, b.byteOffset + 16, need) };
}

/** The labels of an IDX label file, checked against 0..classes−1. */
export function readIdxLabels(file: string, classes: number): Uint8Array {
  const b = gunzip(file);
  const bad = (what: string) => datasetError('fashion-mnist', file, what);
  if (b.length < 8) throw bad(`truncated: ${b.length} bytes, shorter than the 8-byte IDX label header`);
  const magic = b.readUInt32BE(0);
  if (magic !== LABELS_MAGIC) throw bad(`wrong IDX magic ${hex(magic)}, expected ${hex(LABELS_MAGIC)} (uint8 labels, 1 dimension)`);
  const count = b.readUInt32BE(4);
  const have = b.length - 8;
  if (have < count) throw bad(`truncated: ${count} labels announced, found ${have}`);
  if (have > count) throw bad(`malformed: ${have - count} bytes after the ${count} labels the header announces`);
  const labels = new Uint8Array(b.buffer, b.byteOffset + 8, count);
  for (let i = 0; i < count; i++) {
    if (labels[i]! >= classes) throw bad(`label ${labels[i]} of sample ${i} is out of range 0..${classes - 1}`);
  }
  return labels.slice();
}

function split(dir: string, prefix: 'train' | 't10k'): DatasetSplit {
  const imagesFile = path.join(dir, `${prefix}-images-idx3-ubyte.gz`);
  const labelsFile = path.join(dir, `${prefix}-labels-idx1-ubyte.gz`);
  const { count, pixels } = readIdxImages(imagesFile);
  const y = readIdxLabels(labelsFile, FASHION_CLASSES.length);
  if (y.length !== count) throw datasetError('fashion-mnist', labelsFile, `has ${y.length} labels but ${path.basename(imagesFile)} has ${count} images`);
  const x = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) x[i] = pixels[i]! / 255;
  return { x, y };
}

export function loadFashionMnist(opts: LoadOptions = {}): Dataset {
  const dir = opts.dir ?? FASHION_MNIST_DIR;
  return {
    name: 'fashion-mnist',
    features: ROWS * COLS,
    classes: FASHION_CLASSES.length,
    classNames: FASHION_CLASSES,
    train: split(dir, 'train'),
    test: split(dir, 't10k'),
    dir,
  };
}
