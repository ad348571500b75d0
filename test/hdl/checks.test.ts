import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  Bool,
  CombLoopError,
  DesignError as DesignErrorClass,
  DesignErrors,
  SInt,
  UInt,
  UndrivenError,
  WidthError,
  buildModule,
  elaborate,
  emitDesign,
  type DesignError,
  type Module,
} from '../../src/hdl/index.js';

/** The design errors of `m` (elaboration must fail). */
function errorsOf(m: Module): DesignError[] {
  try {
    elaborate(m);
  } catch (e) {
    if (e instanceof DesignErrors) return [...e.errors];
    throw e;
  }
  throw new Error('expected design errors, elaboration succeeded');
}

const here = 'test/hdl/checks.test.ts';
const source = readFileSync(new URL(import.meta.url), 'utf8').split('\n');
/** `here:N` for the nth (0-based) line of this file that is `code`: the line a design error must name. */
const lineOf = (code: string, nth = 0): string => `${here}:${source.map((l, i) => (l.trim() === code ? i + 1 : 0)).filter(Boolean)[nth]}`;

describe('design checks', () => {
  it('reports a width mismatch with both widths and the user line', () => {
    const m = buildModule('bad_width', {}, (m) => {
      const a = m.input('a', UInt(9));
      const y = m.output('y', UInt(8));
      m.assign(y, a);
    });
    const [e, ...rest] = errorsOf(m);
    expect(rest).toHaveLength(0);
    expect(e!.kind).toBe('width');
    expect(e!.message).toContain(lineOf('m.assign(y, a);'));
    expect(e!.message).toMatch(/cannot assign signal 'a' of type UInt\(9\) to 'y' of type UInt\(8\)/);
    expect(e!.message).toMatch(/truncate\(\), saturate\(\) or shr\(\)/);
  });

  it('reports mixed signedness in an operator at the operator line', () => {
    const m = buildModule('bad_sign', {}, (m) => {
      const a = m.input('a', UInt(8));
      const b = m.input('b', SInt(8));
      const y = m.output('y', SInt(9));
      m.assign(y, b.add(a));
    });
    const errs = errorsOf(m);
    expect(errs).toHaveLength(1);
    expect(errs[0]!.kind).toBe('type');
    expect(errs[0]!.message).toContain(lineOf('m.assign(y, b.add(a));'));
    expect(errs[0]!.message).toMatch(/signal 'b' is SInt\(8\), signal 'a' is UInt\(8\)/);
  });

  it('reports an undriven output and an undriven wire', () => {
    const m = buildModule('undriven', {}, (m) => {
      m.input('a', UInt(4));
      m.output('y', UInt(4));
      m.wire('w', UInt(2));
    });
    const errs = errorsOf(m);
    expect(errs.map((e) => e.kind)).toEqual(['undriven', 'undriven']);
    expect(errs[0]!.message).toMatch(/output 'y' is never driven/);
    expect(errs[0]!.message).toContain(lineOf("m.output('y', UInt(4));"));
    expect(errs[1]!.message).toMatch(/wire 'w' is never driven/);
  });

  it('reports more than one driver, naming the first one', () => {
    const m = buildModule('two_drivers', {}, (m) => {
      const a = m.input('a', UInt(4));
      const y = m.output('y', UInt(4));
      m.assign(y, a);
      m.assign(y, a.not());
      a.set(0);
    });
    const errs = errorsOf(m);
    expect(errs.map((e) => e.kind)).toEqual(['multiple-drivers', 'multiple-drivers']);
    expect(errs[0]!.message).toMatch(new RegExp(`'y' has more than one driver: already assigned at ${lineOf('m.assign(y, a);', 1)}`));
    expect(errs[1]!.message).toMatch(/input port 'a' is driven from outside/);
  });

  it('reports a combinational loop listing the cycle', () => {
    const m = buildModule('loop', {}, (m) => {
      const a = m.input('a', UInt(4));
      const p = m.wire('p', UInt(4));
      const q = m.wire('q', UInt(4));
      const r = m.wire('r', UInt(4));
      m.assign(p, q.xor(a));
      m.assign(q, r);
      m.assign(r, p);
      m.assign(m.output('y', UInt(4)), r);
    });
    const errs = errorsOf(m);
    expect(errs).toHaveLength(1);
    expect(errs[0]!.kind).toBe('comb-loop');
    expect(errs[0]!.message).toMatch(/combinational loop: (p -> r -> q -> p|q -> p -> r -> q|r -> q -> p -> r)/);
  });

  it('sees a loop through a submodule but not through a register', () => {
    const inner = buildModule('passthru', {}, (m) => {
      const x = m.input('x', UInt(2));
      m.assign(m.output('y', UInt(2)), x);
    });
    const m = buildModule('loop_inst', {}, (m) => {
      const w = m.wire('w', UInt(2));
      const i = m.instance('u0', inner, { x: w });
      m.assign(w, i.out('y'));
      m.assign(m.output('o', UInt(2)), w);
    });
    expect(errorsOf(m)[0]!.message).toMatch(/combinational loop: .*u0_y/);
    const ok = buildModule('reg_loop', {}, (m) => {
      const r = m.reg('r', UInt(2), { init: 0 });
      r.set(r.add(1).truncate(2));
      m.assign(m.output('o', UInt(2)), r);
    });
    expect(() => elaborate(ok)).not.toThrow();
  });

  it('reports a latch: a combinational signal not assigned on every path', () => {
    const m = buildModule('latchy', {}, (m) => {
      const en = m.input('en', Bool);
      const a = m.input('a', UInt(4));
      const y = m.output('y', UInt(4));
      m.when(en, () => y.set(a));
    });
    const errs = errorsOf(m);
    expect(errs).toHaveLength(1);
    expect(errs[0]!.kind).toBe('latch');
    expect(errs[0]!.message).toMatch(/'y' is not assigned on every path \(the branch at test\/hdl\/checks.test.ts:\d+ can leave it unassigned\)/);
  });

  it('accepts a full if/else and a switch with a default, and a full switch', () => {
    const m = buildModule('no_latch', {}, (m) => {
      const en = m.input('en', Bool);
      const sel = m.input('sel', UInt(1));
      const a = m.input('a', UInt(4));
      const y = m.output('y', UInt(4));
      const z = m.output('z', UInt(4));
      m.when(en, () => y.set(a)).otherwise(() => y.set(0));
      m.switch(sel, (c) => {
        c.is(0, () => z.set(a));
        c.is(1, () => z.set(1));
      });
    });
    expect(() => elaborate(m)).not.toThrow();
  });

  it('reports the use of a signal from another module', () => {
    let foreign: ReturnType<Module['input']> | undefined;
    buildModule('other', {}, (m) => {
      foreign = m.input('x', UInt(4));
      m.assign(m.output('y', UInt(4)), foreign);
    });
    const m = buildModule('thief', {}, (m) => {
      m.assign(m.output('y', UInt(4)), foreign!);
    });
    const errs = errorsOf(m);
    expect(errs.map((e) => e.kind)).toContain('cross-module');
    expect(errs.find((e) => e.kind === 'cross-module')!.message).toMatch(/signal 'x' belongs to module other and cannot be used in module thief/);
  });

  it('reports unknown and unconnected instance ports', () => {
    const inner = buildModule('inner_io', {}, (m) => {
      const x = m.input('x', UInt(2));
      m.assign(m.output('y', UInt(2)), x);
    });
    const m = buildModule('bad_inst', {}, (m) => {
      const i = m.instance('u0', inner, { nope: 1 });
      m.assign(m.output('o', UInt(2)), i.out('z'));
    });
    const msgs = errorsOf(m).map((e) => e.message);
    expect(msgs.some((s) => /module inner_io has no input 'nope' \(instance u0\); inputs: x/.test(s))).toBe(true);
    expect(msgs.some((s) => /module inner_io has no output 'z'/.test(s))).toBe(true);
    expect(msgs.some((s) => /input 'x' of instance u0 \(module inner_io\) is not connected/.test(s))).toBe(true);
  });

  it('connects an instance input later through inst.in(), and reports one left unassigned', () => {
    const inner = buildModule('inner_late', {}, (m) => {
      const x = m.input('x', UInt(2));
      m.assign(m.output('y', UInt(2)), x);
    });
    const good = buildModule('late_ok', {}, (m) => {
      const i = m.instance('u0', inner);
      const y = i.out('y');
      m.assign(m.output('o', UInt(2)), y);
      // The input's value exists only after the output is used: assign the wire then.
      m.assign(i.in('x'), m.input('a', UInt(2)));
      expect(i.in('x')).toBe(i.in('x'));
    });
    const { files } = emitDesign(good);
    const top = files.find((f) => f.file.startsWith('late_ok'))?.text ?? '';
    expect(top).toMatch(/\.x \(u0_x\)/);
    expect(top).toMatch(/assign u0_x = a;/);
    const bad = buildModule('late_bad', {}, (m) => {
      const i = m.instance('u0', inner);
      m.assign(m.output('o', UInt(2)), i.out('y'));
      i.in('x');
      i.in('nope');
    });
    const msgs = errorsOf(bad).map((e) => e.message);
    expect(msgs.some((s) => /input 'x' of instance u0 \(module inner_late\) is not connected/.test(s))).toBe(true);
    expect(msgs.some((s) => /module inner_late has no input 'nope' \(instance u0\); inputs: x/.test(s))).toBe(true);
  });

  it('reports every error of a design in one run', () => {
    const m = buildModule('many', {}, (m) => {
      const a = m.input('a', UInt(8));
      m.assign(m.output('y', UInt(4)), a);
      m.output('z', UInt(4));
      const en = m.input('en', Bool);
      const w = m.output('w', UInt(8));
      m.when(en, () => w.set(a));
    });
    const e = (() => {
      try {
        elaborate(m);
      } catch (err) {
        return err as DesignErrors;
      }
      throw new Error('no error');
    })();
    expect(e.errors.map((x) => x.kind).sort()).toEqual(['latch', 'undriven', 'width']);
    expect(e.message).toMatch(/^3 design errors:/);
  });

  it('rejects reserved and invalid names', () => {
    const m = buildModule('names', {}, (m) => {
      const a = m.input('clk', UInt(1));
      m.assign(m.output('9x', UInt(1)), a);
      m.assign(m.output('wire', UInt(1)), a);
      m.assign(m.output('bit', UInt(1)), a);
    });
    const msgs = errorsOf(m).map((e) => e.message);
    expect(msgs[0]).toMatch(/'clk' is a name taxonn gives implicit ports/);
    expect(msgs[1]).toMatch(/'9x' is not a valid identifier/);
    expect(msgs[2]).toMatch(/'wire' is a Verilog keyword/);
    expect(msgs[3]).toMatch(/'bit' is a SystemVerilog keyword \(Verilator and Yosys reserve it even in \.v files\)/);
  });

  it('catches constants that do not fit', () => {
    const m = buildModule('big_const', {}, (m) => {
      const a = m.input('a', UInt(4));
      m.assign(m.output('y', UInt(5)), a.add(40));
      m.assign(m.output('z', UInt(4)), 16);
    });
    const msgs = errorsOf(m).map((e) => e.message);
    expect(msgs).toHaveLength(2);
    expect(msgs[0]).toMatch(/type UInt\(7\) to 'y' of type UInt\(5\)/);
    expect(msgs[1]).toMatch(/constant 16 does not fit UInt\(4\)/);
  });

  it('each kind of mistake is its own class (instanceof WidthError, UndrivenError, …), all DesignErrors', () => {
    const m = buildModule('three_kinds', {}, (m) => {
      const a = m.input('a', UInt(9));
      m.assign(m.output('y', UInt(8)), a);
      m.output('z', Bool);
    });
    const errs = errorsOf(m);
    const width = errs.find((e) => e.kind === 'width');
    const undriven = errs.find((e) => e.kind === 'undriven');
    expect(width).toBeInstanceOf(WidthError);
    expect(width).toBeInstanceOf(DesignErrorClass);
    expect(width).not.toBeInstanceOf(UndrivenError);
    expect(width?.name).toBe('WidthError');
    expect(undriven).toBeInstanceOf(UndrivenError);
    expect(undriven).not.toBeInstanceOf(CombLoopError);
  });
});
