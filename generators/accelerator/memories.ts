/**
 * The accelerator's memories, each its own module with one synchronous read port and one
 * write port, in the style Yosys maps to block RAM (and ASIC flows can swap for SRAM macros).
 */
import { Bool, UInt, buildModule, clog2, type HdlType, type Module } from '../../src/hdl/index.js';

/** A simple dual-port RAM: `depth` words of `type`, read data registered (held while !ren). */
export function ram1r1w(role: string, depth: number, type: HdlType): Module {
  const name = `${role}_ram_${depth}x${type.width}${type.signed ? 's' : ''}`;
  return buildModule(name, { role, depth, width: type.width, signed: type.signed }, (m) => {
    const aw = clog2(depth);
    const ren = m.input('ren', Bool);
    const raddr = m.input('raddr', UInt(aw));
    const we = m.input('we', Bool);
    const waddr = m.input('waddr', UInt(aw));
    const wdata = m.input('wdata', type);
    const mem = m.memory('mem', { type, depth });
    m.when(we, () => mem.write(waddr, wdata));
    m.assign(m.output('rdata', type), mem.read('rdata_q', raddr, ren));
  });
}
