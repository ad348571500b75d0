/**
 * The stream library in Verilator: random valid/ready on both sides (the source keeps a beat
 * until it moves, as AXI4-Stream asks), every beat out equal to a beat in, in order, none lost
 * or repeated; a beat per cycle when nothing stalls.
 */
import { describe, expect, it } from 'vitest';
import { Bundle, SInt, Stream, UInt, buildModule, fifo, skidBuffer, type Module } from '../../../src/hdl/index.js';
import { Rng } from '../../../src/model/rng.js';
import { simulate } from '../../../src/sim/from-module.js';

interface Run {
  sent: number[];
  received: number[];
  cycles: number;
  maxCount: number;
}

async function stream(dut: Module, opts: { beats: number; pValid: number; pReady: number; seed: number; count?: boolean }): Promise<Run> {
  const sim = await simulate(dut);
  const rng = new Rng(opts.seed);
  const sent: number[] = [];
  const received: number[] = [];
  let maxCount = 0;
  try {
    sim.reset(2);
    let offered: number | undefined;
    let cycles = 0;
    while (received.length < opts.beats && cycles < opts.beats * 50) {
      if (offered === undefined && sent.length < opts.beats && rng.bool(opts.pValid)) offered = rng.int(-128, 127);
      sim.poke('in_valid', offered === undefined ? 0 : 1);
      sim.poke('in_data', offered ?? 0);
      sim.poke('out_ready', rng.bool(opts.pReady) ? 1 : 0);
      sim.eval();
      if (opts.count) maxCount = Math.max(maxCount, sim.peekNumber('count'));
      if (offered !== undefined && sim.peekNumber('in_ready')) {
        sent.push(offered);
        offered = undefined;
      }
      if (sim.peekNumber('out_valid') && sim.peekNumber('out_ready')) received.push(sim.peekNumber('out_data'));
      sim.step();
      cycles++;
    }
    return { sent, received, cycles, maxCount };
  } finally {
    sim.close();
  }
}

describe('skidBuffer', () => {
  it('passes every beat in order under random stalls', async () => {
    const r = await stream(skidBuffer(SInt(8)), { beats: 3000, pValid: 0.6, pReady: 0.5, seed: 3 });
    expect(r.received).toEqual(r.sent.slice(0, r.received.length));
    expect(r.received).toHaveLength(3000);
  });

  it('moves a beat per cycle when nothing stalls', async () => {
    const r = await stream(skidBuffer(SInt(8)), { beats: 1000, pValid: 1, pReady: 1, seed: 4 });
    expect(r.received).toEqual(r.sent.slice(0, 1000));
    expect(r.cycles).toBeLessThanOrEqual(1000 + 2);
  });
});

describe('fifo', () => {
  for (const depth of [2, 5, 16]) {
    it(`depth ${depth}: every beat in order under random stalls, and it fills`, async () => {
      const r = await stream(fifo(SInt(8), depth), { beats: 3000, pValid: 0.7, pReady: 0.3, seed: depth, count: true });
      expect(r.received).toEqual(r.sent.slice(0, r.received.length));
      expect(r.received).toHaveLength(3000);
      expect(r.maxCount).toBeGreaterThanOrEqual(depth); // a slow sink fills it to (at least) its depth
      expect(r.maxCount).toBeLessThanOrEqual(depth + 3);
    });
  }

  it('moves a beat per cycle when nothing stalls', async () => {
    const r = await stream(fifo(SInt(8), 8), { beats: 1000, pValid: 1, pReady: 1, seed: 9 });
    expect(r.received).toEqual(r.sent.slice(0, 1000));
    expect(r.cycles).toBeLessThanOrEqual(1000 + 4);
  });

  it('carries a bundle payload, and two depths in one design get their own names', async () => {
    const Pixel = Bundle({ r: UInt(5), g: UInt(6), b: UInt(5) });
    const top = buildModule('two_fifos', {}, (m) => {
      const i = m.input('in', Stream(Pixel));
      const o = m.output('out', Stream(Pixel));
      const a = m.instance('a', fifo(Pixel, 4), { in: i });
      const b = m.instance('b', fifo(Pixel, 32), { in: a.io('out'), out: o });
      void b;
    });
    const { emitDesign } = await import('../../../src/hdl/index.js');
    expect(emitDesign(top).files.map((f) => f.file)).toEqual(['fifo_depth4.v', 'fifo_depth32.v', 'two_fifos.v']);
  });
});

describe('the three gates on the library', () => {
  it('skid buffer, FIFOs (a type and a bundle payload) and a counter: verilator -Wall, iverilog, yosys without latches', async () => {
    const { checkGates } = await import('../../../src/flows/rtl/lint.js');
    const { emitForSim } = await import('../../../src/sim/from-module.js');
    const { counter, Bool } = await import('../../../src/hdl/index.js');
    const counted = buildModule('counted', {}, (m) => {
      const en = m.input('en', Bool);
      const c = counter(m, 'beat', 10, { enable: en, clear: m.input('clear', Bool) });
      m.assign(m.output('value', UInt(4)), c.value);
      m.assign(m.output('wrap', Bool), c.wrap);
    });
    for (const m of [skidBuffer(SInt(8)), fifo(UInt(12), 100), fifo(Bundle({ a: SInt(3), b: UInt(9) }), 7), counted]) {
      const { design } = emitForSim(m);
      const g = await checkGates(design.files, design.top);
      expect(g.output).toBe('');
      expect([g.verilator, g.iverilog, g.yosys, g.latches]).toEqual([true, true, true, 0]);
    }
  });
});

describe('counter', () => {
  it('counts modulo 10 while enabled, clears, and says when it wraps', async () => {
    const { counter, Bool } = await import('../../../src/hdl/index.js');
    const dut = buildModule('counter10', {}, (m) => {
      const c = counter(m, 'beat', 10, { enable: m.input('en', Bool), clear: m.input('clear', Bool) });
      m.assign(m.output('value', UInt(4)), c.value);
      m.assign(m.output('wrap', Bool), c.wrap);
    });
    const sim = await simulate(dut);
    const rng = new Rng(5);
    let model = 0;
    sim.reset();
    for (let i = 0; i < 500; i++) {
      const en = rng.bool(0.7) ? 1 : 0;
      const clear = rng.bool(0.05) ? 1 : 0;
      sim.poke('en', en);
      sim.poke('clear', clear);
      sim.eval();
      expect(sim.peekNumber('value')).toBe(model);
      expect(sim.peekNumber('wrap')).toBe(en && model === 9 ? 1 : 0);
      sim.step();
      model = clear ? 0 : en ? (model + 1) % 10 : model;
    }
    sim.close();
  });
});
