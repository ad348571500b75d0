/**
 * Step 4 of the power flow (power.ts, docs/HARDWARE.md "Power"): OpenSTA `report_power` on the
 * mapped netlist with the measured activities, combinational activity propagated by OpenSTA.
 * Here: a stub liberty for the memory black boxes, the Tcl script that applies the measured
 * activity, the parser of `report_power`, and the step that runs them (runPowerSta).
 *
 * Why the script looks the way it does (OpenSTA 2.0.17, Debian 12; no read_vcd / read_saif):
 * its power engine propagates activity from the levelisation roots (input ports, constants)
 * through cell functions, and across registers from D to Q; a value set on a register output
 * with `sta::set_power_pin_activity` is overwritten by that propagation the first time, and
 * after it nothing downstream of the register is re-evaluated. So:
 *
 * 1. a first `report_power` fills every pin's activity (values discarded);
 * 2. the registers' (and memories') timing arcs are disabled, which makes their outputs roots;
 *    the measured activities are set on them and on the input ports, and a power query on one
 *    cell re-propagates from the roots: every combinational pin is now derived from the trace;
 * 3. the arcs are enabled again (cells need a clock found through timing paths, or their activity
 *    falls back to a per-second default), and the final `report_power` uses the activities of
 *    step 2, which OpenSTA keeps because nothing invalidated them.
 *
 * The script prints how many of the set pins lost their value (`taxonn-not-user N`): 0 when the
 * recipe held. `set_power_activity -global` (which overrides everything) is never used.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run, ToolFailedError, type FoundTool } from '../../../tools/index.js';
import type { MemoryInfo } from '../../rtl/generate.js';
import type { Walk } from './activity.js';
import { parseInstancePower } from './blocks.js';

/** Power of one row of report_power, in watts. */
export interface PowerRow {
  readonly internal: number;
  readonly switching: number;
  readonly leakage: number;
  readonly total: number;
}

export interface ReportPower {
  readonly total: PowerRow;
  /** Sequential, Combinational, Macro, Pad. */
  readonly groups: Readonly<Record<string, PowerRow>>;
}

/** Parses the design table of OpenSTA's `report_power` (watts; any -digits). @throws Error when there is no Total row */
export function parseReportPower(text: string): ReportPower {
  const num = '([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)';
  const row = new RegExp(`^\\s*(Sequential|Combinational|Macro|Pad|Total)\\s+${num}\\s+${num}\\s+${num}\\s+${num}(?:\\s+[\\d.]+%)?\\s*$`, 'gm');
  const groups: Record<string, PowerRow> = {};
  let total: PowerRow | undefined;
  for (const m of text.matchAll(row)) {
    const r = { internal: Number(m[2]), switching: Number(m[3]), leakage: Number(m[4]), total: Number(m[5]) };
    if (m[1] === 'Total') total = r;
    else groups[m[1]!] = r;
  }
  if (!total) throw new Error('OpenSTA report_power: no Total row in the report');
  return { total, groups };
}

/** A port of a memory module, for the stub cell. */
export interface StubPort {
  readonly name: string;
  readonly dir: 'input' | 'output';
  readonly width: number;
}

/** Input pin capacitance of the stub cells, pF (about an IHP SRAM macro input pin). */
export const STUB_PIN_CAPACITANCE_PF = 0.004;

/**
 * A liberty library with one cell per memory module: its pins, a clock, and a clock-to-output arc
 * on the read data, so the logic it feeds is timed from the clock; no power (the SRAM energy is
 * counted apart, sram-energy.ts).
 */
export function stubLiberty(cells: readonly { readonly name: string; readonly ports: readonly StubPort[]; readonly clock: string }[]): string {
  const widths = new Set<number>();
  for (const c of cells) for (const p of c.ports) if (p.width > 1) widths.add(p.width);
  const L: string[] = [
    'library (taxonn_memory_stubs) {',
    '  delay_model : table_lookup;',
    '  time_unit : "1ns";',
    '  voltage_unit : "1V";',
    '  current_unit : "1uA";',
    '  capacitive_load_unit (1, pf);',
    '  pulling_resistance_unit : "1kohm";',
    '  leakage_power_unit : "1nW";',
    '  input_threshold_pct_rise : 50; input_threshold_pct_fall : 50;',
    '  output_threshold_pct_rise : 50; output_threshold_pct_fall : 50;',
    '  slew_lower_threshold_pct_rise : 20; slew_lower_threshold_pct_fall : 20;',
    '  slew_upper_threshold_pct_rise : 80; slew_upper_threshold_pct_fall : 80;',
    ...[...widths]
      .sort((a, b) => a - b)
      .map((w) => `  type (taxonn_bus_${w}) { base_type : array; data_type : bit; bit_width : ${w}; bit_from : ${w - 1}; bit_to : 0; downto : true; }`),
  ];
  const arc = (clock: string) =>
    `      timing () { related_pin : "${clock}"; timing_type : rising_edge; cell_rise (scalar) { values ("0.5"); } cell_fall (scalar) { values ("0.5"); } rise_transition (scalar) { values ("0.1"); } fall_transition (scalar) { values ("0.1"); } }`;
  for (const c of cells) {
    L.push(`  cell (${c.name}) {`, '    area : 0;', '    dont_use : true;');
    for (const p of c.ports) {
      const head = p.width > 1 ? `    bus (${p.name}) {\n      bus_type : taxonn_bus_${p.width};` : `    pin (${p.name}) {`;
      L.push(head, `      direction : ${p.dir};`);
      if (p.dir === 'input') L.push(`      capacitance : ${STUB_PIN_CAPACITANCE_PF};`);
      if (p.name === c.clock) L.push('      clock : true;');
      if (p.dir === 'output') L.push(arc(c.clock));
      L.push('    }');
    }
    L.push('  }');
  }
  L.push('}', '');
  return L.join('\n');
}

export interface PinActivity {
  /** OpenSTA pin path (instance path / pin), or a top-level port name for input ports. */
  readonly pin: string;
  /** Toggles per clock period. */
  readonly activity: number;
  /** Fraction of time high. */
  readonly duty: number;
}

export interface StaScriptInput {
  readonly liberties: readonly string[];
  readonly netlist: string;
  readonly top: string;
  readonly clock: string;
  readonly periodNs: number;
  /** Instance paths of the memory black boxes and of the flip-flops. */
  readonly memories: readonly string[];
  readonly registers: readonly string[];
  /** Measured activities: top-level input port bits, register outputs, memory read data. */
  readonly inputs: readonly PinActivity[];
  readonly pins: readonly PinActivity[];
  /** Any leaf cell (a power query on it triggers the propagation of step 2). */
  readonly probeCell: string;
  /** The clock gates' outputs (gated-clocks.ts) and their rising edges per cycle of `clock`. */
  readonly gatedClocks?: readonly { readonly pin: string; readonly rises: number }[];
}

/** The transition of every input port, the clock's included (ns). */
const INPUT_TRANSITION_NS = 0.1;

/** A gated clock that never rose: a period this many times the base's (no measurable power). */
const NEVER_RISES = 1e9;

/** Tcl braces quoting (names from Yosys netlists hold no braces or backslashes; checked). */
export function tclBrace(s: string): string {
  if (/[{}\\\s]/.test(s)) throw new Error(`OpenSTA script: unsupported character in name ${JSON.stringify(s)}`);
  return `{${s}}`;
}

const fmt = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(6)).toString() : '0');

/** The OpenSTA script of the recipe at the top of this file. */
export function staPowerScript(s: StaScriptInput): string {
  const L: string[] = [];
  for (const lib of s.liberties) L.push(`read_liberty ${tclBrace(lib)}`);
  L.push(
    `read_verilog ${tclBrace(s.netlist)}`,
    `link_design ${tclBrace(s.top)}`,
    `create_clock -name ${tclBrace(s.clock)} -period ${fmt(s.periodNs)} [get_ports ${tclBrace(s.clock)}]`,
    `set_input_delay 0 -clock ${tclBrace(s.clock)} [delete_from_list [all_inputs] [get_ports ${tclBrace(s.clock)}]]`,
  );
  // each clock gate's output a clock of its own, as often as it rose (gated-clocks.ts), with the
  // clock port's transition: a clock tree would buffer it (the flow builds none, for the port's
  // clock either), and a gate's cell alone would give its hundreds of flip-flops a slow edge,
  // whose internal power the liberty prices at several times a sharp one's
  (s.gatedClocks ?? []).forEach((g, i) => {
    const period = g.rises > 0 ? s.periodNs / g.rises : s.periodNs * NEVER_RISES;
    L.push(
      `create_clock -name taxonn_gated_${i} -period ${fmt(period)} [get_pins ${tclBrace(g.pin)}]`,
      `set_assigned_transition ${INPUT_TRANSITION_NS} [get_pins ${tclBrace(g.pin)}]`,
    );
  });
  L.push(`set_input_transition ${INPUT_TRANSITION_NS} [all_inputs]`);
  const list = (name: string, cells: readonly string[]) => {
    L.push(`set ${name} {}`);
    for (let i = 0; i < cells.length; i += 200) L.push(`lappend ${name} {*}[get_cells {${cells.slice(i, i + 200).join(' ')}}]`);
  };
  list('taxonn_mems', s.memories);
  list('taxonn_regs', s.registers);
  L.push(
    '# step 1: every pin gets an activity',
    'if {[llength $taxonn_mems]} { set_disable_timing $taxonn_mems }',
    'report_power > /dev/null',
    '# step 2: register and memory outputs become roots with the measured activity',
    'if {[llength $taxonn_regs]} { set_disable_timing $taxonn_regs }',
  );
  for (const p of s.inputs) L.push(`set_power_activity -input_ports [get_ports ${tclBrace(p.pin)}] -activity ${fmt(p.activity)} -duty ${fmt(p.duty)}`);
  L.push('set taxonn_pins {}');
  for (const p of s.pins)
    L.push(`set p [get_pins ${tclBrace(p.pin)}]; sta::set_power_pin_activity $p ${fmt(p.activity)} ${fmt(p.duty)}; lappend taxonn_pins $p`);
  L.push(
    `report_power -instances [get_cells ${tclBrace(s.probeCell)}] > /dev/null`,
    '# step 3: timing arcs back (clocks for every cell), activities kept',
    'if {[llength $taxonn_regs]} { unset_disable_timing $taxonn_regs }',
    'if {[llength $taxonn_mems]} { unset_disable_timing $taxonn_mems }',
    'report_power -digits 6',
    '# after the report (which finds the clocks again): every measured pin must still hold its value',
    'set n 0',
    'foreach p $taxonn_pins { if {[lindex [get_property $p activity] 2] != "user"} { incr n } }',
    'puts "taxonn-not-user $n"',
    "# every cell's power, for the logic by block (blocks.ts)",
    `report_power -instances [get_cells -hierarchical *] -digits 6 > ${tclBrace(CELL_POWER_FILE)}`,
    '',
  );
  return L.join('\n');
}

export interface StaStepInput {
  readonly opensta: FoundTool;
  /** The flow's folder: scripts, stub liberty and log go there. */
  readonly dir: string;
  readonly stdLiberty: string;
  readonly netlist: string;
  readonly top: string;
  /** The design's memory modules (the manifest's: their ports become the stub cells'). */
  readonly memories: readonly MemoryInfo[];
  readonly clock: string;
  readonly clockMHz: number;
  readonly walk: Walk;
  readonly inputs: readonly PinActivity[];
  readonly pins: readonly PinActivity[];
  readonly gatedClocks?: StaScriptInput['gatedClocks'];
  readonly timeoutMs: number;
}

/** The file, in the flow's folder, where the script writes every cell's power. */
export const CELL_POWER_FILE = 'cell-power.txt';

/** Runs OpenSTA with the measured activities; its report, checked to have kept every one of them, and each cell's power (watts). */
export async function runPowerSta(s: StaStepInput): Promise<ReportPower & { readonly cells: ReadonlyMap<string, number> }> {
  const stubFile = path.resolve(s.dir, 'memory-stubs.lib');
  await writeFile(stubFile, stubLiberty(memoryStubs(s.memories, s.clock)));
  const probe = s.walk.probeCell ?? s.walk.flops[0]?.cellPath;
  if (!probe) throw new Error(`power: the netlist of ${s.top} has no cells`);
  const script = staPowerScript({
    // OpenSTA runs in the flow's folder: a path relative to the caller's folder would not be found there
    liberties: [path.resolve(s.stdLiberty), stubFile],
    netlist: path.resolve(s.netlist),
    top: s.top,
    clock: s.clock,
    periodNs: 1e3 / s.clockMHz,
    memories: s.walk.memories.map((m) => m.path),
    registers: [...new Set(s.walk.flops.map((f) => f.cellPath))],
    inputs: s.inputs,
    pins: s.pins,
    probeCell: probe,
    ...(s.gatedClocks?.length ? { gatedClocks: s.gatedClocks } : {}),
  });
  await writeFile(path.join(s.dir, 'power.tcl'), script);
  const r = await run(s.opensta, ['-no_init', '-exit', 'power.tcl'], { cwd: s.dir, timeoutMs: s.timeoutMs }).catch((e: unknown) => {
    if (e instanceof ToolFailedError && /killed by SIGSEGV/.test(e.message)) {
      throw new ToolFailedError(
        e.command,
        e.exitCode,
        e.stdout,
        e.stderr,
        // seen on hierarchical netlists, where constants from other modules leave gates with a constant input;
        // the power flow's flat synthesis removes them (docs/HARDWARE.md, Power, Limits)
        `OpenSTA ${s.opensta.version} crashed (SIGSEGV) in report_power: a known crash of this version on gates with a constant input (docs/HARDWARE.md, Power, Limits)`,
      );
    }
    throw e;
  });
  await writeFile(path.join(s.dir, 'sta.log'), r.stdout + r.stderr);
  // OpenSTA goes on after a failed command (a liberty it cannot read makes every cell a black box)
  const failed = /^Error: .*$/m.exec(r.stdout + r.stderr);
  if (failed) throw new ToolFailedError(r.command, r.code, r.stdout, r.stderr, `OpenSTA: ${failed[0].slice('Error: '.length)}`);
  let rep: ReturnType<typeof parseReportPower>;
  try {
    rep = parseReportPower(r.stdout);
  } catch {
    throw new ToolFailedError(r.command, r.code, r.stdout, r.stderr, 'OpenSTA printed no power report');
  }
  const lost = /taxonn-not-user (\d+)/.exec(r.stdout);
  if (!lost || Number(lost[1]) !== 0) {
    throw new ToolFailedError(
      r.command,
      r.code,
      r.stdout,
      r.stderr,
      `OpenSTA overrode ${lost?.[1] ?? 'an unknown number of'} of the measured activities (the recipe of src/flows/hardware/power/sta.ts did not hold)`,
    );
  }
  return { ...rep, cells: parseInstancePower(await readFile(path.join(s.dir, CELL_POWER_FILE), 'utf8')) };
}

/** The stub cell of every memory module: its ports from the manifest (the clock among them). */
function memoryStubs(memories: readonly MemoryInfo[], clock: string) {
  return memories.map(({ module, ports }) => {
    if (!ports.some((p) => p.name === clock)) throw new Error(`power: memory module ${module} has no ${clock} input`);
    return { name: module, clock, ports };
  });
}
