/**
 * The dedicated variant's processing element: a conventional training datapath with a separate
 * multiplier for each SGD element instead of TaxoNN's one time-multiplexed multiplier:
 *   forward:  weight × activation, accumulated (the dot product of a row)
 *   backward: weight × error, registered (one term of a backward sum)
 *   gradient: error  × activation, registered (the product the update scales by η); with
 *             `accumulateGradient` (a convolution's weight sums its gradient over the output
 *             positions, docs/ARCHITECTURE.md §18) accumulated, `first` starting a new sum
 * `fused` runs the backward and the gradient multipliers together (one read of the weight serves
 * both: the dedicated schedule's backward-and-update pass, docs/ARCHITECTURE.md §9).
 * Each multiplier's operands are forced to zero outside its phase (operand isolation: an idle
 * multiplier does not switch) and each result register loads only in its phase. The ports and
 * timing match pe.ts: results are valid the cycle after `en`.
 */
import { SInt, buildModule, lit, mux, type Expr, type Module } from '../../src/hdl/index.js';
import { formatTag } from '../naming.js';
import { PE_OP, pePorts, type PeParams } from './pe.js';

export interface PeDedicatedParams extends PeParams {
  /** The gradient register accumulates (accBits wide) instead of holding one product. */
  readonly accumulateGradient?: boolean;
}

export function dedicatedWidths(p: PeParams): { forward: number; backward: number; gradient: number } {
  const a = p.act.bits + (p.act.signed ? 0 : 1);
  return { forward: p.weight.bits + a, backward: p.weight.bits + p.error.bits, gradient: p.error.bits + a };
}

export function peDedicated(p: PeDedicatedParams): Module {
  if (!p.weight.signed || !p.error.signed) throw new RangeError('weights and errors are signed formats');
  const w = dedicatedWidths(p);
  if (p.accBits < w.forward) throw new RangeError(`accBits ${p.accBits} is narrower than one forward product (${w.forward} bits)`);
  const name = `pe_dedicated_w${formatTag(p.weight)}_a${formatTag(p.act)}_e${formatTag(p.error)}_acc${p.accBits}${p.accumulateGradient ? '_gacc' : ''}`;
  if (p.accumulateGradient && p.accBits < w.gradient) throw new RangeError(`accBits ${p.accBits} is narrower than one gradient product (${w.gradient} bits)`);
  const gradBits = p.accumulateGradient ? p.accBits : w.gradient;
  return buildModule(name, { ...p }, (m) => {
    const { op, weight, act, err, en, first, acc } = pePorts(m, p);
    const bprod = m.output('bwd_product', SInt(w.backward));
    const gprod = m.output(p.accumulateGradient ? 'grad_sum' : 'grad_product', SInt(gradBits));

    const actS = act.toSInt();
    const isolate = (on: Expr, x: Expr) => mux(on, x, lit(0, SInt(x.width)));
    const isFwd = m.wire('is_forward', op.eq(PE_OP.forward));
    const isFused = op.eq(PE_OP.fused);
    const isBwd = m.wire('is_backward', op.eq(PE_OP.backward).or(isFused));
    const isGrad = m.wire('is_gradient', op.eq(PE_OP.gradient).or(isFused));
    const fwdProd = m.wire('fwd_prod', isolate(isFwd, weight).mul(isolate(isFwd, actS)));
    const bwdProd = m.wire('bwd_prod', isolate(isBwd, weight).mul(isolate(isBwd, err)));
    const gradProd = m.wire('grad_prod', isolate(isGrad, err).mul(isolate(isGrad, actS)));

    const sum = m.reg('sum', SInt(p.accBits), { init: 0, enable: en.and(isFwd) });
    sum.set(mux(first, fwdProd.resize(p.accBits), sum.add(fwdProd).truncate(p.accBits)));
    const bReg = m.reg('bwd_q', SInt(w.backward), { init: 0, enable: en.and(isBwd) });
    bReg.set(bwdProd);
    const gReg = m.reg('grad_q', SInt(gradBits), { init: 0, enable: en.and(isGrad) });
    gReg.set(p.accumulateGradient ? mux(first, gradProd.resize(gradBits), gReg.add(gradProd).truncate(gradBits)) : gradProd);
    m.assign(acc, sum);
    m.assign(bprod, bReg);
    m.assign(gprod, gReg);
  });
}
