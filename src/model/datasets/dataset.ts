/**
 * What every data-set loader returns, the error it throws, and the quantisation of inputs to
 * the accelerator's activation format. The loaders (mnist.ts, fashion-mnist.ts, iris.ts) are
 * described in docs/TRAINING.md; index.ts dispatches by name.
 */
import { readFileSync } from 'node:fs';
import { whyUnreadable } from '../../util/why-unreadable.js';

export const DATASET_NAMES = ['mnist', 'fashion-mnist', 'iris'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

/** n samples: `x` is n × features, row-major, every value in [0, 1]; `y` the labels 0..classes−1. */
export interface DatasetSplit {
  readonly x: Float32Array;
  readonly y: Uint8Array;
}

export interface Dataset {
  /** A built-in data set's name, or the file name of a user's data (user.ts). */
  readonly name: string;
  /** Inputs per sample (N_0 of the network). */
  readonly features: number;
  /** Number of classes (N_L of the network). */
  readonly classes: number;
  readonly classNames: readonly string[];
  readonly train: DatasetSplit;
  readonly test: DatasetSplit;
  /** The folder the files were read from. */
  readonly dir: string;
}

export interface LoadOptions {
  /** The folder holding the data set's files (default: where the npm / Debian package installs them). */
  dir?: string;
}

/**
 * A missing, unreadable, truncated or malformed data-set file. The message is one line naming
 * the data set, the file and what is wrong with it.
 */
export class DatasetError extends Error {
  override name = 'DatasetError';
}

/** `dataset <name>: <file>: <what>` as a DatasetError. */
export function datasetError(name: DatasetName, file: string, what: string): DatasetError {
  return new DatasetError(`dataset ${name}: ${file}: ${what}`);
}

/** The bytes of `file`, or a DatasetError saying why they cannot be read. */
export function readBytes(name: DatasetName, file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    throw datasetError(name, file, `cannot read: ${whyUnreadable(e)}`);
  }
}

/** The parsed JSON of `file`, or a DatasetError. */
export function readJson(name: DatasetName, file: string): unknown {
  const text = new TextDecoder('utf-8').decode(readBytes(name, file));
  try {
    return JSON.parse(text);
  } catch (e) {
    throw datasetError(name, file, `not valid JSON (${(e as Error).message.split('\n')[0]}; truncated?)`);
  }
}

/**
 * The input codes of the accelerator: for every value, round half up of x·2^frac
 * (floor(x·2^frac + 1/2)), saturated to [0, 2^bits − 1] (the unsigned activation format
 * {bits, frac}). The golden model and the RTL train on exactly these codes; the float
 * reference trainer reads x itself. A NaN is a RangeError.
 */
export function quantizeInputs(x: ArrayLike<number>, act: { readonly bits: number; readonly frac: number }): Int32Array {
  const scale = 2 ** act.frac;
  const hi = 2 ** act.bits - 1;
  const out = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isNaN(v)) throw new RangeError(`quantizeInputs: value ${i} is NaN`);
    const c = Math.floor(v * scale + 0.5);
    out[i] = c < 0 ? 0 : c > hi ? hi : c;
  }
  return out;
}

/**
 * Reorders per-class lists of sample indices so that classes alternate: the first sample of
 * each class (class order), then the second of each, … A prefix of the result is then roughly
 * class-balanced (`--limit N` trains on a prefix).
 */
export function interleave(perClass: readonly (readonly number[])[]): number[] {
  const out: number[] = [];
  const longest = Math.max(0, ...perClass.map((c) => c.length));
  for (let r = 0; r < longest; r++) for (const c of perClass) if (r < c.length) out.push(c[r]!);
  return out;
}

/** Samples `order` of (x: n × features, y) as a new split. */
export function gather(x: ArrayLike<number>, y: ArrayLike<number>, features: number, order: readonly number[]): DatasetSplit {
  const gx = new Float32Array(order.length * features);
  const gy = new Uint8Array(order.length);
  order.forEach((s, r) => {
    for (let f = 0; f < features; f++) gx[r * features + f] = x[s * features + f]!;
    gy[r] = y[s]!;
  });
  return { x: gx, y: gy };
}
