/**
 * A 1R1W memory (ram1r1w's ports) as two single-port banks, so that single-port SRAM macros can
 * hold it, for access patterns that keep a cycle's read and write in different banks:
 *
 * - pingPongRam: a double buffer of 2 × `half` words, one bank per half (the input pairs: the
 *   receiver fills one half while the controller computes on the other). A read and a write of
 *   one half in a cycle would need two ports: the design promises never to do it, and
 *   simulation checks the promise (m.assert).
 * - interleavedRam: the even addresses in one bank, the odd ones in the other (the weights with
 *   weightPorts '2x1p': the update reads one weight while writing the one before it). A write
 *   wins its bank: a read of the bank being written is dropped (its data is undefined), which
 *   the weight port only does where it does not use the data (top.ts checks the update's reads).
 *
 * The read data is the bank read last, held, like a 1R1W memory's, until the next read.
 */
import { Bool, buildModule, clog2, mux, type Expr, type HdlType, type Module } from '../../src/hdl/index.js';
import { ram1r1wPorts } from './ram.js';
import { singlePortMemory, type MemoryTarget } from './target.js';

/** Which bank an address is in, and its address within the bank. */
interface Placement {
  readonly upper: Expr;
  readonly local: Expr;
}

type Split = { readonly kind: 'halves'; readonly half: number } | { readonly kind: 'parity' };

function place(m: Module, name: string, addr: Expr, split: Split): Placement {
  if (split.kind === 'parity') {
    const upper = m.wire(`${name}_odd`, addr.bit(0));
    return { upper, local: m.wire(`${name}_local`, addr.slice(addr.width - 1, 1)) };
  }
  const { half } = split;
  const hw = clog2(half);
  const pow2 = (half & (half - 1)) === 0;
  // with a power-of-two half the top bit says which; else a compare and a subtraction
  const upper = m.wire(`${name}_upper`, pow2 ? addr.bit(addr.width - 1) : addr.ge(half));
  const local = pow2 ? addr.slice(hw - 1, 0) : mux(upper, addr.sub(half).truncate(addr.width), addr).truncate(hw);
  return { upper, local: m.wire(`${name}_local`, local) };
}

function twoBanks(name: string, role: string, depth: number, type: HdlType, target: MemoryTarget, split: Split): Module {
  const words = split.kind === 'halves' ? split.half : Math.ceil(depth / 2);
  return buildModule(name, { role, depth, split: split.kind, width: type.width, signed: type.signed }, (m) => {
    const { ren, raddr, we, waddr, wdata } = ram1r1wPorts(m, depth, type);
    const r = place(m, 'read', raddr, split);
    const w = place(m, 'write', waddr, split);
    if (split.kind === 'halves') m.assert(ren.and(we).and(r.upper.eq(w.upper)).not(), `${role}: a read and a write of the same half in one cycle`);
    const bank = singlePortMemory(role, words, type, target);
    const names = split.kind === 'halves' ? ['half0', 'half1'] : ['even', 'odd'];
    const data = names.map((inst, h) => {
      const mine = (e: Expr) => (h === 1 ? e : e.not());
      const wr = m.wire(`${inst}_we`, we.and(mine(w.upper)));
      const rd = ren.and(mine(r.upper));
      const addr = mux(wr, w.local, r.local).truncate(clog2(words));
      return m.instance(inst, bank, { en: wr.or(rd), we: wr, addr, wdata }).out('rdata');
    });
    // the bank read last (its data holds, as a 1R1W memory's does, until the next read)
    const readUpper = m.reg('read_bank', Bool, { enable: ren });
    readUpper.set(r.upper);
    m.assign(m.output('rdata', type), mux(readUpper, data[1] as Expr, data[0] as Expr));
  });
}

const suffix = (depth: number, type: HdlType) => `${depth}x${type.width}${type.signed ? 's' : ''}`;

/** A double buffer of two single-port halves of `half` words. */
export function pingPongRam(role: string, half: number, type: HdlType, target: MemoryTarget): Module {
  return twoBanks(`${role}_pingpong_${suffix(2 * half, type)}`, role, 2 * half, type, target, { kind: 'halves', half });
}

/** `depth` words in two single-port banks, the even and the odd addresses. */
export function interleavedRam(role: string, depth: number, type: HdlType, target: MemoryTarget): Module {
  return twoBanks(`${role}_interleaved_${suffix(depth, type)}`, role, depth, type, target, { kind: 'parity' });
}
