/**
 * A double buffer as two single-port memories: a 1R1W memory of 2 × `half` words (ram1r1w's
 * ports and behaviour) whose halves are separate banks, for a buffer that is written in one half
 * while the other is read (the input pairs: the receiver fills one half while the controller
 * computes on the other). So single-port SRAM macros can hold it. A read and a write of the
 * same half in one cycle would need two ports: the design promises never to do it, and
 * simulation checks the promise (m.assert).
 */
import { Bool, buildModule, clog2, mux, type Expr, type HdlType, type Module } from '../../src/hdl/index.js';
import { ram1r1wPorts } from './ram.js';
import { singlePortMemory, type MemoryTarget } from './target.js';

/** Which half an address is in, and its address within the half. */
function split(m: Module, name: string, addr: Expr, half: number): { upper: Expr; local: Expr } {
  const hw = clog2(half);
  const pow2 = (half & (half - 1)) === 0;
  // with a power-of-two half the top bit says which; else a compare and a subtraction
  const upper = m.wire(`${name}_upper`, pow2 ? addr.bit(addr.width - 1) : addr.ge(half));
  const local = pow2 ? addr.slice(hw - 1, 0) : mux(upper, addr.sub(half).truncate(addr.width), addr).truncate(hw);
  return { upper, local: m.wire(`${name}_local`, local) };
}

export function pingPongRam(role: string, half: number, type: HdlType, target: MemoryTarget): Module {
  const depth = 2 * half;
  const name = `${role}_pingpong_${depth}x${type.width}${type.signed ? 's' : ''}`;
  return buildModule(name, { role, half, width: type.width, signed: type.signed }, (m) => {
    const { ren, raddr, we, waddr, wdata } = ram1r1wPorts(m, depth, type);
    const r = split(m, 'read', raddr, half);
    const w = split(m, 'write', waddr, half);
    m.assert(ren.and(we).and(r.upper.eq(w.upper)).not(), `${role}: a read and a write of the same half in one cycle`);
    const bank = singlePortMemory(role, half, type, target);
    const data = [0, 1].map((h) => {
      const inHalf = (e: Expr) => (h === 1 ? e : e.not());
      const wr = m.wire(`half${h}_we`, we.and(inHalf(w.upper)));
      const rd = ren.and(inHalf(r.upper));
      return m.instance(`half${h}`, bank, { en: wr.or(rd), we: wr, addr: mux(wr, w.local, r.local), wdata }).out('rdata');
    });
    // the half read last (its data holds, as a 1R1W memory's does, until the next read)
    const readUpper = m.reg('read_upper', Bool, { enable: ren });
    readUpper.set(r.upper);
    m.assign(m.output('rdata', type), mux(readUpper, data[1] as Expr, data[0] as Expr));
  });
}
