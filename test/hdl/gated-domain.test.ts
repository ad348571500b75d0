/**
 * m.gatedDomain: a domain on the default clock through a clock gate. Its registers and the
 * instances mapped to it see a clock edge only in cycles where the enable is 1, and so behave
 * exactly like the same registers with that clock enable (checked cycle by cycle in Verilator and Icarus,
 * with random enables and data that change at the same edges); the gate is a falling-edge
 * flip-flop and an AND, clean under the three gates (no latch); a reset still applies; an enable
 * from another clock domain is a crossing error that names both.
 */
import { describe, expect, it } from 'vitest';
import { Bool, UInt, buildModule, emitDesign } from '../../src/hdl/index.js';
import { emitForSim, simulate } from '../../src/sim/from-module.js';
import { checkGates } from '../../src/flows/rtl/lint.js';
import { designErrorsOf } from '../support/design-errors.js';
import { runIcarusTestbench } from '../support/icarus.js';

/** A register that loads `d` when `we`: the child a gated domain clocks. */
const loader = buildModule('loader8', {}, (m) => {
  const we = m.input('we', Bool);
  const d = m.input('d', UInt(8));
  const r = m.reg('r', UInt(8));
  m.when(we, () => r.set(d));
  m.assign(m.output('q', UInt(8)), r);
});

/**
 * The same state three ways: in a gated domain (a register with a reset and the child), and in
 * the default domain with the enable as a clock enable (the reference).
 */
const top = () =>
  buildModule('gated_top', {}, (m) => {
    const en = m.input('en', Bool);
    const we = m.input('we', Bool);
    const d = m.input('d', UInt(8));
    const gated = m.gatedDomain('bank', en);
    let count: ReturnType<typeof m.reg> | undefined;
    m.inDomain(gated, () => {
      count = m.reg('count', UInt(8), { init: 7 });
      count.set(count.add(d).truncate(8));
    });
    // the child's writes are a subset of the gate's cycles (we only counts when en)
    const child = m.instance('child', loader, { default: gated, we: we.and(en), d });
    const refCount = m.reg('ref_count', UInt(8), { init: 7 });
    m.when(en, () => refCount.set(refCount.add(d).truncate(8)));
    const refLoad = m.reg('ref_load', UInt(8));
    m.when(we.and(en), () => refLoad.set(d));
    m.assign(m.output('count_q', UInt(8)), count!);
    m.assign(m.output('load_q', UInt(8)), child.out('q'));
    m.assign(m.output('ref_count_q', UInt(8)), refCount);
    m.assign(m.output('ref_load_q', UInt(8)), refLoad);
  });

describe('m.gatedDomain', () => {
  it('emits the gate first (a falling-edge flip-flop of the enable or the reset, ANDed with the clock) and clocks the domain by it', () => {
    const text = emitDesign(top()).files.find((f) => f.text.includes('module gated_top'))!.text;
    expect(text).toMatch(/always @\(negedge clk\) begin\n\s+bank_clk_gate_q <= bank_clk_en \| rst;\n\s+end\n\s+assign bank_clk = clk & bank_clk_gate_q;/);
    expect(text).toMatch(/always @\(posedge bank_clk\) begin\n\s+if \(rst\) begin\n\s+count <= 8'd7;/);
    expect(text).toMatch(/\.clk\s+\(bank_clk\)/);
    expect(text.indexOf('wire bank_clk;')).toBeLessThan(text.indexOf('posedge bank_clk'));
  });

  it('is clean under the three gates: Verilator -Wall, Icarus, Yosys without latches', async () => {
    const { design } = emitForSim(top());
    const g = await checkGates(design.files, design.top);
    expect(g.output).toBe('');
    expect([g.verilator, g.iverilog, g.yosys, g.latches]).toEqual([true, true, true, 0]);
  });

  it('behaves as the enable: the gated registers and the clocked child equal the clock-enabled ones, cycle by cycle', async () => {
    const sim = await simulate(top());
    try {
      sim.poke('rst', 1);
      sim.poke('en', 0);
      sim.step(2);
      expect(sim.peekNumber('count_q')).toBe(7); // reset applies with the enable low
      sim.poke('rst', 0);
      let seed = 12345;
      const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
      let enabled = 0;
      for (let c = 0; c < 400; c++) {
        const en = rand() & 1;
        enabled += en;
        sim.poke('en', en);
        sim.poke('we', rand() & 1);
        sim.poke('d', rand());
        sim.step();
        expect([sim.peekNumber('count_q'), sim.peekNumber('load_q')], `cycle ${c}`).toEqual([sim.peekNumber('ref_count_q'), sim.peekNumber('ref_load_q')]);
      }
      expect(enabled).toBeGreaterThan(100);
      expect(enabled).toBeLessThan(300);
    } finally {
      sim.close();
    }
  });

  it('behaves as the enable in Icarus too, with inputs that change after the rising edge', async () => {
    const { design } = emitForSim(top());
    // random enables and data, changed 1 ns after each rising edge; the gated and the
    // clock-enabled registers compared after every edge
    const tb = [
      '`timescale 1ns/1ps',
      'module tb;',
      '  reg clk = 0; reg rst = 1; reg en = 0; reg we = 0; reg [7:0] d = 0; integer c; integer bad = 0; integer on = 0;',
      '  wire [7:0] count_q, load_q, ref_count_q, ref_load_q;',
      `  ${design.top} dut (.clk(clk), .rst(rst), .en(en), .we(we), .d(d), .count_q(count_q), .load_q(load_q), .ref_count_q(ref_count_q), .ref_load_q(ref_load_q));`,
      '  always #5 clk = ~clk;',
      '  initial begin',
      '    repeat (2) @(posedge clk);',
      '    #1 rst = 0;',
      '    for (c = 0; c < 400; c = c + 1) begin',
      '      en = $random; we = $random; d = $random; on = on + en;',
      '      @(posedge clk); #1;',
      '      if (count_q !== ref_count_q || load_q !== ref_load_q) bad = bad + 1;',
      '    end',
      '    $display("DONE %0d %0d", bad, on);',
      '    $finish;',
      '  end',
      'endmodule',
    ].join('\n');
    const out = await runIcarusTestbench(tb, design.files);
    const [, bad, on] = /DONE (\d+) (\d+)/.exec(out)!.map(Number);
    expect(bad).toBe(0);
    expect(on).toBeGreaterThan(100);
    expect(on).toBeLessThan(300);
  });

  it('refuses an enable from another clock domain, naming both', () => {
    const msg = designErrorsOf(() =>
      buildModule('gate_cross', {}, (m) => {
        const fast = m.clockDomain('fast');
        const t = m.reg('t', Bool, { domain: fast });
        m.inDomain(fast, () => t.set(t.not()));
        const g = m.gatedDomain('bank', t);
        const r = m.reg('r', Bool, { domain: g });
        m.inDomain(g, () => r.set(r.not()));
        m.assign(m.output('q', Bool), r);
      }),
    );
    expect(msg).toMatch(
      /the clock gate of domain bank in the default domain \(clk\) of module gate_cross samples '\w+', which domain fast of module gate_cross drives, without a synchroniser/,
    );
  });
});
