// The reader of Yosys' mapped netlists (src/flows/formats/netlist.ts).
import { describe, expect, it } from 'vitest';
import { parseNetlist, splitBitName, staNetlistText } from '../../../src/flows/formats/netlist.js';

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

  it('writes assigns to a concatenation bit by bit for OpenSTA, and leaves every other line alone', () => {
    const text = [
      'module ctl(a, n, y);',
      '  input [1:0] a;',
      '  output [4:0] n;',
      '  output [2:0] y;',
      '  wire \\q[1] ;',
      "  assign { n[4:3], n[0] } = 3'h4;",
      "  assign { y[2], \\q[1]  } = { a[0], 1'hx };",
      '  assign y[1:0] = a;',
      'endmodule',
      'module top(o);',
      '  output [1:0] o;',
      "  assign { o[1], o[0] } = 2'b01;",
      'endmodule',
      '',
    ].join('\n');
    const m = parseNetlist(text);
    expect(m[0]!.assigns).toHaveLength(3);
    expect(m[0]!.assigns[0]!.lhs).toEqual([
      { net: 'n', bit: 4 },
      { net: 'n', bit: 3 },
      { net: 'n', bit: 0 },
    ]);
    expect(staNetlistText(text).split('\n')).toEqual([
      'module ctl(a, n, y);',
      '  input [1:0] a;',
      '  output [4:0] n;',
      '  output [2:0] y;',
      '  wire \\q[1] ;',
      "  assign n[4] = 1'b1;",
      "  assign n[3] = 1'b0;",
      "  assign n[0] = 1'b0;",
      '  assign y[2] = a[0];',
      "  assign \\q[1]  = 1'bx;",
      '  assign y[1:0] = a;',
      'endmodule',
      'module top(o);',
      '  output [1:0] o;',
      "  assign o[1] = 1'b0;",
      "  assign o[0] = 1'b1;",
      'endmodule',
      '',
    ]);
  });
});
