/** The 16-bit Galois LFSR of generators/blocks/lfsr.ts (mask 0xB400), one step per draw. */
export const LFSR_MASK = 0xb400;

export function lfsrStep(state: number): number {
  const out = state & 1;
  state >>>= 1;
  return out ? state ^ LFSR_MASK : state;
}

/** A stateful LFSR: `peek()` is the current state (the draw), `advance()` steps it. */
export class Lfsr {
  constructor(public state: number) {
    if (!Number.isInteger(state) || state < 1 || state > 0xffff) throw new RangeError(`LFSR seed must be in 1..65535, got ${state}`);
  }

  advance(): void {
    this.state = lfsrStep(this.state);
  }
}

/** The LFSR's period: every non-zero 16-bit state is visited once (x^16 + x^14 + x^13 + x^11 + 1 is primitive). */
export const LFSR_PERIOD = 65535;

/**
 * The whole LFSR sequence from `seed`: `seq[0] = seed`, `seq[n+1] = lfsrStep(seq[n])`, one period
 * (65535 entries), so the state after n steps is `seq[n % 65535]` (docs/ARCHITECTURE.md §2).
 */
export function lfsrSequence(seed: number): Uint16Array {
  if (!Number.isInteger(seed) || seed < 1 || seed > 0xffff) throw new RangeError(`LFSR seed must be in 1..65535, got ${seed}`);
  const seq = new Uint16Array(LFSR_PERIOD);
  let s = seed;
  for (let n = 0; n < LFSR_PERIOD; n++) {
    seq[n] = s;
    s = lfsrStep(s);
  }
  if (s !== seed) throw new Error(`LFSR from seed ${seed} did not return to it after ${LFSR_PERIOD} steps`);
  return seq;
}

/** floor(65535 / P): lane p of P starts at seq[p · laneStride(P)] (docs/ARCHITECTURE.md §2). */
export const laneStride = (pes: number): number => Math.floor(LFSR_PERIOD / pes);
