/**
 * The accelerator's memories, each its own module: one synchronous read port and one write port
 * (Yosys maps them to block RAM; ASIC flows can swap them for SRAM macros), or one port for both
 * (single-port: SRAM macros, the iCE40 SPRAM, which `synth_ice40 -spram` infers from this style).
 */
import { Bool, UInt, buildModule, clog2, type Expr, type HdlType, type Module } from '../../src/hdl/index.js';

/**
 * A simple dual-port RAM: `depth` words of `type`, read data registered (held while !ren). A read
 * of the address written in the same cycle is undefined, as on the iCE40's block RAM: the
 * accelerator never does it (simulation stops if it does), so Yosys adds no emulating logic.
 */
export function ram1r1w(role: string, depth: number, type: HdlType, opts: FlopOptions = {}): Module {
  const name = `${role}_ram_${depth}x${type.width}${type.signed ? 's' : ''}`;
  return buildModule(name, { role, depth, width: type.width, signed: type.signed, ...flopParams(opts) }, (m) => {
    const { ren, raddr, we, waddr, wdata } = ram1r1wPorts(m, depth, type);
    m.gated(
      'access',
      ren.or(we),
      () => {
        const mem = m.memory('mem', { type, depth, readDuringWrite: 'undefined' });
        m.when(we, () => mem.write(waddr, wdata));
        m.assign(m.output('rdata', type), mem.read('rdata_q', raddr, ren));
      },
      gates(opts),
    );
  });
}

/** How a memory is built: `flops`, from flip-flops with the logic (the ASIC target, target.ts), not a macro. */
export interface FlopOptions {
  readonly flops?: boolean;
  /**
   * With `flops`: the flip-flops' clock through a clock gate (m.gatedDomain) that lets an edge
   * through only in the cycles the memory is read or written; in the others (most of them for the
   * accelerator's buffers) its flip-flops draw no clock power. Their values are those without it.
   */
  readonly gated?: boolean;
}

const flopParams = (o: FlopOptions) => ({ ...(o.flops ? { flops: true } : {}), ...(o.flops && o.gated ? { gated: true } : {}) });

const gates = (o: FlopOptions) => Boolean(o.flops && o.gated);

/** The input ports of a 1R1W memory of `depth` words of `type` (its output is `rdata`). */
export function ram1r1wPorts(m: Module, depth: number, type: HdlType): { ren: Expr; raddr: Expr; we: Expr; waddr: Expr; wdata: Expr } {
  const aw = clog2(depth);
  return {
    ren: m.input('ren', Bool),
    raddr: m.input('raddr', UInt(aw)),
    we: m.input('we', Bool),
    waddr: m.input('waddr', UInt(aw)),
    wdata: m.input('wdata', type),
  };
}

/**
 * A single-port RAM: one access per cycle, a write (`en` and `we`) or a read (`en` alone) whose
 * data is registered; rdata holds otherwise, also through a write (Yosys' "no_change").
 */
export function ram1p(role: string, depth: number, type: HdlType, opts: FlopOptions = {}): Module {
  const name = `${role}_ram_1p_${depth}x${type.width}${type.signed ? 's' : ''}`;
  return buildModule(name, { role, depth, width: type.width, signed: type.signed, ports: '1p', ...flopParams(opts) }, (m) => {
    const en = m.input('en', Bool);
    const we = m.input('we', Bool);
    const addr = m.input('addr', UInt(clog2(depth)));
    const wdata = m.input('wdata', type);
    m.gated(
      'access',
      en,
      () => {
        const mem = m.memory('mem', { type, depth });
        m.when(en.and(we), () => mem.write(addr, wdata));
        m.assign(m.output('rdata', type), mem.read('rdata_q', addr, en.and(we.not())));
      },
      gates(opts),
    );
  });
}

/** Whether a memory module (by name) is single-port: its read enable is `en` without `we`, its address `addr`. */
export const isSinglePortMemory = (moduleName: string): boolean => moduleName.includes('_ram_1p_');
