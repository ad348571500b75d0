// The power flow's clock gates (src/flows/hardware/power/gated-clocks.ts): each gated clock of
// the design found by its RTL path, its driving cell in a mapped netlist, and the OpenSTA lines
// that make it a clock of its own with the measured rate and the clock port's transition.
import { describe, expect, it } from 'vitest';
import { Bool, UInt, buildModule } from '../../../src/hdl/index.js';
import { parseNetlist } from '../../../src/flows/formats/netlist.js';
import { gatedClockNets, gatedClockPins } from '../../../src/flows/hardware/power/gated-clocks.js';
import { staPowerScript } from '../../../src/flows/hardware/power/sta.js';

const child = buildModule('gated_child', {}, (m) => {
  const en = m.input('en', Bool);
  const d = m.input('d', UInt(4));
  m.gated('access', en, () => {
    const r = m.reg('r', UInt(4));
    m.when(en, () => r.set(d));
    m.assign(m.output('q', UInt(4)), r);
  });
});

const top = buildModule('gated_parent', {}, (m) => {
  const en = m.input('en', Bool);
  const d = m.input('d', UInt(4));
  const a = m.instance('a', child, { en, d });
  const b = m.instance('b', child, { en: en.not(), d });
  let c: ReturnType<typeof m.reg> | undefined;
  m.gated('count', en, () => {
    c = m.reg('c', UInt(4), { init: 0 });
    m.when(en, () => c!.set(c!.inc()));
  });
  m.assign(m.output('q', UInt(4)), a.out('q').xor(b.out('q')).xor(c!));
});

// a mapped netlist as the flow's flat synthesis writes it (nets named after their RTL path)
const netlist = `module gated_parent(clk, en, q);
  input clk; input en; output q;
  wire count_clk; wire count_clk_gate_q; wire \\a.access_clk ; wire \\a.access_clk_gate_q ; wire \\b.access_clk ; wire clk_n;
  sg13g2_and2_1 _1_ (.A(count_clk_gate_q), .B(clk), .X(count_clk));
  sg13g2_and2_1 _2_ (.A(\\a.access_clk_gate_q ), .B(clk), .X(\\a.access_clk ));
  sg13g2_dfrbp_1 _3_ (.CLK(\\a.access_clk ), .D(en), .Q(q), .RESET_B(1'h1));
  sg13g2_inv_1 _4_ (.A(clk), .Y(clk_n));
  sg13g2_dfrbp_1 _5_ (.CLK(clk_n), .D(en), .Q(count_clk_gate_q), .RESET_B(1'h1));
endmodule
`;
const cells = {
  outputs: new Map([
    ['sg13g2_and2_1', ['X']],
    ['sg13g2_inv_1', ['Y']],
    ['sg13g2_dfrbp_1', ['Q', 'Q_N']],
  ]),
  clockPins: new Map([['sg13g2_dfrbp_1', 'CLK']]),
};
const top0 = { top: 'gated_parent', clock: 'clk' };
const modulesOf = (text: string) => new Map(parseNetlist(text).map((m) => [m.name, m]));

describe('clock gates in the power flow', () => {
  it('lists every gated clock of the design by its path, in the parent and below it', () => {
    expect(gatedClockNets(top).map((n) => n.join('.'))).toEqual(['count_clk', 'a.access_clk', 'b.access_clk']);
  });

  it('finds the cell output that drives each one; a gate merged into an identical one is left out', () => {
    // b's gate is gone (merged); the falling-edge gate flip-flop is clocked through an inverter
    expect(gatedClockPins(modulesOf(netlist), top0, cells, gatedClockNets(top))).toEqual([
      { net: ['count_clk'], pin: '_1_/X' },
      { net: ['a', 'access_clk'], pin: '_2_/X' },
    ]);
  });

  it("knows a flattened instance's clock port by name: the merged net of a gated clock that clocks an instance may keep it", () => {
    const plain = buildModule('plain_child', {}, (m) => {
      const en = m.input('en', Bool);
      const r = m.reg('r', UInt(4), { enable: en });
      r.set(m.input('d', UInt(4)));
      m.assign(m.output('q', UInt(4)), r);
    });
    const parent = buildModule('gated_parent_of_plain', {}, (m) => {
      const en = m.input('en', Bool);
      const k = m.instance('k', plain, { en, d: m.input('d', UInt(4)), default: m.gatedDomain('kg', en) });
      m.assign(m.output('q', UInt(4)), k.out('q'));
    });
    expect(gatedClockNets(parent).map((n) => n.join('.'))).toEqual(['kg_clk', 'k.clk']);
    const flat = `module gated_parent_of_plain(clk, en, q);
  input clk; input en; output q;
  wire kg_clk_gate_q; wire \\k.clk ; wire clk_n;
  sg13g2_and2_1 _1_ (.A(kg_clk_gate_q), .B(clk), .X(\\k.clk ));
  sg13g2_dfrbp_1 _2_ (.CLK(\\k.clk ), .D(en), .Q(q), .RESET_B(1'h1));
  sg13g2_inv_1 _3_ (.A(clk), .Y(clk_n));
  sg13g2_dfrbp_1 _4_ (.CLK(clk_n), .D(en), .Q(kg_clk_gate_q), .RESET_B(1'h1));
endmodule
`;
    expect(gatedClockPins(modulesOf(flat), { top: 'gated_parent_of_plain', clock: 'clk' }, cells, gatedClockNets(parent))).toEqual([
      { net: ['k', 'clk'], pin: '_1_/X' },
    ]);
  });

  it('refuses a flip-flop clocked by a net that is neither the clock nor a gated clock it knows', () => {
    const lost = netlist.replace('.CLK(\\a.access_clk )', '.CLK(\\b.access_clk )');
    expect(() => gatedClockPins(modulesOf(lost), top0, cells, gatedClockNets(top))).toThrow(
      /_3_ \(sg13g2_dfrbp_1\) is clocked by b\.access_clk, neither the clock clk nor a gated clock of the design/,
    );
  });

  it('makes each a clock as often as it rose, with the clock port transition; one that never rose all but stops', () => {
    const tcl = staPowerScript({
      liberties: ['/l.lib'],
      netlist: '/n.v',
      top: 't',
      clock: 'clk',
      periodNs: 10,
      memories: [],
      registers: ['r0'],
      inputs: [],
      pins: [],
      probeCell: 'g0',
      gatedClocks: [
        { pin: '_1_/X', rises: 0.25 },
        { pin: '_2_/X', rises: 0 },
      ],
    });
    const lines = tcl.split('\n');
    expect(lines).toContain('create_clock -name taxonn_gated_0 -period 40 [get_pins {_1_/X}]');
    expect(lines).toContain('set_assigned_transition 0.1 [get_pins {_1_/X}]');
    expect(lines).toContain('create_clock -name taxonn_gated_1 -period 10000000000 [get_pins {_2_/X}]');
    expect(lines).toContain('set_input_transition 0.1 [all_inputs]');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    expect(at(/^create_clock -name taxonn_gated_0/)).toBeGreaterThan(at(/^create_clock -name \{clk\}/));
    expect(at(/^create_clock -name taxonn_gated_1/)).toBeLessThan(at(/^report_power/));
  });
});
