/** Interfaces: Bundle, Vec, Stream as ports, wires and instance interfaces; connect in one call. */
import { describe, expect, it } from 'vitest';
import { designErrorsOf } from '../support/design-errors.js';
import { Bool, Bundle, SInt, Stream, UInt, Vec, buildModule, emitDesign, flipped, pack } from '../../src/hdl/index.js';

/** A pass-through stage: the smallest module with a stream in and a stream out. */
const passThrough = (payload = UInt(8)) =>
  buildModule('pass', {}, (m) => {
    const i = m.input('in', Stream(payload));
    const o = m.output('out', Stream(payload));
    m.connect(i, o);
  });

describe('interface ports', () => {
  it('flattens a stream into <name>_<field> ports with the directions of its side', () => {
    const m = passThrough();
    expect(m.ports.map((p) => `${p.role} ${p.name} ${p.width}`)).toEqual([
      'input in_data 8',
      'input in_valid 1',
      'output in_ready 1',
      'output out_data 8',
      'output out_valid 1',
      'input out_ready 1',
    ]);
    const text = emitDesign(m).files[0]!.text;
    expect(text).toContain('assign out_data = in_data;');
    expect(text).toContain('assign in_ready = out_ready;');
  });

  it('names AXI4-Stream fields tdata, tvalid, tready, tlast', () => {
    const m = buildModule('axi_pass', {}, (m) => {
      const i = m.input('s_axis', Stream(UInt(16), { last: true, names: 'axi' }));
      const o = m.output('m_axis', Stream(UInt(16), { last: true, names: 'axi' }));
      m.connect(o, i); // either order
    });
    expect(m.ports.map((p) => p.name)).toEqual([
      's_axis_tdata',
      's_axis_tvalid',
      's_axis_tready',
      's_axis_tlast',
      'm_axis_tdata',
      'm_axis_tvalid',
      'm_axis_tready',
      'm_axis_tlast',
    ]);
    expect(emitDesign(m).files[0]!.text).toContain('assign m_axis_tlast = s_axis_tlast;');
  });

  it('nests bundles and vectors, and flips what is flipped', () => {
    const Req = Bundle({ addr: UInt(12), data: Vec(2, SInt(8)), ack: flipped(Bool) });
    const m = buildModule('req_user', {}, (m) => {
      const r = m.input('req', Req);
      m.assign(r.ack, r.addr.orR());
      m.assign(m.output('sum', SInt(9)), r.data[0]!.add(r.data[1]!));
      m.assign(m.output('bits', UInt(29)), pack(r));
    });
    expect(m.ports.slice(0, 4).map((p) => `${p.role} ${p.name}`)).toEqual(['input req_addr', 'input req_data_0', 'input req_data_1', 'output req_ack']);
    const text = emitDesign(m).files[0]!.text;
    expect(text).toContain('assign bits = {req_addr, req_data_0, req_data_1, req_ack};');
  });

  it('gives a stream its fire (valid & ready)', () => {
    const m = buildModule('count_beats', {}, (m) => {
      const i = m.input('in', Stream(UInt(4)));
      m.assign(i.ready, 1);
      const beats = m.reg('beats', UInt(8), { init: 0 });
      m.when(i.fire, () => beats.set(beats.inc()));
      m.assign(m.output('n', UInt(8)), beats);
    });
    expect(emitDesign(m).files[0]!.text).toMatch(/if \(in_valid & in_ready\) begin\n\s+beats <= beats \+ 8'd1;/);
  });
});

describe('connecting whole interfaces', () => {
  it('connects instances stage to stage in one call each, and through the instance map', () => {
    const stage = passThrough();
    const top = buildModule('chain', {}, (m) => {
      const i = m.input('in', Stream(UInt(8)));
      const o = m.output('out', Stream(UInt(8)));
      const a = m.instance('a', stage, { in: i });
      const b = m.instance('b', stage);
      m.connect(a.io('out'), b.io('in'));
      m.connect(b.io('out'), o);
    });
    const text = emitDesign(top).files.find((f) => f.file === 'chain.v')!.text;
    expect(text).toContain('assign a_in_data = in_data;');
    expect(text).toContain('assign b_in_data = a_out_data;');
    expect(text).toContain('assign a_out_ready = b_in_ready;');
    expect(text).toContain('assign out_data = b_out_data;');
    expect(text).toMatch(/\.in_data\s+\(a_in_data\)/);
  });

  it('refuses two sources, naming both sides and saying why', () => {
    const msg = designErrorsOf(() =>
      buildModule('two_sources', {}, (m) => {
        const a = m.input('a', Stream(UInt(8)));
        const b = m.input('b', Stream(UInt(8)));
        m.connect(a, b);
        m.assign(a.ready, 0);
        m.assign(b.ready, 0);
      }),
    );
    expect(msg).toMatch(
      /interface\.test\.ts:\d+: multiple-drivers error in module two_sources: cannot connect port a of module two_sources and port b of module two_sources because both are sources of Stream\(UInt\(8\)\): each would drive data, valid/,
    );
  });

  it('refuses different shapes, naming the field and both sides', () => {
    const msg = designErrorsOf(() =>
      buildModule('mismatch', {}, (m) => {
        const a = m.input('a', Stream(UInt(8)));
        const b = m.output('b', Stream(UInt(16)));
        m.connect(a, b);
      }),
    );
    expect(msg).toMatch(
      /cannot connect port a of module mismatch \(Stream\(UInt\(8\)\)\) to port b of module mismatch \(Stream\(UInt\(16\)\)\) because field data is UInt\(8\) on port a of module mismatch and UInt\(16\) on port b of module mismatch/,
    );
    const last = designErrorsOf(() =>
      buildModule('no_last', {}, (m) => {
        const a = m.input('a', Stream(UInt(8), { last: true }));
        const b = m.output('b', Stream(UInt(8)));
        m.connect(a, b);
      }),
    );
    expect(last).toMatch(/because port b of module no_last has no field last/);
  });

  it('reports an instance interface left unconnected as the instance input it is', () => {
    const stage = passThrough();
    const msg = designErrorsOf(() =>
      buildModule('dangling', {}, (m) => {
        const o = m.output('out', Stream(UInt(8)));
        m.connect(m.instance('a', stage).io('out'), o);
      }),
    );
    expect(msg).toMatch(/input 'in_data' of instance a \(module pass\) is not connected/);
    expect(msg).toMatch(/input 'in_valid' of instance a \(module pass\) is not connected/);
  });

  it('wires of interface shape work as either end', () => {
    const top = buildModule('via_wire', {}, (m) => {
      const i = m.input('in', Stream(UInt(8)));
      const o = m.output('out', Stream(UInt(8)));
      const w = m.wire('mid', Stream(UInt(8)));
      m.connect(i, w);
      m.connect(w, o);
    });
    const text = emitDesign(top).files[0]!.text;
    expect(text).toContain('assign mid_data = in_data;');
    expect(text).toContain('assign out_data = mid_data;');
    expect(text).toContain('assign mid_ready = out_ready;');
  });
});
