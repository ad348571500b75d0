/**
 * Step 5 of the power flow (power.ts): the memories. With SRAM macro liberty files, the reads and
 * writes per cycle of every memory instance (its ren / we in the trace) times the read / write
 * energy of the macros that build it (../sram.ts tiles it, liberty-power.ts reads the energies),
 * plus their leakage.
 */
import type { VcdActivity } from '../../formats/vcd.js';
import type { MemoryInfo } from '../../rtl/generate.js';
import { tileMemory, type MacroUse, type SramMacro } from '../sram.js';
import { modelledMacros } from '../../../../generators/memories/target.js';
import { readLibertyGroups } from '../../formats/liberty.js';
import { sramEnergies, type SramEnergy } from './liberty-power.js';

/** The SRAM power of one memory module (all its instances). */
export interface MemoryPower extends MemoryInfo {
  /** Macros per instance (the tiling rule of generators/memories/tiling.ts). */
  readonly macros: readonly MacroUse[];
  /** Built from these macros, instantiated (single-port memories); false: a 1R1W memory priced as if they could serve it. */
  readonly instantiated: boolean;
  /** Per instance, mean accesses per clock cycle (ren / we high at a cycle). */
  readonly readsPerCycle: number;
  readonly writesPerCycle: number;
  /** Energy of one access of one instance (its macros of one address range). */
  readonly readPj: number;
  readonly writePj: number;
  /** Access energy and leakage of all instances. */
  readonly dynamicMw: number;
  readonly leakageMw: number;
  readonly mW: number;
}

const r4 = (x: number) => Number(x.toPrecision(6));

/** The read/write energies and leakage of the macros of `files`, by cell. @throws LibertyError */
export function sramEnergyTable(files: readonly string[]): Map<string, SramEnergy> {
  const energies = new Map<string, SramEnergy>();
  for (const f of files) for (const e of sramEnergies(readLibertyGroups(f, 'SRAM liberty file'), f)) energies.set(e.cell, e);
  return energies;
}

/** The SRAM power of every memory module, its instances found in the netlist walk. */
export function memoryPowers(
  memories: readonly MemoryInfo[],
  instances: readonly { readonly module: string; readonly instPath: readonly string[] }[],
  act: VcdActivity,
  scope: readonly string[],
  macros: readonly SramMacro[],
  energies: ReadonlyMap<string, SramEnergy>,
  clockMHz: number,
): MemoryPower[] {
  return memories.map((m) =>
    memoryPower(
      m,
      instances.filter((i) => i.module === m.module),
      act,
      scope,
      macros,
      energies,
      clockMHz,
    ),
  );
}

/**
 * One memory module's SRAM power. An access reads or writes one address range: the
 * ceil(width / macro bits) macros side by side that hold it; with ranges of several macro types
 * the energy is their average weighted by the addresses each covers. Reads and writes per cycle
 * are the duty of the instance's ren and we (both change only at clock edges); a cycle with both
 * counts one read and one write. A single-port memory reads when `en` is high and `we` low, so its
 * reads are the duty of en less that of we.
 */
function memoryPower(
  m: MemoryInfo,
  instances: readonly { readonly instPath: readonly string[] }[],
  act: VcdActivity,
  scope: readonly string[],
  macros: readonly SramMacro[],
  energies: ReadonlyMap<string, SramEnergy>,
  clockMHz: number,
): MemoryPower {
  if (m.macros) return builtMemoryPower(m, instances, { act, scope, macros, energies, clockMHz });
  const t = tileMemory(m.depth, m.width, macros);
  let covered = 0;
  let readPj = 0;
  let writePj = 0;
  let leakageMw = 0;
  for (const u of t.macros) {
    const mac = macros.find((x) => x.cell === u.cell)!;
    const e = energies.get(u.cell) ?? { readPj: 0, writePj: 0, leakageMw: 0 };
    const across = Math.ceil(m.width / mac.bits);
    const words = (u.count / across) * mac.words;
    covered += words;
    readPj += words * across * e.readPj;
    writePj += words * across * e.writePj;
    leakageMw += u.count * e.leakageMw;
  }
  readPj /= covered || 1;
  writePj /= covered || 1;
  let reads = 0;
  let writes = 0;
  for (const i of instances) {
    const duty = (port: string) => act.signals.get([...scope, ...i.instPath, port].join('.'))?.duty[0] ?? 0;
    const we = duty('we');
    reads += m.kind === '1p' ? duty('en') - we : duty('ren');
    writes += we;
  }
  // pJ per cycle × MHz = µW
  const dynamicMw = ((reads * readPj + writes * writePj) * clockMHz) / 1e3;
  const leak = leakageMw * m.instances;
  const k = Math.max(1, instances.length);
  return {
    ...m,
    macros: t.macros,
    instantiated: false,
    readsPerCycle: r4(reads / k),
    writesPerCycle: r4(writes / k),
    readPj: r4(readPj),
    writePj: r4(writePj),
    dynamicMw: r4(dynamicMw),
    leakageMw: r4(leak),
    mW: r4(dynamicMw + leak),
  };
}

/**
 * A memory built from macros (generators/memories/macro-ram.ts): each address range's reads and
 * writes from its enable and write signals in the trace, times the energy of its macros side by
 * side; the leakage of every macro instantiated.
 */
function builtMemoryPower(
  m: MemoryInfo,
  instances: readonly { readonly instPath: readonly string[] }[],
  ctx: { act: VcdActivity; scope: readonly string[]; macros: readonly SramMacro[]; energies: ReadonlyMap<string, SramEnergy>; clockMHz: number },
): MemoryPower {
  const { act, scope, macros, energies, clockMHz } = ctx;
  // the layout the generator built: the same rule over the macros it can instantiate (generators/memories/target.ts)
  const ranges = tileMemory(m.depth, m.width, modelledMacros(macros)).ranges;
  const energy = (cell: string) => energies.get(cell) ?? { readPj: 0, writePj: 0, leakageMw: 0 };
  let reads = 0;
  let writes = 0;
  let readEnergy = 0;
  let writeEnergy = 0;
  for (const i of instances) {
    ranges.forEach((r, k) => {
      const duty = (signal: string) => {
        const s = act.signals.get([...scope, ...i.instPath, `range${k}_${signal}`].join('.'));
        if (!s) throw new Error(`power: ${[...i.instPath, `range${k}_${signal}`].join('.')} is not in the trace`);
        return s.duty[0] ?? 0;
      };
      const w = duty('wen');
      const rd = duty('men') - w;
      const e = energy(r.cell);
      reads += rd;
      writes += w;
      readEnergy += r.across * rd * e.readPj;
      writeEnergy += r.across * w * e.writePj;
    });
  }
  const leak = m.instances * (m.macros ?? []).reduce((s, u) => s + u.count * energy(u.cell).leakageMw, 0);
  const k = Math.max(1, instances.length);
  // pJ per cycle × MHz = µW
  const dynamicMw = ((readEnergy + writeEnergy) * clockMHz) / 1e3;
  // per-access energies: the means over this run's accesses (ranges of different macros differ)
  const mean = (pj: number, n: number) => (n > 0 ? pj / n : 0);
  return {
    ...m,
    macros: m.macros ?? [],
    instantiated: true,
    readsPerCycle: r4(reads / k),
    writesPerCycle: r4(writes / k),
    readPj: r4(mean(readEnergy, reads)),
    writePj: r4(mean(writeEnergy, writes)),
    dynamicMw: r4(dynamicMw),
    leakageMw: r4(leak),
    mW: r4(dynamicMw + leak),
  };
}
