// `taxonn power`: flip-flop outputs and SRAM energies from liberty files, the OpenSTA report
// parser on recorded outputs, real runs on a small Iris network (4-8-3, P = 2)
// and the one-line errors of the command.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTaxonn } from '../../support/cli.js';
import { deriveSizes, entryOf, parseConfig, resolveConfig, type Config } from '../../../src/config/index.js';
import { parseLibertyGroups, readLibertyGroups } from '../../../src/flows/formats/liberty.js';
import { flopClockPins, flopOutputs, sramEnergies } from '../../../src/flows/hardware/power/liberty-power.js';
import { estimatePower, type PowerReport } from '../../../src/flows/hardware/power/power.js';
import { parseReportPower, staPowerScript, stubLiberty } from '../../../src/flows/hardware/power/sta.js';
import { UNNAMED_LOGIC, blockOf, cellNames, logicBlocks, parseInstancePower } from '../../../src/flows/hardware/power/blocks.js';
import { parseNetlist } from '../../../src/flows/formats/netlist.js';
import { DEFAULT_LIBERTY } from '../../../src/flows/hardware/synth.js';
import { GoldenAccelerator, initialWeights } from '../../../src/model/accelerator.js';
import { loadDataset, quantizeInputs, type DatasetName } from '../../../src/model/datasets/index.js';
import { repoRoot } from '../../../src/hdl/source.js';

const FIX = path.join(repoRoot, 'test', 'fixtures', 'hardware');
const fixture = (f: string) => fs.readFileSync(path.join(FIX, f), 'utf8');
const IHP = '/work/shared/pdk/ihp-sg13g2';
const hasIhp = fs.existsSync(IHP);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'taxonn-power-test-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('what the power flow reads from liberty files', () => {
  it('finds flip-flop outputs and their polarity', () => {
    const osu = flopOutputs(readLibertyGroups(DEFAULT_LIBERTY));
    expect(osu.get('DFFPOSX1')).toEqual([{ pin: 'Q', inverted: false }]);
    expect(osu.has('NAND2X1')).toBe(false);
    const mini = flopOutputs(parseLibertyGroups(fixture('mini.lib')));
    expect(mini.get('DFFPOSX1')).toEqual([{ pin: 'Q', inverted: false }]);
    // and their clock pins, of either edge (clocked_on "CLK" and "(!CLK)")
    const clocks = flopClockPins(readLibertyGroups(DEFAULT_LIBERTY));
    expect([clocks.get('DFFPOSX1'), clocks.get('DFFNEGX1'), clocks.has('NAND2X1')]).toEqual(['CLK', 'CLK', false]);
  });

  it('takes SRAM read and write energy from the clock pin, active-low names included', () => {
    const lib = `library (x) {
  capacitive_load_unit (1, ff); voltage_unit : "1V"; leakage_power_unit : "1uW";
  cell (sram_32x8) { area : 100; memory () { address_width : 5; word_width : 8; } cell_leakage_power : 2;
    pin (clk0) { direction : input; clock : true;
      internal_power () { when : "!csb0 & !web0"; rise_power (scalar) { values ("300"); } fall_power (scalar) { values ("100"); } }
      internal_power () { when : "!csb0 & web0"; rise_power (scalar) { values ("250"); } fall_power (scalar) { values ("50"); } }
      internal_power () { when : "csb0"; rise_power (scalar) { values ("1"); } fall_power (scalar) { values ("1"); } } }
    pin (csb0) { direction : input; } pin (web0) { direction : input; } }
}`;
    const [e] = sramEnergies(parseLibertyGroups(lib));
    // fF × V² = 1e-3 pJ; web0 = 1 (inactive, active low) is a read
    expect(e!.readPj).toBeCloseTo(0.3, 12);
    expect(e!.writePj).toBeCloseTo(0.4, 12);
    expect(e!.leakageMw).toBeCloseTo(0.002, 12);
    expect(e!.source).toMatch(/read when "!csb0 & web0", write when "!csb0 & !web0"/);
  });

  it.skipIf(!hasIhp)(`reads the IHP SRAM macros' energies (skipped when ${IHP} does not exist)`, () => {
    const [e] = sramEnergies(readLibertyGroups(path.join(IHP, 'RM_IHPSG13_1P_1024x8_c2_bm_bist_typ_1p20V_25C.lib')));
    // A_CLK: "A_MEN & !A_WEN & A_REN" 15.5961 pJ, "A_MEN & A_WEN & !A_REN" 19.9179 pJ; 99.0077 nW
    expect(e).toMatchObject({ cell: 'RM_IHPSG13_1P_1024x8_c2_bm_bist', readPj: 15.5961, writePj: 19.9179 });
    expect(e!.leakageMw).toBeCloseTo(99.0077e-6, 12);
  });
});

describe('OpenSTA side', () => {
  it('parses report_power (recorded runs of OpenSTA 2.0.17, -digits 6 and the default 3)', () => {
    const r = parseReportPower(fixture('opensta-report-power.txt'));
    expect(r.total).toEqual({ internal: 2.641563e-2, switching: 3.635228e-3, leakage: 4.678796e-7, total: 3.005133e-2 });
    expect(Object.keys(r.groups)).toEqual(['Sequential', 'Combinational', 'Macro', 'Pad']);
    const sum = Object.values(r.groups).reduce((s, g) => s + g.total, 0);
    expect(sum).toBeCloseTo(r.total.total, 7); // 7 significant digits printed
    expect(r.total.internal + r.total.switching + r.total.leakage).toBeCloseTo(r.total.total, 7);
    const three = parseReportPower(fixture('opensta-report-power-3digits.txt'));
    expect(three.total).toEqual({ internal: 2.88e-2, switching: 3.48e-3, leakage: 4.71e-7, total: 3.22e-2 });
    expect(three.groups.Sequential!.internal).toBe(2.01e-2);
    expect(() => parseReportPower('Error: no design')).toThrow(/no Total row/);
  });

  it('puts each cell in a block by its kept instance or the RTL net it drives, and sums their power', () => {
    expect(blockOf('pe3')).toBe('PEs (multipliers, accumulators)');
    expect(blockOf('ebank12.mem')).toBe('error banks');
    expect(blockOf('controller.state')).toBe('controller');
    expect(blockOf('cycles_busy_q')).toBe('performance counters');
    expect(blockOf('_12345_')).toBe(UNNAMED_LOGIC);
    const netlist = [
      'module sub(a, y);',
      '  input a;',
      '  output y;',
      '  INVX1 _1_ ( .A(a), .Y(y) );',
      'endmodule',
      'module top(clk, a, q);',
      '  input clk, a;',
      '  output q;',
      '  wire _7_;',
      '  wire [1:0] \\ebank0.mem ;',
      '  DFFPOSX1 _2_ ( .CLK(clk), .D(_7_), .Q(\\ebank0.mem [1]) );',
      '  INVX1 _3_ ( .A(a), .Y(_7_) );',
      '  sub pe0 ( .a(a), .y(q) );',
      'endmodule',
      '',
    ].join('\n');
    const modules = new Map(parseNetlist(netlist).map((m) => [m.name, m]));
    const names = cellNames(
      modules,
      'top',
      new Map([
        ['INVX1', ['Y']],
        ['DFFPOSX1', ['Q']],
      ]),
    );
    expect([...names]).toEqual([
      ['_2_', 'ebank0.mem'],
      ['_3_', '_7_'],
      ['pe0/_1_', 'pe0'],
    ]);
    const report = [
      '     Internal    Switching      Leakage        Total',
      '----',
      ' 1e-06 0 0 1.000000e-06 _2_',
      ' 2e-06 0 0 2.000000e-06 _3_',
      ' 0 0 0 0.000000e+00 pe0',
      ' 4e-06 0 0 4.000000e-06 pe0/_1_',
    ].join('\n');
    const power = parseInstancePower(report);
    expect(power.get('pe0/_1_')).toBe(4e-6);
    expect(logicBlocks(power, names)).toEqual([
      { block: 'PEs (multipliers, accumulators)', cells: 1, mW: 0.004 },
      { block: UNNAMED_LOGIC, cells: 1, mW: 0.002 },
      { block: 'error banks', cells: 1, mW: 0.001 },
    ]);
  });

  it('writes a stub cell per memory and the activity script in the order the recipe needs', () => {
    const lib = stubLiberty([
      {
        name: 'ram_4x8',
        clock: 'clk',
        ports: [
          { name: 'clk', dir: 'input', width: 1 },
          { name: 'raddr', dir: 'input', width: 2 },
          { name: 'rdata', dir: 'output', width: 8 },
        ],
      },
    ]);
    const cell = parseLibertyGroups(lib)[0]!.groups.find((g) => g.type === 'cell')!;
    expect(cell.args[0]).toBe('ram_4x8');
    const rdata = cell.groups.find((g) => g.args[0] === 'rdata')!;
    expect(rdata.type).toBe('bus');
    expect(rdata.groups[0]!.attrs).toMatchObject({ related_pin: 'clk', timing_type: 'rising_edge' });
    const tcl = staPowerScript({
      liberties: ['/l.lib'],
      netlist: '/n.v',
      top: 't',
      clock: 'clk',
      periodNs: 10,
      memories: ['m0'],
      registers: ['r0', 'u/r1'],
      inputs: [{ pin: 'a[0]', activity: 0.25, duty: 0.5 }],
      pins: [{ pin: 'u/r1/Q', activity: 0.125, duty: 0.75 }],
      probeCell: 'g0',
    });
    const at = (re: RegExp) => tcl.split('\n').findIndex((l) => re.test(l));
    expect(at(/^set_power_activity -input_ports \[get_ports \{a\[0\]\}\] -activity 0.25 -duty 0.5$/)).toBeGreaterThan(at(/^report_power > \/dev\/null$/));
    expect(at(/sta::set_power_pin_activity \$p 0.125 0.75/)).toBeGreaterThan(at(/set_disable_timing \$taxonn_regs/));
    expect(at(/unset_disable_timing \$taxonn_regs/)).toBeGreaterThan(at(/^report_power -instances/));
    expect(at(/^report_power -digits 6$/)).toBeGreaterThan(at(/unset_disable_timing \$taxonn_mems/));
    expect(tcl).not.toMatch(/-global/);
    expect(() =>
      staPowerScript({
        liberties: ['/a b.lib'],
        netlist: '/n.v',
        top: 't',
        clock: 'clk',
        periodNs: 1,
        memories: [],
        registers: [],
        inputs: [],
        pins: [],
        probeCell: 'g',
      }),
    ).toThrow(/unsupported character/);
  });
});

describe('real runs on a small Iris network (4-8-3, P = 2)', { timeout: 300_000 }, () => {
  const cfg = resolveConfig({ overrides: { layers: [4, 8, 3], pes: 2 } });
  let r100: PowerReport;

  it('4 training samples at 100 MHz on OSU018: totals add up, registers matched, energy = power × time', async () => {
    r100 = await estimatePower(cfg, { dataset: 'iris', samples: 4, clockMHz: 100 });
    expect(r100).toMatchObject({ variant: 'taxonn', dataset: 'iris', samples: 4, clockMHz: 100, liberty: DEFAULT_LIBERTY, train: true, memoryIncluded: false });
    expect(r100.memoryMw).toBeUndefined();
    expect(r100.totalPowerMw).toBeCloseTo(r100.internalMw + r100.switchingMw + r100.leakageMw, 3);
    const groups = Object.values(r100.logic.groups).reduce((s, g) => s + g.total, 0);
    expect(groups).toBeCloseTo(r100.logic.totalMw, 3);
    expect(r100.energyPerSampleNj).toBeCloseTo((r100.totalPowerMw * r100.cyclesPerSample) / 100, 3);
    // the breakdown adds up to it: the logic only here (no SRAM liberty)
    const e = r100.perSampleNj;
    expect(e.memories).toEqual([]);
    expect(e.logicDynamic + e.logicLeakage).toBeCloseTo(r100.energyPerSampleNj, 2);
    // the logic by block: every cell in one block, so the blocks add up to the logic; the big ones are named
    const byBlock = Object.fromEntries(e.logicBlocks.map((b) => [b.block, b.nJ]));
    expect(e.logicBlocks.reduce((t, b) => t + b.nJ, 0)).toBeCloseTo(e.logicDynamic + e.logicLeakage, 1);
    for (const block of ['PEs (multipliers, accumulators)', 'update units', 'error banks', 'controller', 'drain (activations, output errors, argmax)'])
      expect(byBlock[block], block).toBeGreaterThan(0);
    expect(byBlock[UNNAMED_LOGIC] ?? 0).toBeLessThan(0.3 * (e.logicDynamic + e.logicLeakage));
    const bound = deriveSizes(cfg).boundCycles;
    expect(r100.cyclesPerSample).toBeGreaterThan(bound);
    expect(r100.cyclesPerSample).toBeLessThan(2 * bound);
    expect(r100.windowCycles).toBeGreaterThanOrEqual(4 * r100.cyclesPerSample);
    // Yosys re-encodes the 4-bit controller state one-hot: those bits (and only a few others) have no RTL twin.
    expect(r100.registerBits).toBeGreaterThan(500);
    expect(r100.unmatchedRegisterBits).toBeGreaterThan(0);
    expect(r100.unmatchedRegisterBits).toBeLessThan(0.05 * r100.registerBits);
    expect(r100.meanRegisterActivity).toBeGreaterThan(0.01);
    expect(r100.meanRegisterActivity).toBeLessThan(1);
    expect(r100.logicAreaUm2).toBeGreaterThan(10_000);
    expect(r100.leakageMw).toBeGreaterThan(0);
    expect(r100.switchingMw).toBeGreaterThan(0.05 * r100.totalPowerMw);
  });

  it('twice the clock: twice the dynamic power, the same energy per sample (synthesis reused)', async () => {
    const r200 = await estimatePower(cfg, { dataset: 'iris', samples: 4, clockMHz: 200 });
    expect(r200.synthesisCached).toBe(true);
    const dyn = (r: PowerReport) => r.internalMw + r.switchingMw;
    expect(dyn(r200) / dyn(r100)).toBeGreaterThan(1.98);
    expect(dyn(r200) / dyn(r100)).toBeLessThan(2.02);
    expect(r200.leakageMw).toBeCloseTo(r100.leakageMw, 9);
    expect(r200.energyPerSampleNj / r100.energyPerSampleNj).toBeCloseTo(1, 2);
  });

  it('after N: the traced samples follow N trained ones (golden model), from their weights', async () => {
    const r = await estimatePower(cfg, { dataset: 'iris', samples: 2, clockMHz: 100, after: 60 });
    expect(r).toMatchObject({ samples: 2, after: 60, train: true });
    expect(r.synthesisCached).toBe(true); // the same design as above: only the workload changed
    expect(r.windowCycles).toBeGreaterThanOrEqual(2 * r.cyclesPerSample);
    // the weight load streams the trained weights: other codes toggle the load path than the initial ones
    expect(r.totalPowerMw).not.toBe(r100.totalPowerMw);
  });

  it('runs where OpenSTA 2.0.17 crashed on the hierarchical netlist (inference 4-5-3, P = 5: a constant module input)', async () => {
    const crashed = resolveConfig({
      overrides: {
        variant: 'inference',
        layers: [4, 5, 3],
        pes: 5,
        weight: { bits: 10, frac: 8 },
        act: { bits: 6, frac: 4 },
        error: { bits: 8, frac: 6 },
        accBits: 19,
        lrShift: 6,
        rounding: 'stochastic',
      },
    });
    const r = await estimatePower(crashed, { dataset: 'iris', samples: 2, clockMHz: 100 });
    expect(r.totalPowerMw).toBeGreaterThan(0);
    expect(r.unmatchedRegisterBits).toBeLessThan(0.05 * r.registerBits);
  });

  it('busy beats idle: one sample then 2000 idle cycles has far less register activity and power', async () => {
    const idle = await estimatePower(cfg, { dataset: 'iris', samples: 1, clockMHz: 100, idleCycles: 2000 });
    expect(idle.windowCycles).toBeGreaterThan(2000);
    expect(idle.meanRegisterActivity).toBeLessThan(0.3 * r100.meanRegisterActivity);
    expect(idle.switchingMw).toBeLessThan(0.5 * r100.switchingMw);
    expect(idle.totalPowerMw).toBeLessThan(r100.totalPowerMw);
    expect(idle.totalPowerMw).toBeGreaterThan(0.3 * r100.totalPowerMw); // the clock still ticks every flip-flop
  });

  it.skipIf(!hasIhp)(`IHP SG13G2 cells with SRAM macros: memory power counted and included (skipped when ${IHP} does not exist)`, async () => {
    const srams = fs
      .readdirSync(IHP)
      .filter((f) => f.startsWith('RM_IHPSG13_1P_'))
      .map((f) => path.join(IHP, f));
    // single-port weight banks of 91 × 12 bits: built from a macro; the smaller memories are flip-flops
    const ihpCfg = resolveConfig({ overrides: { layers: [4, 40, 3], pes: 4, weightPorts: '1p' } });
    const ihp = (clockGates: boolean) =>
      estimatePower(ihpCfg, {
        dataset: 'iris',
        samples: 4,
        clockMHz: 100,
        // relative to the working folder, as a user types it (OpenSTA runs in another folder)
        liberty: path.relative(process.cwd(), path.join(IHP, 'sg13g2_stdcell_typ_1p20V_25C.lib')),
        sramLiberty: srams,
        clockGates,
      });
    const r = await ihp(true);
    // the clock gates of the idle flip-flops (error banks, activation buffer, drain, counters,
    // update units) change no value and no cycle, and take a large part of the flip-flops' power
    const ungated = await ihp(false);
    expect([r.cyclesPerSample, r.perSampleNj.sramReads, r.perSampleNj.sramWrites]).toEqual([
      ungated.cyclesPerSample,
      ungated.perSampleNj.sramReads,
      ungated.perSampleNj.sramWrites,
    ]);
    expect(r.logic.groups.Sequential!.total).toBeLessThan(0.8 * ungated.logic.groups.Sequential!.total);
    const block = (x: PowerReport, name: string) => x.perSampleNj.logicBlocks.find((b) => b.block === name)!.nJ;
    for (const name of ['error banks', 'activation buffer', 'drain (activations, output errors, argmax)', 'performance counters']) {
      expect(block(r, name), name).toBeLessThan(0.6 * block(ungated, name));
    }
    expect(r.memoryIncluded).toBe(true);
    expect(r.memoryMw!).toBeGreaterThan(0);
    expect(r.totalPowerMw).toBeCloseTo(r.logic.totalMw + r.memoryMw!, 3);
    expect(r.totalPowerMw).toBeCloseTo(r.internalMw + r.switchingMw + r.leakageMw, 3);
    expect(r.memories!.map((m) => m.role)).toEqual(['weight']);
    // the flip-flops of the memories built from them are matched word by word in the trace (only FSM bits are not)
    expect(r.unmatchedRegisterBits).toBeLessThan(20);
    expect(r.registerBits).toBeGreaterThan(2000);
    const w = r.memories!.find((m) => m.role === 'weight')!;
    expect(w.instantiated).toBe(true);
    expect(w.macros).toEqual([{ cell: 'RM_IHPSG13_1P_256x48_c2_bm_bist', count: 1 }]);
    expect(w.readsPerCycle).toBeGreaterThan(0.3); // the weight banks are read in every phase
    expect(w.writesPerCycle).toBeGreaterThan(0); // and written in the update
    expect(w.readPj).toBeCloseTo(37.82, 2);
    // pJ per cycle × MHz = µW
    const expected = (w.instances * (w.readsPerCycle * w.readPj + w.writesPerCycle * w.writePj) * 100) / 1e3;
    expect(w.dynamicMw).toBeCloseTo(expected, 3);
    expect(r.memories!.reduce((s, m) => s + m.mW, 0)).toBeCloseTo(r.memoryMw!, 3);
    // per sample: the parts add up to the energy; the weight banks' reads are their per-cycle rate over a sample's cycles
    const e = r.perSampleNj;
    expect(e.logicDynamic + e.logicLeakage + e.sramReads + e.sramWrites + e.sramLeakage).toBeCloseTo(r.energyPerSampleNj, 1);
    const we = e.memories.find((m) => m.role === 'weight')!;
    expect(we.reads).toBeCloseTo(w.readsPerCycle * w.instances * r.cyclesPerSample, 1);
    expect(we.readNj).toBeCloseTo((we.reads * w.readPj) / 1e3, 2);
    expect(e.sramReads).toBeGreaterThan(e.sramWrites); // every phase reads weights, only the update writes them
    // a weight is rewritten only when its step is non-zero: the banks' writes in the window are the
    // weights the golden model changes on these samples, plus at most those a step leaves at a limit
    const writes = w.writesPerCycle * w.instances * r.windowCycles;
    const golden = changedWeights(r.config, 'iris', 4);
    expect(golden.changed).toBeGreaterThan(100);
    expect(writes).toBeGreaterThanOrEqual(golden.changed - 0.5);
    expect(writes).toBeLessThanOrEqual(golden.changed + golden.atLimit + 0.5);
  });

  it.skipIf(!hasIhp)(
    `a network with convolution training on SRAM macros: its memories, clock gates and the reads zero activations skip (skipped when ${IHP} does not exist)`,
    async () => {
      const srams = fs
        .readdirSync(IHP)
        .filter((f) => f.startsWith('RM_IHPSG13_1P_'))
        .map((f) => path.join(IHP, f));
      // 16 filters of 2 × 2 ("same") and a dense layer of 64 inputs: each lane's weights (170 words) fill an SRAM macro
      const cnnCfg = parseConfig({
        layers: [{ input: [2, 2, 1] }, { conv: { filters: 16, kernel: 2, padding: 'same' } }, { dense: 3 }],
        pes: 2,
        weightPorts: '1p',
      });
      const liberty = path.join(IHP, 'sg13g2_stdcell_typ_1p20V_25C.lib');
      const run = (clockGates: boolean) => estimatePower(cnnCfg, { dataset: 'iris', samples: 4, clockMHz: 100, liberty, sramLiberty: srams, clockGates });
      const [r, ungated] = [await run(true), await run(false)];
      expect(r.train).toBe(true);
      // the gates (drain, update units, walks, counters) change no value and no cycle, and save flip-flop power
      expect([r.cyclesPerSample, r.perSampleNj.sramReads]).toEqual([ungated.cyclesPerSample, ungated.perSampleNj.sramReads]);
      expect(r.logic.groups.Sequential!.total).toBeLessThan(0.9 * ungated.logic.groups.Sequential!.total);
      // the PEs' gate (their enable: idle in the error pass, the drain, the waits, a skipped zero)
      const peBlock = (x: PowerReport) => x.perSampleNj.logicBlocks.find((b) => b.block === 'PEs (multipliers, accumulators)')?.nJ ?? Number.NaN;
      expect(peBlock(r)).toBeLessThan(0.9 * peBlock(ungated));
      const e = r.perSampleNj;
      expect(e.logicDynamic + e.logicLeakage + e.sramReads + e.sramWrites + e.sramLeakage).toBeCloseTo(r.energyPerSampleNj, 1);
      // the training design's blocks are named: little is left to "other named logic"
      const other = e.logicBlocks.find((b) => b.block === 'other named logic')?.nJ ?? 0;
      expect(other).toBeLessThan(0.15 * (e.logicDynamic + e.logicLeakage));
      for (const block of ['PEs (multipliers, accumulators)', 'update units', 'address walks and step control', 'backward adder tree and δ'])
        expect(e.logicBlocks.find((b) => b.block === block)?.nJ ?? 0, block).toBeGreaterThan(0);
      // zero inputs are skipped (ARCHITECTURE.md §18): the forward pass reads no weight for them, the
      // backward pass and the update no error, no backward sum and (a dense layer's column) no weight.
      // Without: more weight reads, more reads and writes of the backward sums (the SRAM macros here),
      // and a cycle less per weight step (the s0 stage, 2) and up to one per training pass (the t0
      // stage, 3; single-port memories issue on every other cycle, which can take the cycle back)
      const dense = await estimatePower(
        { ...cnnCfg, skipZeroInputs: false, skipZeroActivations: false },
        { dataset: 'iris', samples: 4, clockMHz: 100, liberty, sramLiberty: srams, clockGates: true },
      );
      const reads = (x: PowerReport, role: string) => x.perSampleNj.memories.find((m) => m.role === role)?.reads ?? Number.NaN;
      expect(r.memories?.find((m) => m.role === 'weight')?.instantiated).toBe(true);
      for (const role of ['weight', 'bsum']) expect(reads(r, role), role).toBeLessThan(reads(dense, role) - 1);
      const writes = (x: PowerReport, role: string) => x.perSampleNj.memories.find((m) => m.role === role)?.writes ?? Number.NaN;
      expect(writes(r, 'bsum')).toBeLessThan(writes(dense, 'bsum') - 1);
      expect(r.cyclesPerSample - dense.cyclesPerSample).toBeGreaterThanOrEqual(2);
      expect(r.cyclesPerSample - dense.cyclesPerSample).toBeLessThanOrEqual(5);
    },
  );
});

/**
 * How many weights the golden model changes on the first `samples` training samples of a data set,
 * from the initial weights, and how many sit at a limit of their format after a sample (summed).
 */
function changedWeights(cfg: Config, dataset: DatasetName, samples: number): { changed: number; atLimit: number } {
  const data = loadDataset(dataset);
  const F = data.features;
  const codes = quantizeInputs(data.train.x.subarray(0, samples * F), entryOf(cfg.act, 0));
  const golden = new GoldenAccelerator(cfg);
  golden.loadWeights(initialWeights(cfg, cfg.seed));
  const limit = 2 ** (entryOf(cfg.weight, 0).bits - 1);
  let changed = 0;
  let atLimit = 0;
  for (let i = 0; i < samples; i++) {
    const before = golden.readWeights().slice();
    golden.sample(codes.subarray(i * F, (i + 1) * F), data.train.y[i]!, true);
    const after = golden.readWeights();
    for (let k = 0; k < after.length; k++) {
      if (after[k] !== before[k]) changed++;
      if (after[k] === limit - 1 || after[k] === -limit) atLimit++;
    }
  }
  return { changed, atLimit };
}

// (bad --samples / --clock, a data set that does not fit and a missing sta: test/cli/bad-inputs.test.ts)
describe('npx taxonn power: bad input is one line, exit 2', () => {
  const oneLine = (res: { code: number | null; stderr: string }, re: RegExp) => {
    expect(res.code, res.stderr).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(re);
  };
  const base = ['power', '--dataset', 'iris', '--samples', '2', '--clock', '100'];

  it('a missing liberty file', () => {
    const missing = path.join(tmp, 'missing.lib');
    const keep = path.join(tmp, 'keep');
    oneLine(runTaxonn([...base, '--liberty', missing, '--keep-dir', keep]), new RegExp(`^taxonn: liberty file ${missing} not found\\n$`));
    oneLine(runTaxonn([...base, '--sram-liberty', missing]), new RegExp(`^taxonn: SRAM liberty file ${missing} not found\\n$`));
    expect(fs.existsSync(keep)).toBe(false); // nothing written
  });
});
