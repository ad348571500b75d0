/**
 * A slow, literal reference of docs/ARCHITECTURE.md §17 (networks with convolution and pooling)
 * for checking the fast golden model (src/model/cnn/golden.ts). Written from the text, sharing
 * no code with the model:
 *
 *   - it reads the layer objects as written (`network.spec`) and derives every shape and
 *     padding itself (TensorFlow's "same": ceil(in / stride), the smaller half of the padding
 *     first; "valid": floor((in − kernel) / stride) + 1);
 *   - feature maps are nested arrays [y][x][c] of bigints, every rounding goes through
 *     src/model/fixed.ts, every sum is checked against the accBits accumulator;
 *   - each lane owns a stateful Lfsr started at seq[p·floor(65535/P)] by stepping, and every
 *     lane steps once per update operation issued (layers L..1, groups, columns then the bias).
 *
 * A `mutation` makes it deliberately wrong in one detail, for the negative controls.
 */
import type { Config, LayerSpec } from '../../src/config/index.js';
import { activationModel } from '../../src/model/blocks.js';
import { requantize, roundShift, saturate, type Format } from '../../src/model/fixed.js';
import { Lfsr } from '../../src/model/lfsr.js';

export const CNN_MUTATIONS = [
  /** "same" padding puts the larger half before the input */
  'same-pad-first',
  /** max pooling ties go to the last place of the window */
  'max-tie-last',
  /** the avg pool's 1/4 is not applied to the backward sums */
  'avg-backward-unscaled',
  /** avg pooling truncates instead of rounding to nearest */
  'avg-truncate',
  /** the flatten before a dense layer is channels first */
  'flatten-chw',
  /** a convolution's update rounds each position's product instead of the sum */
  'gradient-per-position',
  /** a dense layer's zero input columns step the LFSRs (as if issued) */
  'dense-zero-steps',
  /** a group whose errors are all zero steps the LFSRs (as if issued) */
  'skipped-group-steps',
  /** the dedicated variant rounds stochastically with the low S bits, as the shifter does, not all 16 (§9) */
  'dedicated-low-bits',
] as const;
export type CnnMutation = (typeof CNN_MUTATIONS)[number];

type Fmt = Format & { frac: number };
type Map3 = bigint[][][];

interface RefLayer {
  readonly kind: 'conv' | 'pool' | 'dense';
  readonly spec: LayerSpec;
  readonly inH: number;
  readonly inW: number;
  readonly inC: number;
  readonly outH: number;
  readonly outW: number;
  readonly outC: number;
  readonly k: number;
  readonly stride: number;
  readonly padT: number;
  readonly padL: number;
  readonly avg: boolean;
}

const zeros = (h: number, w: number, c: number): Map3 => Array.from({ length: h }, () => Array.from({ length: w }, () => new Array<bigint>(c).fill(0n)));
const nans = (h: number, w: number, c: number): (bigint | null)[][][] =>
  Array.from({ length: h }, () => Array.from({ length: w }, () => new Array<bigint | null>(c).fill(null)));

export class ReferenceConvNetwork {
  readonly layers: RefLayer[] = [];
  /** Per weight layer (0-based): rows of fanIn + 1 codes (bias last), in stream order. */
  readonly weights: bigint[][][] = [];
  lanes: Lfsr[] = [];
  private readonly wl: RefLayer[] = [];
  private readonly W: Fmt[] = [];
  private readonly A: Fmt[] = [];
  private readonly E: Fmt[] = [];
  private readonly S: number[] = [];

  constructor(
    readonly cfg: Config,
    readonly mutation?: CnnMutation,
  ) {
    const spec = cfg.network!.spec;
    const first = spec[0] as { input: readonly number[] };
    let [h, w, c] = first.input as [number, number, number];
    for (const s of spec.slice(1)) {
      const base = { spec: s, inH: h, inW: w, inC: c, k: 0, stride: 1, padT: 0, padL: 0, avg: false };
      let layer: RefLayer;
      if ('conv' in s) {
        const { filters, kernel, stride = 1, padding = 'valid' } = s.conv;
        const side = (n: number) => (padding === 'same' ? Math.ceil(n / stride) : Math.floor((n - kernel) / stride) + 1);
        const pad = (n: number, out: number) => {
          const total = Math.max((out - 1) * stride + kernel - n, 0);
          return padding === 'valid' ? 0 : this.mutation === 'same-pad-first' ? Math.ceil(total / 2) : Math.floor(total / 2);
        };
        const oh = side(h);
        const ow = side(w);
        layer = { ...base, kind: 'conv', outH: oh, outW: ow, outC: filters, k: kernel, stride, padT: pad(h, oh), padL: pad(w, ow) };
      } else if ('pool' in s) {
        layer = { ...base, kind: 'pool', outH: Math.floor(h / 2), outW: Math.floor(w / 2), outC: c, avg: s.pool.kind === 'avg' };
      } else {
        layer = { ...base, kind: 'dense', outH: 1, outW: 1, outC: (s as { dense: number }).dense };
      }
      this.layers.push(layer);
      if (layer.kind !== 'pool') this.wl.push(layer);
      [h, w, c] = [layer.outH, layer.outW, layer.outC];
    }
    const of = <T>(v: T | readonly T[], k: number): T => (Array.isArray(v) ? (v as readonly T[])[k]! : (v as T));
    this.wl.forEach((_, k) => {
      this.W.push({ ...of(cfg.weight, k), signed: true });
      this.A.push({ ...of(cfg.act, k), signed: false });
      this.E.push({ ...of(cfg.error, k), signed: true });
      this.S.push(this.E[k]!.frac + this.A[k]!.frac + of(cfg.lrShift, k) - this.W[k]!.frac);
    });
    const stride = Math.floor(65535 / cfg.pes);
    for (let p = 0; p < cfg.pes; p++) {
      const lane = new Lfsr(cfg.seed);
      for (let n = 0; n < p * stride; n++) lane.advance();
      this.lanes.push(lane);
    }
  }

  private fanIn = (l: RefLayer) => (l.kind === 'conv' ? l.k * l.k * l.inC : l.inH * l.inW * l.inC);

  load(codes: ArrayLike<number>): void {
    let q = 0;
    this.weights.length = 0;
    for (const l of this.wl) {
      this.weights.push(Array.from({ length: l.outC }, () => Array.from({ length: this.fanIn(l) + 1 }, () => BigInt(codes[q++]!))));
    }
  }

  read(): number[] {
    return this.weights.flat(2).map(Number);
  }

  private noWrap(x: bigint, what: string): bigint {
    const lim = 1n << BigInt(this.cfg.accBits - 1);
    if (x < -lim || x >= lim) throw new Error(`reference: ${what} ${x} wraps the ${this.cfg.accBits}-bit accumulator`);
    return x;
  }

  /** Column index of the flattened input (y, x, c) of a dense layer. */
  private flatIndex(l: RefLayer, y: number, x: number, c: number): number {
    return this.mutation === 'flatten-chw' ? (c * l.inH + y) * l.inW + x : (y * l.inW + x) * l.inC + c;
  }

  /** The input (y, x, c) that column i of a convolution at (oy, ox) reads, or null outside the map. */
  private tap(l: RefLayer, oy: number, ox: number, i: number): [number, number, number] | null {
    const c = i % l.inC;
    const place = (i - c) / l.inC;
    const kx = place % l.k;
    const ky = (place - kx) / l.k;
    const y = oy * l.stride + ky - l.padT;
    const x = ox * l.stride + kx - l.padL;
    return y < 0 || y >= l.inH || x < 0 || x >= l.inW ? null : [y, x, c];
  }

  /** One sample; trains when `label` is given. Returns the prediction. */
  run(input: ArrayLike<number>, label?: number): number {
    const cfg = this.cfg;
    const hs = cfg.hidden === 'hardsigmoid';
    const first = this.layers[0]!;
    let map: Map3 = zeros(first.inH, first.inW, first.inC);
    for (let y = 0, i = 0; y < first.inH; y++) for (let x = 0; x < first.inW; x++) for (let c = 0; c < first.inC; c++) map[y]![x]![c] = BigInt(input[i++]!);
    const inputs: Map3[] = []; // per weight layer
    const acts: Map3[] = []; // per hidden weight layer
    const masks: boolean[][][][] = [];
    const argmax: Map<RefLayer, [number, number][][][]> = new Map();
    let z: bigint[] = [];
    let k = 0;
    for (const l of this.layers) {
      if (l.kind === 'pool') {
        map = this.pool(l, map, argmax);
        continue;
      }
      inputs.push(map);
      const F = l.outC;
      const out = zeros(l.outH, l.outW, F);
      const ONE = 1n << BigInt(this.A[k]!.frac);
      for (let oy = 0; oy < l.outH; oy++) {
        for (let ox = 0; ox < l.outW; ox++) {
          for (let f = 0; f < F; f++) {
            const row = this.weights[k]![f]!;
            let s = row[row.length - 1]! * ONE;
            for (let i = 0; i < row.length - 1; i++) s += row[i]! * this.inputAt(l, map, oy, ox, i);
            out[oy]![ox]![f] = this.noWrap(s, 'forward sum');
          }
        }
      }
      const zFrac = this.W[k]!.frac + this.A[k]!.frac;
      if (k === this.wl.length - 1) {
        z = out[0]![0]!;
      } else {
        const next = { ...this.A[k + 1]!, signed: false };
        const mask = out.map((r) => r.map((v) => v.map(() => false)));
        map = out.map((r, y) =>
          r.map((v, x) =>
            v.map((zz, c) => {
              const { a, mask: m } = activationModel(zz, zFrac, next, cfg.hidden, 'nearest');
              mask[y]![x]![c] = m;
              return a;
            }),
          ),
        );
        acts.push(map);
        masks.push(mask);
      }
      k++;
    }
    let predicted = 0;
    z.forEach((v, j) => {
      if (v > z[predicted]!) predicted = j;
    });
    if (label === undefined) return predicted;

    const L = this.wl.length;
    const zFracL = this.W[L - 1]!.frac + this.A[L - 1]!.frac;
    const errs: Map3[] = [];
    errs[L - 1] = [[z.map((v, j) => requantize(v - (j === label ? 1n << BigInt(zFracL) : 0n), zFracL, this.E[L - 1]!, 'nearest'))]];
    for (let kk = L - 1; kk >= 1; kk--) errs[kk - 1] = this.backward(kk, errs[kk]!, acts[kk - 1]!, masks[kk - 1]!, argmax, hs);
    for (let kk = L - 1; kk >= 0; kk--) this.update(kk, errs[kk]!, inputs[kk]!);
    return predicted;
  }

  private inputAt(l: RefLayer, map: Map3, oy: number, ox: number, i: number): bigint {
    if (l.kind === 'conv') {
      const t = this.tap(l, oy, ox, i);
      return t ? map[t[0]]![t[1]]![t[2]]! : 0n;
    }
    for (let y = 0; y < l.inH; y++)
      for (let x = 0; x < l.inW; x++) for (let c = 0; c < l.inC; c++) if (this.flatIndex(l, y, x, c) === i) return map[y]![x]![c]!;
    throw new Error('reference: no input for a dense column');
  }

  private pool(l: RefLayer, map: Map3, argmax: Map<RefLayer, [number, number][][][]>): Map3 {
    const out = zeros(l.outH, l.outW, l.outC);
    const arg: [number, number][][][] = Array.from({ length: l.outH }, () => Array.from({ length: l.outW }, () => []));
    for (let oy = 0; oy < l.outH; oy++) {
      for (let ox = 0; ox < l.outW; ox++) {
        for (let c = 0; c < l.outC; c++) {
          const places: [number, number][] = [
            [2 * oy, 2 * ox],
            [2 * oy, 2 * ox + 1],
            [2 * oy + 1, 2 * ox],
            [2 * oy + 1, 2 * ox + 1],
          ];
          const vals = places.map(([y, x]) => map[y]![x]![c]!);
          if (l.avg) {
            out[oy]![ox]![c] = roundShift(vals[0]! + vals[1]! + vals[2]! + vals[3]!, 2, this.mutation === 'avg-truncate' ? 'truncate' : 'nearest');
            continue;
          }
          let best = 0;
          vals.forEach((v, w) => {
            if (v > vals[best]! || (this.mutation === 'max-tie-last' && v === vals[best]!)) best = w;
          });
          out[oy]![ox]![c] = vals[best]!;
          arg[oy]![ox]![c] = places[best]!;
        }
      }
    }
    argmax.set(l, arg);
    return out;
  }

  /** e of weight layer kk − 1 from e of weight layer kk (its weights before their update), through the pools between them. */
  private backward(kk: number, e: Map3, act: Map3, mask: boolean[][][], argmax: Map<RefLayer, [number, number][][][]>, hs: boolean): Map3 {
    const l = this.wl[kk]!;
    let s: (bigint | null)[][][] = zeros(l.inH, l.inW, l.inC);
    for (let oy = 0; oy < l.outH; oy++) {
      for (let ox = 0; ox < l.outW; ox++) {
        for (let f = 0; f < l.outC; f++) {
          const row = this.weights[kk]![f]!;
          for (let i = 0; i < row.length - 1; i++) {
            const where = l.kind === 'conv' ? this.tap(l, oy, ox, i) : this.denseWhere(l, i);
            if (!where) continue;
            const [y, x, c] = where;
            s[y]![x]![c] = this.noWrap(s[y]![x]![c]! + row[i]! * e[oy]![ox]![f]!, 'backward sum');
          }
        }
      }
    }
    // back through the pools between weight layer kk − 1 and kk, last first
    const between = this.layers.slice(this.layers.indexOf(this.wl[kk - 1]!) + 1, this.layers.indexOf(l));
    let avgPools = 0;
    for (const p of between.reverse()) {
      const into = nans(p.inH, p.inW, p.inC);
      const arg = argmax.get(p);
      for (let oy = 0; oy < p.outH; oy++) {
        for (let ox = 0; ox < p.outW; ox++) {
          for (let c = 0; c < p.outC; c++) {
            const v = s[oy]![ox]![c]!;
            if (p.avg)
              for (const [y, x] of [
                [0, 0],
                [0, 1],
                [1, 0],
                [1, 1],
              ] as const)
                into[2 * oy + y]![2 * ox + x]![c] = v;
            else into[arg![oy]![ox]![c]![0]]![arg![oy]![ox]![c]![1]]![c] = v;
          }
        }
      }
      if (p.avg && this.mutation !== 'avg-backward-unscaled') avgPools++;
      s = into;
    }
    const shift = this.W[kk]!.frac + this.E[kk]!.frac + (hs ? 2 : 0) + 2 * avgPools;
    return act.map((r, y) =>
      r.map((v, x) => v.map((_, c) => (s[y]![x]![c] !== null && mask[y]![x]![c] ? requantize(s[y]![x]![c]!, shift, this.E[kk - 1]!, 'nearest') : 0n))),
    );
  }

  private denseWhere(l: RefLayer, i: number): [number, number, number] {
    for (let y = 0; y < l.inH; y++) for (let x = 0; x < l.inW; x++) for (let c = 0; c < l.inC; c++) if (this.flatIndex(l, y, x, c) === i) return [y, x, c];
    throw new Error('reference: no place for a dense column');
  }

  private update(kk: number, e: Map3, input: Map3): void {
    const l = this.wl[kk]!;
    const cfg = this.cfg;
    const P = cfg.pes;
    const ONE = 1n << BigInt(this.A[kk]!.frac);
    const S = this.S[kk]!;
    const n = this.fanIn(l);
    const sparse = l.kind === 'dense' && (kk === 0 ? cfg.skipZeroInputs : cfg.skipZeroActivations);
    const dedicated = cfg.variant === 'dedicated' && this.mutation !== 'dedicated-low-bits';
    const k = [cfg.lrShift].flat()[kk] ?? [cfg.lrShift].flat()[0]!;
    const lr = 1n << BigInt(16 - k);
    const positions: [number, number][] = [];
    for (let oy = 0; oy < l.outH; oy++) for (let ox = 0; ox < l.outW; ox++) positions.push([oy, ox]);
    const column = (i: number, oy: number, ox: number) => (i === n ? ONE : this.inputAt(l, input, oy, ox, i));
    for (let g = 0; g * P < l.outC; g++) {
      const rows = Array.from({ length: P }, (_, p) => g * P + p).filter((j) => j < l.outC);
      const live = rows.some((j) => positions.some(([oy, ox]) => e[oy]![ox]![j]! !== 0n));
      if (cfg.skipZeroErrors && !live) {
        if (this.mutation === 'skipped-group-steps') for (let i = 0; i <= n; i++) for (const lane of this.lanes) lane.advance();
        continue;
      }
      for (let i = 0; i <= n; i++) {
        if (sparse && i < n && column(i, 0, 0) === 0n) {
          if (this.mutation === 'dense-zero-steps') for (const lane of this.lanes) lane.advance();
          continue;
        }
        for (const j of rows) {
          const state = this.lanes[j - g * P]!.state;
          const row = this.weights[kk]![j]!;
          let delta = 0n;
          if (this.mutation === 'gradient-per-position' && l.kind === 'conv') {
            for (const [oy, ox] of positions) delta += roundShift(e[oy]![ox]![j]! * column(i, oy, ox), S, cfg.rounding, state);
          } else {
            let grad = 0n;
            for (const [oy, ox] of positions) grad = this.noWrap(grad + e[oy]![ox]![j]! * column(i, oy, ox), 'gradient sum');
            // the dedicated variant multiplies by its learning-rate register lr = 2^(16−k) (Q0.16) and shifts by S − k + 16 (§9)
            delta = dedicated ? roundShift(grad * lr, S + 16 - k, cfg.rounding, state) : roundShift(grad, S, cfg.rounding, state);
          }
          row[i] = saturate(row[i]! - delta, this.W[kk]!);
        }
        for (const lane of this.lanes) lane.advance();
      }
    }
  }
}
