// Validation and normalisation of a SimDesign, shared by build.ts (C++ side)
// and simulator.ts (JS side) so both agree on port indices, clock and reset.

import type { PortSpec, SimDesign } from './types.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A port plus everything derived from its width, precomputed once. */
export interface PortInfo extends PortSpec {
  /** Position in SimDesign.ports: the index used by the C ABI. */
  index: number;
  /** 32-bit words per value: ceil(width / 32). */
  words: number;
}

export interface ResolvedClock {
  name: string;
  /** Index of the port in `ports`. */
  index: number;
  /** Period in ticks (even). */
  period: number;
}

export interface ResolvedDesign {
  top: string;
  files: string[];
  ports: PortInfo[];
  /** The primary clock (clocks[0]), if any. */
  clock: string | undefined;
  /** The first reset, if any. */
  reset: string | undefined;
  /** Every clock, the primary first. */
  clocks: ResolvedClock[];
  resets: { name: string; activeLow: boolean }[];
}

/** The default clock period, in ticks: a rising edge at 5, a falling edge at 10. */
export const DEFAULT_PERIOD = 10;

/**
 * Check a SimDesign and fill in the clock/reset defaults ('clk'/'rst' when
 * such 1-bit inputs exist). Throws one error listing every problem.
 */
export function resolveDesign(design: SimDesign): ResolvedDesign {
  const problems: string[] = [];
  if (!IDENT.test(design.top)) problems.push(`top '${design.top}' is not a plain Verilog identifier`);
  if (design.files.length === 0) problems.push('no RTL files');
  const seen = new Set<string>();
  const ports: PortInfo[] = design.ports.map((p, index) => {
    if (!IDENT.test(p.name)) problems.push(`port '${p.name}' is not a plain Verilog identifier`);
    if (seen.has(p.name)) problems.push(`port '${p.name}' is listed twice`);
    seen.add(p.name);
    if (!Number.isInteger(p.width) || p.width < 1) problems.push(`port '${p.name}' has invalid width ${p.width}`);
    if (p.dir !== 'input' && p.dir !== 'output') problems.push(`port '${p.name}' has invalid dir '${String(p.dir)}'`);
    return { ...p, index, words: Math.ceil(p.width / 32) };
  });
  const byName = new Map(ports.map((p) => [p.name, p]));
  const pick = (role: string, explicit: string | undefined, dflt: string): string | undefined => {
    const name = explicit ?? (byName.get(dflt)?.dir === 'input' ? dflt : undefined);
    if (name === undefined) return undefined;
    const p = byName.get(name);
    if (p?.dir !== 'input' || p.width !== 1) problems.push(`${role} '${name}' must be a 1-bit input port`);
    return name;
  };
  const clocks: ResolvedClock[] = [];
  if (design.clocks?.length) {
    for (const c of design.clocks) {
      const period = c.period ?? DEFAULT_PERIOD;
      if (!Number.isSafeInteger(period) || period < 2 || period % 2 !== 0)
        problems.push(`clock '${c.name}' period must be an even number of ticks (2 or more), got ${period}`);
      if (pick('clock', c.name, c.name) !== undefined) clocks.push({ name: c.name, index: byName.get(c.name)?.index ?? -1, period });
    }
  } else {
    const clock = pick('clock', design.clock, 'clk');
    if (clock !== undefined) clocks.push({ name: clock, index: byName.get(clock)?.index ?? -1, period: DEFAULT_PERIOD });
  }
  const resets: { name: string; activeLow: boolean }[] = [];
  if (design.resets?.length) {
    for (const r of design.resets) if (pick('reset', r.name, r.name) !== undefined) resets.push({ name: r.name, activeLow: r.activeLow ?? false });
  } else {
    const reset = pick('reset', design.reset, 'rst');
    if (reset !== undefined) resets.push({ name: reset, activeLow: false });
  }
  if (problems.length > 0) throw new Error(`invalid SimDesign for ${design.top}:\n  ${problems.join('\n  ')}`);
  return { top: design.top, files: [...design.files], ports, clock: clocks[0]?.name, reset: resets[0]?.name, clocks, resets };
}
