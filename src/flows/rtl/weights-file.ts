/**
 * Weight files: the accelerator's weights as integer codes in s_weights stream order (layers
 * 1..L, rows, then columns with the bias last), either a JSON array or whitespace-separated
 * integers. Reading checks the count and the range, naming the file and the offending entry.
 */
import fs from 'node:fs';
import type { Config } from '../../config/index.js';
import { GoldenAccelerator } from '../../model/accelerator.js';
import { whyUnreadable } from '../../util/why-unreadable.js';

/** A weight file that cannot be used (bad input: exit 2). */
export class WeightsFileError extends Error {
  override name = 'WeightsFileError';
}

export function readWeightsFile(file: string, cfg: Config): Int32Array {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new WeightsFileError(`weights: cannot read ${file}: ${whyUnreadable(e)}`);
  }
  let values: unknown[];
  if (text.trimStart().startsWith('[')) {
    try {
      values = JSON.parse(text) as unknown[];
    } catch {
      throw new WeightsFileError(`weights: ${file} is not valid JSON`);
    }
    if (!Array.isArray(values)) throw new WeightsFileError(`weights: ${file} must hold a JSON array of integers`);
  } else {
    values = text.split(/\s+/).filter(Boolean);
  }
  const codes = new Int32Array(values.length);
  values.forEach((v, i) => {
    const n = typeof v === 'number' ? v : /^-?\d+$/.test(String(v)) ? Number(v) : Number.NaN;
    if (!Number.isInteger(n)) throw new WeightsFileError(`weights: ${file}: entry ${i} is not an integer (${JSON.stringify(v)})`);
    codes[i] = n;
  });
  const golden = new GoldenAccelerator(cfg);
  const expected = golden.readWeights().length;
  if (codes.length !== expected) {
    throw new WeightsFileError(`weights: ${file} holds ${codes.length} weights, the network ${cfg.layers.join('-')} has ${expected}`);
  }
  try {
    golden.loadWeights(codes);
  } catch (e) {
    throw new WeightsFileError(`weights: ${file}: ${(e as Error).message}`);
  }
  return codes;
}
