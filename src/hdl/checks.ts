/**
 * Structural design checks, run when a module's body is complete: undriven signals and
 * unconnected instance inputs, latches (combinational signals not assigned on every path),
 * combinational loops (with the cycle listed). Width, driver and ownership mistakes are
 * caught earlier, where the user's line is known.
 */
import type { Expr, Signal } from './expr.js';
import { forEachWrite, refsOf, type Stmt } from './ir.js';
import type { Module } from './module.js';
import { formatLoc, type SourceLoc } from './source.js';
import { checkCrossings, mapped } from './cdc.js';
import { domainPorts } from './elaborate.js';

/** For each output port name: the input port names it depends on combinationally. */
export type CombSummary = Map<string, Set<string>>;

export function runModuleChecks(m: Module): void {
  checkDrivers(m);
  checkDomains(m);
  checkLatches(m);
  const edges = combEdges(m);
  m.comb = checkCombLoops(m, edges);
  m.cdc = checkCrossings(m, edges);
}

/** Every clock domain an instance uses is connected, to a domain with a reset where it needs one. */
function checkDomains(m: Module): void {
  for (const inst of m.instances) {
    for (const p of domainPorts(inst.module)) {
      const d = mapped(inst, p.domain, m);
      if (!d) {
        m.record(
          'undriven',
          `${p.domain.describe()} is not connected in instance ${inst.name}: map it to a domain of ${m.name} in the connection map ({ ${p.domain.name}: domain })`,
          inst.loc,
        );
      } else if (p.reset && !d.reset) {
        m.record('undriven', `instance ${inst.name} needs a reset for ${p.domain.describe()}, but ${d.describe()} has none`, inst.loc);
      }
    }
  }
}

function checkDrivers(m: Module): void {
  for (const s of m.allSignals()) {
    const driven = m.continuous.has(s) || m.procedural_.has(s) || m.broken.has(s);
    if ((s.role === 'output' || s.role === 'wire') && !driven) {
      const feeds = m.instanceInputWires.get(s);
      m.record(
        'undriven',
        feeds
          ? `input '${feeds.port}' of instance ${feeds.inst.name} (module ${feeds.inst.module.name}) is not connected: connect its interface, or assign ${s.name}`
          : `${s.role} '${s.name}' is never driven: assign it, or set() it in every path`,
        s.loc,
      );
    }
    if (s.role === 'reg' && !driven && m.regs.get(s)?.init === undefined) {
      m.record('undriven', `register '${s.name}' is never assigned and has no reset value`, s.loc);
    }
  }
  for (const inst of m.instances) {
    for (const p of inst.module.ports) {
      if (p.role === 'input' && !inst.inputs.has(p.name)) {
        m.record('undriven', `input '${p.name}' of instance ${inst.name} (module ${inst.module.name}) is not connected`, inst.loc);
      }
    }
  }
  for (const mem of m.memories) {
    if (mem.writes === 0) m.record('undriven', `memory '${mem.name}' is never written`, mem.loc);
    if (mem.reads.length === 0) m.record('usage', `memory '${mem.name}' is never read`, mem.loc);
  }
}

// ---- latches --------------------------------------------------------------------------------

function checkLatches(m: Module): void {
  for (const [target, loc] of m.procedural_) {
    if (m.regs.has(target) || m.broken.has(target)) continue;
    const gap = firstGap(m.body, target);
    if (gap !== null) {
      m.record(
        'latch',
        `combinational signal '${target.name}' is not assigned on every path` +
          (gap ? ` (the branch at ${formatLoc(gap)} can leave it unassigned)` : '') +
          `, so it would hold its value (a latch): set a default before the when/switch or assign it in every branch`,
        loc,
      );
    }
  }
}

/**
 * null when `stmts` assign `t` on every path; otherwise the location of a branching statement
 * with a path that misses it (undefined when no such statement is known).
 */
function firstGap(stmts: readonly Stmt[], t: Signal): SourceLoc | undefined | null {
  let gap: SourceLoc | undefined;
  for (const s of stmts) {
    if (s.k === 'assign' && s.target === t) return null;
    if (s.k === 'if') {
      const a = firstGap(s.then, t);
      const b = firstGap(s.else, t);
      if (a === null && b === null) return null;
      if (a !== null && mentions(s.then, t)) gap ??= a ?? s.loc;
      else if (b !== null && (mentions(s.then, t) || mentions(s.else, t))) gap ??= b ?? s.loc;
    } else if (s.k === 'switch') {
      const bodies = s.cases.map((c) => c.body);
      const covered =
        s.default !== undefined ||
        coversAll(
          s.sel,
          s.cases.reduce((n, c) => n + c.values.length, 0),
        );
      if (s.default) bodies.push(s.default);
      const gaps = bodies.map((b) => firstGap(b, t));
      if (covered && gaps.every((g) => g === null)) return null;
      if (bodies.some((b) => mentions(b, t))) gap ??= gaps.find((g) => g !== null) ?? s.loc;
    }
  }
  return gap;
}

function coversAll(sel: Expr, n: number): boolean {
  return sel.width < 31 && n >= 2 ** sel.width;
}

function mentions(stmts: readonly Stmt[], t: Signal): boolean {
  for (const s of stmts) {
    if (s.k === 'assign' && s.target === t) return true;
    if (s.k === 'if' && (mentions(s.then, t) || mentions(s.else, t))) return true;
    if (s.k === 'switch' && (s.cases.some((c) => mentions(c.body, t)) || (s.default && mentions(s.default, t)))) return true;
  }
  return false;
}

// ---- combinational loops --------------------------------------------------------------------

/** Edges source → target of combinational dependence among the module's signals. */
export function combEdges(m: Module): Map<Signal, Set<Signal>> {
  const edges = new Map<Signal, Set<Signal>>();
  const add = (from: Signal, to: Signal) => {
    let set = edges.get(from);
    if (!set) edges.set(from, (set = new Set()));
    set.add(to);
  };
  for (const a of m.continuous.values()) for (const r of refsOf(a.expr)) add(r, a.target);
  forEachWrite(m.body, (s, conds) => {
    if (s.k !== 'assign' || m.regs.has(s.target)) return;
    for (const r of refsOf(s.expr)) add(r, s.target);
    for (const c of conds) add(c, s.target);
  });
  for (const inst of m.instances) {
    for (const [out, ins] of inst.module.comb) {
      const o = inst.outputs.get(out);
      if (!o) continue;
      for (const i of ins) {
        const conn = inst.inputs.get(i);
        if (conn) for (const r of refsOf(conn.expr)) add(r, o);
      }
    }
  }
  return edges;
}

function checkCombLoops(m: Module, edges: Map<Signal, Set<Signal>>): CombSummary {
  for (const cycle of findCycles(edges)) {
    const names = cycle.map((s) => s.name);
    m.record(
      'comb-loop',
      `combinational loop: ${[...names, names[0]].join(' -> ')} (` +
        cycle.map((s) => `${s.name} at ${formatLoc(s.loc)}`).join(', ') +
        `); break it with a register`,
      cycle[0]!.loc,
    );
  }
  // Summary for parents: which inputs reach each output without passing a register.
  const summary: CombSummary = new Map();
  const reverse = new Map<Signal, Signal[]>();
  for (const [from, tos] of edges) for (const to of tos) (reverse.get(to) ?? reverse.set(to, []).get(to)!).push(from);
  for (const out of m.ports.filter((p) => p.role === 'output')) {
    const inputs = new Set<string>();
    const seen = new Set<Signal>([out]);
    const stack = [out];
    while (stack.length) {
      const s = stack.pop()!;
      for (const p of reverse.get(s) ?? []) {
        if (seen.has(p)) continue;
        seen.add(p);
        if (p.role === 'input') inputs.add(p.name);
        stack.push(p);
      }
    }
    summary.set(out.name, inputs);
  }
  return summary;
}

/** One cycle per strongly connected component that has one (Tarjan), in a deterministic order. */
function findCycles(edges: Map<Signal, Set<Signal>>): Signal[][] {
  let index = 0;
  const idx = new Map<Signal, number>();
  const low = new Map<Signal, number>();
  const onStack = new Set<Signal>();
  const stack: Signal[] = [];
  const cycles: Signal[][] = [];
  const strong = (v: Signal) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const comp: Signal[] = [];
      let w: Signal;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || edges.get(v)?.has(v)) cycles.push(cycleIn(new Set(comp), v, edges));
    }
  };
  for (const v of edges.keys()) if (!idx.has(v)) strong(v);
  return cycles;
}

/** A simple cycle through `start` inside the component `comp` (breadth-first, shortest). */
function cycleIn(comp: Set<Signal>, start: Signal, edges: Map<Signal, Set<Signal>>): Signal[] {
  const prev = new Map<Signal, Signal>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of edges.get(v) ?? []) {
      if (!comp.has(w)) continue;
      if (w === start) {
        const path = [v];
        for (let p = v; p !== start; ) path.push((p = prev.get(p)!));
        return path.reverse();
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}
