/**
 * A slow, literal reference of docs/ARCHITECTURE.md §1–§3 for checking the fast golden model
 * (src/model/accelerator.ts). Written to be obviously right rather than fast:
 *
 *   - every value is a bigint, every rounding goes through src/model/fixed.ts (requantize,
 *     roundShift, saturate), every sum is checked not to wrap in the accBits accumulator;
 *   - the weights live where §3 puts them: P weight banks, row j = gP + p of layer l in bank p at
 *     WB_l + g·(N_{l-1}+1) + i, the bias at i = N_{l-1};
 *   - each lane owns a stateful `Lfsr` (src/model/lfsr.ts) started at seq[p·floor(65535/P)] by
 *     stepping, and every lane (padding lanes too) advances once per update operation in the
 *     §2 order: layers L..1, groups, columns then bias;
 *   - backward l and update l alternate exactly as §1 says (l = L..1).
 *
 * It shares no code with the fast model. A `mutation` makes it deliberately wrong in one
 * detail, for the negative controls of the cross-check.
 */
import { activationModel } from '../../src/model/blocks.js';
import { requantize, roundShift, saturate, wrapSigned, type Format } from '../../src/model/fixed.js';
import { Lfsr } from '../../src/model/lfsr.js';
import type { AcceleratorParams } from '../../src/model/accelerator.js';

export const MUTATIONS = [
  /** lane p starts one step late */
  'lane-start',
  /** padding lanes do not advance their LFSR */
  'padding-idle',
  /** layer l is updated before the backward step reads W_l */
  'update-before-backward',
  /** update operations numbered layer 1 first */
  'update-layer-order',
  /** the bias is multiplied by 1 (code) instead of ONE_A in the forward sum */
  'bias-unit',
  /** argmax ties go to the highest j */
  'argmax-high',
  /** output error rounding is a truncation */
  'error-truncate',
  /** the hard-sigmoid derivative shift is forgotten (d = 0) */
  'hardsigmoid-deriv',
  /** for S > 16 the stochastic addend is the raw 16-bit state (not shifted to the top of the dropped bits) */
  'wide-low-bits',
  /** with skipZeroInputs, zero inputs still step the LFSRs (as if layer 1 issued them) */
  'skip-steps-lfsr',
  /** with skipZeroErrors, a skipped group (all errors zero) still steps the LFSRs */
  'skip-errors-steps-lfsr',
  /** with skipZeroActivations, a zero hidden activation's update column still steps the LFSRs */
  'skip-activations-steps-lfsr',
  /** per-layer formats and learning rates: every layer uses layer 1's */
  'first-layer-formats',
] as const;
export type Mutation = (typeof MUTATIONS)[number];

type Fmt = Format & { frac: number };

export interface ReferenceTrace {
  z: bigint[][];
  a: bigint[][];
  e: bigint[][];
}

export class ReferenceAccelerator {
  readonly L: number;
  readonly N: readonly number[];
  readonly P: number;
  readonly G: number[];
  readonly WB: number[];
  readonly banks: bigint[][];
  lanes: Lfsr[] = [];
  /** Per weight layer l = 1..L (index l): its weights, inputs and output errors, and its update shift. */
  private readonly W: Fmt[] = [];
  private readonly A: Fmt[] = [];
  private readonly E: Fmt[] = [];
  private readonly S: number[] = [];
  /** ONE_A of layer l's inputs. */
  private readonly ONE: bigint[] = [];

  constructor(
    readonly params: AcceleratorParams,
    readonly mutation?: Mutation,
  ) {
    this.N = params.layers;
    this.L = params.layers.length - 1;
    this.P = params.pes;
    // A list has one entry per weight layer (entry l − 1 for layer l); a single value serves every layer.
    const of = <T>(v: T | readonly T[], l: number): T => {
      const k = mutation === 'first-layer-formats' ? 0 : l - 1;
      return Array.isArray(v) ? (v as readonly T[])[k]! : (v as T);
    };
    for (let l = 1; l <= this.L; l++) {
      this.W[l] = { ...of(params.weight, l), signed: true };
      this.A[l] = { ...of(params.act, l), signed: false };
      this.E[l] = { ...of(params.error, l), signed: true };
      this.S[l] = this.E[l]!.frac + this.A[l]!.frac + of(params.lrShift, l) - this.W[l]!.frac;
      this.ONE[l] = 1n << BigInt(this.A[l]!.frac);
    }
    this.G = [0];
    this.WB = [0, 0];
    for (let l = 1; l <= this.L; l++) {
      this.G[l] = Math.ceil(this.N[l]! / this.P);
      this.WB[l + 1] = this.WB[l]! + this.G[l]! * (this.N[l - 1]! + 1);
    }
    const depth = this.WB[this.L + 1]!;
    this.banks = Array.from({ length: this.P }, () => new Array<bigint>(depth).fill(0n));
    this.reset();
  }

  reset(): void {
    const stride = Math.floor(65535 / this.P);
    this.lanes = [];
    for (let p = 0; p < this.P; p++) {
      const lane = new Lfsr(this.params.seed);
      const steps = p * stride + (this.mutation === 'lane-start' ? 1 : 0);
      for (let n = 0; n < steps; n++) lane.advance();
      this.lanes.push(lane);
    }
  }

  /** Bank and address of W_l[j][i] (i = N_{l-1} is the bias). */
  private where(l: number, j: number, i: number): [number, number] {
    const p = j % this.P;
    const g = Math.floor(j / this.P);
    return [p, this.WB[l]! + g * (this.N[l - 1]! + 1) + i];
  }

  private getW(l: number, j: number, i: number): bigint {
    const [p, addr] = this.where(l, j, i);
    return this.banks[p]![addr]!;
  }

  private setW(l: number, j: number, i: number, v: bigint): void {
    const [p, addr] = this.where(l, j, i);
    this.banks[p]![addr] = v;
  }

  /** From the s_weights stream: l = 1..L, rows j, columns i then the bias. */
  loadWeights(codes: ArrayLike<number>): void {
    let q = 0;
    for (let l = 1; l <= this.L; l++) {
      for (let j = 0; j < this.N[l]!; j++) {
        for (let i = 0; i <= this.N[l - 1]!; i++) this.setW(l, j, i, BigInt(codes[q++]!));
      }
    }
    if (q !== codes.length) throw new Error('reference: wrong number of codes');
  }

  readWeights(): Int32Array {
    const out: number[] = [];
    for (let l = 1; l <= this.L; l++) {
      for (let j = 0; j < this.N[l]!; j++) {
        for (let i = 0; i <= this.N[l - 1]!; i++) out.push(Number(this.getW(l, j, i)));
      }
    }
    return Int32Array.from(out);
  }

  /** Whether layer l's update issues only its non-zero inputs (skipZeroInputs for layer 1, skipZeroActivations for the others). */
  private skipsZeroColumns(l: number): boolean {
    return l === 1 ? this.params.skipZeroInputs === true : this.params.skipZeroActivations === true;
  }

  private noWrap(x: bigint, what: string): bigint {
    if (wrapSigned(x, this.params.accBits) !== x) throw new Error(`reference: ${what} wraps in ${this.params.accBits} bits`);
    return x;
  }

  sample(input: ArrayLike<number>, label: number, train: boolean): { predicted: number; trace: ReferenceTrace } {
    const { L, N, P, W, A, E } = this;
    const hs = this.params.hidden === 'hardsigmoid';
    // the fraction bits of layer l's sums z_l
    const F = (l: number) => W[l]!.frac + A[l]!.frac;
    const a: bigint[][] = [Array.from(input, (v) => BigInt(v))];
    const m: boolean[][] = [[]];
    const z: bigint[][] = [[]];

    // 1. forward, lane by lane in groups, as the PE array computes it
    for (let l = 1; l <= L; l++) {
      z[l] = new Array<bigint>(N[l]!).fill(0n);
      for (let g = 0; g < this.G[l]!; g++) {
        for (let p = 0; p < P; p++) {
          const j = g * P + p;
          if (j >= N[l]!) continue; // padding lane
          let acc = 0n;
          for (let i = 0; i < N[l - 1]!; i++) acc = this.noWrap(acc + this.getW(l, j, i) * a[l - 1]![i]!, 'forward sum');
          const biasIn = this.mutation === 'bias-unit' ? 1n : this.ONE[l]!;
          acc = this.noWrap(acc + this.getW(l, j, N[l - 1]!) * biasIn, 'forward sum');
          z[l]![j] = acc;
        }
      }
      if (l < L) {
        a[l] = [];
        m[l] = [];
        for (let j = 0; j < N[l]!; j++) {
          const zz = z[l]![j]!;
          // a_l is the next layer's input: its format
          const out = A[l + 1]!;
          const one = this.ONE[l + 1]!;
          let act: bigint;
          if (!hs) act = requantize(zz, F(l), out, 'nearest');
          else {
            const q = requantize(zz + (1n << BigInt(F(l) + 1)), F(l) + 2, out, 'nearest');
            act = q < one ? q : one;
          }
          const mask = hs ? act > 0n && act < one : act > 0n;
          // the block golden model of the activation unit must agree with the doc formula
          const blk = activationModel(zz, F(l), out, this.params.hidden, 'nearest');
          if (blk.a !== act || blk.mask !== mask) throw new Error(`reference: activationModel disagrees at z = ${zz}`);
          a[l]![j] = act;
          m[l]![j] = mask;
        }
      }
    }

    // 2. prediction
    let predicted = 0;
    for (let j = 1; j < N[L]!; j++) {
      const zj = z[L]![j]!;
      const best = z[L]![predicted]!;
      if (zj > best || (this.mutation === 'argmax-high' && zj === best)) predicted = j;
    }
    if (!train) return { predicted, trace: { z, a, e: [] } };

    // 3. output error
    const e: bigint[][] = [];
    e[L] = [];
    for (let j = 0; j < N[L]!; j++) {
      const t = j === label ? 1n << BigInt(F(L)) : 0n;
      const mode = this.mutation === 'error-truncate' ? 'truncate' : 'nearest';
      e[L]![j] = requantize(z[L]![j]! - t, F(L), E[L]!, mode);
    }

    // 4–5. backward l (reads W_l) then update l, for l = L..1
    const d = hs && this.mutation !== 'hardsigmoid-deriv' ? 2 : 0;
    const backward = (l: number) => {
      e[l - 1] = [];
      for (let i = 0; i < N[l - 1]!; i++) {
        let s = 0n;
        for (let g = 0; g < this.G[l]!; g++) {
          // the adder tree sums the P lanes' products of this group (padding lanes: 0)
          let tree = 0n;
          for (let p = 0; p < P; p++) {
            const j = g * P + p;
            if (j < N[l]!) tree += this.getW(l, j, i) * e[l]![j]!;
          }
          s = this.noWrap(s + tree, 'backward sum');
        }
        // e_{l-1} in layer l − 1's error format
        e[l - 1]![i] = m[l - 1]![i] ? requantize(s, W[l]!.frac + E[l]!.frac + d, E[l - 1]!, 'nearest') : 0n;
      }
    };
    const update = (l: number) => {
      for (let g = 0; g < this.G[l]!; g++) {
        // skipZeroErrors: a group whose errors are all zero issues nothing (and steps no LFSR)
        if (this.params.skipZeroErrors) {
          let live = false;
          for (let p = 0; p < P; p++) if (g * P + p < N[l]! && e[l]![g * P + p]! !== 0n) live = true;
          if (!live) {
            if (this.mutation === 'skip-errors-steps-lfsr') {
              for (let i = 0; i <= N[l - 1]!; i++) {
                const x = i < N[l - 1]! ? a[l - 1]![i]! : this.ONE[l]!;
                if (x === 0n && this.skipsZeroColumns(l)) continue;
                for (const lane of this.lanes) lane.advance();
              }
            }
            continue;
          }
        }
        for (let i = 0; i <= N[l - 1]!; i++) {
          const x = i < N[l - 1]! ? a[l - 1]![i]! : this.ONE[l]!;
          // skipZeroInputs (layer 1), skipZeroActivations (layers 2..L): no operation (and no LFSR
          // step) for a zero input
          if (x === 0n && this.skipsZeroColumns(l)) {
            const mutated = l === 1 ? 'skip-steps-lfsr' : 'skip-activations-steps-lfsr';
            if (this.mutation === mutated) for (const lane of this.lanes) lane.advance();
            continue;
          }
          for (let p = 0; p < P; p++) {
            const j = g * P + p;
            if (j < N[l]!) {
              const prod = this.noWrap(e[l]![j]! * x, 'update product');
              const state = this.lanes[p]!.state;
              const delta =
                this.mutation === 'wide-low-bits' && this.S[l]! > 16 && this.params.rounding === 'stochastic'
                  ? (prod + BigInt(state)) >> BigInt(this.S[l]!)
                  : roundShift(prod, this.S[l]!, this.params.rounding, state);
              this.setW(l, j, i, saturate(this.getW(l, j, i) - delta, W[l]!));
            }
          }
          for (let p = 0; p < P; p++) {
            if (this.mutation === 'padding-idle' && g * P + p >= N[l]!) continue;
            this.lanes[p]!.advance();
          }
        }
      }
    };
    if (this.mutation === 'update-layer-order') {
      for (let l = L; l >= 2; l--) backward(l);
      for (let l = 1; l <= L; l++) update(l);
    } else {
      for (let l = L; l >= 1; l--) {
        if (this.mutation === 'update-before-backward') {
          update(l);
          if (l >= 2) backward(l);
        } else {
          if (l >= 2) backward(l);
          update(l);
        }
      }
    }
    return { predicted, trace: { z, a, e } };
  }
}
