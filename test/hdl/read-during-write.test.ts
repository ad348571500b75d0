/**
 * A memory whose read of the address being written is undefined (readDuringWrite 'undefined', as
 * on the iCE40's block RAM): Yosys maps it with no emulating logic (no_rw_check), the RTL is
 * lint-clean, reads and writes of different addresses behave as before, and a simulation that
 * reads the address written in the same cycle stops with a message naming the memory.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Bool, UInt, buildModule, type ReadDuringWrite } from '../../src/hdl/index.js';
import { emitForSim, simulate } from '../../src/sim/from-module.js';
import { verilatorLint, yosysSynthCheck } from '../../src/tools/index.js';

const ram = (readDuringWrite: ReadDuringWrite) =>
  buildModule(`ram_rdw_${readDuringWrite}`, {}, (m) => {
    const we = m.input('we', Bool);
    const waddr = m.input('waddr', UInt(8));
    const wdata = m.input('wdata', UInt(16));
    const re = m.input('re', Bool);
    const raddr = m.input('raddr', UInt(8));
    const mem = m.memory('mem', { type: UInt(16), depth: 256, readDuringWrite });
    m.when(we, () => mem.write(waddr, wdata));
    m.assign(m.output('rdata', UInt(16)), mem.read('rd', raddr, re));
  });

describe("readDuringWrite 'undefined'", () => {
  it('is lint-clean and maps to one iCE40 block RAM alone, where the default needs a delayed write and a bypass', async () => {
    const undef = emitForSim(ram('undefined')).design;
    expect((await verilatorLint(undef.files, undef.top)).output).toBe('');
    const flops = (cells: Record<string, number>) => Object.entries(cells).reduce((n, [c, k]) => n + (c.startsWith('SB_DFF') ? k : 0), 0);
    const ice = await yosysSynthCheck(undef.files, undef.top, 'ice40');
    expect(ice.cells.SB_RAM40_4K).toBe(1);
    expect(flops(ice.cells)).toBe(0);
    // the default: the write delayed by registers (data, address, enable) and a bypass after the read
    const old = emitForSim(ram('old')).design;
    const emulated = await yosysSynthCheck(old.files, old.top, 'ice40');
    expect(emulated.cells.SB_RAM40_4K).toBe(1);
    expect(flops(emulated.cells)).toBeGreaterThan(16);
  });

  it('reads and writes different addresses as the default does', async () => {
    const sim = await simulate(ram('undefined'));
    try {
      // write 7 to address 3 while reading 4, then read 3
      const got = sim.runBatch(
        ['we', 'waddr', 'wdata', 're', 'raddr'],
        [
          [1, 4, 9, 0, 0],
          [1, 3, 7, 1, 4],
          [0, 0, 0, 1, 3],
          [0, 0, 0, 0, 0],
        ],
        ['rdata'],
      );
      expect(got.map((r) => Number(r[0]))).toEqual([0, 0, 9, 7]);
    } finally {
      sim.close();
    }
  });

  it('stops the simulation where a read hits the address written in the same cycle, at the line that says so', async () => {
    const sim = await simulate(ram('undefined'));
    try {
      let message = '';
      try {
        sim.runBatch(
          ['we', 'waddr', 'wdata', 're', 'raddr'],
          [
            [0, 0, 0, 0, 0],
            [1, 5, 1, 1, 5],
          ],
          ['rdata'],
        );
      } catch (e) {
        message = e instanceof Error ? e.message : String(e);
      }
      const [, file, line] = /: (\S+\.v):(\d+): Verilog \$stop/.exec(message) ?? [];
      expect(file, message).toBeDefined();
      expect(fs.readFileSync(file!, 'utf8').split('\n')[Number(line) - 1]).toMatch(
        /\$fatal\(1, "ram_rdw_undefined\.mem: read and write of address %0d in one cycle/,
      );
    } finally {
      sim.close();
    }
  });

  it('does not check the first clock edge (nothing is reset before it)', async () => {
    const sim = await simulate(ram('undefined'));
    try {
      expect(() => sim.runBatch(['we', 'waddr', 'wdata', 're', 'raddr'], [[1, 5, 1, 1, 5]], ['rdata'])).not.toThrow();
    } finally {
      sim.close();
    }
  });

  it('lets a write and a read without its enable share an address', async () => {
    const sim = await simulate(ram('undefined'));
    try {
      expect(() =>
        sim.runBatch(
          ['we', 'waddr', 'wdata', 're', 'raddr'],
          [
            [0, 0, 0, 0, 0],
            [1, 5, 1, 0, 5],
          ],
          ['rdata'],
        ),
      ).not.toThrow();
    } finally {
      sim.close();
    }
  });
});
