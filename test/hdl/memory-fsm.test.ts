/**
 * Memories and FSMs, simulated in Verilator against TS models, and mapped by Yosys: the
 * memory becomes block RAM on iCE40 and Xilinx, with no latches anywhere.
 */
import { describe, expect, it } from 'vitest';
import { Bool, Fsm, SInt, UInt, buildModule, type Module } from '../../src/hdl/index.js';
import { Rng } from '../../src/model/rng.js';
import { emitForSim, simulate } from '../../src/sim/from-module.js';
import { yosysSynthCheck } from '../../src/tools/index.js';

function ram(depth: number, width: number): Module {
  return buildModule(`ram_${depth}x${width}`, { depth, width }, (m) => {
    const aw = Math.max(1, Math.ceil(Math.log2(depth)));
    const we = m.input('we', Bool);
    const waddr = m.input('waddr', UInt(aw));
    const wdata = m.input('wdata', SInt(width));
    const re = m.input('re', Bool);
    const raddr = m.input('raddr', UInt(aw));
    const mem = m.memory('mem', { type: SInt(width), depth });
    m.when(we, () => mem.write(waddr, wdata));
    m.assign(m.output('rdata', SInt(width)), mem.read('rd', raddr, re));
  });
}

describe('memory', () => {
  it('reads and writes like an array, with one cycle of read latency and read enable', async () => {
    const depth = 200;
    const sim = await simulate(ram(depth, 16));
    try {
      const rng = new Rng(9);
      const model = new Array<bigint>(depth).fill(0n);
      // Fill it first so no read sees uninitialised contents.
      const fill = model.map((_, a) => [1, a, 0, 0, 0]);
      const stimulus: number[][] = [];
      const want: (bigint | undefined)[] = [];
      let held: bigint | undefined;
      for (let c = 0; c < 5000; c++) {
        const row = [rng.bool(0.5) ? 1 : 0, rng.int(0, depth - 1), rng.int(-32768, 32767), rng.bool(0.7) ? 1 : 0, rng.int(0, depth - 1)];
        stimulus.push(row);
        want.push(held);
        if (row[3]) held = model[row[4]!]; // read-before-write on the same address
        if (row[0]) model[row[1]!] = BigInt(row[2]!);
      }
      const got = sim.runBatch(['we', 'waddr', 'wdata', 're', 'raddr'], [...fill, ...stimulus], ['rdata']).slice(depth);
      for (let c = 1; c < want.length; c++) {
        if (want[c] !== undefined) expect(got[c]![0], `cycle ${c}`).toBe(want[c]);
      }
    } finally {
      sim.close();
    }
  });

  it('maps to block RAM in Yosys (iCE40 and Xilinx), never to flip-flops', async () => {
    const { design } = emitForSim(ram(256, 16));
    const ice = await yosysSynthCheck(design.files, design.top, 'ice40');
    expect(ice.output).toBe('');
    expect(ice.cells.SB_RAM40_4K).toBe(1);
    expect(ice.latches).toBe(0);
    const xil = await yosysSynthCheck(design.files, design.top, 'xilinx');
    expect(Object.keys(xil.cells).some((c) => /^RAMB/.test(c))).toBe(true);
  });
});

describe('FSM', () => {
  it('steps through its states like the TS model', async () => {
    const m = buildModule('traffic', {}, (m) => {
      const go = m.input('go', Bool);
      const stop = m.input('stop', Bool);
      const light = m.output('light', UInt(2));
      const fsm = new Fsm(m, 'state', ['red', 'green', 'yellow'], 'red');
      light.set(0);
      fsm.build({
        red: () => fsm.transition(go, 'green'),
        green: () => {
          light.set(1);
          fsm.transition(stop, 'yellow');
        },
        yellow: () => {
          light.set(2);
          fsm.goto('red');
        },
      });
    });
    const sim = await simulate(m);
    try {
      sim.reset();
      const rng = new Rng(4);
      let state = 0;
      const rows: number[][] = [];
      const want: bigint[] = [];
      for (let c = 0; c < 2000; c++) {
        const go = rng.bool(0.3) ? 1 : 0;
        const stop = rng.bool(0.3) ? 1 : 0;
        rows.push([go, stop]);
        want.push(BigInt(state));
        state = state === 0 ? (go ? 1 : 0) : state === 1 ? (stop ? 2 : 1) : 0;
      }
      const got = sim.runBatch(['go', 'stop'], rows, ['light']);
      expect(got.map((r) => r[0])).toEqual(want);
    } finally {
      sim.close();
    }
  });
});
