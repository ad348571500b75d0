/**
 * A serial line to the board's top simulated in Verilator (`verify --board`): the host's bytes
 * become UART bit levels on uart_rx (8N1, `clocksPerBit` cycles per bit), uart_tx is sampled
 * back into bytes, and faults are injected on both directions: a flipped bit, a dropped byte,
 * a duplicated byte, in a random fraction of the frames. The board and the driver must detect
 * and recover from every one (no sample trained twice or lost).
 */
import { Rng } from '../../model/rng.js';
import type { Simulator } from '../../sim/index.js';
import type { LinkPort } from './driver.js';

export type FaultKind = 'flip' | 'drop' | 'duplicate';
export const FAULT_KINDS: readonly FaultKind[] = ['flip', 'drop', 'duplicate'];

export interface FaultCounts {
  readonly toBoard: Record<FaultKind, number>;
  readonly toHost: Record<FaultKind, number>;
}

export interface SimLineOptions {
  readonly clocksPerBit: number;
  /** The fraction of frames (each direction) that get one fault, 0..1. */
  readonly faultRate: number;
  readonly seed: number;
  /** Cycles the host waits for an answer before it sends again. */
  readonly timeoutCycles: number;
}

const zero = (): Record<FaultKind, number> => ({ flip: 0, drop: 0, duplicate: 0 });

/** One fault (or none) on a frame's bytes. */
function injure(bytes: readonly number[], rng: Rng, rate: number, counts: Record<FaultKind, number>): number[] {
  if (bytes.length === 0 || !rng.bool(rate)) return [...bytes];
  const kind = FAULT_KINDS[rng.int(0, FAULT_KINDS.length - 1)]!;
  const at = rng.int(0, bytes.length - 1);
  counts[kind]++;
  const out = [...bytes];
  if (kind === 'flip') out[at] = out[at]! ^ (1 << rng.int(0, 7));
  else if (kind === 'drop') out.splice(at, 1);
  else out.splice(at, 0, out[at]!);
  return out;
}

/** The uart_tx line sampled each cycle, back into bytes (8N1, sampled in the middle of each bit). */
class UartDecoder {
  private phase = -1;
  private count = 0;
  private bits = 0;
  private bit = 0;

  constructor(private readonly cpb: number) {}

  /** One cycle's level; a byte when this cycle ends one. */
  push(level: number): number | undefined {
    if (this.phase < 0) {
      if (level === 0) {
        this.phase = 0;
        this.count = Math.floor(this.cpb / 2);
        this.bit = 0;
        this.bits = 0;
      }
      return undefined;
    }
    if (--this.count > 0) return undefined;
    this.count = this.cpb;
    if (this.phase === 0) {
      this.phase = level === 0 ? 1 : -1;
      return undefined;
    }
    if (this.phase === 1) {
      this.bits |= level << this.bit;
      if (++this.bit === 8) this.phase = 2;
      return undefined;
    }
    this.phase = -1;
    return level === 1 ? this.bits : undefined;
  }

  get busy(): boolean {
    return this.phase >= 0;
  }
}

export class SimLine implements LinkPort {
  readonly faults: FaultCounts = { toBoard: zero(), toHost: zero() };
  private readonly rng: Rng;
  private readonly decoder: UartDecoder;
  /** Bytes the board sent in the current answer (faults are injected per answer). */
  private answer: number[] = [];

  constructor(
    private readonly sim: Simulator,
    private readonly opts: SimLineOptions,
  ) {
    this.rng = new Rng(opts.seed);
    this.decoder = new UartDecoder(opts.clocksPerBit);
  }

  async exchange(out: Uint8Array, onByte: (b: number) => boolean, onGap: () => boolean): Promise<boolean> {
    const cpb = this.opts.clocksPerBit;
    const levels: number[] = [];
    for (const b of injure([...out], this.rng, this.opts.faultRate, this.faults.toBoard)) {
      for (let i = 0; i < cpb; i++) levels.push(0);
      for (let k = 0; k < 8; k++) for (let i = 0; i < cpb; i++) levels.push((b >> k) & 1);
      for (let i = 0; i < cpb; i++) levels.push(1);
    }
    this.answer = [];
    // The answer's faults are drawn once it is whole: bytes are held until the line is quiet.
    const quietLimit = 20 * cpb;
    let quiet = 0;
    let waited = 0;
    const run = (stim: number[]) =>
      this.sim
        .runBatch(
          ['uart_rx'],
          stim.map((v) => [v]),
          ['uart_tx'],
        )
        .map((r) => Number(r[0]));
    const feed = (txs: number[]): boolean => {
      for (const level of txs) {
        const b = this.decoder.push(level);
        if (b !== undefined) {
          this.answer.push(b);
          quiet = 0;
        } else if (!this.decoder.busy) quiet++;
        if (quiet === quietLimit && this.answer.length) {
          const bytes = injure(this.answer, this.rng, this.opts.faultRate, this.faults.toHost);
          this.answer = [];
          for (const x of bytes) if (onByte(x)) return true;
          if (onGap()) return true;
        }
      }
      return false;
    };
    if (levels.length && feed(run(levels))) return true;
    const chunk = 64 * cpb;
    while (waited < this.opts.timeoutCycles) {
      waited += chunk;
      if (feed(run(Array.from({ length: chunk }, () => 1)))) return true;
    }
    return false;
  }
}
