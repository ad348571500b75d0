/**
 * Elaboration: collect the module hierarchy under a top module, gather every design error
 * (one run reports them all), and give each distinct module one Verilog name.
 *
 * Naming: module objects of one name that have the same structure are one module. When a
 * name stands for different structures (a generator called with different parameters), each
 * gets a specialised name made from the parameters that differ (`fir_taps4`), or from a short
 * hash of its structure where the parameters do not tell them apart. The top keeps its name;
 * a module built with `exactName` keeps its name too, and a clash is then an error that
 * names both call sites.
 */
import { createHash } from 'node:crypto';
import { DesignErrors, designError, type DesignError } from './errors.js';
import type { Module } from './module.js';
import { formatLoc } from './source.js';
import { stableJson } from './stable-json.js';
import type { ClockDomain } from './domain.js';
import { mapped } from './cdc.js';

export interface Design {
  readonly top: Module;
  /** One module per Verilog name, children before parents, in a deterministic order. */
  readonly modules: readonly Module[];
  /** The Verilog name of a module of this design (its own name, or a specialised one). */
  nameOf(m: Module): string;
}

/**
 * What a module is, for telling specialisations apart: its Verilog text without comments, with
 * children referred to by `nameOf` (emit.ts supplies it; elaboration alone compares objects).
 */
export type StructureOf = (m: Module, nameOf: (child: Module) => string) => string;

/** A clock domain of a module that has ports: its clock, and its reset when something needs it. */
export interface DomainPorts {
  readonly domain: ClockDomain;
  readonly clock: boolean;
  readonly reset: boolean;
}

const portsMemo = new WeakMap<Module, DomainPorts[]>();

/**
 * The clock and reset ports of a module: the default domain's `clk` and `rst` only when the module
 * (or an instance running in that domain) has registers, memories or reset values; every declared
 * domain's ports always.
 */
export function domainPorts(m: Module): DomainPorts[] {
  let out = portsMemo.get(m);
  if (out) return out;
  const use = new Map<ClockDomain, { clock: boolean; reset: boolean }>();
  const mark = (domain: ClockDomain, clock: boolean, reset: boolean) => {
    // a reset domain takes its base's clock, its reset is a wire of the module, not a port; a
    // gated domain takes its base's reset, its clock comes from the base's through the gate
    const d = domain.base;
    if (d !== domain && domain.reset !== d.reset) reset = false;
    if (domain.isGated) clock = true;
    const u = use.get(d) ?? use.set(d, { clock: false, reset: false }).get(d)!;
    u.clock ||= clock;
    u.reset ||= reset && d.reset !== undefined;
  };
  for (const info of m.regs.values()) mark(info.domain, true, info.init !== undefined);
  for (const mem of m.memories) mark(mem.domain, true, false);
  for (const g of m.clockGates) mark(g.domain.base, true, false);
  for (const inst of m.instances) {
    for (const p of domainPorts(inst.module)) {
      const d = mapped(inst, p.domain, m);
      if (d) mark(d, p.clock, p.reset);
    }
  }
  const def = use.get(m.defaultDomain);
  out = [
    ...(def && (def.clock || def.reset) ? [{ domain: m.defaultDomain, ...def }] : []),
    ...m.domains.map((d) => ({ domain: d, clock: true, reset: d.reset !== undefined })),
  ];
  if (m.isFinished) portsMemo.set(m, out);
  return out;
}

/** The module (or one below it) takes the default domain's clock. */
export function usesClock(m: Module): boolean {
  return domainPorts(m).some((p) => p.domain.isDefault && p.clock);
}

/**
 * The module or one below it has a clock gate (m.gatedDomain): a flip-flop on the falling edge,
 * so a simulation driver must evaluate the falling edge after the cycle's inputs.
 */
export function hasClockGates(m: Module, seen = new Set<Module>()): boolean {
  if (seen.has(m)) return false;
  seen.add(m);
  return m.clockGates.length > 0 || m.instances.some((i) => hasClockGates(i.module, seen));
}

/** The module (or one below it) takes the default domain's reset. */
export function usesReset(m: Module): boolean {
  return domainPorts(m).some((p) => p.domain.isDefault && p.reset);
}

/**
 * The design under `top`. Throws DesignErrors listing every error of every module, so that
 * no Verilog is ever written for a broken design.
 */
export function elaborate(top: Module, structureOf?: StructureOf): Design {
  const all: Module[] = [];
  const seen = new Set<Module>();
  const errors: DesignError[] = [];
  const visit = (m: Module) => {
    if (seen.has(m)) return;
    seen.add(m);
    for (const i of m.instances) visit(i.module);
    errors.push(...m.errors);
    all.push(m);
  };
  visit(top);
  if (errors.length) throw new DesignErrors(errors);

  const byName = new Map<string, Module[]>();
  for (const m of all) (byName.get(m.name) ?? byName.set(m.name, []).get(m.name)!).push(m);
  const shared = (m: Module) => byName.get(m.name)!.length > 1;

  // Structure keys, only where one name has several objects (children resolved first).
  const keys = new Map<Module, string>();
  const keyOf = (m: Module): string => {
    let k = keys.get(m);
    if (k === undefined) {
      const text = structureOf ? structureOf(m, (c) => (c !== m && shared(c) ? `${c.name}__${keyOf(c)}` : c.name)) : String(all.indexOf(m));
      k = createHash('sha256').update(text).digest('hex');
      keys.set(m, k);
    }
    return k;
  };

  const names = new Map<Module, string>();
  const taken = new Set(byName.keys());
  for (const [name, objs] of byName) {
    if (objs.length === 1) {
      names.set(objs[0]!, name);
      continue;
    }
    const variants = new Map<string, Module>();
    for (const m of objs) if (!variants.has(keyOf(m))) variants.set(keyOf(m), m);
    if (variants.size === 1) {
      for (const m of objs) names.set(m, name);
      continue;
    }
    const reps = [...variants.values()];
    const fixed = reps.filter((m) => m === top || m.exactName);
    if (fixed.some((m) => m.exactName) || fixed.length > 1) {
      const [a, b] = [fixed.find((m) => m.exactName) ?? reps[0]!, reps.find((m) => m !== (fixed.find((x) => x.exactName) ?? reps[0]))!];
      errors.push(
        designError(
          'name',
          `two different modules are both named ${name} because exactName keeps the name: one ${builtAt(a, b)}, the other ${builtAt(b, a)}; ` +
            `give each specialisation its own name, or drop exactName to let taxonn name them`,
          b.loc,
        ),
      );
      continue;
    }
    const special = specialisedNames(
      name,
      reps.filter((m) => m !== top),
      keyOf,
      taken,
    );
    for (const m of objs) names.set(m, m === top ? name : special.get(keyOf(m))!);
  }
  if (errors.length) throw new DesignErrors(errors);

  const modules: Module[] = [];
  const emitted = new Set<string>();
  for (const m of all) {
    const n = names.get(m)!;
    if (emitted.has(n)) continue;
    emitted.add(n);
    modules.push(m);
  }
  return { top, modules, nameOf: (m) => names.get(m) ?? m.name };
}

/** "built at fir.ts:14 (called from top.ts:21)": the first frame where the two call stacks part. */
function builtAt(m: Module, other: Module): string {
  const at = formatLoc(m.loc);
  const i = m.callers.findIndex((f, k) => k > 0 && formatLoc(f) !== formatLoc(other.callers[k]));
  return i > 0 ? `built at ${at} (called from ${formatLoc(m.callers[i])})` : `built at ${at}`;
}

/**
 * `<name>_<param><value>…` from the parameters whose values differ between the variants;
 * `<name>_<hash>` where they do not tell two variants apart (or make an unwieldy name).
 */
function specialisedNames(name: string, reps: Module[], keyOf: (m: Module) => string, taken: Set<string>): Map<string, string> {
  const params = (m: Module) => m.params as Record<string, unknown>;
  const allKeys = [...new Set(reps.flatMap((m) => Object.keys(params(m))))].sort();
  const differing = allKeys.filter((k) => new Set(reps.map((m) => stableJson(params(m)[k]))).size > 1);
  const proposed = reps.map((m) => {
    const parts = differing.map((k) => paramTag(k, params(m)[k]));
    const n = parts.length ? `${name}_${parts.join('_')}` : '';
    return /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(n) ? n : '';
  });
  const out = new Map<string, string>();
  reps.forEach((m, i) => {
    let n = proposed[i]!;
    if (!n || proposed.indexOf(n) !== i || proposed.lastIndexOf(n) !== i || taken.has(n)) n = `${name}_${keyOf(m).slice(0, 8)}`;
    taken.add(n);
    out.set(keyOf(m), n);
  });
  return out;
}

function paramTag(k: string, v: unknown): string {
  const key = k.replace(/[^A-Za-z0-9_]/g, '_');
  if (typeof v === 'number' && Number.isInteger(v)) return `${key}${v < 0 ? `m${-v}` : v}`;
  if (typeof v === 'boolean') return v ? key : `no_${key}`;
  if (v === undefined) return `no_${key}`;
  if (typeof v === 'string' && /^[A-Za-z0-9_]{1,16}$/.test(v)) return `${key}_${v}`;
  return `${key}_${createHash('sha256')
    .update(stableJson(v) ?? 'undefined')
    .digest('hex')
    .slice(0, 6)}`;
}
