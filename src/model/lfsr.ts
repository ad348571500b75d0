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
