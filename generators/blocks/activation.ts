/**
 * The activation unit: the accumulator (format s{zBits}q{zFrac}) → an unsigned activation
 * plus the derivative mask kept for the backward pass.
 * - relu: a = sat(round(z)) to the unsigned format (negatives saturate to 0); mask = a > 0,
 *   the derivative of the quantised ReLU.
 * - hardsigmoid: a = clamp(z/4 + 1/2, 0, 1); mask = 0 < a < 1, where the derivative is 1/4
 *   (the backward pass applies it as a right shift by 2, see `HARDSIGMOID_DERIV_SHIFT`).
 */
import { Bool, SInt, buildModule, lit, mux, requantize, type FixedFormat, type Module, type Rounding } from '../../src/hdl/index.js';
import { formatTag } from '../naming.js';

export type Hidden = 'relu' | 'hardsigmoid';
export const HARDSIGMOID_DERIV_SHIFT = 2;

export interface ActivationParams {
  zBits: number;
  zFrac: number;
  act: FixedFormat;
  hidden: Hidden;
  /** Rounding of the requantisation (truncate or nearest). */
  rounding: Exclude<Rounding, 'stochastic'>;
}

export function activation(p: ActivationParams): Module {
  if (p.act.signed) throw new RangeError('activations are unsigned');
  const name = `act_${p.hidden}_s${p.zBits}q${p.zFrac}_to_${formatTag(p.act)}_${p.rounding}`;
  return buildModule(name, { ...p }, (m) => {
    const z = m.input('z', SInt(p.zBits));
    const a = m.output('a', { signed: false, width: p.act.bits });
    const mask = m.output('mask', Bool);
    if (p.hidden === 'relu') {
      const q = m.wire('q', requantize(z, p.zFrac, p.act, p.rounding));
      m.assign(a, q);
      m.assign(mask, q.orR());
    } else {
      // z/4 + 1/2 in fraction bits zFrac + 2: the same integer z, plus 2^(zFrac+1).
      const y = z.add(lit(1n << BigInt(p.zFrac + 1), SInt(p.zFrac + 3)));
      const q = m.wire('q', requantize(y, p.zFrac + 2, p.act, p.rounding));
      const one = 1n << BigInt(p.act.frac);
      const maxCode = (1n << BigInt(p.act.bits)) - 1n;
      if (one <= maxCode) {
        const atOne = m.wire('saturated_high', q.ge(one));
        m.assign(a, mux(atOne, lit(one, q.type), q));
        m.assign(mask, q.orR().and(atOne.not()));
      } else {
        // 1.0 is not representable: the format's maximum is the clamp.
        m.assign(a, q);
        m.assign(mask, q.orR().and(q.ne(maxCode)));
      }
    }
  });
}
