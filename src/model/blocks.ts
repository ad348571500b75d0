/**
 * Golden models of the first TaxoNN blocks (generators/blocks/), cycle by cycle where the
 * block has state. Each mirrors the generator's documented semantics.
 */
import { Lfsr } from './lfsr.js';
import { requantize, roundShift, saturate, wrapSigned, type Format, type Rounding } from './fixed.js';

export interface FixedFmt extends Format {
  readonly frac: number;
}

// ---- PE ---------------------------------------------------------------------------------------

export const PE_OPS = { forward: 0, backward: 1, gradient: 2 } as const;

export interface PeInputs {
  op: number;
  weight: bigint;
  act: bigint;
  err: bigint;
  en: boolean;
  first: boolean;
}

export class PeModel {
  acc = 0n;

  constructor(readonly accBits: number) {}

  /** The product the multiplier forms for these inputs. */
  static product(i: PeInputs): bigint {
    const left = i.op === PE_OPS.gradient ? i.err : i.weight;
    const right = i.op === PE_OPS.backward ? i.err : i.act;
    return left * right;
  }

  /** One clock edge. */
  step(i: PeInputs): void {
    if (!i.en) return;
    const p = PeModel.product(i);
    this.acc = i.first ? wrapSigned(p, this.accBits) : wrapSigned(this.acc + p, this.accBits);
  }

  reset(): void {
    this.acc = 0n;
  }
}

// ---- requantisation --------------------------------------------------------------------------

export const requantModel = requantize;

// ---- update unit -----------------------------------------------------------------------------

export class UpdateModel {
  readonly rng: Lfsr | undefined;

  constructor(
    readonly weight: FixedFmt,
    readonly shift: number,
    readonly rounding: Rounding,
    seed: number,
  ) {
    this.rng = rounding === 'stochastic' && shift > 0 ? new Lfsr(seed) : undefined;
  }

  /** The combinational output for the current LFSR state. */
  next(w: bigint, grad: bigint): bigint {
    const delta = roundShift(grad, this.shift, this.rounding, this.rng?.state ?? 0);
    return saturate(w - delta, this.weight);
  }

  /** One clock edge: the LFSR advances when the update is enabled. */
  step(en: boolean): void {
    if (en) this.rng?.advance();
  }
}

// ---- activation ------------------------------------------------------------------------------

export function activationModel(
  z: bigint,
  zFrac: number,
  act: FixedFmt,
  hidden: 'relu' | 'hardsigmoid',
  rounding: Exclude<Rounding, 'stochastic'>,
): { a: bigint; mask: boolean } {
  if (hidden === 'relu') {
    const a = requantize(z, zFrac, act, rounding);
    return { a, mask: a > 0n };
  }
  const q = requantize(z + (1n << BigInt(zFrac + 1)), zFrac + 2, act, rounding);
  const one = 1n << BigInt(act.frac);
  const maxCode = (1n << BigInt(act.bits)) - 1n;
  if (one <= maxCode) {
    const a = q >= one ? one : q;
    return { a, mask: q > 0n && q < one };
  }
  return { a: q, mask: q > 0n && q !== maxCode };
}
