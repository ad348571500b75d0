/**
 * The host driver of the board's link (docs/ARCHITECTURE.md §13): weights, samples, results and
 * read-back over stop-and-wait frames (src/model/link/). It talks to a `LinkPort`: the simulated
 * serial line of `verify --board` (sim-line.ts) or a real serial device.
 *
 * Every frame is sent until the board ACKs its seq: a NAK, a corrupted answer or no answer within
 * the port's timeout sends the same frame (same seq) again; the board applies a seq once.
 */
import { bitsOf, type Config } from '../../config/index.js';
import { ACK } from '../../model/link/arq.js';
import { FRAME, READ_SOURCE, RESULT_ITEM_BYTES, beatBytes, maxReadItems, packLe, unpackLe } from '../../model/link/board-protocol.js';
import { FrameDecoder, MAX_PAYLOAD, encodeFrame, type DecodeEvent, type Frame } from '../../model/link/frame.js';

/** A byte link to the board: send a frame's bytes, then feed answer bytes to `onByte` until it returns true or the answer timeout. */
export interface LinkPort {
  /** Resolves true when onByte accepted an answer, false on a timeout. A quiet line mid-frame calls `onGap`. */
  exchange(out: Uint8Array, onByte: (b: number) => boolean, onGap: () => boolean): Promise<boolean>;
}

export interface LinkStats {
  frames: number;
  /** Frames sent again (after a NAK, a bad answer or a timeout). */
  retransmissions: number;
  naks: number;
  badAnswers: number;
  timeouts: number;
  bytesOut: number;
}

export class BoardLinkError extends Error {
  override name = 'BoardLinkError';
}

/** The most times one frame is sent before the driver gives up. */
export const MAX_SENDS = 64;

export class BoardDriver {
  private seq = 0;
  readonly stats: LinkStats = { frames: 0, retransmissions: 0, naks: 0, badAnswers: 0, timeouts: 0, bytesOut: 0 };
  private readonly weightBytes: number;
  private readonly sampleBeatBytes: number;

  constructor(
    private readonly port: LinkPort,
    private readonly cfg: Config,
  ) {
    this.weightBytes = beatBytes(bitsOf(cfg.weight));
    this.sampleBeatBytes = beatBytes(cfg.inputsPerBeat * bitsOf(cfg.act));
  }

  /** Sends one frame until it is ACKed; the ACK's payload. */
  async transact(type: number, payload: Uint8Array): Promise<Uint8Array> {
    const seq = this.seq;
    const bytes = encodeFrame({ type, seq, payload });
    this.stats.frames++;
    for (let send = 0; send < MAX_SENDS; send++) {
      if (send > 0) this.stats.retransmissions++;
      this.stats.bytesOut += bytes.length;
      const answer = await this.sendOnce(bytes, seq);
      if (answer) {
        this.seq = (seq + 1) & 0xff;
        return answer.payload;
      }
    }
    throw new BoardLinkError(`the board did not acknowledge frame seq ${seq} (type ${type}) after ${MAX_SENDS} sends`);
  }

  /** One send: the ACK of `seq`, or undefined (NAK, bad answer, timeout). Stale ACKs of other seqs are skipped. */
  private async sendOnce(bytes: Uint8Array, seq: number): Promise<Frame | undefined> {
    const decoder = new FrameDecoder();
    let outcome: DecodeEvent | undefined;
    const take = (e: DecodeEvent | undefined) => {
      if (!e) return false;
      if (e.kind === 'frame' && e.frame.type === ACK && e.frame.seq !== seq) return false;
      outcome = e;
      return true;
    };
    const answered = await this.port.exchange(
      bytes,
      (b) => take(decoder.push(b)),
      () => take(decoder.gap()),
    );
    if (!answered || !outcome) {
      this.stats.timeouts++;
      return undefined;
    }
    const e = outcome as DecodeEvent;
    if (e.kind === 'error') {
      this.stats.badAnswers++;
      return undefined;
    }
    if (e.frame.type !== ACK) {
      this.stats.naks++;
      return undefined;
    }
    return e.frame;
  }

  /** All weights in stream order, in frames of whole weights; the last frame marks the stream's last. */
  async loadWeights(weights: ArrayLike<number>): Promise<void> {
    const per = Math.floor(MAX_PAYLOAD / this.weightBytes);
    for (let i = 0; i < weights.length; i += per) {
      const chunk = Array.from({ length: Math.min(per, weights.length - i) }, (_, j) => BigInt(weights[i + j]!));
      const last = i + per >= weights.length;
      await this.transact(last ? FRAME.WEIGHTS_LAST : FRAME.WEIGHTS, packLe(chunk, this.weightBytes));
    }
  }

  /** One sample (header beat, then K activations per beat) in one frame. */
  async sendSample(input: ArrayLike<number>, label: number, train: boolean): Promise<void> {
    const K = this.cfg.inputsPerBeat;
    const A = BigInt(bitsOf(this.cfg.act));
    const beats: bigint[] = [BigInt(label) * 2n + (train ? 1n : 0n)];
    for (let w = 0; w * K < input.length; w++) {
      let beat = 0n;
      for (let t = 0; t < K && w * K + t < input.length; t++) beat |= BigInt(input[w * K + t]!) << (BigInt(t) * A);
      beats.push(beat);
    }
    const payload = packLe(beats, this.sampleBeatBytes);
    if (payload.length > MAX_PAYLOAD) throw new BoardLinkError(`a sample of ${payload.length} bytes does not fit a frame (at most ${MAX_PAYLOAD})`);
    await this.transact(FRAME.SAMPLE, payload);
  }

  /** The predicted classes that are ready now (at most `max`). */
  async readResults(max: number): Promise<number[]> {
    const n = Math.min(max, maxReadItems(RESULT_ITEM_BYTES));
    const data = await this.transact(FRAME.READ, Uint8Array.from([READ_SOURCE.RESULTS, n]));
    return unpackLe(data, RESULT_ITEM_BYTES, 16, false).map(Number);
  }

  /** Reads `count` predicted classes, asking until they are all there. */
  async results(count: number): Promise<number[]> {
    const out: number[] = [];
    while (out.length < count) out.push(...(await this.readResults(count - out.length)));
    return out;
  }

  /** The weight read-back: all `count` weights in stream order. */
  async readWeights(count: number): Promise<Int32Array> {
    await this.transact(FRAME.CTRL, Uint8Array.from([0]));
    const out = new Int32Array(count);
    let got = 0;
    const bits = bitsOf(this.cfg.weight);
    while (got < count) {
      const n = Math.min(count - got, maxReadItems(this.weightBytes));
      const data = await this.transact(FRAME.READ, Uint8Array.from([READ_SOURCE.WEIGHTS, n]));
      for (const v of unpackLe(data, this.weightBytes, bits, true)) out[got++] = Number(v);
    }
    return out;
  }
}
