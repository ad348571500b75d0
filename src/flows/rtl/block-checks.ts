/**
 * Randomised Verilator-vs-golden checks of the TaxoNN blocks: random vectors plus every corner
 * (max, min, zero, -1, saturation boundaries), run in one batch inside the compiled model and
 * compared cycle by cycle with the golden model. Used by the tests and by `taxonn demo`.
 */
import { activation, type ActivationParams } from '../../../generators/blocks/activation.js';
import { checkSeed, lfsr } from '../../../generators/blocks/lfsr.js';
import { pe, type PeParams } from '../../../generators/blocks/pe.js';
import { requant, type RequantParams } from '../../../generators/blocks/requant.js';
import { update, type UpdateParams } from '../../../generators/blocks/update.js';
import type { Module } from '../../hdl/index.js';
import { PeModel, UpdateModel, activationModel } from '../../model/blocks.js';
import { maxOf, minOf, requantize } from '../../model/fixed.js';
import { lfsrStep } from '../../model/lfsr.js';
import { Rng } from '../../model/rng.js';
import { simulate } from '../../sim/from-module.js';

type Row = (number | bigint)[];

export interface BlockCheck {
  /** What is checked, e.g. "PE w12 a8 e8 acc32". */
  readonly title: string;
  readonly module: Module;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Inputs tied to a constant (e.g. an LFSR seed): set before reset and held. */
  readonly constants?: Readonly<Record<string, bigint>>;
  /** Stimulus rows and the golden model's expected output rows, one per cycle. */
  vectors(rng: Rng, n: number): { stimulus: Row[]; expected: bigint[][] };
}

export interface Mismatch {
  readonly cycle: number;
  readonly port: string;
  readonly rtl: bigint;
  readonly golden: bigint;
  readonly inputs: string;
}

export interface CheckResult {
  readonly title: string;
  readonly module: string;
  readonly vectors: number;
  readonly mismatches: number;
  readonly first: Mismatch | undefined;
}

/** Builds the block in Verilator, runs `n` vectors in one batch, compares with the golden model. */
export async function runBlockCheck(check: BlockCheck, n: number, seed: number): Promise<CheckResult> {
  const sim = await simulate(check.module);
  try {
    const { stimulus, expected } = check.vectors(new Rng(seed), n);
    const constants = Object.entries(check.constants ?? {});
    for (const [name, v] of constants) sim.poke(name, v);
    if (sim.design.reset) sim.reset();
    const inputs = [...check.inputs, ...constants.map(([name]) => name)];
    const rows = constants.length ? stimulus.map((r) => [...r, ...constants.map(([, v]) => v)]) : stimulus;
    const got = sim.runBatch(inputs, rows, check.outputs);
    let mismatches = 0;
    let first: Mismatch | undefined;
    for (let c = 0; c < expected.length; c++) {
      for (let k = 0; k < check.outputs.length; k++) {
        if (got[c]![k] === expected[c]![k]) continue;
        mismatches++;
        first ??= {
          cycle: c,
          port: check.outputs[k]!,
          rtl: got[c]![k]!,
          golden: expected[c]![k]!,
          inputs: check.inputs.map((name, j) => `${name}=${stimulus[c]![j]}`).join(' '),
        };
      }
    }
    return { title: check.title, module: check.module.name, vectors: expected.length, mismatches, first };
  } finally {
    sim.close();
  }
}

/** A value of a format: a corner a third of the time, uniform otherwise. */
export function formatValue(rng: Rng, f: { bits: number; signed: boolean }): bigint {
  const lo = minOf(f);
  const hi = maxOf(f);
  switch (rng.int(0, 8)) {
    case 0:
      return lo;
    case 1:
      return hi;
    case 2:
      return 0n;
    case 3:
      return f.signed ? -1n : 1n;
    default:
      return rng.big(lo, hi);
  }
}

const tag = (f: { bits: number; frac: number; signed: boolean }) => `${f.signed ? 's' : 'u'}${f.bits}q${f.frac}`;

export function peCheck(p: PeParams): BlockCheck {
  return {
    title: `PE w${tag(p.weight)} a${tag(p.act)} e${tag(p.error)} acc${p.accBits}`,
    module: pe(p),
    inputs: ['op', 'weight', 'act', 'err', 'en', 'first'],
    outputs: ['acc'],
    vectors(rng, n) {
      const model = new PeModel(p.accBits);
      const stimulus: Row[] = [];
      const expected: bigint[][] = [];
      for (let c = 0; c < n; c++) {
        const i = {
          op: rng.int(0, 3),
          weight: formatValue(rng, p.weight),
          act: formatValue(rng, p.act),
          err: formatValue(rng, p.error),
          en: rng.bool(0.8),
          first: rng.bool(0.1),
        };
        stimulus.push([i.op, i.weight, i.act, i.err, i.en ? 1 : 0, i.first ? 1 : 0]);
        expected.push([model.acc]);
        model.step(i);
      }
      return { stimulus, expected };
    },
  };
}

export function requantCheck(p: RequantParams): BlockCheck {
  const stochastic = p.rounding === 'stochastic';
  return {
    title: `requantise s${p.accBits}q${p.accFrac} -> ${tag(p.out)} (${p.rounding})`,
    module: requant(p),
    inputs: stochastic ? ['acc', 'random'] : ['acc'],
    outputs: ['q'],
    vectors(rng, n) {
      const s = p.accFrac - p.out.frac;
      const accF = { bits: p.accBits, signed: true };
      // The saturation boundaries: accumulator values around max·2^s and min·2^s.
      const edges = [maxOf(p.out), minOf(p.out)]
        .flatMap((v) => [-2n, -1n, 0n, 1n, 2n].map((d) => (v << BigInt(Math.max(s, 0))) + d))
        .filter((v) => v >= minOf(accF) && v <= maxOf(accF));
      const stimulus: Row[] = [];
      const expected: bigint[][] = [];
      for (let c = 0; c < n; c++) {
        const acc = c < edges.length ? edges[c]! : formatValue(rng, accF);
        const r = rng.int(0, 0xffff);
        stimulus.push(stochastic ? [acc, r] : [acc]);
        expected.push([requantize(acc, p.accFrac, p.out, p.rounding, r)]);
      }
      return { stimulus, expected };
    },
  };
}

export function updateCheck(p: UpdateParams & { readonly shift: number }, seed: number): BlockCheck {
  return {
    title: `update w${tag(p.weight)} grad${p.gradBits} >> ${p.shift} (${p.rounding})`,
    module: update(p),
    inputs: ['w', 'grad', 'en'],
    // changes: whether the accelerator writes the weight back; without the step register (this
    // unit) a non-zero gradient (update.ts; with it a non-zero step: the power flow's IHP test)
    outputs: ['w_next', 'changes'],
    constants: { seed: BigInt(seed) },
    vectors(rng, n) {
      const model = new UpdateModel(p.weight, p.shift, p.rounding, seed);
      const stimulus: Row[] = [];
      const expected: bigint[][] = [];
      const limit = 2n ** BigInt(p.weight.bits - 1);
      for (let c = 0; c < n; c++) {
        // one weight in ten at a limit (saturation), one gradient in ten zero
        const w = rng.bool(0.1) ? (rng.bool(0.5) ? limit - 1n : -limit) : formatValue(rng, p.weight);
        const grad = rng.bool(0.1) ? 0n : formatValue(rng, { bits: p.gradBits, signed: true });
        const en = rng.bool(0.7);
        stimulus.push([w, grad, en ? 1 : 0]);
        expected.push([model.next(w, grad), grad === 0n ? 0n : 1n]);
        model.step(en);
      }
      return { stimulus, expected };
    },
  };
}

export function activationCheck(p: ActivationParams): BlockCheck {
  return {
    title: `activation ${p.hidden} s${p.zBits}q${p.zFrac} -> ${tag(p.act)} (${p.rounding})`,
    module: activation(p),
    inputs: ['z'],
    outputs: ['a', 'mask'],
    vectors(rng, n) {
      const stimulus: Row[] = [];
      const expected: bigint[][] = [];
      // Half the values near the interesting range (a few units around 0), half anywhere.
      const near = { bits: Math.min(p.zFrac + 4, p.zBits), signed: true };
      for (let c = 0; c < n; c++) {
        const z = rng.bool(0.5) ? formatValue(rng, near) : formatValue(rng, { bits: p.zBits, signed: true });
        const r = activationModel(z, p.zFrac, p.act, p.hidden, p.rounding);
        stimulus.push([z]);
        expected.push([r.a, r.mask ? 1n : 0n]);
      }
      return { stimulus, expected };
    },
  };
}

export function lfsrCheck(seed: number): BlockCheck {
  checkSeed(seed);
  return {
    title: `LFSR16 seed 0x${seed.toString(16)}`,
    module: lfsr(),
    inputs: ['en'],
    outputs: ['state'],
    constants: { seed: BigInt(seed) },
    vectors(rng, n) {
      const stimulus: Row[] = [];
      const expected: bigint[][] = [];
      let st = seed;
      for (let c = 0; c < n; c++) {
        const en = rng.bool(0.6);
        stimulus.push([en ? 1 : 0]);
        expected.push([BigInt(st)]);
        if (en) st = lfsrStep(st);
      }
      return { stimulus, expected };
    },
  };
}
