/**
 * The host link's reference (src/model/link/): frames round-trip; a decoder on a line with
 * flipped bits, dropped and duplicated bytes delivers only frames that were sent, intact; and
 * stop-and-wait over such a line in both directions delivers every payload exactly once, in order.
 */
import { describe, expect, it } from 'vitest';
import { LinkReceiver, LinkSender } from '../../src/model/link/arq.js';
import { FrameDecoder, FrameError, MAX_PAYLOAD, encodeFrame, type DecodeEvent, type Frame } from '../../src/model/link/frame.js';
import { Rng } from '../../src/model/rng.js';

const randomPayload = (rng: Rng, max: number) => Uint8Array.from({ length: rng.int(0, max) }, () => rng.int(0, 255));

/** A line that flips a bit, drops or duplicates a byte, each with probability `p` per byte. */
function faulty(rng: Rng, p: number, counts: { flips: number; drops: number; dups: number }) {
  return (bytes: Uint8Array): number[] => {
    const out: number[] = [];
    for (const b of bytes) {
      const r = rng.float();
      if (r < p) {
        counts.drops++;
      } else if (r < 2 * p) {
        counts.dups++;
        out.push(b, b);
      } else if (r < 3 * p) {
        counts.flips++;
        out.push(b ^ (1 << rng.int(0, 7)));
      } else out.push(b);
    }
    return out;
  };
}

/** The decoder's events for some bytes and the gap after them. */
function decode(d: FrameDecoder, bytes: readonly number[]): DecodeEvent[] {
  const events = bytes.flatMap((b) => d.push(b) ?? []);
  const end = d.gap();
  return end ? [...events, end] : events;
}

const same = (a: Frame, b: { type: number; payload: Uint8Array }) => a.type === b.type && Buffer.from(a.payload).equals(Buffer.from(b.payload));

describe('frames', () => {
  it('round-trip through the decoder, byte by byte; refuse what does not fit, in one line', () => {
    const rng = new Rng(1);
    const d = new FrameDecoder();
    for (let i = 0; i < 200; i++) {
      const f = { type: rng.int(0, 127), seq: i & 0xff, payload: randomPayload(rng, 300) };
      const events = decode(d, [...encodeFrame(f)]);
      expect(events).toEqual([{ kind: 'frame', frame: f }]);
    }
    expect(() => encodeFrame({ type: 1, seq: 0, payload: new Uint8Array(MAX_PAYLOAD + 1) })).toThrow(
      new FrameError(`frame payload must be at most ${MAX_PAYLOAD} bytes, got ${MAX_PAYLOAD + 1}`),
    );
    expect(() => encodeFrame({ type: 256, seq: 0, payload: new Uint8Array() })).toThrow('frame type must be a byte (0..255), got 256');
  });

  it('on a faulty line, delivers only frames that were sent, intact, and reports the others', () => {
    const rng = new Rng(2);
    const counts = { flips: 0, drops: 0, dups: 0 };
    const line = faulty(rng, 0.002, counts);
    const d = new FrameDecoder();
    const sent = Array.from({ length: 400 }, (_, i) => ({ type: 1, seq: i & 0xff, payload: randomPayload(rng, 200) }));
    const events = sent.flatMap((f) => decode(d, line(encodeFrame(f))));
    const frames = events.flatMap((e) => (e.kind === 'frame' ? [e.frame] : []));
    const errors = events.filter((e) => e.kind === 'error').length;
    expect(counts.flips + counts.drops + counts.dups).toBeGreaterThan(50);
    expect(errors).toBeGreaterThan(20);
    // every frame delivered is one that was sent, byte for byte, in order
    let k = 0;
    for (const f of frames) {
      while (k < sent.length && !(sent[k]!.seq === f.seq && same(f, sent[k]!))) k++;
      expect(k, `frame seq ${f.seq} was not sent (or out of order)`).toBeLessThan(sent.length);
      k++;
    }
    expect(frames.length + errors).toBeGreaterThanOrEqual(sent.length - counts.drops);
  });
});

describe('stop-and-wait', () => {
  it('over faulty lines both ways: every payload applied exactly once, in order', () => {
    const rng = new Rng(3);
    const toBoard = { flips: 0, drops: 0, dups: 0 };
    const toHost = { flips: 0, drops: 0, dups: 0 };
    const down = faulty(rng, 0.003, toBoard);
    const up = faulty(rng, 0.01, toHost);
    const payloads = Array.from({ length: 300 }, () => ({ type: 2, payload: randomPayload(rng, 120) }));
    const sender = new LinkSender(payloads);
    const receiver = new LinkReceiver();
    const board = new FrameDecoder();
    const host = new FrameDecoder();
    const applied: Frame[] = [];
    for (let round = 0; !sender.done; round++) {
      expect(round, 'the link made no progress').toBeLessThan(10 * payloads.length);
      const answers = decode(board, down(sender.current())).map((e) => {
        const r = receiver.onEvent(e);
        if (r.apply) applied.push(r.apply);
        return r.answer;
      });
      // the host moves on only on an intact ACK of its frame; else it sends the frame again
      for (const e of decode(
        host,
        answers.flatMap((a) => up(a)),
      ))
        sender.onAnswer(e);
    }
    expect(applied.length).toBe(payloads.length);
    applied.forEach((f, i) => expect(same(f, payloads[i]!), `payload ${i}`).toBe(true));
    // the faults happened, and cost retransmissions
    expect(toBoard.flips + toBoard.drops + toBoard.dups).toBeGreaterThan(20);
    expect(toHost.flips + toHost.drops + toHost.dups).toBeGreaterThan(5);
    expect(sender.sends).toBeGreaterThan(payloads.length);
  });
});
