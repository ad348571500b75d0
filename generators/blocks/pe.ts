/**
 * The processing element: one multiplier and one accumulator, time-multiplexed over the
 * SGD elements (TaxoNN's central idea). The operand selection picks
 *   forward:  weight × activation    (W a)
 *   backward: weight × error         (Wᵀ δ)
 *   gradient: error  × activation    (δ aᵀ)
 * `first` starts a new sum (acc ← product) instead of adding to the running one, so a dot
 * product needs no separate clear cycle. The accumulator wraps at accBits; the configuration
 * sizes accBits so that no dot product of the network can overflow it.
 */
import { Bool, SInt, UInt, buildModule, mux, type FixedFormat, type Module } from '../../src/hdl/index.js';
import { formatTag } from '../naming.js';

/**
 * The operation of an issue. `fused` (the dedicated variant only): the backward product and the
 * gradient of one weight in the same cycle, on its two multipliers (docs/ARCHITECTURE.md §9).
 */
export const PE_OP = { forward: 0, backward: 1, gradient: 2, fused: 3 } as const;
export type PeOp = keyof typeof PE_OP;

export interface PeParams {
  weight: FixedFormat;
  act: FixedFormat;
  error: FixedFormat;
  accBits: number;
}

/** Width of the multiplier's operands and product for these formats. */
export function peWidths(p: PeParams): { left: number; right: number; product: number } {
  const actSigned = p.act.bits + (p.act.signed ? 0 : 1);
  const left = Math.max(p.weight.bits, p.error.bits);
  const right = Math.max(actSigned, p.error.bits);
  return { left, right, product: left + right };
}

/** The ports every PE variant shares (pe-dedicated.ts adds its product outputs). */
export function pePorts(m: Module, p: PeParams) {
  return {
    op: m.input('op', UInt(2)),
    weight: m.input('weight', SInt(p.weight.bits)),
    act: m.input('act', { signed: p.act.signed, width: p.act.bits }),
    err: m.input('err', SInt(p.error.bits)),
    en: m.input('en', Bool),
    first: m.input('first', Bool),
    acc: m.output('acc', SInt(p.accBits)),
  };
}

export function pe(p: PeParams): Module {
  if (!p.weight.signed || !p.error.signed) throw new RangeError('weights and errors are signed formats');
  const { product } = peWidths(p);
  if (p.accBits < product) {
    throw new RangeError(`accBits ${p.accBits} is narrower than one product (${product} bits)`);
  }
  const name = `pe_w${formatTag(p.weight)}_a${formatTag(p.act)}_e${formatTag(p.error)}_acc${p.accBits}`;
  return buildModule(name, { ...p }, (m) => {
    const { op, weight, act, err, en, first, acc } = pePorts(m, p);

    const isGradient = m.wire('is_gradient', op.eq(PE_OP.gradient));
    const isBackward = m.wire('is_backward', op.eq(PE_OP.backward));
    const actS = act.toSInt();
    const left = m.wire('left', mux(isGradient, err, weight));
    const right = m.wire('right', mux(isBackward, err, actS));
    const prod = m.wire('prod', left.mul(right));

    const sum = m.reg('sum', SInt(p.accBits), { init: 0, enable: en });
    sum.set(mux(first, prod.resize(p.accBits), sum.add(prod).truncate(p.accBits)));
    m.assign(acc, sum);
  });
}
