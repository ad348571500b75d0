/**
 * m.assert: a promise checked in simulation only. It is lint-clean, Yosys drops it (no cell),
 * a run that keeps it passes, a run that breaks it stops at the $fatal that names the module,
 * the message and the TS line, from the second clock edge on; a wide condition is an error.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Bool, UInt, buildModule, emitDesign } from '../../src/hdl/index.js';
import { emitForSim, simulate } from '../../src/sim/from-module.js';
import { verilatorLint, yosysSynthCheck } from '../../src/tools/index.js';

const exclusive = () =>
  buildModule('assert_exclusive', {}, (m) => {
    const a = m.input('a', Bool);
    const b = m.input('b', Bool);
    const q = m.reg('q', UInt(2), { init: 0 });
    q.set(q.add(a.zext(2)).truncate(2));
    m.assert(a.and(b).not(), 'a and b are never high together');
    m.assign(m.output('y', UInt(2)), q);
  });

describe('m.assert', () => {
  it('is lint-clean and no logic for Yosys', async () => {
    const { design } = emitForSim(exclusive());
    expect((await verilatorLint(design.files, design.top)).output).toBe('');
    const synth = await yosysSynthCheck(design.files, design.top);
    expect(synth.ok).toBe(true);
    // only the counter: b is read by nothing else
    expect(Object.keys(synth.cells).some((c) => /fatal|check|assert/i.test(c))).toBe(false);
  });

  it('passes while the promise holds and stops at the line that states it when it breaks', async () => {
    const sim = await simulate(exclusive());
    try {
      // the first edge is not checked (nothing is reset before it)
      expect(() =>
        sim.runBatch(
          ['rst', 'a', 'b'],
          [
            [1, 1, 1],
            [0, 1, 0],
            [0, 0, 1],
            [0, 0, 0],
          ],
          ['y'],
        ),
      ).not.toThrow();
      let message = '';
      try {
        sim.runBatch(['rst', 'a', 'b'], [[0, 1, 1]], ['y']);
      } catch (e) {
        message = e instanceof Error ? e.message : String(e);
      }
      const [, file, line] = /: (\S+\.v):(\d+): Verilog \$stop/.exec(message) ?? [];
      expect(file, message).toBeDefined();
      expect(fs.readFileSync(file as string, 'utf8').split('\n')[Number(line) - 1]).toMatch(
        /\$fatal\(1, "assert_exclusive: a and b are never high together \(test\/hdl\/assert\.test\.ts:\d+\)"\)/,
      );
    } finally {
      sim.close();
    }
  });

  it('wants a 1-bit condition and a plain message', () => {
    const bad = (wide: boolean) => () =>
      emitDesign(
        buildModule('assert_bad', {}, (m) => {
          const a = m.input('a', UInt(3));
          m.assert(wide ? a : a.eq(1), wide ? 'wide' : 'a "quoted" message');
          m.assign(m.output('y', UInt(3)), a);
        }),
      );
    expect(bad(true)).toThrow(/assert\.test\.ts:\d+: width error in module assert_bad: assert needs a 1-bit condition, got UInt\(3\)/);
    expect(bad(false)).toThrow(/assert message must not contain quotes/);
  });
});
