/**
 * A module's default clock port under another name (ModuleOptions.clockPort): a vendor cell's
 * model keeps the cell's ports; instances connect it to the parent's clock; a clash with a port
 * of the same name, or a name that is no identifier, is an error at the user's line.
 */
import { describe, expect, it } from 'vitest';
import { Bool, UInt, buildModule, emitDesign } from '../../src/hdl/index.js';
import { simulate } from '../../src/sim/from-module.js';

const counter = () =>
  buildModule(
    'cell_counter',
    {},
    (m) => {
      const n = m.reg('n', UInt(4), { enable: m.input('EN', Bool) });
      n.set(n.inc());
      m.assign(m.output('Q', UInt(4)), n);
    },
    { clockPort: 'CK', reset: 'none', exactName: true },
  );

describe('clockPort', () => {
  it('names the port, and an instance connects it to the parent clock', async () => {
    const child = counter();
    expect(emitDesign(child).files[0]!.text).toMatch(/input\s+wire\s+CK,/);
    const top = buildModule('clock_port_top', {}, (m) => {
      const c = m.instance('u', child, { EN: m.input('en', Bool) });
      m.assign(m.output('q', UInt(4)), c.out('Q'));
    });
    expect(emitDesign(top).files.find((f) => f.file === 'clock_port_top.v')!.text).toMatch(/\.CK\s*\(clk\)/);
    const sim = await simulate(top);
    try {
      const q = sim.runBatch(['en'], [[1], [1], [0], [1], [0]], ['q']).map((r) => Number(r[0]));
      // counts the enabled edges (Verilator starts the register at 0)
      expect(q.map((v) => v - q[0]!)).toEqual([0, 1, 2, 2, 3]);
    } finally {
      sim.close();
    }
  });

  it('is an error where it clashes with a port or is no identifier', () => {
    const bad = (clockPort: string, clash: boolean) => () =>
      emitDesign(
        buildModule(
          'clock_port_bad',
          {},
          (m) => {
            const r = m.reg('r', Bool);
            r.set(r.not());
            m.assign(m.output('y', Bool), clash ? m.input('A_CLK', Bool).xor(r) : r);
          },
          { clockPort, reset: 'none' },
        ),
      );
    expect(bad('A_CLK', true)).toThrow(/clock-port\.test\.ts:\d+: name error in module clock_port_bad: 'A_CLK' is declared twice/);
    expect(bad('1clk', false)).toThrow(/'1clk' is not a valid identifier/);
  });
});
