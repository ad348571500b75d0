/**
 * m.resetDomain: a domain on the default clock whose reset is computed in the module (here a
 * power-on counter and a button), with no ports of its own: its registers and the instances
 * mapped to it are reset by that value; lint-clean; no clock-domain crossing is reported.
 */
import { describe, expect, it } from 'vitest';
import { Bool, UInt, buildModule } from '../../src/hdl/index.js';
import { emitForSim, simulate } from '../../src/sim/from-module.js';
import { verilatorLint } from '../../src/tools/index.js';

const counter = buildModule('count8', {}, (m) => {
  const c = m.reg('c', UInt(8), { init: 5 });
  c.set(c.inc());
  m.assign(m.output('q', UInt(8)), c);
});

const top = () =>
  buildModule(
    'por_top',
    {},
    (m) => {
      const btn = m.input('btn_n', Bool);
      // power-on: counts to 3 from whatever the flip-flops start at, then stays
      const por = m.reg('por', UInt(2));
      m.when(por.ne(3), () => por.set(por.inc()));
      const core = m.resetDomain('core', por.ne(3).or(btn.not()));
      let own: ReturnType<typeof m.reg> | undefined;
      m.inDomain(core, () => {
        own = m.reg('own', UInt(8), { init: 100 });
        own.set(own.inc());
      });
      const child = m.instance('child', counter, { default: core });
      m.assign(m.output('q', UInt(8)), child.out('q'));
      m.assign(m.output('own_q', UInt(8)), own!);
    },
    { reset: 'none' },
  );

describe('m.resetDomain', () => {
  it('has no ports of its own and is lint-clean; its reset is the wire core_rst', async () => {
    const { design } = emitForSim(top());
    expect(design.ports.map((p) => p.name).sort()).toEqual(['btn_n', 'clk', 'own_q', 'q']);
    expect((await verilatorLint(design.files, design.top)).output).toBe('');
  });

  it('holds its registers and the mapped instance in reset while the value is high', async () => {
    const sim = await simulate(top());
    try {
      sim.poke('btn_n', 1);
      const seen: number[][] = [];
      for (let c = 0; c < 6; c++) {
        sim.step();
        seen.push([sim.peekNumber('q'), sim.peekNumber('own_q')]);
      }
      // the edges while por is 0, 1, 2 reset them (5 and 100 loaded), then the counters run
      expect(seen).toEqual([
        [5, 100],
        [5, 100],
        [5, 100],
        [6, 101],
        [7, 102],
        [8, 103],
      ]);
      // the button resets them again
      sim.poke('btn_n', 0);
      sim.step(2);
      expect([sim.peekNumber('q'), sim.peekNumber('own_q')]).toEqual([5, 100]);
    } finally {
      sim.close();
    }
  });
});
