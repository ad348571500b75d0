/**
 * Step 3 of the power flow (power.ts): activities from the trace. For every flip-flop of the
 * mapped netlist, the RTL register bit that its output net is named after (Yosys keeps RTL names
 * on flip-flop outputs): toggles per cycle and duty from the trace (../../formats/vcd.ts); the
 * input ports and the memories' read data too. Flip-flops whose net has no RTL counterpart of the
 * same width (merged, renamed, re-encoded FSMs) are counted as `unmatched` and keep OpenSTA's
 * default activity.
 */
import { isSinglePortMemory } from '../../../../generators/memories/ram.js';
import type { SimDesign } from '../../../sim/types.js';
import { splitBitName, type NetlistModule } from '../../formats/netlist.js';
import { vcdActivity, type SignalActivity, type VcdActivity } from '../../formats/vcd.js';
import type { FlopOutput } from './liberty-power.js';
import type { GatedClockNet } from './gated-clocks.js';
import type { PinActivity } from './sta.js';
import type { TracedWorkload } from './workload.js';

export interface MeasuredActivity {
  readonly walk: Walk;
  readonly act: VcdActivity;
  /** The trace's scope of the top module: ['TOP', top]. */
  readonly scope: readonly string[];
  /** Top-level input port bits (the clock excepted). */
  readonly inputs: readonly PinActivity[];
  /** Register outputs and memory read data. */
  readonly pins: readonly PinActivity[];
  /** Per gated clock (in the order given), its rising edges per cycle of the clock. */
  readonly clockRises: readonly number[];
  readonly unmatched: number;
  readonly registerBits: number;
  readonly meanActivity: number;
}

/** The activities of every flip-flop, input port and memory read port of the netlist, from the trace. */
export async function measureActivity(
  design: Pick<SimDesign, 'top' | 'ports'>,
  modules: ReadonlyMap<string, NetlistModule>,
  flops: ReadonlyMap<string, readonly FlopOutput[]>,
  memoryModules: ReadonlySet<string>,
  trace: TracedWorkload,
  clock: string,
  gatedClocks: readonly GatedClockNet[] = [],
): Promise<MeasuredActivity> {
  const walk = collect(modules, design.top, flops, memoryModules);
  const scope = ['TOP', design.top];
  const want = new Set<string>([...walk.flops.map((f) => [...scope, ...f.instPath, f.base].join('.'))]);
  for (const net of gatedClocks) want.add([...scope, ...net].join('.'));
  for (const p of design.ports) if (p.dir === 'input' && p.name !== clock) want.add(`TOP.${p.name}`);
  for (const m of walk.memories) for (const port of [readEnableOf(m.module), 'we', 'rdata']) want.add([...scope, ...m.instPath, port].join('.'));
  // a memory built from macros: each address range's enable and write (generators/memories/macro-ram.ts)
  const memoryScopes = new Set(walk.memories.map((m) => [...scope, ...m.instPath].join('.')));
  const rangeSignal = (p: string) => {
    const m = /^(.*)\.range\d+_(men|wen)$/.exec(p);
    return m !== null && memoryScopes.has(m[1] as string);
  };
  const act = await vcdActivity(trace.wave, { clock: `TOP.${clock}`, skipCycles: trace.skipCycles, select: (v) => want.has(v.path) || rangeSignal(v.path) });
  const applied = applyActivities(walk, act, scope);
  const inputs: PinActivity[] = [];
  for (const p of design.ports) {
    if (p.dir !== 'input' || p.name === clock) continue;
    const s = act.signals.get(`TOP.${p.name}`);
    if (!s) throw new Error(`power: input port ${p.name} is not in the trace`);
    for (let b = 0; b < p.width; b++) inputs.push({ pin: p.width > 1 ? `${p.name}[${b}]` : p.name, ...bitOf(s, b) });
  }
  const pins: PinActivity[] = [...applied.registerPins];
  for (const m of walk.memories) {
    const s = act.signals.get([...scope, ...m.instPath, 'rdata'].join('.'));
    if (!s) throw new Error(`power: ${m.path}/rdata is not in the trace`);
    const w = s.v.width;
    for (let b = 0; b < w; b++) pins.push({ pin: `${m.path}/rdata${w > 1 ? `[${b}]` : ''}`, ...bitOf(s, b) });
  }
  const clockRises = gatedClocks.map((net) => {
    const s = act.signals.get([...scope, ...net].join('.'));
    if (!s) throw new Error(`power: the gated clock ${net.join('.')} is not in the trace`);
    return s.toggleRate[0]! / 2;
  });
  return { walk, act, scope, inputs, pins, clockRises, unmatched: applied.unmatched, registerBits: applied.registerBits, meanActivity: applied.meanActivity };
}

interface FlopPin {
  /** Instance path below the top (VCD scopes below the top module). */
  readonly instPath: readonly string[];
  /** OpenSTA path of the flip-flop cell. */
  readonly cellPath: string;
  readonly pin: string;
  readonly inverted: boolean;
  /** RTL name and bit of the net it drives (index undefined: a scalar net). */
  readonly base: string;
  readonly index: number | undefined;
}

export interface Walk {
  readonly flops: FlopPin[];
  /** Flip-flop cells (OpenSTA paths) with at least one connected output. */
  readonly flopCells: Set<string>;
  readonly memories: { readonly module: string; readonly instPath: readonly string[]; readonly path: string }[];
  probeCell?: string;
}

function collect(
  modules: ReadonlyMap<string, NetlistModule>,
  top: string,
  flops: ReadonlyMap<string, readonly FlopOutput[]>,
  memoryModules: ReadonlySet<string>,
): Walk {
  const walk: Walk = { flops: [], flopCells: new Set(), memories: [] };
  const visit = (mod: NetlistModule, instPath: string[]) => {
    for (const inst of mod.instances) {
      const here = [...instPath, inst.name];
      const cellPath = here.join('/');
      const outs = flops.get(inst.type);
      if (outs) {
        for (const o of outs) {
          const bit = inst.pins.get(o.pin)?.[0];
          if (!bit || !('net' in bit)) continue;
          const { base, index } = splitBitName(bit);
          walk.flops.push({ instPath, cellPath, pin: o.pin, inverted: o.inverted, base, index });
          walk.flopCells.add(cellPath);
        }
      } else if (memoryModules.has(inst.type)) {
        walk.memories.push({ module: inst.type, instPath: here, path: cellPath });
      } else {
        const sub = modules.get(inst.type);
        if (sub) visit(sub, here);
        else walk.probeCell ??= cellPath;
      }
    }
  };
  const t = modules.get(top);
  if (!t) throw new Error(`power: module ${top} is not in the netlist`);
  visit(t, []);
  return walk;
}

function bitOf(s: SignalActivity, index: number, inverted = false): { activity: number; duty: number } {
  const i = index - Math.min(s.v.msb, s.v.lsb);
  const duty = s.duty[i]!;
  return { activity: s.toggleRate[i]!, duty: inverted ? 1 - duty : duty };
}

/** The register pins with a trace counterpart, and the count of flip-flops without one. */
function applyActivities(
  walk: Walk,
  act: VcdActivity,
  scope: readonly string[],
): { registerPins: PinActivity[]; unmatched: number; registerBits: number; meanActivity: number } {
  // A (scope, name) group matches only if every bit the netlist uses exists in the RTL signal:
  // a re-encoded FSM (one-hot `state[0..15]` for a 4-bit `state`) must not borrow its bits.
  const groups = new Map<string, FlopPin[]>();
  for (const f of walk.flops) {
    const key = [...scope, ...f.instPath, f.base].join('.');
    const g = groups.get(key);
    if (g) g.push(f);
    else groups.set(key, [f]);
  }
  // the stored bit of every matched flip-flop (any matched output tells it)
  const stored = new Map<string, { activity: number; duty: number }>();
  for (const [key, fs] of groups) {
    const s = act.signals.get(key);
    if (!s) continue;
    const lo = Math.min(s.v.msb, s.v.lsb);
    const hi = Math.max(s.v.msb, s.v.lsb);
    const fits = fs.every((f) => (f.index === undefined ? s.v.width === 1 : f.index >= lo && f.index <= hi));
    if (!fits) continue;
    for (const f of fs) if (!stored.has(f.cellPath)) stored.set(f.cellPath, bitOf(s, f.index ?? lo, f.inverted));
  }
  // every connected output of a matched flip-flop (Q and QN alike) gets the activity
  const registerPins: PinActivity[] = [];
  for (const f of walk.flops) {
    const a = stored.get(f.cellPath);
    if (a) registerPins.push({ pin: `${f.cellPath}/${f.pin}`, activity: a.activity, duty: f.inverted ? 1 - a.duty : a.duty });
  }
  let sum = 0;
  for (const a of stored.values()) sum += a.activity;
  return { registerPins, unmatched: walk.flopCells.size - stored.size, registerBits: walk.flopCells.size, meanActivity: stored.size ? sum / stored.size : 0 };
}

/** The port that enables a memory's reads: `ren`, or a single-port memory's `en` (a read when `we` is low). */
export const readEnableOf = (module: string): string => (isSinglePortMemory(module) ? 'en' : 'ren');
