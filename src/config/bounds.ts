/**
 * Pure arithmetic on configuration values, shared by the schema's cross-field checks and by
 * deriveSizes(): the parameter count and the accumulator width every sum needs
 * (docs/ARCHITECTURE.md §1, docs/CONFIG.md "Derived quantities"). Exact: sums are bigints.
 */
import { fanIn, weightLayers, type Network } from './network.js';
import type { Format } from './schema.js';

/** Σ_l N_l · (N_{l-1} + 1): weights plus biases (also the forward and the update MAC count). */
export function paramCount(layers: readonly number[]): number {
  let n = 0;
  for (let l = 1; l < layers.length; l++) n += layers[l]! * (layers[l - 1]! + 1);
  return n;
}

/** Bits of one PE product: max(Wb, Eb) + max(Ab + 1, Eb) (the PE multiplies signed operands). */
export function peProductBits(weight: Format, act: Format, error: Format): number {
  return Math.max(weight.bits, error.bits) + Math.max(act.bits + 1, error.bits);
}

/** The smallest n ≥ 1 such that lo..hi fits in n-bit two's complement. */
export function twosComplementBits(lo: bigint, hi: bigint): number {
  let n = 1;
  while (lo < -(1n << BigInt(n - 1)) || hi > (1n << BigInt(n - 1)) - 1n) n++;
  return n;
}

export interface AccumulatorNeed {
  /** minAccBits: the smallest accumulator width (≥ peProductBits) that no sum can overflow. */
  readonly bits: number;
  readonly peProductBits: number;
  /** What sets `bits`, for error messages: e.g. "the forward sum of layer 1, 785 terms of weight × activation, needs 30 bits". */
  readonly reason: string;
}

const signedRange = (bits: number): [bigint, bigint] => [-(1n << BigInt(bits - 1)), (1n << BigInt(bits - 1)) - 1n];
const unsignedRange = (bits: number): [bigint, bigint] => [0n, (1n << BigInt(bits)) - 1n];

function productRange([aLo, aHi]: [bigint, bigint], [bLo, bHi]: [bigint, bigint]): [bigint, bigint] {
  const c = [aLo * bLo, aLo * bHi, aHi * bLo, aHi * bHi];
  return [c.reduce((x, y) => (y < x ? y : x)), c.reduce((x, y) => (y > x ? y : x))];
}

/**
 * The accumulator width needed by every forward sum (layer l: N_{l-1}+1 terms, weight × activation,
 * the bias term being b · ONE_A with ONE_A ≤ 2^Ab − 1) and every backward sum (layer l ≥ 2: N_l
 * terms, weight × error), over all layers, and never less than one PE product.
 * Layer numbers in `reason` are 1-based, as in docs/ARCHITECTURE.md.
 */
export function accumulatorNeed(layers: readonly number[], weight: Format, act: Format, error: Format): AccumulatorNeed {
  const product = peProductBits(weight, act, error);
  let bits = product;
  let reason = `one PE product, max(weight.bits, error.bits) + max(act.bits + 1, error.bits), needs ${product} bits`;
  const w = signedRange(weight.bits);
  const fwd = productRange(w, unsignedRange(act.bits));
  const bwd = productRange(w, signedRange(error.bits));
  for (let l = 1; l < layers.length; l++) {
    const terms = BigInt(layers[l - 1]! + 1);
    const n = twosComplementBits(fwd[0] * terms, fwd[1] * terms);
    if (n > bits) {
      bits = n;
      reason = `the forward sum of layer ${l}, ${terms} terms of weight × activation, needs ${n} bits`;
    }
  }
  for (let l = 2; l < layers.length; l++) {
    const terms = BigInt(layers[l]!);
    const n = twosComplementBits(bwd[0] * terms, bwd[1] * terms);
    if (n > bits) {
      bits = n;
      reason = `the backward sum of layer ${l}, ${terms} terms of weight × error, needs ${n} bits`;
    }
  }
  return { bits, peProductBits: product, reason };
}

/**
 * accumulatorNeed for a network with convolution (docs/ARCHITECTURE.md §17): every forward sum
 * (fan-in + 1 terms of weight × activation), every backward sum of a weight layer after the first
 * (a dense layer's units, a convolution's ceil(kernel / stride)² · filters terms of weight × error
 * meet at one input) and every weight-gradient sum of a convolution (its output positions, terms
 * of error × activation; the bias's terms error × ONE_A are no larger).
 */
export function networkAccumulatorNeed(network: Network, weight: Format, act: Format, error: Format): AccumulatorNeed {
  const product = peProductBits(weight, act, error);
  let bits = product;
  let reason = `one PE product, max(weight.bits, error.bits) + max(act.bits + 1, error.bits), needs ${product} bits`;
  const w = signedRange(weight.bits);
  const sums = {
    forward: productRange(w, unsignedRange(act.bits)),
    backward: productRange(w, signedRange(error.bits)),
    gradient: productRange(signedRange(error.bits), unsignedRange(act.bits)),
  };
  const what = { forward: 'weight × activation', backward: 'weight × error', gradient: 'error × activation' };
  const need = (sum: keyof typeof sums, l: number, count: number, kind: string) => {
    const terms = BigInt(count);
    const [lo, hi] = sums[sum];
    const n = twosComplementBits(lo * terms, hi * terms);
    if (n > bits) {
      bits = n;
      reason = `the ${sum} sum of layer ${l} (${kind}), ${terms} terms of ${what[sum]}, needs ${n} bits`;
    }
  };
  weightLayers(network).forEach((layer, k) => {
    const l = k + 1;
    need('forward', l, fanIn(layer) + 1, layer.kind);
    if (k > 0) need('backward', l, layer.kind === 'conv' ? Math.ceil(layer.kernel / layer.stride) ** 2 * layer.filters : layer.units, layer.kind);
    if (layer.kind === 'conv') need('gradient', l, layer.out.height * layer.out.width, layer.kind);
  });
  return { bits, peProductBits: product, reason };
}
