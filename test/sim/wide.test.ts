// Port widths across every Verilator storage class, signed and unsigned,
// including values that a JS number (53 bits) or a uint64 cannot hold.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Simulator } from '../../src/sim/simulator.js';
import { WIDE, mulberry32, randomBig, type WideIn, type WideOut } from './designs.js';

let sim: Simulator<WideIn, WideOut>;

const range = (width: number, signed: boolean): [bigint, bigint] =>
  signed ? [-(1n << BigInt(width - 1)), (1n << BigInt(width - 1)) - 1n] : [0n, (1n << BigInt(width)) - 1n];

/** Interesting values of a port: both ends, around zero and the 32/53/64-bit boundaries. */
function edgeValues(width: number, signed: boolean): bigint[] {
  const [lo, hi] = range(width, signed);
  const cands = [lo, lo + 1n, -1n, 0n, 1n, hi - 1n, hi];
  for (const b of [31n, 32n, 33n, 52n, 53n, 54n, 63n, 64n, 65n]) cands.push(1n << b, (1n << b) - 1n, -(1n << b));
  return [...new Set(cands)].filter((v) => v >= lo && v <= hi);
}

const wrap = (v: bigint, width: number, signed: boolean) => (signed ? BigInt.asIntN(width, v) : BigInt.asUintN(width, v));

describe('Simulator port widths', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    sim = await Simulator.create<WideIn, WideOut>(WIDE, { quiet: true });
  }, 180_000);
  afterAll(() => sim.close());

  const passThrough: [WideIn, WideOut, number, boolean][] = [
    ['s5', 'o5', 5, true],
    ['s64', 'o64', 64, true],
    ['s100', 'o100', 100, true],
  ];
  for (const [inp, out, width, signed] of passThrough) {
    it(`round-trips ${width}-bit ${signed ? 'signed' : 'unsigned'} values (${inp} -> ${out})`, () => {
      for (const v of edgeValues(width, signed)) {
        sim.poke(inp, v);
        sim.eval();
        expect(sim.peek(out)).toBe(v);
        expect(sim.peek(inp)).toBe(v); // inputs read back too
      }
    });
  }

  it('computes +1 with wrap-around on 1-, 32-, 33- and 65-bit ports', () => {
    const cases: [WideIn, WideOut, number][] = [
      ['u32', 'o32', 32],
      ['u33', 'o33', 33],
      ['u65', 'o65', 65],
    ];
    for (const [inp, out, width] of cases) {
      for (const v of edgeValues(width, false)) {
        sim.poke(inp, v);
        sim.eval();
        expect(sim.peek(out), `${inp}=${v}`).toBe(wrap(v + 1n, width, false));
      }
    }
    sim.poke('b1', 1);
    sim.eval();
    expect(sim.peek('o1')).toBe(0n);
    sim.poke('b1', 0);
    sim.eval();
    expect(sim.peek('o1')).toBe(1n);
  });

  it('does signed arithmetic beyond 64 bits (100-bit sum, 64-bit negate)', () => {
    const rnd = mulberry32(1);
    for (let i = 0; i < 300; i++) {
      const a = randomBig(rnd, ...range(100, true));
      const b = randomBig(rnd, ...range(64, true));
      sim.poke('s100', a);
      sim.poke('s64', b);
      sim.eval();
      expect(sim.peek('sum100')).toBe(wrap(a + b, 100, true));
      expect(sim.peek('neg64')).toBe(wrap(-b, 64, true));
    }
    sim.poke('s64', -(1n << 63n)); // -min wraps to itself
    sim.eval();
    expect(sim.peek('neg64')).toBe(-(1n << 63n));
  });

  it('accepts numbers and bigints alike, and peekNumber up to 53 bits', () => {
    sim.poke('u33', 2 ** 33 - 1);
    sim.poke('s64', -(2 ** 53) + 1);
    sim.eval();
    expect(sim.peekNumber('o33')).toBe(0); // wrapped +1
    expect(sim.peekNumber('u33')).toBe(2 ** 33 - 1);
    expect(sim.peekNumber('o5')).toBe(Number(sim.peek('o5')));
    expect(() => sim.peekNumber('o64')).toThrow(/'o64' \(signed 64-bit.*wider than 53 bits, use peek\(\)/);
    expect(() => sim.poke('s64', 2 ** 60)).toThrow(/beyond 2\^53.*pass a bigint/);
    expect(() => sim.poke('u65', 1n << 65n)).toThrow(/'u65' \(unsigned 65-bit, 0\.\.36893488147419103231\): value 36893488147419103232 is out of range/);
    expect(() => sim.poke('s100', -(1n << 99n) - 1n)).toThrow(/'s100' \(signed 100-bit/);
    expect(() => sim.poke('u32', -1)).toThrow(/out of range/);
    sim.poke('u32', 0xffffffff);
    sim.eval();
    expect(sim.peekNumber('o32')).toBe(0);
  });

  it('registers a 65-bit value on the rising edge only', () => {
    sim.poke('u65', (1n << 64n) | 5n);
    sim.step();
    expect(sim.peek('r65')).toBe((1n << 64n) | 5n);
    sim.poke('u65', 7n);
    sim.eval();
    expect(sim.peek('r65')).toBe((1n << 64n) | 5n);
    sim.step();
    expect(sim.peek('r65')).toBe(7n);
  });

  it('runBatch and runBatchPacked handle wide ports like single steps', async () => {
    const rnd = mulberry32(99);
    const ins: WideIn[] = ['b1', 's5', 'u33', 's64', 'u65', 's100'];
    const widths: [number, boolean][] = [
      [1, false],
      [5, true],
      [33, false],
      [64, true],
      [65, false],
      [100, true],
    ];
    const outs: WideOut[] = ['o1', 'o5', 'o33', 'neg64', 'o65', 'sum100', 'r65'];
    const stim = Array.from({ length: 500 }, () => widths.map(([w, s]) => randomBig(rnd, ...range(w, s))));
    const ref = await Simulator.create<WideIn, WideOut>(WIDE, { quiet: true });
    const expected = stim.map((row) => {
      ins.forEach((n, j) => ref.poke(n, row[j]!));
      ref.eval();
      const o = outs.map((n) => ref.peek(n));
      ref.step();
      return o;
    });
    ref.close();
    const b = await Simulator.create<WideIn, WideOut>(WIDE, { quiet: true });
    expect(b.runBatch(ins, stim, outs)).toEqual(expected);
    b.close();

    // Packed: words per port 1,1,2,2,3,4 in, 1,1,2,2,3,4,3 out.
    const inWords = ins.reduce((s, n) => s + sim.wordsOf(n), 0);
    const outWords = outs.reduce((s, n) => s + sim.wordsOf(n), 0);
    expect([inWords, outWords]).toEqual([13, 16]);
    const packedIn = new Uint32Array(stim.length * inWords);
    let off = 0;
    for (const row of stim) {
      row.forEach((v, j) => {
        const [w] = widths[j]!;
        let x = BigInt.asUintN(Math.ceil(w / 32) * 32, v); // sign-extend to whole words
        for (let k = 0; k < Math.ceil(w / 32); k++) {
          packedIn[off++] = Number(x & 0xffffffffn);
          x >>= 32n;
        }
      });
    }
    const p = await Simulator.create<WideIn, WideOut>(WIDE, { quiet: true });
    const packedOut = p.runBatchPacked(ins, packedIn, outs);
    p.close();
    expect(packedOut.length).toBe(stim.length * outWords);
    // Decode with the layout rule: little-endian words, top word sign-/zero-extended.
    const outSpec = outs.map((n) => WIDE.ports.find((q) => q.name === n)!);
    off = 0;
    const decoded = stim.map(() =>
      outSpec.map((q) => {
        const words = Math.ceil(q.width / 32);
        let x = 0n;
        for (let k = words - 1; k >= 0; k--) x = (x << 32n) | BigInt(packedOut[off + k]!);
        off += words;
        return q.signed ? BigInt.asIntN(words * 32, x) : x; // must already be in range: no masking
      }),
    );
    expect(decoded).toEqual(expected);
  });

  it('rejects packed words that are not properly extended', () => {
    // s100 has 4 words; top word holds bits 96..99 and must be sign-extended.
    const row = Uint32Array.of(0, 0, 0, 0x10);
    expect(() => sim.runBatchPacked(['s100'], row, ['o100'])).toThrow(/cycle 0: top word 0x00000010 is out of range 's100'.*sign-extended from bit 3/);
  });
});
