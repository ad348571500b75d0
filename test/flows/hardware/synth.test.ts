// `taxonn synth`: SRAM macros and the tiling rule, parsing of recorded Yosys reports,
// real runs of every target on a tiny accelerator, and the one-line errors of the command.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTaxonn } from '../../support/cli.js';
import { resolveConfig } from '../../../src/config/index.js';
import { readLiberty } from '../../../src/flows/formats/liberty.js';
import { sramMacros, tileMemory, type SramMacro } from '../../../src/flows/hardware/sram.js';
import {
  DEFAULT_LIBERTY,
  fpgaCounts,
  parseStatArea,
  parseYosysStat,
  synthesizeAccelerator,
  synthesizeDesign,
  type AsicSynthReport,
  type FpgaSynthReport,
  type GenericSynthReport,
} from '../../../src/flows/hardware/synth.js';
import { repoRoot } from '../../../src/hdl/source.js';
import { opensta } from '../../../src/tools/index.js';

const FIX = path.join(repoRoot, 'test', 'fixtures', 'hardware');
const fixture = (f: string) => fs.readFileSync(path.join(FIX, f), 'utf8');
const IHP = '/work/shared/pdk/ihp-sg13g2';
const hasIhp = fs.existsSync(IHP);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'taxonn-synth-test-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The tiny configuration every real run uses: 4-3-2, two PEs (two 14 x 12 weight banks). */
const tiny = resolveConfig({ overrides: { layers: [4, 3, 2], pes: 2 } });
// weight, error banks (each error with its non-zero bit); the input buffer's indices and values, two samples' worth (skipZeroInputs); the activation buffer
const TINY_MEMORY_BITS = 2 * 14 * 12 + 2 * 3 * 9 + 8 * 2 + 8 * 8 + 3 * 8;

const taxonn = (args: string[], env?: Record<string, string>) => runTaxonn(args, { ...process.env, ...env });

describe('SRAM macros of liberty files', () => {
  it.skipIf(!hasIhp)(`reads the IHP SG13G2 SRAM macros (skipped when ${IHP} does not exist)`, () => {
    const files = fs.readdirSync(IHP).filter((f) => f.startsWith('RM_IHPSG13_1P_'));
    const macros = sramMacros(files.map((f) => readLiberty(path.join(IHP, f))));
    expect(macros.length).toBe(files.length);
    for (const m of macros) expect(m.cell).toContain(`_${m.words}x${m.bits}_`); // memory() agrees with the name
    expect(macros.find((m) => m.words === 64)!.areaUm2).toBeCloseTo(50489.1328, 3);
  });
});

describe('SRAM tiling rule', () => {
  const m = (cell: string, words: number, bits: number, areaUm2: number): SramMacro => ({ cell, words, bits, areaUm2 });
  const set = [m('A_1024x16', 1024, 16, 80), m('B_4096x16', 4096, 16, 258), m('C_1024x8', 1024, 8, 49), m('D_64x64', 64, 64, 50)];

  it('picks the smallest total area over macro types, tiling width and depth', () => {
    // 3205 x 12: one 4096x16 (258) beats four 1024x16 (320) and 4 x 2 1024x8 (392).
    expect(tileMemory(3205, 12, set)).toMatchObject({ macros: [{ cell: 'B_4096x16', count: 1 }], macroCount: 1, areaUm2: 258 });
    // 49 x 128: two 64x64 side by side.
    expect(tileMemory(49, 128, set)).toMatchObject({ macros: [{ cell: 'D_64x64', count: 2 }], areaUm2: 100 });
    // 5 x 8: the smallest macro that holds 8 bits, even if mostly empty.
    const small = tileMemory(5, 8, set);
    expect(small).toMatchObject({ macros: [{ cell: 'C_1024x8', count: 1 }], areaUm2: 49 });
    expect(small.efficiency).toBeCloseTo(40 / 8192, 9);
  });

  it('mixes macro types along the depth when that is cheaper', () => {
    // 1088 x 16: 1024x16 + one 64-word range of 64x64 (80 + 50) beats 2 x 1024x16 (160) and 4096x16 (258).
    expect(tileMemory(1088, 16, set)).toMatchObject({
      macros: [
        { cell: 'A_1024x16', count: 1 },
        { cell: 'D_64x64', count: 1 },
      ],
      areaUm2: 130,
    });
  });

  it('breaks area ties by fewer macros', () => {
    const tie = [m('X_128x8', 128, 8, 10), m('Y_256x8', 256, 8, 20)];
    expect(tileMemory(256, 8, tie)).toMatchObject({ macros: [{ cell: 'Y_256x8', count: 1 }], macroCount: 1, areaUm2: 20 });
  });

  it('rejects empty macro sets and sizes', () => {
    expect(() => tileMemory(8, 8, [])).toThrow(/no SRAM macros/);
    expect(() => tileMemory(0, 8, set)).toThrow(RangeError);
  });
});

describe('Yosys report parsing (recorded outputs of the tiny configuration)', () => {
  it('generic: cell counts and the transistor estimate, hierarchy table lines tolerated', () => {
    const s = parseYosysStat(fixture('yosys-stat-cmos.json'));
    expect(s.transistors).toBe(64824);
    expect(s.cells).toBe(7262);
    expect(s.cellsByType.$_DFF_P_).toBe(724);
    expect(s.cellsByType.weight_ram_14x12s).toBe(2);
    // Yosys' CMOS unit costs (docs/HARDWARE.md) over the gates; the black boxes add nothing.
    const cost: Record<string, number> = {
      $_NOT_: 2,
      $_NAND_: 4,
      $_NOR_: 4,
      $_AND_: 6,
      $_OR_: 6,
      $_ANDNOT_: 6,
      $_ORNOT_: 6,
      $_XOR_: 12,
      $_XNOR_: 12,
      $_MUX_: 12,
      $_DFF_P_: 16,
    };
    const total = Object.entries(s.cellsByType).reduce((t, [type, n]) => t + n * (cost[type] ?? 0), 0);
    expect(total).toBe(s.transistors);
  });

  it('ice40 and xilinx: LUT, flip-flop, carry, DSP and RAM counts', () => {
    const ice = fpgaCounts('ice40', parseYosysStat(fixture('yosys-stat-ice40.json')).cellsByType);
    expect(ice).toEqual({ luts: 1357, flipFlops: 1131, carries: 772, dsps: 2, blockRams: 2, blockRamsByType: { SB_RAM40_4K: 2 }, lutRams: 0 });
    const xil = fpgaCounts('xilinx', parseYosysStat(fixture('yosys-stat-xilinx.json')).cellsByType);
    expect(xil).toEqual({ luts: 1 + 278 + 230 + 93 + 102 + 125 + 85, flipFlops: 1013, carries: 177, dsps: 2, blockRams: 0, blockRamsByType: {}, lutRams: 14 });
  });

  it('asic: the chip area of stat -liberty equals the cell counts times the OSU018 areas', () => {
    const area = parseStatArea(fixture('yosys-stat-liberty.txt'));
    expect(area).toBe(239576);
    const lib = readLiberty(DEFAULT_LIBERTY);
    const cells = parseYosysStat(fixture('yosys-stat-asic.json')).cellsByType;
    const sum = Object.entries(cells).reduce((s, [t, n]) => s + n * (lib.cells.get(t)?.area ?? 0), 0);
    expect(sum).toBeCloseTo(area, 6);
    expect(() => parseStatArea('no area here')).toThrow(/no chip area/);
  });
});

describe('real runs on the tiny configuration (4-3-2, P = 2)', { timeout: 300_000 }, () => {
  it('generic: logic cells and transistors, memories black boxes', async () => {
    const r = (await synthesizeAccelerator(tiny, { target: 'generic' })) as GenericSynthReport;
    expect(r.target).toBe('generic');
    expect(r.memoryBits).toBe(TINY_MEMORY_BITS);
    expect(r.memories.map((m) => m.module).sort()).toEqual(['act_ram_3x8', 'error_ram_3x9', 'input_index_ram_8x2', 'input_value_ram_8x8', 'weight_ram_14x12s']);
    expect(Object.keys(r.cellsByType).some((t) => /_ram_/.test(t))).toBe(false);
    expect(r.flipFlops).toBeGreaterThan(500);
    expect(r.flipFlops).toBeLessThan(1000); // no memory flattened into flip-flops (536 bits would add ~536)
    expect(r.transistors).toBeGreaterThan(20 * r.flipFlops);
    expect(r.cells).toBe(Object.values(r.cellsByType).reduce((a, b) => a + b, 0));
  });

  it('ice40: two SB_MAC16 for two PEs, weight banks in block RAM', async () => {
    const r = (await synthesizeAccelerator(tiny, { target: 'ice40' })) as FpgaSynthReport;
    expect(r.dsps).toBe(2);
    expect(r.blockRamsByType.SB_RAM40_4K).toBeGreaterThanOrEqual(2);
    expect(r.luts).toBeGreaterThan(500);
    expect(r.flipFlops).toBeGreaterThan(500);
    expect(r.carries).toBeGreaterThan(0);
  });

  it('xilinx: two DSP48E1, LUTs and carries', async () => {
    const r = (await synthesizeAccelerator(tiny, { target: 'xilinx' })) as FpgaSynthReport;
    expect(r.dsps).toBe(2);
    expect(r.luts).toBeGreaterThan(300);
    expect(r.carries).toBeGreaterThan(0);
    expect(r.cellsByType.IBUF ?? 0).toBe(0); // -noiopad: resources of the design, not of pads
  });

  it('asic with the default liberty (OSU018), through the command line as JSON', () => {
    const res = taxonn(['synth', '--layers', '4,3,2', '--pes', '2', '--target', 'asic', '--json']);
    expect(res.stderr).toBe('');
    expect(res.code, res.stderr).toBe(0);
    const r = JSON.parse(res.stdout) as AsicSynthReport;
    expect(r.liberty.library).toBe('osu018_stdcells');
    expect(r.memoryBits).toBe(TINY_MEMORY_BITS);
    expect(r.unmapped).toEqual({});
    expect(r.memoryAreaUm2).toBeUndefined();
    // Yosys' chip area is exactly the cells times their liberty areas (memories excluded).
    const lib = readLiberty(DEFAULT_LIBERTY);
    const sum = Object.entries(r.cellsByType).reduce((s, [t, n]) => s + n * lib.cells.get(t)!.area, 0);
    expect(r.logicAreaUm2).toBeCloseTo(sum, 2);
    expect(r.sequentialAreaUm2).toBeGreaterThan(0);
    expect(r.sequentialAreaUm2).toBeLessThan(r.logicAreaUm2);
    expect(r.cells).toBeGreaterThan(1000);
  });

  it.skipIf(!hasIhp)(`asic with IHP SG13G2 cells and SRAM macros (skipped when ${IHP} does not exist)`, async () => {
    const srams = fs
      .readdirSync(IHP)
      .filter((f) => f.startsWith('RM_IHPSG13_1P_'))
      .map((f) => path.join(IHP, f));
    const r = (await synthesizeAccelerator(tiny, {
      target: 'asic',
      liberty: path.join(IHP, 'sg13g2_stdcell_typ_1p20V_25C.lib'),
      sramLiberty: srams,
    })) as AsicSynthReport;
    expect(r.liberty.library).toBe('sg13g2_stdcell_typ_1p20V_25C');
    expect(r.unmapped).toEqual({});
    expect(r.logicAreaUm2).toBeGreaterThan(10_000);
    // every memory of this tiny network is at most 1 kbit: flip-flops in the logic, no macro
    expect(r.memories.every((m) => m.inLogic)).toBe(true);
    expect(r.memoryMacros).toEqual([]);
    expect(r.memoryAreaUm2).toBe(0);
    expect(r.totalAreaUm2).toBeCloseTo(r.logicAreaUm2, 2);
  });

  it.skipIf(!hasIhp)('asic with IHP macros: the single-port banks built from them (black boxes of the netlist), a 1R1W bank priced by tiling', async () => {
    const srams = fs
      .readdirSync(IHP)
      .filter((f) => f.startsWith('RM_IHPSG13_1P_'))
      .map((f) => path.join(IHP, f));
    const macroArea = (cell: string) => readLiberty(srams.find((f) => f.includes(cell.slice(14, -8)))!).cells.get(cell)!.area;
    const synth = async (weightPorts: '1p' | '1r1w') =>
      (await synthesizeAccelerator(resolveConfig({ overrides: { layers: [160, 16, 3], pes: 4, weightPorts } }), {
        target: 'asic',
        liberty: path.join(IHP, 'sg13g2_stdcell_typ_1p20V_25C.lib'),
        sramLiberty: srams,
      })) as AsicSynthReport;
    const [single, dual] = await Promise.all([synth('1p'), synth('1r1w')]);
    for (const r of [single, dual]) {
      expect(r.unmapped).toEqual({});
      const plans = Object.fromEntries(r.memoryMacros!.map((p) => [p.role, p]));
      // the input pairs: a double buffer of two single-port halves (160 × 8 each), built from macros
      for (const role of ['input_index', 'input_value']) {
        expect(plans[role]).toMatchObject({ kind: '1p', instances: 2, instantiated: true });
        expect(plans[role]!.areaUm2).toBeCloseTo(2 * plans[role]!.macros.reduce((s, u) => s + u.count * macroArea(u.cell), 0), 2);
      }
      // errors and activations are flip-flops
      expect(
        r.memories
          .filter((m) => m.inLogic)
          .map((m) => m.role)
          .sort(),
      ).toEqual(['act', 'error']);
      expect(r.memoryAreaUm2).toBeCloseTo(
        r.memoryMacros!.reduce((s, p) => s + p.areaUm2, 0),
        2,
      );
    }
    const w1 = single.memoryMacros!.find((p) => p.role === 'weight')!;
    expect(w1).toMatchObject({ kind: '1p', instances: 4, instantiated: true });
    expect(w1.areaUm2).toBeCloseTo(4 * w1.macros.reduce((s, u) => s + u.count * macroArea(u.cell), 0), 2);
    // 1R1W weights: the tiling rule's price for single-port macros, a lower bound
    expect(dual.memoryMacros!.find((p) => p.role === 'weight')).toMatchObject({ kind: '1r1w', instantiated: false });
    // the banks' decoding is logic: more of it with the macros
    expect(single.logicAreaUm2).toBeGreaterThan(0);
  });
});

describe('the mapped netlist OpenSTA reads', { timeout: 120_000 }, () => {
  // A port whose bits come from constants and other ports in turn: Yosys writes it as
  // `assign { y[4:3], y[1] } = 3'h0;`, a syntax error for Debian's OpenSTA 2.0.17 (which then crashes).
  const design = [
    'module inner(input [3:0] a, output [4:0] y);',
    "  assign y = {1'b0, 1'b0, a[2] & a[3], 1'b0, a[0] | a[1]};",
    'endmodule',
    'module outer(input clk, input [3:0] a, output reg [3:0] q, output [3:0] z);',
    '  wire [4:0] y;',
    '  inner u(.a(a), .y(y));',
    '  always @(posedge clk) q <= y[3:0] ^ a;',
    "  assign z = {a[1], 1'b1, a[3], 1'b0};",
    'endmodule',
  ].join('\n');

  it('writes assigns to a concatenation bit by bit, and links in OpenSTA', async () => {
    const file = path.join(tmp, 'outer.v');
    const netlist = path.join(tmp, 'outer.mapped.v');
    fs.writeFileSync(file, `${design}\n`);
    await synthesizeDesign({ top: 'outer', files: [file], memories: [] }, { target: 'asic', netlist });
    const text = fs.readFileSync(netlist, 'utf8');
    expect(text).toMatch(/^module inner/m); // the hierarchy is kept
    expect(text).not.toMatch(/assign\s*\{/);
    expect(text).toMatch(/assign y\[4\] = 1'b0;\n\s*assign y\[3\] = 1'b0;\n\s*assign y\[1\] = 1'b0;/);
    const tcl = path.join(tmp, 'link.tcl');
    fs.writeFileSync(
      tcl,
      [`read_liberty {${DEFAULT_LIBERTY}}`, `read_verilog {${netlist}}`, 'link_design outer', 'puts "linked [llength [get_cells -hierarchical *]]"', ''].join(
        '\n',
      ),
    );
    const sta = spawnSync(opensta().path, ['-no_init', '-exit', tcl], { encoding: 'utf8' });
    expect(sta.stdout + sta.stderr).not.toMatch(/Error/);
    expect(sta.status).toBe(0);
    expect(sta.stdout).toMatch(/linked \d+/);
  });
});

describe('npx taxonn synth: bad input is one line, exit 2', () => {
  const oneLine = (r: { code: number | null; stderr: string }, re: RegExp) => {
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(re);
  };

  it('a missing liberty file', () => {
    const missing = path.join(tmp, 'missing.lib');
    oneLine(
      taxonn(['synth', '--layers', '4,3,2', '--pes', '2', '--target', 'asic', '--liberty', missing]),
      new RegExp(`^taxonn: liberty file ${missing} not found\\n$`),
    );
    oneLine(
      taxonn(['synth', '--layers', '4,3,2', '--pes', '2', '--target', 'asic', '--sram-liberty', missing]),
      new RegExp(`^taxonn: SRAM liberty file ${missing} not found\\n$`),
    );
  });

  it('a liberty file without SRAM macros given as --sram-liberty, --liberty for an FPGA target, an unknown target', () => {
    oneLine(
      taxonn(['synth', '--layers', '4,3,2', '--pes', '2', '--target', 'asic', '--sram-liberty', DEFAULT_LIBERTY]),
      /^taxonn: SRAM liberty file \S+osu018_stdcells\.lib has no memory macro/,
    );
    oneLine(taxonn(['synth', '--target', 'ice40', '--liberty', DEFAULT_LIBERTY]), /^taxonn: --liberty and --sram-liberty apply to --target asic only/);
    oneLine(taxonn(['synth', '--target', 'asicc']), /^taxonn: --target must be one of generic, ice40, xilinx, asic, got "asicc"/);
  });

  it('a missing yosys', () => {
    const empty = fs.mkdtempSync(path.join(tmp, 'path-'));
    oneLine(
      taxonn(['synth', '--layers', '4,3,2', '--pes', '2'], { PATH: empty }),
      /^taxonn: yosys not found on PATH: run `make setup` \(or: sudo apt-get install -y yosys\)\n$/,
    );
  });
});
