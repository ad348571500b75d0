/**
 * The first TaxoNN blocks, each proven against its bit-exact golden model in Verilator with
 * thousands of random vectors plus the corners (max, min, zero, -1, saturation boundaries),
 * over several parameter sets (formats from 4 to 16 bits, every rounding mode).
 */
import { describe, expect, it } from 'vitest';
import { checkSeed, lfsr } from '../../generators/blocks/lfsr.js';
import { pe, peWidths, type PeParams } from '../../generators/blocks/pe.js';
import type { FixedFormat, Rounding } from '../../src/hdl/index.js';
import { activationCheck, lfsrCheck, peCheck, requantCheck, runBlockCheck, updateCheck, type BlockCheck } from '../../src/flows/rtl/block-checks.js';
import { lfsrStep } from '../../src/model/lfsr.js';
import { Rng } from '../../src/model/rng.js';

const S = (bits: number, frac: number): FixedFormat => ({ bits, frac, signed: true });
const U = (bits: number, frac: number): FixedFormat => ({ bits, frac, signed: false });

async function expectEquivalent(check: BlockCheck, n: number, seed = 1) {
  const r = await runBlockCheck(check, n, seed);
  if (r.first) {
    const f = r.first;
    expect.fail(`${r.title}: cycle ${f.cycle}: ${f.port} = ${f.rtl} in RTL, ${f.golden} in the golden model (${f.inputs})`);
  }
  expect(r.vectors).toBe(n);
  expect(r.mismatches).toBe(0);
}

describe('PE: forward, backward and gradient MACs', () => {
  const cases: PeParams[] = [
    { weight: S(12, 11), act: U(8, 6), error: S(8, 6), accBits: 32 },
    { weight: S(4, 3), act: U(4, 2), error: S(4, 3), accBits: 9 },
    { weight: S(16, 14), act: U(16, 12), error: S(16, 14), accBits: 40 },
    { weight: S(8, 7), act: U(8, 6), error: S(6, 4), accBits: 17 },
  ];
  for (const p of cases) {
    it(`w${p.weight.bits} a${p.act.bits} e${p.error.bits} acc${p.accBits}: 4000 cycles incl. wrap-around`, async () => {
      await expectEquivalent(peCheck(p), 4000, p.accBits);
    });
  }

  it('sizes the multiplier for the formats, no more', () => {
    const p = cases[0]!;
    expect(peWidths(p).product).toBe(12 + 9);
  });

  it('rejects an accumulator narrower than one product', () => {
    expect(() => pe({ weight: S(8, 7), act: U(8, 6), error: S(8, 6), accBits: 12 })).toThrow(/accBits 12 is narrower than one product \(17 bits\)/);
  });
});

describe('requantisation: shift, round, saturate', () => {
  const cases: { accBits: number; accFrac: number; out: FixedFormat; rounding: Rounding }[] = [
    { accBits: 32, accFrac: 17, out: U(8, 6), rounding: 'nearest' },
    { accBits: 32, accFrac: 17, out: S(8, 6), rounding: 'truncate' },
    { accBits: 24, accFrac: 12, out: S(12, 10), rounding: 'stochastic' },
    { accBits: 12, accFrac: 4, out: S(4, 2), rounding: 'nearest' },
    { accBits: 16, accFrac: 0, out: S(16, 0), rounding: 'nearest' },
    { accBits: 40, accFrac: 30, out: U(16, 12), rounding: 'stochastic' },
  ];
  for (const p of cases) {
    it(`s${p.accBits}q${p.accFrac} -> ${p.out.signed ? 's' : 'u'}${p.out.bits}q${p.out.frac} ${p.rounding}`, async () => {
      await expectEquivalent(requantCheck(p), 3000, p.accBits);
    });
  }
});

describe('shifter learning-rate unit and weight update', () => {
  const cases: { weight: FixedFormat; gradBits: number; shift: number; rounding: Rounding; seed: number }[] = [
    { weight: S(12, 11), gradBits: 17, shift: 7, rounding: 'stochastic', seed: 0xace1 },
    { weight: S(12, 11), gradBits: 17, shift: 7, rounding: 'nearest', seed: 1 },
    { weight: S(12, 11), gradBits: 17, shift: 7, rounding: 'truncate', seed: 1 },
    { weight: S(8, 7), gradBits: 17, shift: 11, rounding: 'stochastic', seed: 0x1234 },
    { weight: S(16, 15), gradBits: 33, shift: 20, rounding: 'stochastic', seed: 0xbeef },
    { weight: S(4, 3), gradBits: 9, shift: 0, rounding: 'stochastic', seed: 7 },
    { weight: S(6, 5), gradBits: 10, shift: 3, rounding: 'nearest', seed: 7 },
  ];
  for (const p of cases) {
    it(`w${p.weight.bits} grad${p.gradBits} >> ${p.shift} ${p.rounding}`, async () => {
      await expectEquivalent(updateCheck(p, p.seed), 5000, p.shift + 3);
    });
  }
});

describe('activation unit', () => {
  const cases = [
    { zBits: 32, zFrac: 17, act: U(8, 6), hidden: 'relu' as const, rounding: 'nearest' as const },
    { zBits: 20, zFrac: 10, act: U(4, 2), hidden: 'relu' as const, rounding: 'truncate' as const },
    { zBits: 24, zFrac: 12, act: U(8, 6), hidden: 'hardsigmoid' as const, rounding: 'nearest' as const },
    { zBits: 16, zFrac: 8, act: U(4, 4), hidden: 'hardsigmoid' as const, rounding: 'truncate' as const },
  ];
  for (const p of cases) {
    it(`${p.hidden} s${p.zBits}q${p.zFrac} -> u${p.act.bits}q${p.act.frac} ${p.rounding}`, async () => {
      const check = activationCheck(p);
      // Both mask values occur, so the derivative is exercised.
      const { expected } = check.vectors(new Rng(2), 4000);
      expect(new Set(expected.map((r) => r[1])).size).toBe(2);
      await expectEquivalent(check, 4000, 2);
    });
  }
});

describe('LFSR', () => {
  it('has the maximal period 65535 in the golden model', () => {
    let s = 0xace1;
    let period = 0;
    do {
      s = lfsrStep(s);
      period++;
    } while (s !== 0xace1 && period < 70000);
    expect(period).toBe(65535);
  });

  it('steps like the golden model in RTL', async () => {
    await expectEquivalent(lfsrCheck(0xace1), 20000, 5);
  });

  it('refuses the seed 0, which would lock it', () => {
    expect(() => checkSeed(0)).toThrow(/seed must be an integer in 1\.\.65535/);
  });

  it('is one module for every seed (the seed is an input)', () => {
    expect(lfsr().name).toBe('lfsr16');
  });
});

describe('the check itself', () => {
  it('reports a mismatch when the golden model disagrees (negative control)', async () => {
    const good = peCheck({ weight: S(4, 3), act: U(4, 2), error: S(4, 3), accBits: 9 });
    const broken: BlockCheck = {
      ...good,
      vectors(rng, n) {
        const v = good.vectors(rng, n);
        v.expected[50]![0]! += 1n;
        return v;
      },
    };
    const r = await runBlockCheck(broken, 200, 3);
    expect(r.mismatches).toBe(1);
    expect(r.first?.cycle).toBe(50);
    expect(r.first?.port).toBe('acc');
  });
});
