// The VCD activity reader (src/flows/formats/vcd.ts) on a hand-checked trace.
import { describe, expect, it } from 'vitest';
import { VcdActivityParser, VcdError, vcdActivityFromText } from '../../../src/flows/formats/vcd.js';

// Clock edges at 5, 15, 25, 35 (period 10). `a` is high from 5 to 25; v = 0, 1, 3, 3, 2 at 0, 5, 15, 25.
const VCD = `$date today $end
$version hand-written $end
$timescale 1ps $end
$scope module TOP $end
$var wire 1 ! clk $end
$scope module dut $end
$var wire 1 " a $end
$var wire 3 # v [2:0] $end
$var wire 1 $ ignored $end
$upscope $end
$upscope $end
$enddefinitions $end
#0
$dumpvars
0!
0"
b000 #
0$
$end
#5
1!
1"
b001 #
#10
0!
#15
1!
b011 #
#20
0!
#25
1!
0"
b10 #
#30
0!
#35
1!
1$
#40
0!
`;

describe('VCD activity', () => {
  const sel = { clock: 'TOP.clk', select: (v: { path: string }) => v.path !== 'TOP.dut.ignored' };

  it('toggles per cycle and duty over the window after the skipped cycles (hand-checked)', () => {
    // Window: from #10 (the first timestamp after edge 1 at 5) for 3 periods (edges 15, 25, 35) to 40.
    const a = vcdActivityFromText(VCD, { ...sel, skipCycles: 1 });
    expect(a).toMatchObject({ cycles: 3, period: 10, start: 10, end: 40, timescale: '1ps' });
    const s = (p: string) => a.signals.get(p)!;
    // a: high 10..25 of 30, falls once
    expect(s('TOP.dut.a').toggleRate[0]).toBeCloseTo(1 / 3, 12);
    expect(s('TOP.dut.a').duty[0]).toBeCloseTo(15 / 30, 12);
    // v[0]: high 10..25, falls at 25; v[1]: rises at 15, high to the end; v[2]: never
    // ("b10" at 25 is a short value: left-extended with 0)
    expect(Array.from(s('TOP.dut.v').toggleRate)).toEqual([1 / 3, 1 / 3, 0]);
    expect(Array.from(s('TOP.dut.v').duty).map((d) => +d.toFixed(12))).toEqual([0.5, +(25 / 30).toFixed(12), 0]);
    expect(a.signals.has('TOP.dut.ignored')).toBe(false);
    expect(a.vars.get('TOP.dut.v')).toMatchObject({ width: 3, msb: 2, lsb: 0, scope: ['TOP', 'dut'], name: 'v' });
  });

  it('without skipped cycles the window is the whole trace; chunked input gives the same answer', () => {
    const a = vcdActivityFromText(VCD, sel);
    expect(a).toMatchObject({ cycles: 4, start: 0, end: 40 });
    expect(a.signals.get('TOP.dut.a')!.toggleRate[0]).toBe(0.5); // rises at 5, falls at 25
    expect(a.signals.get('TOP.dut.a')!.duty[0]).toBe(0.5); // 20 of 40
    for (const size of [1, 7, 64]) {
      const p = new VcdActivityParser({ ...sel, skipCycles: 1 });
      for (let i = 0; i < VCD.length; i += size) p.push(VCD.slice(i, i + size));
      const b = p.finish();
      expect(Array.from(b.signals.get('TOP.dut.v')!.duty)).toEqual(
        Array.from(vcdActivityFromText(VCD, { ...sel, skipCycles: 1 }).signals.get('TOP.dut.v')!.duty),
      );
    }
  });

  it('reports a missing clock, too few edges and a truncated header', () => {
    expect(() => vcdActivityFromText(VCD, { clock: 'TOP.nope' })).toThrow(/no clock variable TOP\.nope/);
    expect(() => vcdActivityFromText(VCD, { clock: 'TOP.clk', skipCycles: 4 })).toThrow(VcdError);
    expect(() => vcdActivityFromText('$scope module TOP $end', { clock: 'TOP.clk' })).toThrow(/no \$enddefinitions/);
  });
});
