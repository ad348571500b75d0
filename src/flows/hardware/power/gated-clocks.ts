/**
 * The power flow's clock gates (m.gatedDomain): where each gated clock is in the netlist, and how
 * often it rises. OpenSTA 2.0.17 gives every pin of a clock network the full activity of its
 * clock, through a gate too, and a user activity set on a gate's output does not change that
 * (measured, docs/HARDWARE.md "Power"): so each gate's output becomes a clock of its own whose
 * period is the base clock's over the measured fraction of cycles it rises in (sta.ts). A clock's
 * power depends only on how often it toggles, which that gives exactly.
 */
import type { Module } from '../../../hdl/index.js';
import type { NetBit, NetlistInstance, NetlistModule } from '../../formats/netlist.js';

/** A gated clock of the design: the RTL path of its net below the top (instance names, then the net). */
export type GatedClockNet = readonly string[];

/**
 * Every gated clock's net in the design under `top`, as a path below it; and, for an instance
 * clocked by one (`{ default: d }`), the net of the instance's clock port too: a flattened
 * instance's flip-flops may keep that name for the merged net (`tree.clk` for `tree_clk`).
 */
export function gatedClockNets(top: Module): GatedClockNet[] {
  const out: GatedClockNet[] = [];
  const visit = (m: Module, at: readonly string[]) => {
    const gated = new Set(m.clockGates.map((g) => g.domain));
    for (const g of m.clockGates) out.push([...at, g.domain.clock]);
    for (const i of m.instances) {
      for (const [child, parent] of i.domains) if (gated.has(parent)) out.push([...at, i.name, child.clock]);
      visit(i.module, [...at, i.name]);
    }
  };
  visit(top, []);
  return out;
}

/** A gated clock as OpenSTA sees it: the output pin of the cell that drives it. */
export interface GatedClockPin {
  readonly net: GatedClockNet;
  /** OpenSTA pin path (cell path / pin). */
  readonly pin: string;
}

/**
 * The cell output driving each gated clock in the mapped netlist (flattened modules name the net
 * after its RTL path, `ebank0.access_clk`; a kept module, by its own name). A gate synthesis
 * merged into an identical one (the same enable: two memories read and written together) has no
 * net left and is not listed. Then every flip-flop of the top, and every kept module, must be
 * clocked by `clock` or by a listed gated clock: none is left to OpenSTA's full clock activity.
 * @throws Error naming a flip-flop or module clocked by another net
 */
export function gatedClockPins(
  modules: ReadonlyMap<string, NetlistModule>,
  netlist: { readonly top: string; readonly clock: string },
  cells: { readonly outputs: ReadonlyMap<string, readonly string[]>; readonly clockPins: ReadonlyMap<string, string> },
  nets: readonly GatedClockNet[],
): GatedClockPin[] {
  const t = modules.get(netlist.top);
  if (!t) throw new Error(`power: module ${netlist.top} is not in the netlist`);
  const wanted = new Set(nets.map((n) => n.join('.')));
  const drivers = new Map<string, string>();
  const visit = (mod: NetlistModule, at: readonly string[]) => {
    for (const inst of mod.instances) {
      const sub = modules.get(inst.type);
      if (sub) visit(sub, [...at, inst.name]);
      else
        for (const pin of cells.outputs.get(inst.type) ?? []) {
          const bit = inst.pins.get(pin)?.[0];
          const rtl = bit && 'net' in bit ? [...at, bit.net].join('.') : undefined;
          if (rtl && wanted.has(rtl)) drivers.set(rtl, `${[...at, inst.name].join('/')}/${pin}`);
        }
    }
  };
  visit(t, []);
  checkClocks(t, modules, netlist.clock, new Set(drivers.keys()), cells);
  return nets.flatMap((net) => {
    const pin = drivers.get(net.join('.'));
    return pin ? [{ net, pin }] : [];
  });
}

/**
 * Every flip-flop of `top` and every kept module in it is clocked by `clock`, a gated clock, or
 * a cell whose inputs are all `clock` (the inverter of a falling-edge flip-flop: a clock gate's).
 */
function checkClocks(
  top: NetlistModule,
  modules: ReadonlyMap<string, NetlistModule>,
  clock: string,
  gated: ReadonlySet<string>,
  cells: { readonly outputs: ReadonlyMap<string, readonly string[]>; readonly clockPins: ReadonlyMap<string, string> },
): void {
  const netOf = (bits: readonly NetBit[] | undefined) => (bits?.[0] && 'net' in bits[0] ? bits[0].net : undefined);
  const driver = new Map<string, NetlistInstance>();
  for (const inst of top.instances) for (const pin of cells.outputs.get(inst.type) ?? []) driver.set(netOf(inst.pins.get(pin)) ?? '', inst);
  const fromClock = (net: string) => {
    const d = driver.get(net);
    const outs = new Set(d ? cells.outputs.get(d.type) : []);
    return d !== undefined && [...d.pins].every(([pin, bits]) => outs.has(pin) || netOf(bits) === clock);
  };
  for (const inst of top.instances) {
    const pin = modules.has(inst.type) ? clock : cells.clockPins.get(inst.type);
    const net = pin === undefined ? undefined : netOf(inst.pins.get(pin));
    if (net === undefined || net === clock || gated.has(net) || fromClock(net)) continue;
    throw new Error(`power: ${inst.name} (${inst.type}) is clocked by ${net}, neither the clock ${clock} nor a gated clock of the design`);
  }
}
