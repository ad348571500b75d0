/**
 * A user's own data set (docs/TRAINING.md, "Your own data"): `train --dataset PATH` with
 * - a CSV file: a header row, numeric features, an integer class label in the last column;
 * - a pair of IDX files `IMAGES,LABELS` (uint8, optionally gzipped; any sample shape);
 * - a pair of NumPy files `X.npy,Y.npy` (X: n × … numbers, Y: n integer labels; little-endian,
 *   C order).
 * `--test PATH` (the same kinds) is the test split; without it a fixed seeded 20 % of the samples is.
 * Features are scaled to [0, 1] with the training split's statistics (`--scale`): `minmax` per
 * feature (the default), `max` by the largest absolute value (images: 0..255 → 0..1), or `none`.
 * Labels are 0..C−1 with C = the largest training label + 1. Every problem is one DatasetError
 * naming the file and, where there is one, the line and column or the sample.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { whyUnreadable } from '../../util/why-unreadable.js';
import { Rng } from '../rng.js';
import { DatasetError, type Dataset, type DatasetSplit } from './dataset.js';

export const SCALINGS = ['minmax', 'max', 'none'] as const;
export type Scaling = (typeof SCALINGS)[number];

/** The share of the samples held out for testing when no --test is given. */
export const USER_TEST_FRACTION = 0.2;
/** The seed of that split: fixed, so that every run of a data set tests on the same samples. */
export const USER_SPLIT_SEED = 0x5a17;

export interface UserDataOptions {
  /** The test split (same kinds as the training data); default: a seeded USER_TEST_FRACTION of it. */
  readonly test?: string;
  readonly scale?: Scaling;
}

/** Samples as read: raw feature values, integer labels, and where each came from for messages. */
interface Table {
  readonly source: string;
  readonly n: number;
  readonly features: number;
  /** CSV: the header's feature names (compared with the test file's). */
  readonly columns?: readonly string[];
  readonly x: Float64Array;
  readonly y: Uint8Array;
  /** Where sample i's label is: "line 7, column 5" or "sample 6". */
  readonly labelAt: (i: number) => string;
}

const fail = (file: string, what: string): never => {
  throw new DatasetError(`dataset ${file}: ${what}`);
};

/** Reads `spec` (and opts.test), checks, splits and scales it. */
export function loadUserDataset(spec: string, opts: UserDataOptions = {}): Dataset {
  const train = readTable(spec);
  let test: Table | undefined;
  if (opts.test !== undefined) {
    test = readTable(opts.test);
    sameShape(train, test);
  }
  const classes = Math.max(...train.y) + 1;
  if (test) {
    for (let i = 0; i < test.n; i++) {
      const label = test.y[i] ?? 0;
      if (label >= classes)
        fail(test.source, `${test.labelAt(i)}: label ${label} is out of range: the training set ${train.source} has classes 0..${classes - 1}`);
    }
  }
  const [trainIdx, testIdx] = test ? [range(train.n), []] : splitIndices(train);
  const scale = scaling(train, trainIdx, opts.scale ?? 'minmax');
  const trainSplit = pick(train, trainIdx, scale);
  const testSplit = test ? pick(test, range(test.n), scale) : pick(train, testIdx, scale);
  return {
    name: path.basename(spec),
    features: train.features,
    classes,
    classNames: Array.from({ length: classes }, (_, c) => String(c)),
    train: trainSplit,
    test: testSplit,
    dir: path.dirname(path.resolve(spec.split(',')[0] ?? spec)),
  };
}

/** A CSV file, or a pair `A,B` of IDX or NumPy files (told apart by the .npy extension). */
function readTable(spec: string): Table {
  const parts = spec.split(',');
  if (parts.length === 1) return readCsv(spec);
  const [xFile, yFile] = parts;
  if (parts.length !== 2 || !xFile || !yFile) return fail(spec, 'must be a CSV file or a pair FEATURES,LABELS of IDX or .npy files');
  const table = xFile.endsWith('.npy') ? readNpyPair(xFile, yFile) : readIdxPair(xFile, yFile);
  return { ...table, source: spec };
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function readCsv(file: string): Table {
  const text = new TextDecoder('utf-8').decode(readBytes(file)).replace(/^\ufeff/, '');
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1]?.trim() === '') lines.pop();
  if (lines.length === 0) return fail(file, 'is empty: expected a header row, then one row per sample');
  const columns = (lines[0] ?? '').split(',').map((c) => c.trim());
  if (columns.length < 2) return fail(file, 'line 1: the header needs at least one feature column and the label column');
  if (lines.length === 1) return fail(file, 'has a header but no data rows');
  const features = columns.length - 1;
  const n = lines.length - 1;
  const x = new Float64Array(n * features);
  const y = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const line = r + 2;
    const cells = (lines[r + 1] ?? '').split(',');
    if (cells.length !== columns.length) fail(file, `line ${line}: ${cells.length} columns, the header has ${columns.length}`);
    for (let c = 0; c < features; c++) {
      const cell = (cells[c] ?? '').trim();
      if (!NUMBER.test(cell)) fail(file, `line ${line}, column ${c + 1} (${columns[c]}): ${JSON.stringify(cell)} is not a number`);
      x[r * features + c] = Number(cell);
    }
    y[r] = label((cells[features] ?? '').trim(), () => file, `line ${line}, column ${features + 1} (${columns[features]})`);
  }
  return { source: file, n, features, columns: columns.slice(0, -1), x, y, labelAt: (i) => `line ${i + 2}, column ${features + 1}` };
}

/** An integer class label 0..255 (a Uint8Array holds them). */
function label(v: string | number, file: () => string, at: string): number {
  const n = typeof v === 'number' ? v : /^[+-]?\d+$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n) || n < 0 || n > 255) fail(file(), `${at}: label ${JSON.stringify(v)} is not a class number 0..255`);
  return n;
}

// ---- IDX ----------------------------------------------------------------------------------

/** An IDX file of uint8 values: its dimensions and data (gzipped or not). */
function readIdx(file: string): { dims: number[]; data: Uint8Array } {
  let b = readBytes(file);
  if (b[0] === 0x1f && b[1] === 0x8b) {
    try {
      b = gunzipSync(b);
    } catch (e) {
      fail(file, `is not a valid gzip file (${(e as Error).message.split('\n')[0]})`);
    }
  }
  if (b.length < 4 || b[0] !== 0 || b[1] !== 0) return fail(file, 'is not an IDX file (its first two bytes must be 0)');
  if (b[2] !== 0x08) return fail(file, `holds IDX type 0x${(b[2] ?? 0).toString(16)}, only uint8 (0x08) is read`);
  const rank = b[3] ?? 0;
  if (rank < 1 || b.length < 4 + 4 * rank) return fail(file, `truncated: the header of ${rank} dimensions is cut short`);
  const view = new DataView(b.buffer, b.byteOffset, b.length);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const need = dims.reduce((p, d) => p * d, 1);
  const have = b.length - 4 - 4 * rank;
  if (have !== need)
    fail(file, `${have < need ? 'truncated' : 'malformed'}: the header announces ${dims.join(' × ')} = ${need} values, the file holds ${have}`);
  return { dims, data: b.subarray(4 + 4 * rank) };
}

function readIdxPair(xFile: string, yFile: string): Omit<Table, 'source'> {
  const xs = readIdx(xFile);
  const ys = readIdx(yFile);
  const n = xs.dims[0] ?? 0;
  if (n === 0) return fail(xFile, 'has no samples');
  if (ys.dims.length !== 1) fail(yFile, `labels must have 1 dimension, this file has ${ys.dims.length}`);
  if (ys.dims[0] !== n) fail(yFile, `has ${ys.dims[0]} labels, ${path.basename(xFile)} has ${n} samples`);
  const features = xs.data.length / n;
  const y = new Uint8Array(n);
  ys.data.forEach((v, i) => {
    y[i] = label(v, () => yFile, `sample ${i}`);
  });
  return { n, features, x: Float64Array.from(xs.data), y, labelAt: (i) => `sample ${i}` };
}

// ---- NumPy ---------------------------------------------------------------------------------

const NPY_TYPES: Readonly<Record<string, { bytes: number; read: (v: DataView, at: number) => number }>> = {
  '|u1': { bytes: 1, read: (v, at) => v.getUint8(at) },
  '|i1': { bytes: 1, read: (v, at) => v.getInt8(at) },
  '<u2': { bytes: 2, read: (v, at) => v.getUint16(at, true) },
  '<i2': { bytes: 2, read: (v, at) => v.getInt16(at, true) },
  '<u4': { bytes: 4, read: (v, at) => v.getUint32(at, true) },
  '<i4': { bytes: 4, read: (v, at) => v.getInt32(at, true) },
  '<i8': { bytes: 8, read: (v, at) => Number(v.getBigInt64(at, true)) },
  '<u8': { bytes: 8, read: (v, at) => Number(v.getBigUint64(at, true)) },
  '<f4': { bytes: 4, read: (v, at) => v.getFloat32(at, true) },
  '<f8': { bytes: 8, read: (v, at) => v.getFloat64(at, true) },
};

/** A .npy file (format 1.0–3.0): its shape and values as numbers. */
function readNpy(file: string): { shape: number[]; values: Float64Array } {
  const b = readBytes(file);
  const magic = '\x93NUMPY';
  if (b.length < 10 || String.fromCharCode(...b.subarray(0, 6)) !== magic) return fail(file, 'is not a NumPy .npy file (no \\x93NUMPY magic)');
  const major = b[6] ?? 0;
  const view = new DataView(b.buffer, b.byteOffset, b.length);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(b.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) return fail(file, 'has a malformed .npy header');
  const type = NPY_TYPES[descr];
  if (!type) return fail(file, `holds dtype ${descr}; readable: ${Object.keys(NPY_TYPES).join(', ')} (little-endian)`);
  if (fortran === 'True') return fail(file, 'is in Fortran order; save it in C order (numpy.ascontiguousarray)');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const count = shape.reduce((p, d) => p * d, 1);
  const data = start + headerLen;
  const have = (b.length - data) / type.bytes;
  if (have !== count)
    fail(file, `${have < count ? 'truncated' : 'malformed'}: its shape (${shape.join(', ')}) needs ${count} values, the file holds ${Math.floor(have)}`);
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) values[i] = type.read(view, data + i * type.bytes);
  return { shape, values };
}

function readNpyPair(xFile: string, yFile: string): Omit<Table, 'source'> {
  const xs = readNpy(xFile);
  const ys = readNpy(yFile);
  const n = xs.shape[0] ?? 0;
  if (xs.shape.length < 2 || n === 0)
    return fail(xFile, `must hold samples × features (at least 2 dimensions and 1 sample), its shape is (${xs.shape.join(', ')})`);
  if (ys.shape.length !== 1 || ys.shape[0] !== n) fail(yFile, `must hold ${n} labels (shape (${n},)), its shape is (${ys.shape.join(', ')})`);
  const bad = xs.values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) fail(xFile, `sample ${Math.floor(bad / (xs.values.length / n))}: value ${xs.values[bad]} is not a finite number`);
  const y = new Uint8Array(n);
  ys.values.forEach((v, i) => {
    y[i] = label(v, () => yFile, `sample ${i}`);
  });
  return { n, features: xs.values.length / n, x: xs.values, y, labelAt: (i) => `sample ${i}` };
}

// ---- split and scale ------------------------------------------------------------------------

function readBytes(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    return fail(file, `cannot read: ${whyUnreadable(e)}`);
  }
}

/** The test file must have the training file's features (and, for CSV, the same column names). */
function sameShape(train: Table, test: Table): void {
  if (test.features !== train.features) fail(test.source, `has ${test.features} features per sample, the training set ${train.source} has ${train.features}`);
  const a = train.columns;
  const b = test.columns;
  if (!a || !b) return;
  const c = a.findIndex((name, i) => name !== b[i]);
  if (c >= 0) fail(test.source, `line 1, column ${c + 1}: column ${JSON.stringify(b[c])}, the training set ${train.source} has ${JSON.stringify(a[c])} there`);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** A seeded shuffle of the samples: the first USER_TEST_FRACTION (at least one) for testing. */
function splitIndices(t: Table): [number[], number[]] {
  if (t.n < 2) return fail(t.source, `has ${t.n} sample: at least 2 are needed to hold some out for testing (or give --test)`);
  const rng = new Rng(USER_SPLIT_SEED);
  const order = range(t.n);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
  }
  const nTest = Math.min(t.n - 1, Math.max(1, Math.round(t.n * USER_TEST_FRACTION)));
  return [order.slice(nTest), order.slice(0, nTest)];
}

/** Per feature: value ↦ (value − offset) · gain, from the training samples. */
function scaling(t: Table, idx: readonly number[], how: Scaling): { offset: Float64Array; gain: Float64Array } {
  const F = t.features;
  const offset = new Float64Array(F);
  const gain = new Float64Array(F).fill(1);
  if (how === 'none') return { offset, gain };
  const lo = new Float64Array(F).fill(Infinity);
  const hi = new Float64Array(F).fill(-Infinity);
  for (const i of idx) {
    for (let f = 0; f < F; f++) {
      const v = t.x[i * F + f] ?? 0;
      if (v < (lo[f] ?? 0)) lo[f] = v;
      if (v > (hi[f] ?? 0)) hi[f] = v;
    }
  }
  if (how === 'max') {
    const m = Math.max(...lo.map(Math.abs), ...hi.map(Math.abs));
    return { offset, gain: gain.fill(m > 0 ? 1 / m : 1) };
  }
  for (let f = 0; f < F; f++) {
    const span = (hi[f] ?? 0) - (lo[f] ?? 0);
    offset[f] = lo[f] ?? 0;
    gain[f] = span > 0 ? 1 / span : 0; // a constant feature carries nothing: 0
  }
  return { offset, gain };
}

function pick(t: Table, idx: readonly number[], s: { offset: Float64Array; gain: Float64Array }): DatasetSplit {
  const F = t.features;
  const x = new Float32Array(idx.length * F);
  const y = new Uint8Array(idx.length);
  idx.forEach((i, r) => {
    for (let f = 0; f < F; f++) x[r * F + f] = ((t.x[i * F + f] ?? 0) - (s.offset[f] ?? 0)) * (s.gain[f] ?? 1);
    y[r] = t.y[i] ?? 0;
  });
  return { x, y };
}
