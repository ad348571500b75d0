// Hand-written designs shared by the simulator tests and bench/sim.ts.
// The port lists mirror test/fixtures/*.v (and are checked against the RTL at
// build time by src/sim/build.ts).

import { fileURLToPath } from 'node:url';
import type { SimDesign } from '../../src/sim/types.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export type MacIn = 'clk' | 'rst' | 'en' | 'a' | 'b';
export type MacOut = 'prod' | 'acc';

/** Signed 8x8 MAC, 24-bit accumulator, sync active-high reset. */
export const MAC: SimDesign = {
  top: 'mac',
  files: [`${FIXTURES}mac.v`],
  ports: [
    { name: 'clk', dir: 'input', width: 1, signed: false },
    { name: 'rst', dir: 'input', width: 1, signed: false },
    { name: 'en', dir: 'input', width: 1, signed: false },
    { name: 'a', dir: 'input', width: 8, signed: true },
    { name: 'b', dir: 'input', width: 8, signed: true },
    { name: 'prod', dir: 'output', width: 16, signed: true },
    { name: 'acc', dir: 'output', width: 24, signed: true },
  ],
};

export type WideIn = 'clk' | 'b1' | 's5' | 'u32' | 'u33' | 's64' | 'u65' | 's100';
export type WideOut = 'o1' | 'o5' | 'o32' | 'o33' | 'o64' | 'neg64' | 'o65' | 'o100' | 'sum100' | 'r65';

/** Ports of 1..100 bits, signed and unsigned (see test/fixtures/wide.v). */
export const WIDE: SimDesign = {
  top: 'wide',
  files: [`${FIXTURES}wide.v`],
  ports: [
    { name: 'clk', dir: 'input', width: 1, signed: false },
    { name: 'b1', dir: 'input', width: 1, signed: false },
    { name: 's5', dir: 'input', width: 5, signed: true },
    { name: 'u32', dir: 'input', width: 32, signed: false },
    { name: 'u33', dir: 'input', width: 33, signed: false },
    { name: 's64', dir: 'input', width: 64, signed: true },
    { name: 'u65', dir: 'input', width: 65, signed: false },
    { name: 's100', dir: 'input', width: 100, signed: true },
    { name: 'o1', dir: 'output', width: 1, signed: false },
    { name: 'o5', dir: 'output', width: 5, signed: true },
    { name: 'o32', dir: 'output', width: 32, signed: false },
    { name: 'o33', dir: 'output', width: 33, signed: false },
    { name: 'o64', dir: 'output', width: 64, signed: true },
    { name: 'neg64', dir: 'output', width: 64, signed: true },
    { name: 'o65', dir: 'output', width: 65, signed: false },
    { name: 'o100', dir: 'output', width: 100, signed: true },
    { name: 'sum100', dir: 'output', width: 100, signed: true },
    { name: 'r65', dir: 'output', width: 65, signed: false },
  ],
};

/** mulberry32: small seeded PRNG with well-mixed low bits (a plain LCG's are not). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Uniform random bigint in [min, max] from a 32-bit generator. */
export function randomBig(next: () => number, min: bigint, max: bigint): bigint {
  const span = max - min + 1n;
  let x = 0n;
  for (let bits = 0n; 1n << bits < span * 2n; bits += 32n) x = (x << 32n) | BigInt(next());
  return min + (x % span);
}
