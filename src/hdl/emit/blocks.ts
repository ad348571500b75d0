/**
 * How a module body becomes always blocks: the statements that assign the same signals, or
 * that one TS line made (a delay line built in a loop), form one group, and each group is one
 * block labelled with its first statement's line. A careful engineer writes an FSM's outputs
 * as one combinational block and a pipeline stage's registers as one clocked block; this is
 * that rule, computed.
 */
import type { Signal } from '../expr.js';
import type { Stmt } from '../ir.js';
import type { Memory } from '../memory.js';
import { formatLoc, type SourceLoc } from '../source.js';

/** Top-level statements (indices into the body, in order) and the targets they assign. */
export interface StmtGroup<T> {
  readonly stmts: number[];
  readonly targets: T[];
  readonly loc: SourceLoc | undefined;
}

/** What a statement assigns (recursively) among the targets `wanted` accepts. */
export function targetsOf<T>(s: Stmt, wanted: (s: Stmt) => T | undefined, out: T[] = []): T[] {
  if (s.k === 'assign' || s.k === 'memwrite') {
    const t = wanted(s);
    if (t !== undefined && !out.includes(t)) out.push(t);
  } else if (s.k === 'if') {
    for (const x of s.then) targetsOf(x, wanted, out);
    for (const x of s.else) targetsOf(x, wanted, out);
  } else {
    for (const c of s.cases) for (const x of c.body) targetsOf(x, wanted, out);
    for (const x of s.default ?? []) targetsOf(x, wanted, out);
  }
  return out;
}

/**
 * Groups of the body's top-level statements: two statements are in one group when they assign a
 * common target or come from the same TS line. Groups are in the order of their first statement.
 */
export function groupStatements<T>(body: readonly Stmt[], wanted: (s: Stmt) => T | undefined): StmtGroup<T>[] {
  const parent = body.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const union = (a: number, b: number) => {
    const [x, y] = [find(a), find(b)];
    if (x !== y) parent[Math.max(x, y)] = Math.min(x, y);
  };
  const byTarget = new Map<T, number>();
  const byLine = new Map<string, number>();
  const targets = body.map((s) => targetsOf(s, wanted));
  body.forEach((s, i) => {
    if (!targets[i]!.length) return;
    for (const t of targets[i]!) {
      const j = byTarget.get(t);
      if (j === undefined) byTarget.set(t, i);
      else union(i, j);
    }
    if (s.loc) {
      const key = formatLoc(s.loc);
      const j = byLine.get(key);
      if (j === undefined) byLine.set(key, i);
      else union(i, j);
    }
  });
  const groups = new Map<number, { stmts: number[]; targets: T[] }>();
  body.forEach((_, i) => {
    if (!targets[i]!.length) return;
    const root = find(i);
    let g = groups.get(root);
    if (!g) groups.set(root, (g = { stmts: [], targets: [] }));
    g.stmts.push(i);
    for (const t of targets[i]!) if (!g.targets.includes(t)) g.targets.push(t);
  });
  return [...groups.values()].map((g) => ({ ...g, loc: body[g.stmts[0]!]!.loc }));
}

/**
 * Splits a combinational group into layers that can each be one block: a target that depends
 * (combinationally, through any other logic) on another target of the group goes into a later
 * layer. One block must not read what it writes: Verilog would see the value before the block
 * assigns it, and a simulator orders logic by block (Verilator's UNOPTFLAT).
 */
export function combLayers(targets: readonly Signal[], edges: ReadonlyMap<Signal, ReadonlySet<Signal>>): Signal[][] {
  if (targets.length < 2) return [targets.slice()];
  const reverse = new Map<Signal, Signal[]>();
  for (const [from, tos] of edges) for (const to of tos) (reverse.get(to) ?? reverse.set(to, []).get(to)!).push(from);
  const inGroup = new Set(targets);
  const deps = new Map<Signal, Signal[]>();
  for (const t of targets) {
    const found: Signal[] = [];
    const seen = new Set<Signal>([t]);
    const stack = [t];
    while (stack.length) {
      for (const p of reverse.get(stack.pop()!) ?? []) {
        if (seen.has(p)) continue;
        seen.add(p);
        if (inGroup.has(p)) found.push(p);
        stack.push(p);
      }
    }
    deps.set(t, found);
  }
  const layer = new Map<Signal, number>();
  const depth = (t: Signal, visiting: Set<Signal>): number => {
    const known = layer.get(t);
    if (known !== undefined) return known;
    if (visiting.has(t)) return 0; // a loop: reported by the design checks, never emitted
    visiting.add(t);
    const d = Math.max(-1, ...deps.get(t)!.map((u) => depth(u, visiting))) + 1;
    visiting.delete(t);
    layer.set(t, d);
    return d;
  };
  const layers: Signal[][] = [];
  for (const t of targets) (layers[depth(t, new Set())] ??= []).push(t);
  return layers.filter((l) => l.length);
}

/** Key of a memory write's target, so that a memory written in two places joins one group. */
export const memoryOf = (s: Stmt): Memory | undefined => (s.k === 'memwrite' ? s.mem : undefined);
