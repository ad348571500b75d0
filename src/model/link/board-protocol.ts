/**
 * What the host link's frames (frame.ts) carry between a host and the board's top
 * (generators/board/board-top.ts; docs/ARCHITECTURE.md §13): the frame types, and how weights,
 * samples and read-back items are laid out as bytes. The board answers every frame with one
 * frame: ACK (with the READ's items) or NAK (arq.ts), so the host drives the link.
 *
 * - WEIGHTS / WEIGHTS_LAST: weight codes, `beatBytes(weight.bits)` bytes each, little-endian two's
 *   complement; WEIGHTS_LAST marks its last weight as the s_weights stream's last.
 * - SAMPLE: one sample as the s_sample stream's beats (header, then the data beats),
 *   `beatBytes(K · act.bits)` bytes each, little-endian; its last beat is the stream's last.
 * - CTRL: one byte, a beat of s_ctrl (0 starts a weight read-back).
 * - READ: [source, count]: the board answers with up to `count` items that are ready now, from the
 *   result FIFO (source 0, 2 bytes each) or the m_weights stream (source 1, weight bytes each).
 */
export const FRAME = { WEIGHTS: 0x01, WEIGHTS_LAST: 0x02, SAMPLE: 0x03, CTRL: 0x04, READ: 0x05 } as const;
export const READ_SOURCE = { RESULTS: 0, WEIGHTS: 1 } as const;
/** The answer buffer's bytes: a READ's items never exceed it. */
export const ANSWER_BYTES = 512;
/** Result items are the m_result beat's 16 bits. */
export const RESULT_ITEM_BYTES = 2;

/** Bytes of a stream beat `bits` wide. */
export const beatBytes = (bits: number): number => Math.ceil(bits / 8);

/** The most items one READ answer holds for items of `bytes` bytes. */
export const maxReadItems = (bytes: number): number => Math.min(255, Math.floor(ANSWER_BYTES / bytes));

/** Little-endian bytes of `values`, `bytes` each (two's complement for negative values). */
export function packLe(values: readonly bigint[], bytes: number): Uint8Array {
  const out = new Uint8Array(values.length * bytes);
  const mask = (1n << BigInt(8 * bytes)) - 1n;
  values.forEach((v, i) => {
    let u = v & mask;
    for (let b = 0; b < bytes; b++) {
      out[i * bytes + b] = Number(u & 0xffn);
      u >>= 8n;
    }
  });
  return out;
}

/** The values of little-endian items of `bytes` bytes, sign-extended from `bits` when `signed`. */
export function unpackLe(data: Uint8Array, bytes: number, bits: number, signed: boolean): bigint[] {
  if (data.length % bytes !== 0) throw new RangeError(`a read answer of ${data.length} bytes is not whole items of ${bytes} bytes`);
  const out: bigint[] = [];
  for (let i = 0; i < data.length; i += bytes) {
    let u = 0n;
    for (let b = bytes - 1; b >= 0; b--) u = (u << 8n) | BigInt(data[i + b]!);
    u &= (1n << BigInt(bits)) - 1n;
    out.push(signed && u >> BigInt(bits - 1) ? u - (1n << BigInt(bits)) : u);
  }
  return out;
}
