/** The port list of a module as the simulator and the bindings see it (clocks and resets included). */
import { domainPorts } from './elaborate.js';
import type { Module } from './module.js';

export interface PortInfo {
  readonly name: string;
  readonly dir: 'input' | 'output';
  readonly width: number;
  readonly signed: boolean;
}

export function portsOf(m: Module): PortInfo[] {
  const out: PortInfo[] = [];
  for (const p of domainPorts(m)) {
    if (p.clock) out.push({ name: p.domain.clock, dir: 'input', width: 1, signed: false });
    if (p.reset) out.push({ name: p.domain.reset!, dir: 'input', width: 1, signed: false });
  }
  for (const p of m.ports) out.push({ name: p.name, dir: p.role === 'input' ? 'input' : 'output', width: p.width, signed: p.signed });
  return out;
}

/** The module's clocks and resets, for the simulator: which inputs to toggle and how to reset. */
export function clockingOf(m: Module): { clocks: string[]; resets: { name: string; activeLow: boolean }[] } {
  const ps = domainPorts(m);
  return {
    clocks: ps.filter((p) => p.clock).map((p) => p.domain.clock),
    resets: ps.filter((p) => p.reset).map((p) => ({ name: p.domain.reset!, activeLow: p.domain.activeLow })),
  };
}
