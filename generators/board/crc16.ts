/**
 * CRC-16/CCITT-FALSE over a byte stream, one byte per enabled cycle (the host link's frame check;
 * src/model/crc16.ts is the reference). The eight bit steps of a byte are unrolled into one
 * cycle's logic: each shifts the register left and, when the bit shifted out differs from the
 * data bit (most significant first), XORs in the polynomial.
 */
import { Bool, UInt, buildModule, cat, lit, mux, type Expr, type Module } from '../../src/hdl/index.js';
import { CRC16_INIT, CRC16_POLY } from '../../src/model/crc16.js';

export function crc16Block(): Module {
  return buildModule('crc16_ccitt', { poly: CRC16_POLY, init: CRC16_INIT }, (m) => {
    const clear = m.input('clear', Bool);
    const en = m.input('en', Bool);
    const data = m.input('data', UInt(8));
    const crc = m.reg('crc_q', UInt(16), { init: CRC16_INIT });
    let c: Expr = crc;
    for (let i = 7; i >= 0; i--) {
      const feedback = c.bit(15).xor(data.bit(i));
      const shifted = cat(c.slice(14, 0), lit(0, Bool));
      c = mux(feedback, shifted.xor(lit(CRC16_POLY, UInt(16))), shifted);
    }
    // clear wins: a frame's first byte may come in the cycle after the clear, never with it
    m.when(clear, () => crc.set(CRC16_INIT)).elsewhen(en, () => crc.set(c));
    m.assign(m.output('crc', UInt(16)), crc);
  });
}
