/**
 * The statement IR of a module body. Expressions live in expr.ts; a module (module.ts) holds
 * declarations plus one tree of these statements, which the checks and the emitter walk.
 */
import type { Expr, Signal } from './expr.js';
import type { SourceLoc } from './source.js';
import type { Memory } from './memory.js';

export interface AssignStmt {
  readonly k: 'assign';
  readonly target: Signal;
  readonly expr: Expr;
  readonly loc: SourceLoc | undefined;
}

export interface IfStmt {
  readonly k: 'if';
  readonly cond: Expr;
  readonly then: Stmt[];
  else: Stmt[];
  readonly loc: SourceLoc | undefined;
}

export interface SwitchCase {
  readonly values: Expr[];
  readonly body: Stmt[];
}

export interface SwitchStmt {
  readonly k: 'switch';
  readonly sel: Expr;
  readonly cases: SwitchCase[];
  default: Stmt[] | undefined;
  readonly loc: SourceLoc | undefined;
}

export interface MemWriteStmt {
  readonly k: 'memwrite';
  readonly mem: Memory;
  readonly addr: Expr;
  readonly data: Expr;
  readonly loc: SourceLoc | undefined;
}

export type Stmt = AssignStmt | IfStmt | SwitchStmt | MemWriteStmt;

/** Calls `f` on every expression read by the statements (conditions, selectors, values). */
export function forEachExpr(stmts: readonly Stmt[], f: (e: Expr, s: Stmt) => void): void {
  for (const s of stmts) {
    switch (s.k) {
      case 'assign':
        f(s.expr, s);
        break;
      case 'if':
        f(s.cond, s);
        forEachExpr(s.then, f);
        forEachExpr(s.else, f);
        break;
      case 'switch':
        f(s.sel, s);
        for (const c of s.cases) {
          for (const v of c.values) f(v, s);
          forEachExpr(c.body, f);
        }
        if (s.default) forEachExpr(s.default, f);
        break;
      case 'memwrite':
        f(s.addr, s);
        f(s.data, s);
        break;
    }
  }
}

/**
 * Calls `f` on every assignment and memory write with the signals its enclosing conditions
 * (if conditions, switch selectors) read: what decides whether it happens.
 */
export function forEachWrite(stmts: readonly Stmt[], f: (s: AssignStmt | MemWriteStmt, conds: readonly Signal[]) => void, conds: readonly Signal[] = []): void {
  for (const s of stmts) {
    if (s.k === 'assign' || s.k === 'memwrite') f(s, conds);
    else if (s.k === 'if') {
      const c = [...conds, ...refsOf(s.cond)];
      forEachWrite(s.then, f, c);
      forEachWrite(s.else, f, c);
    } else {
      const c = [...conds, ...refsOf(s.sel)];
      for (const k of s.cases) forEachWrite(k.body, f, c);
      if (s.default) forEachWrite(s.default, f, c);
    }
  }
}

/** Every signal an expression reads (refs), in first-seen order. */
export function refsOf(e: Expr, out: Signal[] = [], seen = new Set<Expr>()): Signal[] {
  if (seen.has(e)) return out;
  seen.add(e);
  if (e.kind === 'ref') out.push(e as Signal);
  for (const a of e.args) refsOf(a, out, seen);
  return out;
}
