// MAC design: step/reset semantics, batch == step-by-step, error messages.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Simulator } from '../../src/sim/simulator.js';
import { MAC, mulberry32, type MacIn, type MacOut } from './designs.js';

const sims: Simulator[] = [];
async function mac(opts: Parameters<typeof Simulator.create>[1] = {}) {
  const sim = await Simulator.create<MacIn, MacOut>(MAC, { quiet: true, ...opts });
  sims.push(sim as unknown as Simulator);
  return sim;
}

/** Reference model of test/fixtures/mac.v. */
function wrap24(x: number): number {
  return (((x % 2 ** 24) + 2 ** 24 + 2 ** 23) % 2 ** 24) - 2 ** 23;
}

describe('Simulator on the MAC', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    await mac(); // build once; later creates hit the cache
  }, 180_000);
  afterAll(() => sims.forEach((s) => s.close()));

  it('computes the combinational product after eval, and only clocks on step', async () => {
    const sim = await mac();
    sim.reset();
    expect(sim.peek('acc')).toBe(0n);
    sim.poke('a', -3);
    sim.poke('b', 7);
    sim.poke('en', 1);
    sim.eval();
    expect(sim.peek('prod')).toBe(-21n);
    expect(sim.peekNumber('prod')).toBe(-21);
    expect(sim.peek('acc')).toBe(0n); // no edge yet
    sim.step();
    expect(sim.peek('acc')).toBe(-21n);
    sim.step(2);
    expect(sim.peek('acc')).toBe(-63n);
    sim.poke('en', 0);
    sim.step(5);
    expect(sim.peek('acc')).toBe(-63n);
  });

  it('applies the synchronous reset only on a clock edge, and counts cycles', async () => {
    const sim = await mac();
    sim.reset(3);
    expect(sim.cycle).toBe(3);
    sim.poke('a', 127);
    sim.poke('b', -128);
    sim.poke('en', 1);
    sim.step(4);
    expect(sim.peek('acc')).toBe(BigInt(4 * 127 * -128));
    sim.poke('rst', 1);
    sim.eval();
    expect(sim.peek('acc')).toBe(BigInt(4 * 127 * -128)); // synchronous: not yet
    sim.step();
    expect(sim.peek('acc')).toBe(0n);
    expect(sim.cycle).toBe(3 + 4 + 1);
  });

  it('wraps the 24-bit accumulator like the reference model', async () => {
    const sim = await mac();
    sim.reset();
    sim.poke('en', 1);
    sim.poke('a', -128);
    sim.poke('b', -128); // +16384 per cycle
    sim.step(600); // 9.8 M: past +2^23
    expect(sim.peekNumber('acc')).toBe(wrap24(600 * 16384));
    expect(sim.peekNumber('acc')).toBeLessThan(0);
  });

  it('runBatch returns the same outputs as poke/eval/peek/step', async () => {
    const rnd = mulberry32(42);
    const n = 3000;
    const inputs: MacIn[] = ['rst', 'en', 'a', 'b'];
    const stim = Array.from({ length: n }, (_, c) => [c === 0 || rnd() % 500 === 0 ? 1 : 0, rnd() % 4 === 0 ? 0 : 1, (rnd() % 256) - 128, (rnd() % 256) - 128]);
    const ref = await mac();
    const expected: bigint[][] = [];
    let model = 0;
    for (const row of stim) {
      inputs.forEach((name, j) => ref.poke(name, row[j]!));
      ref.eval();
      expected.push([ref.peek('prod'), ref.peek('acc')]);
      ref.step();
      // Independent reference: outputs sampled before the edge.
      const [rst, en, a, b] = row as [number, number, number, number];
      expect(expected.at(-1)).toEqual([BigInt(a * b), BigInt(model)]);
      model = rst ? 0 : en ? wrap24(model + a * b) : model;
    }
    const batch = await mac();
    const got = batch.runBatch(inputs, stim, ['prod', 'acc']);
    expect(got).toEqual(expected);
    expect(batch.cycle).toBe(n);
    expect(batch.peek('acc')).toBe(ref.peek('acc'));

    // Packed fast path: one int32 per port, signed values sign-extended.
    const packed = await mac();
    const words = Int32Array.from(stim.flat());
    const out = packed.runBatchPacked(inputs, words, ['prod', 'acc'], { out: new Int32Array(2 * n) });
    expect(Array.from(out, BigInt)).toEqual(expected.flat());
  });

  it('batches can be split and mixed with single steps', async () => {
    const rnd = mulberry32(7);
    const stim = Array.from({ length: 100 }, () => [1, (rnd() % 256) - 128, (rnd() % 256) - 128]);
    const whole = await mac();
    whole.reset();
    const all = whole.runBatch(['en', 'a', 'b'], stim, ['acc']);
    const split = await mac();
    split.reset();
    const first = split.runBatch(['en', 'a', 'b'], stim.slice(0, 40), ['acc']);
    split.poke('en', 1);
    split.poke('a', stim[40]![1]!);
    split.poke('b', stim[40]![2]!);
    split.eval();
    const mid = [[split.peek('acc')]];
    split.step();
    const rest = split.runBatch(['en', 'a', 'b'], stim.slice(41), ['acc']);
    expect([...first, ...mid, ...rest]).toEqual(all);

    // Packed batches on subarray views (koffi must honour byteOffset).
    const views = await mac();
    views.reset();
    const words = Int32Array.from(stim.flat());
    const out = new Int32Array(110).fill(-7);
    views.runBatchPacked(['en', 'a', 'b'], words.subarray(0, 3 * 30), ['acc'], { out: out.subarray(5, 35) });
    views.runBatchPacked(['en', 'a', 'b'], words.subarray(3 * 30), ['acc'], { out: out.subarray(35, 105) });
    expect(Array.from(out.subarray(5, 105), BigInt)).toEqual(all.flat());
    expect([out[4], out[105]]).toEqual([-7, -7]);
  });

  it('gives clear errors for unknown ports, outputs and out-of-range values', async () => {
    const sim = await mac();
    // @ts-expect-error 'nope' is not a port of the MAC: a type error, and a runtime error.
    expect(() => sim.poke('nope', 1)).toThrow(/mac has no input named 'nope'.*inputs: clk, rst, en, a, b/);
    // @ts-expect-error outputs cannot be poked
    expect(() => sim.poke('acc', 1)).toThrow(/'acc' is an output of mac, not an input/);
    // @ts-expect-error unknown port
    expect(() => sim.peek('nope')).toThrow(/no port named 'nope'/);
    expect(() => sim.poke('a', 128)).toThrow(/'a' \(signed 8-bit, -128\.\.127\): value 128 is out of range/);
    expect(() => sim.poke('a', -129)).toThrow(/value -129 is out of range/);
    expect(() => sim.poke('a', 255n)).toThrow(/value 255 is out of range/);
    expect(() => sim.poke('en', 2)).toThrow(/'en' \(unsigned 1-bit, 0\.\.1\): value 2 is out of range/);
    expect(() => sim.poke('en', -1)).toThrow(/out of range/);
    expect(() => sim.poke('a', 1.5)).toThrow(/is not an integer/);
    expect(() => sim.runBatch(['a'], [[1], [200]], ['acc'])).toThrow(/cycle 1: 'a'.*value 200 is out of range/);
    expect(() => sim.runBatch(['a', 'b'], [[1]], ['acc'])).toThrow(/row 0 has 1 values for 2 inputs/);
    expect(() => sim.runBatchPacked(['a'], Uint32Array.of(1, 0xff), ['acc'])).toThrow(/cycle 1: word 0x000000ff is out of range 'a'.*sign-extended/);
    // The failed calls changed nothing.
    expect(sim.cycle).toBe(0);
  });

  it('refuses to run after close', async () => {
    const sim = await Simulator.create<MacIn, MacOut>(MAC, { quiet: true });
    sim.close();
    sim.close(); // idempotent
    expect(() => sim.step()).toThrow(/closed/);
    expect(() => sim.peek('acc')).toThrow(/closed/);
  });

  it('with xRandom, initial state depends on the seed (reset bugs cannot hide)', async () => {
    const zero = await mac();
    expect(zero.peek('acc')).toBe(0n); // plain build: Verilator starts at 0
    const s1 = await mac({ xRandom: true, seed: 1 });
    const s1again = await mac({ xRandom: true, seed: 1 });
    const s2 = await mac({ xRandom: true, seed: 2 });
    expect(s1.peek('acc')).toBe(s1again.peek('acc'));
    expect(s1.peek('acc')).not.toBe(s2.peek('acc'));
    expect([s1.peek('acc'), s2.peek('acc')]).not.toEqual([0n, 0n]);
    s1.reset();
    expect(s1.peek('acc')).toBe(0n);
  });
});
