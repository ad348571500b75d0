/**
 * What the golden model and the float32 reference of a network with convolution share
 * (docs/ARCHITECTURE.md §17): each weight layer as output positions × taps, the pooling
 * layers' forward pass and the backward routes through them, and the initial weights.
 *
 * One description covers both kinds of weight layer. A layer has `positions` output positions,
 * each with `rows` outputs (the filters, or a dense layer's units) that read the same taps: tap t
 * of position o is an input pixel `pixel[t]` at kernel place `place[t]`, and its `channels`
 * inputs are the weight columns place·channels + c. A convolution's taps are the kernel places
 * inside its input (a "same" border has fewer); a dense layer is one position whose taps are
 * every pixel of its input, in place order, so its columns are the flattened input (HWC).
 * Weights are held column-major, W[row][col] at col·rows + row, the biases after the last column.
 */
import { fanIn, rowsOf, volume, weightLayers, type Network, type NetworkLayer, type PoolLayer, type WeightLayer } from '../../config/network.js';
import { initialRowValues, type RowShape } from '../accelerator.js';

export interface WeightGeometry {
  readonly layer: WeightLayer;
  readonly rows: number;
  /** Columns of weights (fanIn); the bias is column `cols`. */
  readonly cols: number;
  readonly channels: number;
  readonly positions: number;
  /** Taps of position o: tapStart[o] .. tapStart[o + 1]. */
  readonly tapStart: Int32Array;
  /** The input pixel (y·W + x) of a tap. */
  readonly pixel: Int32Array;
  /** The kernel place (ky·K + kx; a dense layer: the pixel) of a tap. */
  readonly place: Int32Array;
  /** Input values (volume of its input) and outputs (positions · rows). */
  readonly inSize: number;
  readonly outSize: number;
}

/** The taps of every output position of a weight layer. */
export function weightGeometry(layer: WeightLayer): WeightGeometry {
  const { height: H, width: W, channels: C } = layer.in;
  const start: number[] = [0];
  const pixel: number[] = [];
  const place: number[] = [];
  if (layer.kind === 'dense') {
    for (let p = 0; p < H * W; p++) {
      pixel.push(p);
      place.push(p);
    }
    start.push(pixel.length);
  } else {
    const { kernel: K, stride: S, padTop, padLeft } = layer;
    for (let oy = 0; oy < layer.out.height; oy++) {
      for (let ox = 0; ox < layer.out.width; ox++) {
        for (let ky = 0; ky < K; ky++) {
          const y = oy * S + ky - padTop;
          if (y < 0 || y >= H) continue;
          for (let kx = 0; kx < K; kx++) {
            const x = ox * S + kx - padLeft;
            if (x < 0 || x >= W) continue;
            pixel.push(y * W + x);
            place.push(ky * K + kx);
          }
        }
        start.push(pixel.length);
      }
    }
  }
  const rows = rowsOf(layer);
  const positions = start.length - 1;
  return {
    layer,
    rows,
    cols: fanIn(layer),
    channels: C,
    positions,
    tapStart: Int32Array.from(start),
    pixel: Int32Array.from(pixel),
    place: Int32Array.from(place),
    inSize: volume(layer.in),
    outSize: positions * rows,
  };
}

/** The pooling layers between weight layer k − 1's output (or the input, k = 0) and weight layer k's input. */
export function poolsBefore(network: Network): PoolLayer[][] {
  const out: PoolLayer[][] = [];
  let pools: PoolLayer[] = [];
  for (const l of network.layers as readonly NetworkLayer[]) {
    if (l.kind === 'pool') pools.push(l);
    else {
      out.push(pools);
      pools = [];
    }
  }
  return out;
}

/**
 * Pools `x` (the pool's input, HWC) into `y`. Max: the largest value of each 2 × 2 window, ties to
 * the first in the order (0,0), (0,1), (1,0), (1,1), its input index kept in `arg`. Avg: `avg` of
 * the window's sum (the caller's rounding: the golden model's rnd_n(sum, 2), the reference's mean).
 */
export function poolForward(p: PoolLayer, x: ArrayLike<number>, y: Float64Array | Int32Array, arg: Int32Array, avg: (sum: number) => number): void {
  const { width: W, channels: C } = p.in;
  const { height: OH, width: OW } = p.out;
  let q = 0;
  for (let oy = 0; oy < OH; oy++) {
    for (let ox = 0; ox < OW; ox++) {
      // the window's places in the order (0,0), (0,1), (1,0), (1,1)
      const i00 = (2 * oy * W + 2 * ox) * C;
      const i01 = i00 + C;
      const i10 = i00 + W * C;
      const i11 = i10 + C;
      for (let c = 0; c < C; c++, q++) {
        if (p.pool === 'avg') {
          y[q] = avg(x[i00 + c]! + x[i01 + c]! + x[i10 + c]! + x[i11 + c]!);
          continue;
        }
        let best = i00 + c;
        if (x[i01 + c]! > x[best]!) best = i01 + c;
        if (x[i10 + c]! > x[best]!) best = i10 + c;
        if (x[i11 + c]! > x[best]!) best = i11 + c;
        y[q] = x[best]!;
        arg[q] = best;
      }
    }
  }
}

/**
 * The backward route through a pool: `sIn` (the pool's input volume) gets, from `sOut` (its
 * output volume), each window's value at its max (the others NaN: no error reaches them) or, for
 * avg, `avgScale` times it at every place of the window; rows and columns the pool dropped get NaN.
 */
export function poolBackward(p: PoolLayer, sOut: Float64Array, sIn: Float64Array, arg: Int32Array, avgScale: number): void {
  const { width: W, channels: C } = p.in;
  const { height: OH, width: OW } = p.out;
  sIn.fill(Number.NaN);
  let q = 0;
  for (let oy = 0; oy < OH; oy++) {
    for (let ox = 0; ox < OW; ox++) {
      const i00 = (2 * oy * W + 2 * ox) * C;
      for (let c = 0; c < C; c++, q++) {
        const s = sOut[q]!;
        if (p.pool === 'max') {
          sIn[arg[q]!] = s;
          continue;
        }
        const v = s * avgScale;
        sIn[i00 + c] = v;
        sIn[i00 + C + c] = v;
        sIn[i00 + W * C + c] = v;
        sIn[i00 + W * C + C + c] = v;
      }
    }
  }
}

/** A network's weight layers as rows (filters or units) of kernel² · channels or flattened inputs. */
export const networkRowShapes = (network: Network): RowShape[] => weightLayers(network).map((l) => ({ rows: rowsOf(l), fanIn: fanIn(l) }));

/**
 * The initial weights as real numbers in stream order: initialRowValues of the network's rows
 * (He-uniform over a filter's kernel² · channels inputs, Glorot for the output layer). For
 * dense layers this is `initialWeightValues` of their sizes.
 */
export function initialNetworkValues(network: Network, seed: number): Float64Array {
  return initialRowValues(networkRowShapes(network), seed);
}
