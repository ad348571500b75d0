/**
 * Saved networks (docs/TRAINING.md, "Saving a trained network"): `train --save-weights F` writes a
 * trained network as JSON with the configuration it was trained with and each weight layer's
 * codes; `verify`, `train` (and anything else that takes --weights) read it back, checked: the
 * configuration is validated, every layer's shape must match it and every code must fit its
 * weight format. `train --save-mem DIR` (and `generate --weights F`) write the weight banks'
 * contents as $readmemh images.
 */
import fs from 'node:fs';
import { ConfigError, bitsOf, configDocument, fanIn, rowsOf, weightLayers, deriveSizes, parseConfig, type Config } from '../../config/index.js';
import { readJsonFile } from '../../config/json-error.js';
import { goldenModel } from '../../model/golden-model.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { writeOutputFolder } from './generate.js';
import { WeightsFileError } from './weights-file.js';

export const NETWORK_FORMAT = 'taxonn-network';
export const NETWORK_VERSION = 1;

/** One weight layer: `weights[j][i]` is the code of the weight from input i to output j, `bias[j]` output j's bias. */
export interface NetworkLayer {
  readonly inputs: number;
  readonly outputs: number;
  readonly weights: readonly (readonly number[])[];
  readonly bias: readonly number[];
}

/** The file's JSON. Codes are integers in the configuration's weight format: value = code · 2^-weight.frac. */
export interface NetworkDocument {
  readonly format: typeof NETWORK_FORMAT;
  readonly version: typeof NETWORK_VERSION;
  /** The configuration the network was trained with (the accelerator `verify --weights F` builds). */
  readonly config: Config;
  readonly layers: readonly NetworkLayer[];
}

/** A network: its configuration and its weights as codes in s_weights stream order (rows, bias last). */
export interface SavedNetwork {
  readonly config: Config;
  readonly weights: Int32Array;
}

/**
 * Each weight layer's rows and their inputs: a dense layer N_l rows of N_{l−1}, a convolution one
 * row per filter of kernel² · channels (docs/ARCHITECTURE.md §17).
 */
function weightLayerRows(cfg: Config): { inputs: number; outputs: number }[] {
  if (cfg.network) return weightLayers(cfg.network).map((l) => ({ inputs: fanIn(l), outputs: rowsOf(l) }));
  return cfg.layers.slice(1).map((outputs, k) => ({ inputs: cfg.layers[k]!, outputs }));
}

/** The document of `codes` (stream order) for `cfg`. */
export function networkDocument(cfg: Config, codes: ArrayLike<number>): NetworkDocument {
  const layers: NetworkLayer[] = [];
  let at = 0;
  for (const { inputs, outputs } of weightLayerRows(cfg)) {
    const weights: number[][] = [];
    const bias: number[] = [];
    for (let j = 0; j < outputs; j++, at += inputs + 1) {
      weights.push(Array.from({ length: inputs }, (_, i) => codes[at + i] ?? 0));
      bias.push(codes[at + inputs] ?? 0);
    }
    layers.push({ inputs, outputs, weights, bias });
  }
  if (at !== codes.length) throw new RangeError(`networkDocument: ${codes.length} codes for a network of ${at}`);
  return { format: NETWORK_FORMAT, version: NETWORK_VERSION, config: configDocument(cfg) as Config, layers };
}

/** Writes the network to `file` (atomically: a complete file or none). One layer row per line. */
export function writeNetworkFile(file: string, cfg: Config, codes: ArrayLike<number>): void {
  const doc = networkDocument(cfg, codes);
  const row = (xs: readonly number[]) => `[${xs.join(', ')}]`;
  const layers = doc.layers.map(
    (l) =>
      `    {\n      "inputs": ${l.inputs},\n      "outputs": ${l.outputs},\n      "weights": [\n` +
      `${l.weights.map((w) => `        ${row(w)}`).join(',\n')}\n      ],\n      "bias": ${row(l.bias)}\n    }`,
  );
  const config = JSON.stringify(doc.config, null, 2).replace(/\n/g, '\n  ');
  const text = `{\n  "format": "${NETWORK_FORMAT}",\n  "version": ${NETWORK_VERSION},\n  "config": ${config},\n  "layers": [\n${layers.join(',\n')}\n  ]\n}\n`;
  writeFileAtomic(file, text);
}

/** The value is a network document (a JSON object naming the format), not a plain list of codes. */
function looksLikeNetwork(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && 'format' in value;
}

/** `file` holds a JSON object (a network file), not a list of codes; false when it cannot be read (its reader says why). */
export function isNetworkFile(file: string): boolean {
  try {
    return /^\s*(\ufeff\s*)?\{/.test(fs.readFileSync(file, 'utf8').slice(0, 4096));
  } catch {
    return false;
  }
}

/** Reads and checks a network file; every problem is one WeightsFileError naming the file and the entry. */
export function readNetworkFile(file: string): SavedNetwork {
  const doc = readJsonFile(file, (p) =>
    p.kind === 'unreadable'
      ? new WeightsFileError(`weights: cannot read ${file}: ${p.why}`)
      : new WeightsFileError(`weights: ${file} is not valid JSON: ${p.why}`),
  );
  return parseNetwork(doc, file);
}

/** Checks a parsed network document (see readNetworkFile). */
export function parseNetwork(doc: unknown, file: string): SavedNetwork {
  const bad = (where: string, why: string): never => {
    throw new WeightsFileError(`weights: ${file}: ${where} ${why}`);
  };
  if (!looksLikeNetwork(doc)) bad('the file', `must be a JSON object with "format": "${NETWORK_FORMAT}"`);
  const d = doc as Record<string, unknown>;
  if (d.format !== NETWORK_FORMAT) bad('format', `must be "${NETWORK_FORMAT}", got ${JSON.stringify(d.format)}`);
  if (d.version !== NETWORK_VERSION)
    bad('version', `must be ${NETWORK_VERSION} (this taxonn reads version ${NETWORK_VERSION}), got ${JSON.stringify(d.version)}`);
  let config: Config;
  try {
    config = parseConfig(d.config);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return bad('config', `is not a valid configuration: ${e.message.replace(/^config: /, '')}`);
  }
  const layers = d.layers;
  const shapes = weightLayerRows(config);
  const L = shapes.length;
  if (!Array.isArray(layers) || layers.length !== L) bad('layers', `must be a list of ${L} weight layers (the config's ${config.layers.join('-')})`);
  const codes: number[] = [];
  (layers as unknown[]).forEach((layer, k) => {
    const at = `layers[${k}]`;
    const l = (layer ?? {}) as Record<string, unknown>;
    const { inputs, outputs } = shapes[k]!;
    if (l.inputs !== inputs || l.outputs !== outputs)
      bad(at, `must have ${inputs} inputs and ${outputs} outputs (the config's), got ${l.inputs} and ${l.outputs}`);
    const rows = l.weights;
    if (!Array.isArray(rows) || rows.length !== outputs) bad(`${at}.weights`, `must be a list of ${outputs} rows`);
    if (!Array.isArray(l.bias) || l.bias.length !== outputs) bad(`${at}.bias`, `must be a list of ${outputs} codes`);
    const code = (v: unknown, where: string) => (Number.isSafeInteger(v) ? (v as number) : bad(where, `must be an integer code, got ${JSON.stringify(v)}`));
    (rows as unknown[]).forEach((row, j) => {
      if (!Array.isArray(row) || row.length !== inputs) bad(`${at}.weights[${j}]`, `must be a list of ${inputs} codes`);
      (row as unknown[]).forEach((v, i) => codes.push(code(v, `${at}.weights[${j}][${i}]`)));
      codes.push(code((l.bias as unknown[])[j], `${at}.bias[${j}]`));
    });
  });
  const weights = Int32Array.from(codes);
  try {
    goldenModel(config).loadWeights(weights);
  } catch (e) {
    bad('a weight', (e as Error).message.replace(/^loadWeights: /, ''));
  }
  return { config, weights };
}

/**
 * The weight banks' contents as $readmemh images, one file per lane: `wbank<q>.hex`, one word per
 * line in two's complement hex (the bank's width), every address of the bank (docs/ARCHITECTURE.md
 * §3: output j of layer l lives in bank j mod P at WB_l + floor(j / P)·(N_{l−1} + 1) + i).
 */
export function bankImages(cfg: Config, codes: ArrayLike<number>): { file: string; text: string }[] {
  const sizes = deriveSizes(cfg);
  const P = cfg.pes;
  const bits = bitsOf(cfg.weight);
  const banks = Array.from({ length: P }, () => new Array<number>(sizes.weightDepth).fill(0));
  let at = 0;
  for (const l of sizes.layers) {
    for (let j = 0; j < l.nOut; j++) {
      const bank = banks[j % P] ?? [];
      const row = l.weightBase + Math.floor(j / P) * l.rowLen;
      for (let i = 0; i < l.rowLen; i++) bank[row + i] = codes[at++] ?? 0;
    }
  }
  const digits = Math.ceil(bits / 4);
  const mask = 2 ** bits;
  const hex = (v: number) => (((v % mask) + mask) % mask).toString(16).padStart(digits, '0');
  return banks.map((b, q) => ({ file: `wbank${q}.hex`, text: `${b.map(hex).join('\n')}\n` }));
}

/** Writes the bank images into `dir` (all of them or none: writeOutputFolder); the paths written. */
export function writeBankImages(dir: string, cfg: Config, codes: ArrayLike<number>): string[] {
  return writeOutputFolder(dir, bankImages(cfg, codes));
}
