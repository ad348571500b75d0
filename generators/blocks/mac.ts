/**
 * The inference variant's processing element: one multiplier and one accumulator for the
 * forward pass only (weight × activation). It is the PE an inference accelerator starts from;
 * TaxoNN's PE (pe.ts) adds the operand selection that reuses it for backward and gradient.
 */
import { Bool, SInt, buildModule, mux, type Module } from '../../src/hdl/index.js';
import { formatTag } from '../naming.js';
import type { PeParams } from './pe.js';

export type MacParams = Pick<PeParams, 'weight' | 'act' | 'accBits'>;

/** Width of the signed product weight × activation. */
export const macProductBits = (p: MacParams): number => p.weight.bits + p.act.bits + (p.act.signed ? 0 : 1);

export function mac(p: MacParams): Module {
  const product = macProductBits(p);
  if (p.accBits < product) throw new RangeError(`accBits ${p.accBits} is narrower than one product (${product} bits)`);
  const name = `mac_w${formatTag(p.weight)}_a${formatTag(p.act)}_acc${p.accBits}`;
  return buildModule(name, { ...p }, (m) => {
    const weight = m.input('weight', SInt(p.weight.bits));
    const act = m.input('act', { signed: p.act.signed, width: p.act.bits });
    const en = m.input('en', Bool);
    const first = m.input('first', Bool);
    const acc = m.output('acc', SInt(p.accBits));
    const prod = m.wire('prod', weight.mul(act.toSInt()));
    const sum = m.reg('sum', SInt(p.accBits), { init: 0, enable: en });
    sum.set(mux(first, prod.resize(p.accBits), sum.add(prod).truncate(p.accBits)));
    m.assign(acc, sum);
  });
}
