/**
 * The emitter fuzz: random expression trees of every operator over random inputs and constants
 * of either sign at every width, emitted, lint-checked and simulated in Verilator, each output
 * compared with the IR's own semantics (src/hdl/eval.ts) on random vectors. Used by
 * test/hdl/emit-fuzz.test.ts and by the longer campaign `npm run fuzz:emit` (scripts/fuzz-emit.ts).
 */
import { SInt, UInt, buildModule, cat, evaluate, lit, mux, type Expr, type Signal } from '../../src/hdl/index.js';
import { Rng } from '../../src/model/rng.js';
import { emitForSim, simulate } from '../../src/sim/from-module.js';
import { verilatorLint } from '../../src/tools/index.js';
import { maxValue, minValue } from '../../src/hdl/types.js';

const MAX_W = 96;

/**
 * A constant leaf of either sign at any width (1..MAX_W), often an extreme of its type: the
 * class of literal that once broke lint (`d1 * -6'sd12`), now on either side of every operator.
 */
function randomConst(rng: Rng): Expr {
  const t = (rng.bool() ? SInt : UInt)(rng.bool(0.7) ? rng.int(1, 12) : rng.int(13, MAX_W));
  const v = rng.pick([minValue(t), maxValue(t), t.signed ? -1n : 1n, 0n, rng.big(minValue(t), maxValue(t))]);
  return lit(v, t);
}

function randomExpr(rng: Rng, leaves: Signal[], depth: number): Expr {
  if (depth === 0 || rng.bool(0.2)) return rng.bool(0.25) ? randomConst(rng) : rng.pick(leaves);
  const a = randomExpr(rng, leaves, depth - 1);
  const b0 = randomExpr(rng, leaves, depth - 1);
  const b = a.signed === b0.signed ? b0 : a.signed ? b0.toSInt() : b0.asUInt();
  const pick = rng.int(0, 24);
  let e: Expr;
  switch (pick) {
    case 0:
      e = a.add(b);
      break;
    case 1:
      e = a.sub(b);
      break;
    case 2:
      e = a.width + b.width <= MAX_W ? a.mul(b) : a.add(b);
      break;
    case 3:
      e = a.signed ? a.neg() : a.not();
      break;
    case 4:
      e = a.and(b.width >= a.width ? b.truncate(a.width) : b.resize(a.width));
      break;
    case 5:
      e = a.or(b.width >= a.width ? b.truncate(a.width) : b.resize(a.width));
      break;
    case 6:
      e = a.xor(b.width >= a.width ? b.truncate(a.width) : b.resize(a.width));
      break;
    case 7:
      e = rng.pick([a.eq(b), a.ne(b), a.lt(b), a.le(b), a.gt(b), a.ge(b)]);
      break;
    case 8:
      e = a.shl(rng.int(0, 5));
      break;
    case 9:
      e = a.shr(rng.int(0, a.width + 1));
      break;
    case 10:
      e = a.shr(b.asUInt().truncate(Math.min(b.width, 3)));
      break;
    case 11:
      e = a.width < MAX_W - 8 ? a.shl(b.asUInt().truncate(Math.min(b.width, 3))) : a;
      break;
    case 12:
      e = mux(b.orR(), a, b.resize(Math.max(1, b.width)));
      break;
    case 13: {
      const lo = rng.int(0, a.width - 1);
      e = a.slice(rng.int(lo, a.width - 1), lo);
      break;
    }
    case 14:
      e = cat(a, b);
      break;
    case 15:
      e = a.resize(a.width + rng.int(0, 9));
      break;
    case 16:
      e = a.signed ? a.asUInt() : a.asSInt();
      break;
    case 17:
      e = rng.pick([a.andR(), a.orR(), a.xorR()]);
      break;
    case 18:
      e = a.saturate(rng.pick([SInt(rng.int(1, 12)), UInt(rng.int(1, 12))]));
      break;
    case 19:
      e = a.truncate(rng.int(1, a.width));
      break;
    case 20:
      e = a.add(rng.int(-3, 300) * (a.signed ? 1 : 0) + (a.signed ? 0 : rng.int(0, 300)));
      break;
    // TS numbers of either sign on the right of arithmetic and comparisons (typed like the left).
    case 22:
      e = a.signed ? a.mul(rng.int(-300, 300)) : a.mul(rng.int(0, 300));
      break;
    case 23:
      e = a.signed ? a.sub(rng.int(-300, 300)) : a.toSInt().sub(rng.int(-300, 300));
      break;
    case 24:
      e = rng.pick([a.eq(rng.int(-5, 5) * (a.signed ? 1 : 0)), a.lt(a.signed ? -1 : 1), a.ge(a.signed ? -2 : 2)]);
      break;
    default:
      e = a.toSInt().sub(b.toSInt());
      break;
  }
  return e.width > MAX_W ? e.truncate(MAX_W) : e;
}

function randomValue(rng: Rng, s: Signal): bigint {
  const lo = minValue(s.type);
  const hi = maxValue(s.type);
  const r = rng.int(0, 9);
  if (r === 0) return lo;
  if (r === 1) return hi;
  if (r === 2) return s.signed ? -1n : 0n;
  if (r === 3) return 0n;
  return rng.big(lo, hi);
}

/** One design of `nOut` random expressions over six inputs of widths in `widths`; throws on the first difference. */
export async function fuzz(seed: number, widths: [number, number], nOut: number, cycles: number): Promise<void> {
  const rng = new Rng(seed);
  const exprs: Expr[] = [];
  let inputs: Signal[] = [];
  const top = buildModule(`fuzz_${seed}`, { seed }, (m) => {
    inputs = Array.from({ length: 6 }, (_, i) => m.input(`in${i}`, (rng.bool() ? SInt : UInt)(rng.int(widths[0], widths[1]))));
    for (let k = 0; k < nOut; k++) {
      const e = randomExpr(rng, inputs, 4);
      exprs.push(e);
      m.assign(m.output(`out${k}`, e.type), e);
    }
  });
  const { design } = emitForSim(top);
  const lint = await verilatorLint(design.files, design.top);
  if (!lint.ok || lint.output !== '') throw new Error(`seed ${seed}: not lint-clean:\n${lint.output}`);
  const sim = await simulate(top);
  try {
    const stimulus = Array.from({ length: cycles }, () => inputs.map((s) => randomValue(rng, s)));
    const outs = exprs.map((_, k) => `out${k}`);
    const got = sim.runBatch(
      inputs.map((s) => s.name),
      stimulus,
      outs,
    );
    for (let c = 0; c < cycles; c++) {
      const env = (s: Signal) => stimulus[c]![inputs.indexOf(s)]!;
      for (let k = 0; k < exprs.length; k++) {
        const want = evaluate(exprs[k]!, env);
        if (got[c]![k] !== want) {
          throw new Error(`seed ${seed} out${k} cycle ${c}: verilator ${got[c]![k]} != model ${want}\ninputs ${stimulus[c]!.join(', ')}`);
        }
      }
    }
  } finally {
    sim.close();
  }
}
