/**
 * The host link's frames (the reference the board's deframer and the host driver follow):
 *
 *   SOF 0xA5 | type (1) | seq (1) | length (2, little-endian) | payload (length bytes) | CRC (2, big-endian)
 *
 * The CRC is CRC-16/CCITT-FALSE (src/model/crc16.ts) over type, seq, length and payload. A
 * decoder hunts for SOF, reads the header, refuses a length above MAX_PAYLOAD, and delivers the
 * frame only when the CRC matches; after any error it hunts again from the next byte, as the RTL
 * will (it keeps no bytes to rescan). A gap on the line (`gap()`: the board's inter-byte timeout)
 * also sends it back to hunting, so a frame that lost a byte cannot swallow the next frame whole.
 */
import { crc16 } from '../crc16.js';

export const SOF = 0xa5;
/** The largest payload: a 784-input sample at 8 bits plus room, or 512 16-bit weights. */
export const MAX_PAYLOAD = 1024;
export const HEADER_BYTES = 5;
export const CRC_BYTES = 2;

export interface Frame {
  readonly type: number;
  readonly seq: number;
  readonly payload: Uint8Array;
}

export class FrameError extends Error {
  override name = 'FrameError';
}

/** The bytes of a frame. @throws FrameError for a type or seq outside a byte, or a payload too long */
export function encodeFrame(f: Frame): Uint8Array {
  const byte = (v: number, what: string) => {
    if (!Number.isInteger(v) || v < 0 || v > 255) throw new FrameError(`frame ${what} must be a byte (0..255), got ${v}`);
    return v;
  };
  const n = f.payload.length;
  if (n > MAX_PAYLOAD) throw new FrameError(`frame payload must be at most ${MAX_PAYLOAD} bytes, got ${n}`);
  const out = new Uint8Array(HEADER_BYTES + n + CRC_BYTES);
  out.set([SOF, byte(f.type, 'type'), byte(f.seq, 'seq'), n & 0xff, n >> 8]);
  out.set(f.payload, HEADER_BYTES);
  const crc = crc16(out.subarray(1, HEADER_BYTES + n));
  out[HEADER_BYTES + n] = crc >> 8;
  out[HEADER_BYTES + n + 1] = crc & 0xff;
  return out;
}

/** What a decoder saw: a good frame, or a rejected one and why. */
export type DecodeEvent = { readonly kind: 'frame'; readonly frame: Frame } | { readonly kind: 'error'; readonly reason: 'crc' | 'length' | 'gap' };

/** A byte-at-a-time decoder (the board's deframer, in TS). */
export class FrameDecoder {
  private state: 'hunt' | 'header' | 'payload' | 'crc' = 'hunt';
  private header: number[] = [];
  private payload: number[] = [];
  private crcBytes: number[] = [];
  private length = 0;

  /** One byte from the line; a good frame or an error when this byte ends one. */
  push(b: number): DecodeEvent | undefined {
    switch (this.state) {
      case 'hunt':
        if (b === SOF) this.start();
        return undefined;
      case 'header':
        this.header.push(b);
        if (this.header.length < HEADER_BYTES - 1) return undefined;
        this.length = this.header[2]! | (this.header[3]! << 8);
        if (this.length > MAX_PAYLOAD) return this.fail('length');
        this.state = this.length ? 'payload' : 'crc';
        return undefined;
      case 'payload':
        this.payload.push(b);
        if (this.payload.length === this.length) this.state = 'crc';
        return undefined;
      case 'crc': {
        this.crcBytes.push(b);
        if (this.crcBytes.length < CRC_BYTES) return undefined;
        const want = crc16([...this.header, ...this.payload]);
        const got = (this.crcBytes[0]! << 8) | this.crcBytes[1]!;
        if (want !== got) return this.fail('crc');
        const frame = { type: this.header[0]!, seq: this.header[1]!, payload: Uint8Array.from(this.payload) };
        this.state = 'hunt';
        return { kind: 'frame', frame };
      }
    }
  }

  /** The line was quiet for the inter-byte timeout: a frame in progress is dropped. */
  gap(): DecodeEvent | undefined {
    return this.state === 'hunt' ? undefined : this.fail('gap');
  }

  private start(): void {
    this.state = 'header';
    this.header = [];
    this.payload = [];
    this.crcBytes = [];
  }

  private fail(reason: 'crc' | 'length' | 'gap'): DecodeEvent {
    this.state = 'hunt';
    return { kind: 'error', reason };
  }
}
