/**
 * Memories built from SRAM macros (generators/memories): the IHP SG13G2 macro model behaves as
 * the IHP Open PDK's behavioural model says (bit mask, write-through, held output, BIST inputs);
 * a bank built from macros of mixed sizes is cycle-for-cycle the plain single-port memory it
 * replaces; a double buffer of two single-port halves is the 1R1W memory it replaces while reads
 * and writes keep to different halves, and stops the simulation when they do not.
 */
import { describe, expect, it } from 'vitest';
import { SInt } from '../../../src/hdl/index.js';
import { emitForSim, simulate } from '../../../src/sim/from-module.js';
import { verilatorLint } from '../../../src/tools/index.js';
import { runIcarusTestbench } from '../../support/icarus.js';
import { ihpSram1p, isIhpSram1p } from '../../../generators/memories/ihp-sg13g2.js';
import { ram1pFromMacros } from '../../../generators/memories/macro-ram.js';
import { pingPongRam } from '../../../generators/memories/two-banks.js';
import { ram1p, ram1r1w } from '../../../generators/memories/ram.js';
import { tileMemory } from '../../../generators/memories/tiling.js';

const MACROS = [
  { cell: 'RM_IHPSG13_1P_4096x16_c3_bm_bist', words: 4096, bits: 16, areaUm2: 300 },
  { cell: 'RM_IHPSG13_1P_1024x16_c2_bm_bist', words: 1024, bits: 16, areaUm2: 100 },
  { cell: 'RM_IHPSG13_1P_64x64_c2_bm_bist', words: 64, bits: 64, areaUm2: 50 },
];

/** A small generator of pseudo-random integers (deterministic tests). */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 2 ** 32) * n);
  };
}

describe('the IHP SG13G2 1P macro model', () => {
  it('writes the bits A_BM selects, reads through a write with A_REN, holds A_DOUT otherwise, and obeys A_BIST_EN', async () => {
    const cell = 'RM_IHPSG13_1P_64x8_c2_bm_bist';
    const sim = await simulate(ihpSram1p(cell, 64, 8));
    try {
      const ins = ['A_MEN', 'A_WEN', 'A_REN', 'A_ADDR', 'A_DIN', 'A_BM', 'A_BIST_EN', 'A_BIST_MEN', 'A_BIST_REN', 'A_BIST_ADDR'];
      const rows = [
        [1, 1, 0, 5, 0xab, 0xff, 0, 0, 0, 0], // write 0xab to 5
        [1, 1, 0, 5, 0x00, 0x0f, 0, 0, 0, 0], // clear its low nibble only
        [1, 0, 1, 5, 0, 0, 0, 0, 0, 0], // read 5
        [0, 0, 1, 5, 0, 0, 0, 0, 0, 0], // no A_MEN: no access, the output holds
        [1, 1, 1, 6, 0x3c, 0xff, 0, 0, 0, 0], // write 6 with read: write-through
        [1, 1, 0, 5, 0x11, 0xff, 0, 0, 0, 0], // write without read: the output holds
        [0, 0, 0, 0, 0, 0, 1, 1, 1, 5], // BIST port reads 5
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      ];
      const out = sim.runBatch(ins, rows, ['A_DOUT']).map((r) => Number(r[0]));
      expect(out.slice(3)).toEqual([0xa0, 0xa0, 0x3c, 0x3c, 0x11]);
    } finally {
      sim.close();
    }
  });

  it('knows the IHP macro names and refuses others', () => {
    expect(isIhpSram1p('RM_IHPSG13_1P_1024x64_c2_bm_bist')).toBe(true);
    expect(() => ihpSram1p('SRAM_1024x64', 1024, 64)).toThrow(/not an IHP SG13G2 single-port macro/);
  });
});

describe('a single-port memory from macros', () => {
  const depth = 5200;
  const type = SInt(20);
  const tiling = tileMemory(depth, type.width, MACROS);

  it('lays the ranges out largest first, each at a multiple of its size', () => {
    expect(tiling.ranges.map((r) => [r.words, r.base, r.across])).toEqual([
      [4096, 0, 2],
      [1024, 4096, 2],
      [64, 5120, 1],
      [64, 5184, 1],
    ]);
    for (const r of tiling.ranges) expect(r.base % r.words).toBe(0);
  });

  it('is lint-clean and reads, writes and holds exactly as ram1p does, over every range', async () => {
    const built = ram1pFromMacros('weight', depth, type, tiling, ihpSram1p);
    const { design } = emitForSim(built);
    expect((await verilatorLint(design.files, design.top)).output).toBe('');
    const rand = rng(7);
    const rows: number[][] = [];
    for (let a = 0; a < depth; a++) rows.push([1, 1, a, rand(1 << 20) - (1 << 19)]); // fill every address
    for (let i = 0; i < 4000; i++) {
      const en = rand(10) < 7 ? 1 : 0;
      rows.push([en, rand(10) < 4 ? 1 : 0, rand(depth), rand(1 << 20) - (1 << 19)]);
    }
    const ins = ['en', 'we', 'addr', 'wdata'];
    const run = async (m: typeof built) => {
      const sim = await simulate(m);
      try {
        return sim.runBatch(ins, rows, ['rdata']).map((r) => r[0]);
      } finally {
        sim.close();
      }
    };
    const [got, want] = [await run(built), await run(ram1p('weight', depth, type))];
    const reads = rows.filter((r) => r[0] === 1 && r[1] === 0).length;
    expect(reads).toBeGreaterThan(1500);
    expect(got.slice(depth + 1)).toEqual(want.slice(depth + 1));
  });
});

describe('a double buffer of two single-port halves', () => {
  const half = 300;
  const type = SInt(12);
  const target = { sramMacros: MACROS };

  it('reads and writes as ram1r1w while they keep to different halves; the same half in one cycle stops the simulation', async () => {
    const built = pingPongRam('input_value', half, type, target);
    const { design } = emitForSim(built);
    expect((await verilatorLint(design.files, design.top)).output).toBe('');
    const rand = rng(11);
    const rows: number[][] = [];
    // fill both halves, then: write one half while reading the other, swapping every 50 cycles
    for (let a = 0; a < 2 * half; a++) rows.push([0, 0, 1, a, rand(4096) - 2048]);
    for (let i = 0; i < 3000; i++) {
      const w = Math.floor(i / 50) % 2;
      rows.push([rand(10) < 7 ? 1 : 0, (1 - w) * half + rand(half), rand(10) < 6 ? 1 : 0, w * half + rand(half), rand(4096) - 2048]);
    }
    const ins = ['ren', 'raddr', 'we', 'waddr', 'wdata'];
    const run = async (m: typeof built, batch: number[][]) => {
      const sim = await simulate(m);
      try {
        return sim.runBatch(ins, batch, ['rdata']).map((r) => r[0]);
      } finally {
        sim.close();
      }
    };
    const [got, want] = [await run(built, rows), await run(ram1r1w('input_value', 2 * half, type), rows)];
    expect(got.slice(2 * half + 1)).toEqual(want.slice(2 * half + 1));
    await expect(run(built, [...rows.slice(0, 10), [1, 5, 1, 7, 3]])).rejects.toThrow(/Verilog \$stop/);
  });
});

describe('the macro models in Icarus', () => {
  it('a bank built from IHP macros reads back what was written, as Verilator has it', async () => {
    const depth = 1200;
    const type = SInt(12);
    const built = ram1pFromMacros('weight', depth, type, tileMemory(depth, type.width, MACROS), ihpSram1p);
    const { design } = emitForSim(built);
    const word = (a: number) => (a * 37 + 5) % 4096;
    // write every address, then read each back and print it (data one clock after the read)
    const tb = [
      '`timescale 1ns/1ps',
      'module tb;',
      '  reg clk = 0; reg en = 0; reg we = 0; reg [10:0] addr = 0; reg [11:0] wdata = 0; wire signed [11:0] rdata;',
      `  ${design.top} dut (.clk(clk), .en(en), .we(we), .addr(addr), .wdata(wdata), .rdata(rdata));`,
      '  always #5 clk = ~clk;',
      '  integer a;',
      '  initial begin',
      `    for (a = 0; a < ${depth}; a = a + 1) begin @(negedge clk); en = 1; we = 1; addr = a; wdata = (a * 37 + 5) % 4096; end`,
      `    for (a = 0; a < ${depth}; a = a + 1) begin @(negedge clk); en = 1; we = 0; addr = a; @(negedge clk); en = 0; $display("%0d %0d", a, rdata & 12'hfff); end`,
      '    $finish;',
      '  end',
      'endmodule',
    ].join('\n');
    const out = await runIcarusTestbench(tb, design.files);
    const lines = out.split('\n').filter((l) => /^\d+ \d+$/.test(l));
    expect(lines).toHaveLength(depth);
    for (const l of lines) {
      const [a, v] = l.split(' ').map(Number) as [number, number];
      expect(v, `address ${a}`).toBe(word(a));
    }
  });
});
