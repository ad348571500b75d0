/**
 * CRC-16/CCITT-FALSE (polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR):
 * the check value of the host link's frames. The reference of generators/board/crc16.ts, which
 * updates the same register one byte per cycle; its check value over the ASCII "123456789" is
 * 0x29B1.
 */

export const CRC16_INIT = 0xffff;
export const CRC16_POLY = 0x1021;

/** The CRC after one more byte. */
export function crc16Update(crc: number, byte: number): number {
  let c = crc;
  for (let i = 7; i >= 0; i--) {
    const feedback = ((c >> 15) ^ (byte >> i)) & 1;
    c = ((c << 1) & 0xffff) ^ (feedback ? CRC16_POLY : 0);
  }
  return c;
}

/** The CRC of a byte string. */
export function crc16(bytes: Iterable<number>, init = CRC16_INIT): number {
  let c = init;
  for (const b of bytes) c = crc16Update(c, b & 0xff);
  return c;
}
