/**
 * The logic's power by block of the accelerator (docs/HARDWARE.md "Power"), from OpenSTA's power
 * of every cell (`report_power -instances`). A cell belongs to the block its name says: a cell
 * inside an instance synthesis kept (`pe3/_1858_`) to that instance; a top-level cell to the RTL
 * name of the net it drives (Yosys keeps the names of registers and named wires, the flattened
 * modules' with their instance: `ebank3.mem[2][1]`, `drain_acc_q`, `controller.state`). Cells
 * that drive only nets synthesis made up (`_12345_`) are "unnamed logic": part of some block's
 * combinational logic, not attributed by guess.
 */
import { splitBitName, type NetlistModule } from '../../formats/netlist.js';

/** Block names by the first identifier of a cell's RTL name, first match wins (names from generators/accelerator/ and generators/cnn/). */
const BLOCKS: readonly (readonly [RegExp, string])[] = [
  [/^pe\d+$/, 'PEs (multipliers, accumulators)'],
  [/^(upd\d+|lane\d+_update_(live_)?s\d)$/, 'update units'],
  [/^ebank/, 'error banks'],
  [/^actbuf/, 'activation buffer'],
  [/^(inbuf|rx_|pair_)/, 'input buffer and receiver'],
  [/^wbank/, 'weight banks (outside the macros)'],
  [/^(drain|act_unit|error_unit|best_|argmax|z_minus)/, 'drain (activations, output errors, argmax)'],
  [/^(tree|delta|bwd_|err_)/, 'backward adder tree and δ'],
  [/^controller$/, 'controller'],
  [/^([st]\d_|lane\d+_valid_s\d|act_operand|in_lane|upd_lane)/, 'pipeline registers'],
  [/^(cycles_|samples_done)/, 'performance counters'],
  [/^(load_|readback_)/, 'weight load and read-back'],
  // a network with convolution (generators/cnn/)
  [/^fmap/, 'feature-map buffers (outside the macros)'],
  [/^(cw_|pw_|step|map_|conv_issue|pool_issue)/, 'address walks and step control'],
  [/^pool_/, 'pool unit'],
  [/^(state|in_[a-z_]+|ctrl_fire)$/, 'controller'],
  // its training (generators/cnn/train-*.ts, training.ts)
  [/^upd_/, 'update units'],
  [/^(uw_|ew_|train_|clear_|backward_|phase_)/, 'address walks and step control'],
  [/^(bsum|ep_|oe_|out_error)/, 'backward adder tree and δ'],
  [/^(kept|flag_)/, 'error banks'],
];

export const UNNAMED_LOGIC = 'unnamed logic';
export const OTHER_LOGIC = 'other named logic';

/** The block of a cell from its name (the kept instance, or the RTL net it drives). */
export function blockOf(name: string): string {
  if (name.startsWith('_')) return UNNAMED_LOGIC;
  const head = name.replace(/^\\/, '').split(/[.[\s/]/)[0] ?? '';
  return BLOCKS.find(([re]) => re.test(head))?.[1] ?? OTHER_LOGIC;
}

/**
 * Every standard cell of the netlist (OpenSTA path) with the name it is attributed by: its kept
 * instance below the top, or the net on its first output pin (`outputs`: each liberty cell's
 * output pins; cells not in it, the memory stubs, are left out).
 */
export function cellNames(modules: ReadonlyMap<string, NetlistModule>, top: string, outputs: ReadonlyMap<string, readonly string[]>): Map<string, string> {
  const names = new Map<string, string>();
  const visit = (mod: NetlistModule, instPath: readonly string[]) => {
    for (const inst of mod.instances) {
      const here = [...instPath, inst.name];
      const sub = modules.get(inst.type);
      if (sub) {
        visit(sub, here);
        continue;
      }
      const outs = outputs.get(inst.type);
      if (!outs) continue;
      if (instPath.length) {
        names.set(here.join('/'), instPath[0]!);
        continue;
      }
      const bit = outs.map((p) => inst.pins.get(p)?.[0]).find((b) => b !== undefined && 'net' in b);
      names.set(inst.name, bit && 'net' in bit ? splitBitName(bit).base : '_');
    }
  };
  const t = modules.get(top);
  if (!t) throw new Error(`power: module ${top} is not in the netlist`);
  visit(t, []);
  return names;
}

/** One row of `report_power -instances`: the cell's total power, watts. */
export function parseInstancePower(text: string): Map<string, number> {
  const num = '[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?';
  const row = new RegExp(`^\\s*${num}\\s+${num}\\s+${num}\\s+(${num})\\s+(\\S+)\\s*$`, 'gm');
  const out = new Map<string, number>();
  for (const m of text.matchAll(row)) out.set(m[2]!, Number(m[1]));
  return out;
}

export interface LogicBlockPower {
  readonly block: string;
  readonly cells: number;
  /** Internal + switching + leakage, milliwatts. */
  readonly mW: number;
}

/** The cells' power summed per block, largest first; every named cell is counted once. */
export function logicBlocks(power: ReadonlyMap<string, number>, names: ReadonlyMap<string, string>): LogicBlockPower[] {
  const sums = new Map<string, { cells: number; w: number }>();
  for (const [cell, name] of names) {
    const w = power.get(cell);
    if (w === undefined) continue;
    const block = blockOf(name);
    const s = sums.get(block) ?? { cells: 0, w: 0 };
    s.cells++;
    s.w += w;
    sums.set(block, s);
  }
  return [...sums]
    .map(([block, s]) => ({ block, cells: s.cells, mW: Number((s.w * 1e3).toPrecision(6)) }))
    .sort((a, b) => b.mW - a.mW || a.block.localeCompare(b.block));
}
