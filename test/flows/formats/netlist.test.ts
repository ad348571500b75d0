// The reader of Yosys' mapped netlists (src/flows/formats/netlist.ts).
import { describe, expect, it } from 'vitest';
import { parseNetlist, splitBitName } from '../../../src/flows/formats/netlist.js';

describe('netlist reader', () => {
  it('reads cells, escaped split nets, concatenations, constants and ranges of a Yosys netlist', () => {
    const mods = parseNetlist(`module sub(clk, q);
  input clk; wire clk;
  output [1:0] q; wire [1:0] q;
  wire \\acc[3] ;
  DFFPOSX1 _1_ (.CLK(clk), .D(\\acc[3] ), .Q(q[1]));
  DFFPOSX1 _2_ (.CLK(clk), .D(1'h0), .Q(\\acc[3] ));
  assign q[0] = 1'b1;
endmodule
module top(clk, y);
  input clk; output [1:0] y;
  sub u (.clk(clk), .q({ y[0], y[1] }));
  RAM r (.clk(clk), .d(4'ha), .q(y));
endmodule
`);
    expect(mods.map((m) => m.name)).toEqual(['sub', 'top']);
    const [f1, f2] = mods[0]!.instances;
    expect(f1!.pins.get('Q')).toEqual([{ net: 'q', bit: 1 }]);
    expect(splitBitName(f2!.pins.get('Q')![0] as { net: string; bit: undefined })).toEqual({ base: 'acc', index: 3 });
    expect(f2!.pins.get('D')).toEqual([{ constant: '0' }]);
    const top = mods[1]!;
    expect(top.instances[0]!.pins.get('q')).toEqual([
      { net: 'y', bit: 0 },
      { net: 'y', bit: 1 },
    ]);
    expect(
      top.instances[1]!.pins.get('d')!
        .map((b) => ('constant' in b ? b.constant : '?'))
        .join(''),
    ).toBe('1010');
    expect(top.instances[1]!.pins.get('q')).toEqual([
      { net: 'y', bit: 1 },
      { net: 'y', bit: 0 },
    ]); // whole vector, declared range
  });
});
