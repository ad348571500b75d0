/**
 * Elaboration: collect the module hierarchy under a top module, gather every design error
 * (one run reports them all), and check that each module name stands for one structure.
 */
import { DesignError, DesignErrors } from './errors.js';
import type { Module } from './module.js';

export interface Design {
  readonly top: Module;
  /** Every distinct module, children before parents, in a deterministic order. */
  readonly modules: readonly Module[];
}

const clockMemo = new WeakMap<Module, boolean>();
const resetMemo = new WeakMap<Module, boolean>();

/** The module (or one below it) has registers or memories, so it takes the clock. */
export function usesClock(m: Module): boolean {
  let v = clockMemo.get(m);
  if (v === undefined) {
    v = m.regs.size > 0 || m.memories.length > 0 || m.instances.some((i) => usesClock(i.module));
    clockMemo.set(m, v);
  }
  return v;
}

/** The module (or one below it) has registers with a reset value, so it takes the reset. */
export function usesReset(m: Module): boolean {
  let v = resetMemo.get(m);
  if (v === undefined) {
    v = [...m.regs.values()].some((r) => r.init !== undefined) || m.instances.some((i) => usesReset(i.module));
    resetMemo.set(m, v);
  }
  return v;
}

/**
 * The design under `top`. Throws DesignErrors listing every error of every module, so that
 * no Verilog is ever written for a broken design.
 */
export function elaborate(top: Module, compare?: (a: Module, b: Module) => boolean): Design {
  const modules: Module[] = [];
  const byName = new Map<string, Module>();
  const errors: DesignError[] = [];
  const visit = (m: Module) => {
    const prev = byName.get(m.name);
    if (prev) {
      if (prev !== m && compare && !compare(prev, m)) {
        errors.push(
          new DesignError(
            'name',
            `two different modules are both named ${m.name} (built at ${fmtLoc(prev)} and ${fmtLoc(m)}); ` +
              `give each specialisation its own name`,
            m.loc,
          ),
        );
      }
      return;
    }
    byName.set(m.name, m);
    for (const i of m.instances) visit(i.module);
    errors.push(...m.errors);
    modules.push(m);
  };
  visit(top);
  if (errors.length) throw new DesignErrors(errors);
  return { top, modules };
}

const fmtLoc = (m: Module) => (m.loc ? `${m.loc.file}:${m.loc.line}` : '<unknown>');
