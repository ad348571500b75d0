/**
 * What limits training on a board: the host link or the accelerator. The link is stop-and-wait,
 * so a training sample costs its SAMPLE frame to the board and the ACK back (10 bits a byte,
 * 8N1), plus a share of the READ that fetches results every RESULT_BATCH samples. The
 * accelerator's cycles per training sample come from the estimate's cycle model at MNIST-like
 * sparsity (80 % zero inputs; with skipZeroErrors an upper bound, so a lower bound on its rate).
 */
import { bitsOf, type Config } from '../../config/index.js';
import { RESULT_ITEM_BYTES, beatBytes } from '../../model/link/board-protocol.js';
import { CRC_BYTES, HEADER_BYTES } from '../../model/link/frame.js';
import { estimate } from '../estimate/estimate.js';

/** The host reads results after this many samples (verify --board and the driver's batches). */
export const RESULT_BATCH = 64;

export interface LinkRate {
  readonly linkSamplesPerSecond: number;
  readonly computeSamplesPerSecondAtFmax?: number;
  readonly computeSamplesPerSecondAtBoardClock: number;
  readonly cyclesPerSample: number;
  readonly limitedBy: 'link' | 'compute';
}

/** Bytes on the line per training sample, both directions (SAMPLE + ACK, and the READ's share). */
export function linkBytesPerSample(cfg: Config): number {
  const frame = (payload: number) => 1 + (HEADER_BYTES - 1) + payload + CRC_BYTES;
  const beats = 1 + Math.ceil(cfg.layers[0]! / cfg.inputsPerBeat);
  const sample = frame(beats * beatBytes(cfg.inputsPerBeat * bitsOf(cfg.act)));
  const read = frame(2) + frame(RESULT_BATCH * RESULT_ITEM_BYTES);
  return sample + frame(0) + read / RESULT_BATCH;
}

export function linkRate(cfg: Config, baud: number, fmaxMhz: number | undefined, boardMhz: number): LinkRate {
  const linkSamplesPerSecond = baud / (10 * linkBytesPerSample(cfg));
  const cyclesPerSample = estimate(cfg, { inputZeros: 0.8 }).cyclesPerSample;
  const at = (mhz: number) => (mhz * 1e6) / cyclesPerSample;
  const board = at(boardMhz);
  return {
    linkSamplesPerSecond: Math.round(linkSamplesPerSecond),
    ...(fmaxMhz !== undefined ? { computeSamplesPerSecondAtFmax: Math.round(at(fmaxMhz)) } : {}),
    computeSamplesPerSecondAtBoardClock: Math.round(board),
    cyclesPerSample,
    limitedBy: linkSamplesPerSecond < board ? 'link' : 'compute',
  };
}
