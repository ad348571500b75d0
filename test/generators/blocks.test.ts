/**
 * The first TaxoNN blocks, each proven against its bit-exact golden model in Verilator with
 * thousands of random vectors plus the corners (max, min, zero, -1, saturation boundaries),
 * over several parameter sets (formats from 4 to 16 bits, every rounding mode).
 */
import { describe, expect, it } from 'vitest';
import { activation } from '../../generators/blocks/activation.js';
import { lfsr } from '../../generators/blocks/lfsr.js';
import { pe, peWidths, type PeParams } from '../../generators/blocks/pe.js';
import { requant } from '../../generators/blocks/requant.js';
import { update } from '../../generators/blocks/update.js';
import type { FixedFormat, Rounding } from '../../src/hdl/index.js';
import { PeModel, UpdateModel, activationModel } from '../../src/model/blocks.js';
import { maxOf, minOf, requantize } from '../../src/model/fixed.js';
import { lfsrStep } from '../../src/model/lfsr.js';
import { Rng } from '../../src/model/rng.js';
import { simulate } from '../../src/sim/from-module.js';

const S = (bits: number, frac: number): FixedFormat => ({ bits, frac, signed: true });
const U = (bits: number, frac: number): FixedFormat => ({ bits, frac, signed: false });

/** A value of format f: corners a third of the time, uniform otherwise. */
function value(rng: Rng, f: { bits: number; signed: boolean }): bigint {
  const lo = minOf(f);
  const hi = maxOf(f);
  switch (rng.int(0, 8)) {
    case 0: return lo;
    case 1: return hi;
    case 2: return 0n;
    case 3: return f.signed ? -1n : 1n;
    default: return rng.big(lo, hi);
  }
}

/** Compares a batch result column by column; reports the first mismatch with its inputs. */
function expectRows(got: bigint[][], want: bigint[][], names: string[], stimulus: (number | bigint)[][]) {
  for (let c = 0; c < want.length; c++) {
    for (let k = 0; k < names.length; k++) {
      if (got[c]![k] !== want[c]![k]) {
        expect.fail(`cycle ${c}: ${names[k]} = ${got[c]![k]} in RTL, ${want[c]![k]} in the golden model (inputs ${stimulus[c]!.join(', ')})`);
      }
    }
  }
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
      const sim = await simulate(pe(p));
      try {
        const rng = new Rng(p.weight.bits * 1000 + p.accBits);
        const model = new PeModel(p.accBits);
        const stimulus: (number | bigint)[][] = [];
        const want: bigint[][] = [];
        for (let c = 0; c < 4000; c++) {
          const i = {
            op: rng.int(0, 3),
            weight: value(rng, p.weight),
            act: value(rng, p.act),
            err: value(rng, p.error),
            en: rng.bool(0.8),
            first: rng.bool(0.1),
          };
          stimulus.push([i.op, i.weight, i.act, i.err, i.en ? 1 : 0, i.first ? 1 : 0]);
          want.push([model.acc]);
          model.step(i);
        }
        sim.reset();
        const got = sim.runBatch(['op', 'weight', 'act', 'err', 'en', 'first'], stimulus, ['acc']);
        expectRows(got, want, ['acc'], stimulus);
        // The product width is what the formats need, no more.
        expect(peWidths(p).product).toBe(Math.max(p.weight.bits, p.error.bits) + Math.max(p.act.bits + 1, p.error.bits));
      } finally {
        sim.close();
      }
    });
  }

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
      const sim = await simulate(requant({ ...p }));
      try {
        const rng = new Rng(p.accBits + p.out.bits * 7);
        const s = p.accFrac - p.out.frac;
        const accF = { bits: p.accBits, signed: true };
        // Saturation boundaries: the accumulator values around max·2^s and min·2^s.
        const edges = [maxOf(p.out), minOf(p.out)].flatMap((v) => [-2n, -1n, 0n, 1n, 2n].map((d) => (v << BigInt(s)) + d));
        const stimulus: (number | bigint)[][] = [];
        const want: bigint[][] = [];
        for (let c = 0; c < 3000; c++) {
          let acc = c < edges.length ? edges[c]! : value(rng, accF);
          if (acc < minOf(accF) || acc > maxOf(accF)) acc = 0n;
          const r = rng.int(0, 0xffff);
          stimulus.push(p.rounding === 'stochastic' ? [acc, r] : [acc]);
          want.push([requantize(acc, p.accFrac, p.out, p.rounding, r)]);
        }
        const got = sim.runBatch(p.rounding === 'stochastic' ? ['acc', 'random'] : ['acc'], stimulus, ['q']);
        expectRows(got, want, ['q'], stimulus);
      } finally {
        sim.close();
      }
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
      const sim = await simulate(update(p));
      try {
        const rng = new Rng(p.shift * 31 + p.weight.bits);
        const model = new UpdateModel(p.weight, p.shift, p.rounding, p.seed);
        const stimulus: (number | bigint)[][] = [];
        const want: bigint[][] = [];
        for (let c = 0; c < 5000; c++) {
          const w = value(rng, p.weight);
          const grad = value(rng, { bits: p.gradBits, signed: true });
          const en = rng.bool(0.7);
          stimulus.push([w, grad, en ? 1 : 0]);
          want.push([model.next(w, grad)]);
          model.step(en);
        }
        if (sim.design.reset) sim.reset(); // only the stochastic unit has state (its LFSR)
        const got = sim.runBatch(['w', 'grad', 'en'], stimulus, ['w_next']);
        expectRows(got, want, ['w_next'], stimulus);
      } finally {
        sim.close();
      }
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
      const sim = await simulate(activation(p));
      try {
        const rng = new Rng(p.zBits * 3 + p.act.bits);
        const stimulus: (number | bigint)[][] = [];
        const want: bigint[][] = [];
        const small = { bits: p.zFrac + 4, signed: true };
        for (let c = 0; c < 4000; c++) {
          const z = rng.bool(0.5) ? value(rng, small) : value(rng, { bits: p.zBits, signed: true });
          const r = activationModel(z, p.zFrac, p.act, p.hidden, p.rounding);
          stimulus.push([z]);
          want.push([r.a, r.mask ? 1n : 0n]);
        }
        const got = sim.runBatch(['z'], stimulus, ['a', 'mask']);
        expectRows(got, want, ['a', 'mask'], stimulus);
        // Both mask values occur, so the test exercises the derivative.
        expect(new Set(want.map((r) => r[1])).size).toBe(2);
      } finally {
        sim.close();
      }
    });
  }
});

describe('LFSR', () => {
  it('steps like the golden model and has the maximal period 65535', async () => {
    let s = 0xace1;
    let period = 0;
    do {
      s = lfsrStep(s);
      period++;
    } while (s !== 0xace1 && period < 70000);
    expect(period).toBe(65535);
    const sim = await simulate(lfsr(0xace1));
    try {
      sim.reset();
      const rng = new Rng(5);
      const stimulus: number[][] = [];
      const want: bigint[][] = [];
      let st = 0xace1;
      for (let c = 0; c < 20000; c++) {
        const en = rng.bool(0.6);
        stimulus.push([en ? 1 : 0]);
        want.push([BigInt(st)]);
        if (en) st = lfsrStep(st);
      }
      expectRows(sim.runBatch(['en'], stimulus, ['state']), want, ['state'], stimulus);
    } finally {
      sim.close();
    }
  });

  it('refuses the seed 0, which would lock it', () => {
    expect(() => lfsr(0)).toThrow(/seed must be an integer in 1\.\.65535/);
  });
});
