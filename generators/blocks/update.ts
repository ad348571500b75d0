/**
 * The shifter learning-rate unit and weight update. With η = 2^-k the update
 *   w ← sat_W(w − round(δ·a · η · 2^(Wf − Ef − Af)))
 * is a right shift of the PE's product δ·a by S = Ef + Af + k − Wf, rounded by truncation
 * (floor), round-to-nearest, or stochastically with bits from the unit's own LFSR, which
 * advances one step per update (`en`). No multiplier is needed for the learning rate.
 */
import { Bool, SInt, buildModule, roundShift, type FixedFormat, type Module, type Rounding } from '../../src/hdl/index.js';
import { formatTag } from '../naming.js';
import { lfsr } from './lfsr.js';

export interface UpdateParams {
  weight: FixedFormat;
  /** Width of the signed product δ·a that comes from the PE multiplier. */
  gradBits: number;
  /** S = Ef + Af + k − Wf: the total right shift (≥ 0). */
  shift: number;
  rounding: Rounding;
  /** LFSR seed (stochastic rounding only). */
  seed: number;
}

export function update(p: UpdateParams): Module {
  if (!Number.isInteger(p.shift) || p.shift < 0) throw new RangeError(`update shift must be an integer ≥ 0, got ${p.shift}`);
  const seedTag = p.rounding === 'stochastic' ? `_seed${p.seed.toString(16).padStart(4, '0')}` : '';
  const name = `update_w${formatTag(p.weight)}_g${p.gradBits}_sh${p.shift}_${p.rounding}${seedTag}`;
  const rng = p.rounding === 'stochastic' && p.shift > 0 ? lfsr(p.seed) : undefined;
  return buildModule(name, { ...p }, (m) => {
    const w = m.input('w', SInt(p.weight.bits));
    const grad = m.input('grad', SInt(p.gradBits));
    const en = m.input('en', Bool);
    const wNext = m.output('w_next', SInt(p.weight.bits));
    const rand = rng ? m.instance('rng', rng, { en }).out('state') : undefined;
    const delta = m.wire('delta', roundShift(grad, p.shift, p.rounding, rand));
    m.assign(wNext, w.sub(delta).saturate(SInt(p.weight.bits)));
  });
}
