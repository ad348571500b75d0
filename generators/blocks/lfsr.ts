/**
 * 16-bit Galois LFSR (x^16 + x^14 + x^13 + x^11 + 1, mask 0xB400): the random bits of
 * stochastic rounding. One step per enabled cycle; `state` is the current value, so a draw
 * uses the state and then advances. The golden model (src/model/lfsr.ts) steps identically.
 */
import { Bool, UInt, buildModule, cat, lit, mux, type Module } from '../../src/hdl/index.js';

export function checkSeed(seed: number): number {
  if (!Number.isInteger(seed) || seed < 1 || seed > 0xffff) {
    throw new RangeError(`LFSR seed must be an integer in 1..65535 (zero would lock the LFSR), got ${seed}`);
  }
  return seed;
}

export const LFSR_WIDTH = 16;
export const LFSR_MASK = 0xb400;

/**
 * The seed is an input, loaded by the reset, so that one module serves every lane (each lane's
 * instance ties it to its own constant). A zero seed would lock the LFSR: callers check.
 */
export function lfsr(): Module {
  return buildModule('lfsr16', { mask: LFSR_MASK }, (m) => {
    const seed = m.input('seed', UInt(LFSR_WIDTH));
    const en = m.input('en', Bool);
    const out = m.output('state', UInt(LFSR_WIDTH));
    const state = m.reg('lfsr', UInt(LFSR_WIDTH), { init: seed, enable: en });
    // Shift right; when the bit shifted out is 1, XOR the tap mask into the result.
    const shifted = cat(lit(0, Bool), state.slice(LFSR_WIDTH - 1, 1));
    state.set(mux(state.bit(0), shifted.xor(lit(LFSR_MASK, UInt(LFSR_WIDTH))), shifted));
    m.assign(out, state);
  });
}
