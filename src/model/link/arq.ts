/**
 * Stop-and-wait retransmission over the host link's frames (frame.ts): the reference of the
 * board's receiver and of the host driver's sender.
 *
 * - The sender sends one data frame at a time, its seq counting frames mod 256, and waits: an
 *   ACK of that seq moves on; a NAK, a corrupted answer or no answer before the timeout sends
 *   the same frame (same seq) again.
 * - The receiver applies a good data frame whose seq is the one it expects, then ACKs it and
 *   expects the next; a good frame with the previous seq is a retransmission whose ACK was lost:
 *   ACKed again, not applied (so no sample is trained twice); a bad frame is NAKed (seq: the one
 *   it expects). Nothing is ever applied that did not pass the CRC.
 */
import { encodeFrame, type DecodeEvent, type Frame } from './frame.js';

export const ACK = 0x80;
export const NAK = 0x81;

/** The board's side: what to apply, and what to answer. */
export class LinkReceiver {
  private expected = 0;

  /** A decoder event: the payload to apply (a new data frame), and the answer's bytes. */
  onEvent(e: DecodeEvent): { readonly apply?: Frame; readonly answer: Uint8Array } {
    if (e.kind === 'error') return { answer: encodeFrame({ type: NAK, seq: this.expected, payload: new Uint8Array() }) };
    const { frame } = e;
    const ack = (seq: number) => encodeFrame({ type: ACK, seq, payload: new Uint8Array() });
    if (frame.seq === this.expected) {
      this.expected = (this.expected + 1) & 0xff;
      return { apply: frame, answer: ack(frame.seq) };
    }
    if (frame.seq === ((this.expected - 1) & 0xff)) return { answer: ack(frame.seq) };
    return { answer: encodeFrame({ type: NAK, seq: this.expected, payload: new Uint8Array() }) };
  }
}

/** The host's side: which frame to send, and when it is done. */
export class LinkSender {
  private next = 0;
  private seq = 0;
  /** Frames sent, retransmissions included. */
  sends = 0;

  constructor(private readonly frames: readonly { readonly type: number; readonly payload: Uint8Array }[]) {}

  get done(): boolean {
    return this.next >= this.frames.length;
  }

  /** The bytes of the frame in flight (sent again after a NAK or a timeout). */
  current(): Uint8Array {
    const f = this.frames[this.next];
    if (!f) throw new RangeError('LinkSender: every frame was acknowledged');
    this.sends++;
    return encodeFrame({ ...f, seq: this.seq });
  }

  /** An answer from the board: true when it acknowledged the frame in flight (move on). */
  onAnswer(e: DecodeEvent): boolean {
    if (e.kind !== 'frame' || e.frame.type !== ACK || e.frame.seq !== this.seq) return false;
    this.next++;
    this.seq = (this.seq + 1) & 0xff;
    return true;
  }
}
