/**
 * mulberry32: a small, fast, seeded PRNG for stimulus and initial weights. (A plain LCG's low
 * bits are correlated; this one's are not.) Same seed, same sequence, on every machine.
 */
export class Rng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [lo, hi] (inclusive), for spans up to 2^32. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  /** Uniform bigint in [lo, hi] (inclusive), any span. */
  big(lo: bigint, hi: bigint): bigint {
    const span = hi - lo + 1n;
    let bits = 0n;
    let r = 0n;
    while (1n << bits < span * 1024n) {
      r = (r << 32n) | BigInt(this.u32());
      bits += 32n;
    }
    return lo + (r % span);
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.float() * xs.length)]!;
  }

  bool(p = 0.5): boolean {
    return this.float() < p;
  }
}
