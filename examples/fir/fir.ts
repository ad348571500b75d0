/**
 * A direct-form FIR filter, y[n] = Σ c[k]·x[n−k], at full precision: every product and sum
 * keeps its bits (the output is as wide as the worst case needs), the taps are a register
 * chain that moves when `en` is high. Coefficients of either sign are plain TS numbers.
 */
import { Bool, SInt, buildModule, type Expr, type Module } from 'taxonn';

export function fir(coeffs: readonly number[], inputBits = 8): Module {
  return buildModule('fir', { coeffs, inputBits }, (m) => {
    const x = m.input('x', SInt(inputBits));
    const en = m.input('en', Bool);
    let tap: Expr = x;
    let acc = x.mul(coeffs[0]!);
    coeffs.slice(1).forEach((c, k) => {
      tap = m.flop(`tap${k + 1}`, tap, { init: 0, enable: en });
      acc = acc.add(tap.mul(c));
    });
    m.assign(m.output('y', acc.type), acc);
  });
}

/** Two filters of one generator in one design: taxonn names the specialisations (fir_coeffs_…). */
export function stereo(left: readonly number[], right: readonly number[]): Module {
  return buildModule('stereo_fir', {}, (m) => {
    const en = m.input('en', Bool);
    const l = m.instance('left', fir(left), { x: m.input('x_left', SInt(8)), en });
    const r = m.instance('right', fir(right), { x: m.input('x_right', SInt(8)), en });
    m.assign(m.output('y_left', l.out('y').type), l.out('y'));
    m.assign(m.output('y_right', r.out('y').type), r.out('y'));
  });
}
