/**
 * What the power flow needs from liberty files beyond ../../formats/liberty.ts' areas: the output
 * pins of flip-flops (and whether they carry the stored bit or its inverse), and the read and
 * write energy and leakage of SRAM macros (docs/HARDWARE.md, "Power").
 *
 * SRAM energies come from the internal_power groups of the macro's clock pin (the pin with
 * `clock : true`), one per `when` condition, each worth rise_power + fall_power (the mean of a
 * table's values). The write-enable, read-enable and chip-enable pins are recognised by name
 * (…WEN/WE/WEB, …REN/RE/REB, …MEN/CEN/CE/CS…; a trailing B or _N means active low): the read
 * energy is the largest among conditions with write disabled (and read and chip enabled where
 * they appear), the write energy the largest with write enabled (read disabled). When no condition
 * can be classified, both are the largest clock-pin energy, and `source` says so. Energies of the
 * address and data pins (a few % of the clock pin's in the IHP macros) are not counted.
 */
import { LibertyError, type LibertyGroup } from '../../formats/liberty.js';

export interface FlopOutput {
  readonly pin: string;
  /** True when the pin carries the inverse of the stored bit (QN). */
  readonly inverted: boolean;
}

export interface SramEnergy {
  readonly cell: string;
  /** Energy of one read and one write access of the whole macro (all its bits), picojoules. */
  readonly readPj: number;
  readonly writePj: number;
  /** Leakage in milliwatts. */
  readonly leakageMw: number;
  /** How the numbers were found (the `when` conditions used, or the fallback). */
  readonly source: string;
}

function library(groups: readonly LibertyGroup[], file: string): LibertyGroup {
  const lib = groups.find((g) => g.type === 'library');
  if (!lib) throw new LibertyError(`${file}: no library(…) group: not a liberty file`);
  return lib;
}

/** Pins of a cell, including those inside bus groups. */
function pins(cell: LibertyGroup): LibertyGroup[] {
  const out: LibertyGroup[] = [];
  for (const g of cell.groups) {
    if (g.type === 'pin') out.push(g);
    else if (g.type === 'bus' || g.type === 'bundle') out.push(...g.groups.filter((p) => p.type === 'pin'));
  }
  return out;
}

const clean = (s: string) => s.replace(/["\s()]/g, '');

/** For every cell, its output pins (where the net it drives is). */
export function outputPins(groups: readonly LibertyGroup[], file = '<liberty>'): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const cell of library(groups, file).groups) {
    if (cell.type !== 'cell') continue;
    out.set(
      cell.args[0]!,
      pins(cell)
        .filter((p) => p.attrs.direction === 'output')
        .map((p) => p.args[0]!),
    );
  }
  return out;
}

/** For every sequential cell (an `ff` or `latch` group of its own), its outputs that show the stored bit. */
export function flopOutputs(groups: readonly LibertyGroup[], file = '<liberty>'): Map<string, FlopOutput[]> {
  const out = new Map<string, FlopOutput[]>();
  for (const cell of library(groups, file).groups) {
    if (cell.type !== 'cell') continue;
    const seq = cell.groups.find((g) => g.type === 'ff' || g.type === 'latch');
    if (!seq) continue;
    const [iq, iqn] = seq.args.map(clean);
    const outs: FlopOutput[] = [];
    for (const p of pins(cell)) {
      if (p.attrs.direction !== 'output' || p.attrs.function === undefined) continue;
      const f = clean(p.attrs.function);
      if (f === iq || (iqn !== undefined && (f === `!${iqn}` || f === `${iqn}'`))) outs.push({ pin: p.args[0]!, inverted: false });
      else if (f === iqn || f === `!${iq}` || f === `${iq}'`) outs.push({ pin: p.args[0]!, inverted: true });
    }
    out.set(cell.args[0]!, outs);
  }
  return out;
}

/** For every flip-flop cell (an `ff` group), its clock pin (`clocked_on`, either edge). */
export function flopClockPins(groups: readonly LibertyGroup[], file = '<liberty>'): Map<string, string> {
  const out = new Map<string, string>();
  for (const cell of library(groups, file).groups) {
    const ff = cell.type === 'cell' ? cell.groups.find((g) => g.type === 'ff') : undefined;
    const pin = ff?.attrs.clocked_on === undefined ? undefined : /^\(?!?\s*(\w+)\s*\)?$/.exec(clean(ff.attrs.clocked_on))?.[1];
    if (pin) out.set(cell.args[0]!, pin);
  }
  return out;
}

const numbers = (g: LibertyGroup | undefined): number[] =>
  (g?.complex.find((c) => c.name === 'values')?.args ?? []).flatMap((a) => a.split(',').map(Number)).filter(Number.isFinite);
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** Joules per unit of internal-power energy (capacitive_load_unit × voltage_unit²). */
function energyUnit(lib: LibertyGroup): number {
  const cap = lib.complex.find((c) => c.name === 'capacitive_load_unit');
  const capScale: Record<string, number> = { ff: 1e-15, pf: 1e-12, nf: 1e-9, uf: 1e-6 };
  const farads = cap ? Number(cap.args[0]) * (capScale[(cap.args[1] ?? 'pf').trim().toLowerCase()] ?? 1e-12) : 1e-12;
  const v = /^([\d.eE+-]+)\s*(mV|V)$/.exec(lib.attrs.voltage_unit ?? '1V');
  const volts = v ? Number(v[1]) * (v[2] === 'mV' ? 1e-3 : 1) : 1;
  return farads * volts * volts;
}

/** Watts per unit of leakage_power_unit. */
function leakageUnit(lib: LibertyGroup): number {
  const m = /^([\d.eE+-]+)\s*([fpnum]?)W$/.exec(lib.attrs.leakage_power_unit ?? '1nW');
  const scale: Record<string, number> = { f: 1e-15, p: 1e-12, n: 1e-9, u: 1e-6, m: 1e-3, '': 1 };
  return m ? Number(m[1]) * scale[m[2]!]! : 1e-9;
}

type Role = 'write' | 'read' | 'enable';

function pinRole(name: string): { role: Role; activeLow: boolean } | undefined {
  const n = name.toLowerCase();
  const low = /(b|_n)\d*$/.test(n);
  if (/(^|_)w(rite)?_?e(n)?(b|_n)?\d*$/.test(n)) return { role: 'write', activeLow: low };
  if (/(^|_)r(ead)?_?e(n)?(b|_n)?\d*$/.test(n)) return { role: 'read', activeLow: low };
  if (/(^|_)(m|c|ch|chip_?)?e(n)?(b|_n)?\d*$|(^|_)cs(b|_n)?\d*$/.test(n)) return { role: 'enable', activeLow: low };
  return undefined;
}

/** Read/write energies and leakage of every memory macro (a cell with a memory() group) of a file. @throws LibertyError */
export function sramEnergies(groups: readonly LibertyGroup[], file = '<liberty>'): SramEnergy[] {
  const lib = library(groups, file);
  const eUnit = energyUnit(lib) / 1e-12; // → pJ
  const lUnit = leakageUnit(lib) / 1e-3; // → mW
  const out: SramEnergy[] = [];
  for (const cell of lib.groups) {
    if (cell.type !== 'cell' || !cell.groups.some((g) => g.type === 'memory')) continue;
    const name = cell.args[0]!;
    const clock = pins(cell).find((p) => p.attrs.clock === 'true');
    const conds: { when?: string; pj: number; lits: Map<string, boolean> | null }[] = [];
    for (const ip of clock?.groups.filter((g) => g.type === 'internal_power') ?? []) {
      const pj = (mean(numbers(ip.groups.find((g) => g.type === 'rise_power'))) + mean(numbers(ip.groups.find((g) => g.type === 'fall_power')))) * eUnit;
      const when = ip.attrs.when;
      let lits: Map<string, boolean> | null = null;
      if (when !== undefined && !/[|+^]/.test(when)) {
        lits = new Map();
        for (const raw of when.replace(/[()\s]/g, '').split(/[&*]/)) {
          if (!raw) continue;
          const neg = raw.startsWith('!') || raw.endsWith("'");
          lits.set(raw.replace(/^!|'$/g, ''), !neg);
        }
      }
      conds.push({ ...(when !== undefined ? { when } : {}), pj, lits });
    }
    const pick = (want: 'read' | 'write') => {
      let best: (typeof conds)[number] | undefined;
      for (const c of conds) {
        if (!c.lits) continue;
        let write: boolean | undefined;
        let ok = true;
        for (const [pin, positive] of c.lits) {
          const r = pinRole(pin);
          if (!r) continue;
          const active = positive !== r.activeLow;
          if (r.role === 'write') write = active;
          else if (r.role === 'read') ok &&= active === (want === 'read');
          else ok &&= active;
        }
        if (write === undefined || write !== (want === 'write') || !ok) continue;
        if (!best || c.pj > best.pj) best = c;
      }
      return best;
    };
    const read = pick('read');
    const write = pick('write');
    const leakageMw = Number(cell.attrs.cell_leakage_power ?? 0) * lUnit;
    if (read && write) {
      out.push({
        cell: name,
        readPj: read.pj,
        writePj: write.pj,
        leakageMw,
        source: `clock pin ${clock!.args[0]} internal power: read when "${read.when}", write when "${write.when}"`,
      });
    } else {
      const max = Math.max(0, ...conds.map((c) => c.pj));
      out.push({
        cell: name,
        readPj: read?.pj ?? max,
        writePj: write?.pj ?? max,
        leakageMw,
        source: clock ? `clock pin ${clock.args[0]}: read/write conditions not recognised, largest internal power used` : 'no clock pin with internal power: 0',
      });
    }
  }
  return out;
}
