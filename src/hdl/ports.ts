/** The port list of a module as the simulator and the bindings see it (clock and reset included). */
import { usesClock, usesReset } from './elaborate.js';
import type { Module } from './module.js';

export interface PortInfo {
  readonly name: string;
  readonly dir: 'input' | 'output';
  readonly width: number;
  readonly signed: boolean;
}

export function portsOf(m: Module): PortInfo[] {
  const out: PortInfo[] = [];
  if (usesClock(m)) out.push({ name: 'clk', dir: 'input', width: 1, signed: false });
  if (usesReset(m)) out.push({ name: 'rst', dir: 'input', width: 1, signed: false });
  for (const p of m.ports) out.push({ name: p.name, dir: p.role === 'input' ? 'input' : 'output', width: p.width, signed: p.signed });
  return out;
}
