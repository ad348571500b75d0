/**
 * The clock-domain crossing check. Every value has a timing: the domain whose registers (or
 * memory) produce it, 'async' for an input that no clock times, or "follows input x" for an
 * input declared without a domain. Whatever a register or memory of domain D samples (its
 * value, the conditions on its path, its enable) must be timed by D; the first stage of a
 * synchroniser is the one exception. Anything else is a 'cdc' design error naming both
 * domains and the signal that crosses. An input without a domain may be sampled by one domain
 * only (it is then synchronous to that one).
 *
 * Each module leaves a summary for its parents (which domains sample each input, what times
 * each output), so crossings through instances are found in the parent, in the parent's
 * domains (an instance maps its domains to the parent's).
 */
import type { Signal } from './expr.js';
import { forEachWrite, refsOf } from './ir.js';
import type { Instance, Module } from './module.js';
import { ClockDomain } from './domain.js';
import type { SourceLoc } from './source.js';

/** A timing: a domain of this module, 'async', or an input of this module (timed by its sampler). */
type Timing = ClockDomain | 'async' | Signal;

export interface CdcSummary {
  /** Domains (of this module) that sample each input declared without a domain. */
  readonly inputSampling: ReadonlyMap<string, ReadonlySet<ClockDomain>>;
  /** What times each output: this module's domains, 'async', or the names of inputs it follows. */
  readonly outputTiming: ReadonlyMap<string, ReadonlySet<ClockDomain | 'async' | string>>;
}

export function checkCrossings(m: Module, edges: ReadonlyMap<Signal, ReadonlySet<Signal>>): CdcSummary {
  const check = new CrossingCheck(m, edges);
  check.registers();
  check.clockGates();
  check.memories();
  check.instanceInputs();
  check.sharedInputs();
  return check.summary();
}

/** The state of one module's crossing check: each signal's timing, and what samples the undeclared inputs. */
class CrossingCheck {
  private readonly reverse = new Map<Signal, Signal[]>();
  private readonly memOf = new Map<Signal, ClockDomain>();
  private readonly instOut = new Map<Signal, { inst: Instance; port: string }>();
  private readonly memo = new Map<Signal, Set<Timing>>();
  /** Inputs without a declared domain, and the domains that sample them. */
  private readonly sampled = new Map<Signal, Set<ClockDomain>>();
  private readonly reported = new Set<string>();
  /** What each register's and memory's writes read. */
  private readonly writes: ReturnType<typeof writeReads>;

  constructor(
    private readonly m: Module,
    edges: ReadonlyMap<Signal, ReadonlySet<Signal>>,
  ) {
    for (const [from, tos] of edges) for (const to of tos) listAt(this.reverse, to).push(from);
    for (const mem of m.memories) for (const r of mem.reads) this.memOf.set(r.data, mem.domain);
    for (const inst of m.instances) for (const [port, sig] of inst.outputs) this.instOut.set(sig, { inst, port });
    this.writes = writeReads(m);
  }

  /** What times `s`: the domains of the registers and memories it comes from, undeclared inputs, or 'async'. */
  timing(s: Signal): Set<Timing> {
    let t = this.memo.get(s);
    if (t) return t;
    t = new Set();
    this.memo.set(s, t); // a loop (reported elsewhere) ends here
    const info = this.m.regs.get(s);
    const mem = this.memOf.get(s);
    if (info) t.add(info.domain);
    else if (mem) t.add(mem);
    else if (s.role === 'input') t.add(this.m.inputTiming.get(s) ?? s);
    else {
      const io = this.instOut.get(s);
      if (io) for (const x of this.childOutputTiming(io.inst, io.port)) t.add(x);
      for (const p of this.reverse.get(s) ?? []) for (const x of this.timing(p)) t.add(x);
    }
    return t;
  }

  /** The child's own timing of an output, in this module's domains (what follows its inputs comes through the edges). */
  private childOutputTiming(inst: Instance, port: string): Timing[] {
    const out: Timing[] = [];
    for (const x of inst.module.cdc.outputTiming.get(port) ?? []) {
      if (x === 'async') out.push('async');
      else if (typeof x !== 'string') {
        const d = mapped(inst, x, this.m);
        if (d) out.push(d);
      }
    }
    return out;
  }

  /** `what` samples `reads` in `domain`: each must be timed by it. */
  sample(what: string, domain: ClockDomain, reads: Iterable<Signal>, loc: SourceLoc | undefined): void {
    for (const r of reads) {
      for (const t of this.timing(r)) {
        if (t === domain || (t instanceof ClockDomain && t.base === domain.base)) continue;
        if (typeof t === 'object' && 'role' in t) {
          setAt(this.sampled, t).add(domain);
          continue;
        }
        const key = `${what}|${r.name}|${t === 'async' ? 'async' : t.name}`;
        if (this.reported.has(key)) continue;
        this.reported.add(key);
        const from = t === 'async' ? `an asynchronous input` : t.describe();
        this.m.record(
          'cdc',
          `${what} in ${domain.describe()} samples '${r.name}', which ${from} drives, without a synchroniser: ` +
            `a value crossing clock domains can be caught mid-change; pass it through m.synchronizer() in ${domain.isDefault ? 'the default domain' : `domain ${domain.name}`}`,
          loc,
        );
      }
    }
  }

  /** Registers: their values, the conditions on their paths, enables and reset values. */
  registers(): void {
    const regReads = this.writes.regs;
    for (const [r, info] of this.m.regs) {
      if (info.syncStage) continue;
      const reads = new Set(regReads.get(r) ?? []);
      for (const x of [info.enable, info.init]) if (x) for (const s of refsOf(x)) reads.add(s);
      this.sample(`register '${r.name}'`, info.domain, reads, r.loc);
    }
  }

  /** Clock gates: the enable is sampled on the default clock (at its falling edge). */
  clockGates(): void {
    for (const g of this.m.clockGates) this.sample(`the clock gate of domain ${g.domain.name}`, g.domain.base, [g.enable], g.loc);
  }

  /** Memories: write address, data and conditions; read address and enable. */
  memories(): void {
    const memWrites = this.writes.mems;
    for (const mem of this.m.memories) {
      this.sample(`memory '${mem.name}'`, mem.domain, memWrites.get(mem.name) ?? [], mem.loc);
      for (const r of mem.reads) {
        const reads = [...refsOf(r.addr), ...(r.enable ? refsOf(r.enable) : [])];
        this.sample(`read port '${r.data.name}' of memory '${mem.name}'`, mem.domain, reads, r.loc);
      }
    }
  }

  /** Instance inputs: sampled by the child's domains, mapped to this module's. */
  instanceInputs(): void {
    for (const inst of this.m.instances) {
      const child = inst.module;
      for (const [port, conn] of inst.inputs) {
        const p = child.ports.find((q) => q.name === port);
        const tag = p && child.inputTiming.get(p);
        if (tag === 'async') continue;
        const domains = tag ? [tag] : [...(child.cdc.inputSampling.get(port) ?? [])];
        for (const cd of domains) {
          const d = mapped(inst, cd, this.m);
          if (d) this.sample(`input '${port}' of instance ${inst.name} (module ${child.name})`, d, refsOf(conn.expr), conn.loc);
        }
      }
    }
  }

  /** An input without a domain is synchronous to the one domain that samples it. */
  sharedInputs(): void {
    for (const [input, domains] of this.sampled) {
      // domains on one clock (a reset or a gated domain and its base) sample it alike
      if (new Set([...domains].map((d) => d.base)).size < 2) continue;
      const names = [...domains].map((d) => d.describe());
      this.m.record(
        'cdc',
        `input '${input.name}' is sampled by ${names.join(' and ')}: it cannot be synchronous to both; ` +
          `declare its domain (m.input(name, type, { domain })) and synchronise it for the other`,
        input.loc,
      );
    }
  }

  /** What a parent needs: which domains sample each undeclared input, and what times each output. */
  summary(): CdcSummary {
    const inputSampling = new Map<string, Set<ClockDomain>>();
    for (const [input, domains] of this.sampled) inputSampling.set(input.name, domains);
    const outputTiming = new Map<string, Set<ClockDomain | 'async' | string>>();
    for (const out of this.m.ports.filter((p) => p.role === 'output')) {
      outputTiming.set(out.name, new Set([...this.timing(out)].map((t) => (typeof t === 'object' && 'role' in t ? t.name : t))));
    }
    return { inputSampling, outputTiming };
  }
}

function listAt<K, V>(map: Map<K, V[]>, key: K): V[] {
  let xs = map.get(key);
  if (!xs) map.set(key, (xs = []));
  return xs;
}

function setAt<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let xs = map.get(key);
  if (!xs) map.set(key, (xs = new Set()));
  return xs;
}

/** The domain of `m` that a child's domain runs in, or undefined (reported by the driver checks). */
export function mapped(inst: Instance, childDomain: ClockDomain, m: Module): ClockDomain | undefined {
  return inst.domains.get(childDomain) ?? (childDomain.isDefault ? m.defaultDomain : undefined);
}

/** What each register's assignments read (values and conditions), and each memory's writes (by name). */
function writeReads(m: Module): { regs: Map<Signal, Set<Signal>>; mems: Map<string, Set<Signal>> } {
  const regs = new Map<Signal, Set<Signal>>();
  const mems = new Map<string, Set<Signal>>();
  const into = <K>(map: Map<K, Set<Signal>>, k: K, xs: Iterable<Signal>) => {
    const set = map.get(k) ?? map.set(k, new Set()).get(k)!;
    for (const x of xs) set.add(x);
  };
  forEachWrite(m.body, (s, conds) => {
    if (s.k === 'memwrite') into(mems, s.mem.name, [...refsOf(s.addr), ...refsOf(s.data), ...conds]);
    else if (m.regs.has(s.target)) into(regs, s.target, [...refsOf(s.expr), ...conds]);
  });
  return { regs, mems };
}
