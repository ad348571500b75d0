/**
 * An interpreter for expressions: the reference semantics of every operator, used to test
 * the Verilog emitter (the same random expressions must give the same values in Verilator)
 * and handy for constant evaluation.
 */
import type { Expr, Signal } from './expr.js';
import { fromBits, toBits } from './types.js';

export function evaluate(e: Expr, env: (s: Signal) => bigint): bigint {
  const t = e.type;
  const norm = (v: bigint) => fromBits(toBits(v, t.width), t);
  const a = () => evaluate(e.args[0]!, env);
  const b = () => evaluate(e.args[1]!, env);
  const bitsOf = (x: Expr) => toBits(evaluate(x, env), x.width);
  switch (e.kind) {
    case 'const':
      return e.value;
    case 'ref':
      return env(e as Signal);
    case 'add':
      return norm(a() + b());
    case 'sub':
      return norm(a() - b());
    case 'mul':
      return norm(a() * b());
    case 'neg':
      return norm(-a());
    case 'not':
      return norm(~a());
    case 'and':
      return norm(bitsOf(e.args[0]!) & bitsOf(e.args[1]!));
    case 'or':
      return norm(bitsOf(e.args[0]!) | bitsOf(e.args[1]!));
    case 'xor':
      return norm(bitsOf(e.args[0]!) ^ bitsOf(e.args[1]!));
    case 'andr':
      return bitsOf(e.args[0]!) === (1n << BigInt(e.args[0]!.width)) - 1n ? 1n : 0n;
    case 'orr':
      return bitsOf(e.args[0]!) !== 0n ? 1n : 0n;
    case 'xorr': {
      let v = bitsOf(e.args[0]!);
      let p = 0n;
      while (v) {
        p ^= v & 1n;
        v >>= 1n;
      }
      return p;
    }
    case 'eq':
      return a() === b() ? 1n : 0n;
    case 'ne':
      return a() !== b() ? 1n : 0n;
    case 'lt':
      return a() < b() ? 1n : 0n;
    case 'le':
      return a() <= b() ? 1n : 0n;
    case 'gt':
      return a() > b() ? 1n : 0n;
    case 'ge':
      return a() >= b() ? 1n : 0n;
    case 'shl':
      return norm(a() << e.value);
    case 'shr':
      return norm(a() >> e.value);
    case 'dshl':
      return norm(a() << b());
    case 'dshr':
      return norm(a() >> b());
    case 'mux':
      return evaluate(e.args[0]!, env) ? evaluate(e.args[1]!, env) : evaluate(e.args[2]!, env);
    case 'slice':
      return norm(bitsOf(e.args[0]!) >> BigInt(e.lo));
    case 'concat': {
      let v = 0n;
      for (const p of e.args) v = (v << BigInt(p.width)) | toBits(evaluate(p, env), p.width);
      return norm(v);
    }
    case 'ext':
      return a();
    case 'cast':
      return norm(bitsOf(e.args[0]!));
  }
}

const constantMemo = new WeakMap<Expr, boolean>();

/** True when `e` reads no signal. Named constants (FSM states) count as signals: they keep their names. */
export function isConstantExpr(e: Expr): boolean {
  if (e.kind === 'ref') return false;
  if (e.kind === 'const') return !e.constName;
  let v = constantMemo.get(e);
  if (v === undefined) {
    v = e.args.every(isConstantExpr);
    constantMemo.set(e, v);
  }
  return v;
}

/** The value of a constant expression, or undefined when it reads a signal. */
export function constantValue(e: Expr): bigint | undefined {
  if (e.kind === 'const') return e.constName ? undefined : e.value;
  return isConstantExpr(e) ? evaluate(e, () => 0n) : undefined;
}
