/**
 * Requantisation of an accumulator to a narrower fixed-point format: arithmetic right shift
 * by (accFrac − out.frac), rounding (truncate = floor, nearest = round half up, stochastic =
 * add random bits first), then saturation to the output range. Combinational.
 */
import { SInt, UInt, buildModule, requantize, type FixedFormat, type Module, type Rounding } from '../../src/hdl/index.js';
import { formatTag } from '../naming.js';
import { LFSR_WIDTH } from './lfsr.js';

export interface RequantParams {
  accBits: number;
  accFrac: number;
  out: FixedFormat;
  rounding: Rounding;
}

export function requant(p: RequantParams): Module {
  const name = `requant_s${p.accBits}q${p.accFrac}_to_${formatTag(p.out)}_${p.rounding}`;
  return buildModule(name, { ...p }, (m) => {
    const acc = m.input('acc', SInt(p.accBits));
    const rand = p.rounding === 'stochastic' ? m.input('random', UInt(LFSR_WIDTH)) : undefined;
    const q = m.output('q', { signed: p.out.signed, width: p.out.bits });
    m.assign(q, requantize(acc, p.accFrac, p.out, p.rounding, rand));
  });
}
