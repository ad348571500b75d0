/**
 * The shifter learning-rate unit and weight update. With η = 2^-k the update
 *   w ← sat_W(w − round(δ·a · η · 2^(Wf − Ef − Af)))
 * is a right shift of the PE's product δ·a by S = Ef + Af + k − Wf, rounded by truncation
 * (floor), round-to-nearest, or stochastically with bits from the unit's own LFSR, which
 * advances one step per update (`en`) and is loaded from `seed` at reset. No multiplier is
 * needed for the learning rate.
 *
 * With `lrBits` (the dedicated variant), the learning rate is instead a programmable input `lr`
 * (unsigned, Q0.lrBits) and a true multiplier forms δ·a·lr, shifted right by `shift`, which then
 * is Ef + Af − Wf + lrBits. With lr = 2^(lrBits−k) the result equals the shifter's for truncation
 * and round-to-nearest; stochastic rounding draws the random bits from the top of the LFSR state.
 */
import { Bool, SInt, UInt, buildModule, clog2, mux, roundShift, type Expr, type FixedFormat, type Module, type Rounding } from '../../src/hdl/index.js';
import { formatTag } from '../naming.js';
import { LFSR_WIDTH, lfsr } from './lfsr.js';

export interface UpdateParams {
  weight: FixedFormat;
  /** Width of the signed product δ·a that comes from the PE multiplier. */
  gradBits: number;
  /**
   * S = Ef + Af + k − Wf: the total right shift (≥ 0). A list (per-layer formats or learning
   * rates): the unit rounds by each and its `shift_sel` input picks one (index into the list).
   */
  shift: number | readonly number[];
  rounding: Rounding;
  /** Width of a programmable learning-rate input `lr` (Q0.lrBits) and its multiplier; none: η = 2^-k by shifting. */
  lrBits?: number;
  /**
   * A register between the rounding and the subtraction: the rounded step is taken when `en` is
   * high and `w_next` is computed from it and the `w` of the next cycle (one cycle later).
   */
  registered?: boolean;
}

export function update(p: UpdateParams): Module {
  const shifts = typeof p.shift === 'number' ? [p.shift] : [...p.shift];
  for (const s of shifts) if (!Number.isInteger(s) || s < 0) throw new RangeError(`update shift must be an integer ≥ 0, got ${s}`);
  if (shifts.length === 0) throw new RangeError('update: an empty list of shifts');
  const name = `update_w${formatTag(p.weight)}_g${p.gradBits}${p.lrBits ? `_lr${p.lrBits}` : ''}_sh${shifts.join('_')}_${p.rounding}${p.registered ? '_reg' : ''}`;
  const rng = p.rounding === 'stochastic' && shifts.some((s) => s > 0) ? lfsr() : undefined;
  return buildModule(name, { ...p }, (m) => {
    const w = m.input('w', SInt(p.weight.bits));
    const grad = m.input('grad', SInt(p.gradBits));
    const en = m.input('en', Bool);
    const wNext = m.output('w_next', SInt(p.weight.bits));
    // The LFSR seed, loaded at reset (stochastic rounding only; unused otherwise).
    const seed = m.input('seed', UInt(LFSR_WIDTH));
    const rand = rng ? m.instance('rng', rng, { seed, en }).out('state') : undefined;
    const scaled = p.lrBits ? m.wire('scaled', grad.mul(m.input('lr', UInt(p.lrBits)).toSInt())) : grad;
    // Not a named wire: as one expression, w_next is evaluated only where it is written (a
    // simulator computes every named wire on every cycle, and the update is idle most of them).
    const sel = shifts.length > 1 ? m.input('shift_sel', UInt(clog2(shifts.length))) : undefined;
    // The last shift is the default; sel = i picks shift i (a chain of muxes, one per other shift).
    const rounded = shifts.map((s) => roundShift(scaled, s, p.rounding, rand));
    const delta = rounded.reduceRight<Expr | undefined>((rest, r, i) => (rest && sel ? mux(sel.eq(i), r, rest) : r), undefined) ?? scaled;
    // Whether the weight may change, so the bank's write (and its energy) can be left out when
    // not: a non-zero step (registered), or without the step register (1R1W banks, where the step
    // is on the FPGA's critical path: the LFSR, the rounding, the subtraction, the write data) a
    // non-zero gradient. Never from w: on single-port banks w comes out of the SRAM in the cycle of
    // the write, and the write enable steers the bank's address. A superset of the weights that
    // change: a step that saturates, or a gradient that rounds to 0, rewrites the same value.
    const changes = m.output('changes', Bool);
    const W = SInt(p.weight.bits);
    if (!p.registered) {
      m.assign(changes, grad.ne(0));
      return m.assign(wNext, w.sub(delta).saturate(W));
    }
    const step = m.reg('step_q', delta.type, { init: 0 });
    m.when(en, () => step.set(delta));
    m.assign(changes, step.ne(0));
    m.assign(wNext, w.sub(step).saturate(W));
  });
}
