/** Clock domains: declared clocks and resets, their emission, and the crossing check. */
import { describe, expect, it } from 'vitest';
import { designErrorsOf } from '../support/design-errors.js';
import { Bool, UInt, buildModule, emitDesign } from '../../src/hdl/index.js';
import { portsOf } from '../../src/hdl/ports.js';
import { emitForSim } from '../../src/sim/from-module.js';
import { checkGates } from '../../src/flows/rtl/lint.js';

/** A pulse counted in a fast domain, its toggle synchronised into the slow (default) domain. */
const twoClocks = () =>
  buildModule('two_clocks', {}, (m) => {
    const fast = m.clockDomain('fast', { reset: 'async', activeLow: true });
    const pulse = m.input('pulse', Bool, { domain: fast });
    const toggle = m.reg('toggle', Bool, { init: 0, domain: fast });
    m.inDomain(fast, () => m.when(pulse, () => toggle.set(toggle.not())));
    const synced = m.synchronizer('toggle_sync', toggle);
    const seen = m.flop('seen', synced, { init: 0 });
    const count = m.reg('count', UInt(8), { init: 0 });
    m.when(synced.ne(seen), () => count.set(count.inc()));
    m.assign(m.output('events', UInt(8)), count);
  });

describe('clock domains', () => {
  it('gives each domain its ports and its reset style', () => {
    const m = twoClocks();
    expect(portsOf(m).map((p) => p.name)).toEqual(['clk', 'rst', 'fast_clk', 'fast_rst_n', 'pulse', 'events']);
    const text = emitDesign(m).files[0]!.text;
    expect(text).toMatch(/always @\(posedge fast_clk or negedge fast_rst_n\) begin\n\s+if \(!fast_rst_n\) begin\n\s+toggle <= 1'd0;/);
    expect(text).toMatch(/always @\(posedge clk\) begin\n\s+toggle_sync_meta <= toggle;\n\s+toggle_sync <= toggle_sync_meta;/);
  });

  it('is clean under the three gates', async () => {
    const { design } = emitForSim(twoClocks());
    const g = await checkGates(design.files, design.top);
    expect(g.output).toBe('');
    expect([g.verilator, g.iverilog, g.yosys, g.latches]).toEqual([true, true, true, 0]);
  });

  it('refuses a crossing without a synchroniser, naming both domains and the signal', () => {
    const msg = designErrorsOf(() =>
      buildModule('unsafe', {}, (m) => {
        const fast = m.clockDomain('fast');
        const a = m.reg('a', Bool, { init: 0, domain: fast });
        m.inDomain(fast, () => a.set(m.input('x', Bool, { domain: fast })));
        m.assign(m.output('y', Bool), m.flop('b', a, { init: 0 }));
      }),
    );
    expect(msg).toMatch(
      /domains\.test\.ts:\d+: cdc error in module unsafe: register 'b' in the default domain \(clk\) of module unsafe samples 'a', which domain fast of module unsafe drives, without a synchroniser/,
    );
  });

  it('refuses a multi-bit synchroniser unless the value is Gray-coded, and logic in front of one', () => {
    const msg = designErrorsOf(() =>
      buildModule('tearing', {}, (m) => {
        const fast = m.clockDomain('fast');
        const c = m.reg('c', UInt(4), { init: 0, domain: fast });
        m.inDomain(fast, () => c.set(c.inc()));
        m.assign(m.output('y', UInt(4)), m.synchronizer('c_sync', c));
        m.assign(m.output('z', Bool), m.synchronizer('odd_sync', c.bit(0).and(c.bit(1))));
      }),
    );
    expect(msg).toMatch(/synchronizer 'c_sync' of a 4-bit value: its bits can settle in different cycles and tear the value/);
    expect(msg).toMatch(/synchronizer 'odd_sync' must sample a register or an input directly/);
  });

  it('finds a crossing through an instance, in the parent, and an input sampled by two domains', () => {
    const stage = buildModule('stage', {}, (m) => m.assign(m.output('q', Bool), m.flop('r', m.input('d', Bool), { init: 0 })));
    const msg = designErrorsOf(() =>
      buildModule('parent', {}, (m) => {
        const fast = m.clockDomain('fast');
        const a = m.reg('a', Bool, { init: 0, domain: fast });
        m.inDomain(fast, () => a.set(m.input('x', Bool, { domain: fast })));
        const u = m.instance('u', stage, { d: a }); // stage runs in the default domain
        m.assign(m.output('y', Bool), u.out('q'));
        const both = m.input('both', Bool);
        m.assign(m.output('p', Bool), m.flop('p1', both, { init: 0 }));
        m.assign(m.output('q', Bool), m.flop('q1', both, { init: 0, domain: fast }));
      }),
    );
    expect(msg).toMatch(
      /input 'd' of instance u \(module stage\) in the default domain \(clk\) of module parent samples 'a', which domain fast of module parent drives/,
    );
    expect(msg).toMatch(/input 'both' is sampled by the default domain \(clk\) of module parent and domain fast of module parent/);
  });

  it('runs an instance in another domain by mapping its default domain, and asks for unmapped ones', () => {
    const stage = buildModule('stage', {}, (m) => m.assign(m.output('q', Bool), m.flop('r', m.input('d', Bool), { init: 0 })));
    const top = buildModule('mapped', {}, (m) => {
      const fast = m.clockDomain('fast', { activeLow: true });
      const u = m.instance('u', stage, { d: m.input('d', Bool, { domain: fast }), default: fast });
      m.assign(m.output('q', Bool), u.out('q'));
    });
    const text = emitDesign(top).files.find((f) => f.file === 'mapped.v')!.text;
    expect(text).toMatch(/\.clk\s+\(fast_clk\),\n\s+\.rst\s+\(!fast_rst_n\),/);
    const inner = buildModule('inner', {}, (m) => {
      const d2 = m.clockDomain('io');
      m.assign(m.output('q', Bool), m.flop('r', m.input('d', Bool, { domain: d2 }), { init: 0, domain: d2 }));
    });
    const msg = designErrorsOf(() =>
      buildModule('forgot', {}, (m) => m.assign(m.output('q', Bool), m.instance('u', inner, { d: m.input('d', Bool) }).out('q'))),
    );
    expect(msg).toMatch(/domain io of module inner is not connected in instance u: map it to a domain of forgot in the connection map \(\{ io: domain \}\)/);
  });
});

describe('simulating several clocks', () => {
  it('toggles each clock at its own period', async () => {
    const { simulate } = await import('../../src/sim/from-module.js');
    const dut = buildModule('two_counters_sim', {}, (m) => {
      const fast = m.clockDomain('fast');
      const slowCount = m.reg('slow_count', UInt(16), { init: 0 });
      slowCount.set(slowCount.inc());
      const fastCount = m.reg('fast_count', UInt(16), { init: 0, domain: fast });
      m.inDomain(fast, () => fastCount.set(fastCount.inc()));
      m.assign(m.output('slow', UInt(16)), slowCount);
      m.assign(m.output('fast_direct', UInt(16)), fastCount);
    });
    const sim = await simulate(dut, { clocks: { clk: 10, fast_clk: 4 } });
    sim.reset(3); // 30 ticks: both domains held in reset
    const t0 = { slow: sim.peekNumber('slow'), fast: sim.peekNumber('fast_direct') };
    expect(t0).toEqual({ slow: 0, fast: 0 });
    sim.step(100); // 1000 ticks: 100 rising edges of clk, 250 of fast_clk
    expect(sim.peekNumber('slow')).toBe(100);
    expect(sim.peekNumber('fast_direct')).toBe(250);
    sim.close();
  });
});

describe('stepping one clock of several', () => {
  it('stepClock runs until that clock has risen n times, the others at their own rates', async () => {
    const { simulate } = await import('../../src/sim/from-module.js');
    const dut = buildModule('step_clock_demo', {}, (m) => {
      const fast = m.clockDomain('fast');
      const slow = m.reg('slow', UInt(16), { init: 0 });
      slow.set(slow.inc());
      const quick = m.reg('quick', UInt(16), { init: 0, domain: fast });
      m.inDomain(fast, () => quick.set(quick.inc()));
      m.assign(m.output('slow_count', UInt(16)), slow);
      m.assign(m.output('fast_count', UInt(16)), quick);
    });
    const sim = await simulate(dut, { clocks: { clk: 10, fast_clk: 4 } });
    sim.reset(2); // until clk's second rise, at 15 ticks
    sim.stepClock('fast_clk', 5); // fast rises at 18, 22, 26, 30, 34 ticks: through clk's rise at 25
    expect([sim.peekNumber('fast_count'), sim.peekNumber('slow_count')]).toEqual([5, 1]);
    expect(sim.cycle).toBe(3);
    sim.stepClock('clk', 3); // clk rises at 35, 45, 55
    expect(sim.peekNumber('slow_count')).toBe(4);
    expect(() => sim.stepClock('nope' as never)).toThrow(/no clock 'nope' \(clocks: clk, fast_clk\)/);
    sim.close();
  });
});

describe('the default domain', () => {
  it('takes the reset style given to buildModule', () => {
    const m = buildModule('async_low', {}, (m) => m.assign(m.output('q', Bool), m.flop('r', m.input('d', Bool), { init: 1 })), {
      reset: 'async',
      resetActiveLow: true,
    });
    expect(portsOf(m).map((p) => p.name)).toEqual(['clk', 'rst_n', 'q', 'd']);
    expect(emitDesign(m).files[0]!.text).toMatch(
      /always @\(posedge clk or negedge rst_n\) begin\n\s+if \(!rst_n\) begin\n\s+r <= 1'd1;\n\s+end else begin\n\s+r <= d;/,
    );
  });

  it('refuses a reset value that is not a constant with an asynchronous reset', () => {
    const msg = designErrorsOf(() =>
      buildModule(
        'async_seed',
        {},
        (m) => {
          const seed = m.input('seed', UInt(4));
          m.assign(m.output('q', UInt(4)), m.flop('r', m.input('d', UInt(4)), { init: seed }));
        },
        { reset: 'async' },
      ),
    );
    expect(msg).toMatch(/register 'r' in the default domain \(clk\) of module async_seed has an asynchronous reset: its reset value must be a constant/);
  });
});
