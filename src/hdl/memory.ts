/**
 * Memories with synchronous read ports and synchronous write ports, emitted in the style Yosys
 * maps to block RAM (an array written and read in clocked processes, read data registered).
 */
import type { Expr, Signal, SignalOwner } from './expr.js';
import type { SourceLoc } from './source.js';
import type { HdlType } from './types.js';
import type { ClockDomain } from './domain.js';

export interface MemReadPort {
  readonly data: Signal;
  readonly addr: Expr;
  readonly enable: Expr | undefined;
  readonly loc: SourceLoc | undefined;
}

/**
 * What a read returns when a write hits the same address in the same cycle: `old`, the data
 * before the write (the RTL's semantics; Yosys emulates it on block RAMs that lack it, with a
 * write delayed by a register and a bypass mux after the read); or `undefined`, as the iCE40's
 * SB_RAM40_4K and most SRAM macros give it: no emulating logic (Yosys' no_rw_check), and the
 * design promises never to do it, which simulation checks (a $fatal on such a cycle).
 */
export type ReadDuringWrite = 'old' | 'undefined';

export class Memory {
  readonly reads: MemReadPort[] = [];
  writes = 0;

  constructor(
    readonly name: string,
    readonly type: HdlType,
    readonly depth: number,
    readonly addrWidth: number,
    readonly module: SignalOwner & MemoryHost,
    readonly loc: SourceLoc | undefined,
    /** The clock domain of its ports. */
    readonly domain: ClockDomain,
    readonly readDuringWrite: ReadDuringWrite = 'old',
  ) {}

  /**
   * A synchronous read port: `data` holds mem[addr] one clock after `addr` is presented
   * (while `enable` is high; it keeps its value otherwise).
   */
  read(name: string, addr: Expr, enable?: Expr): Signal {
    return this.module.memRead(this, name, addr, enable);
  }

  /** A synchronous write of `data` to `addr`, under the enclosing when/switch conditions. */
  write(addr: Expr, data: Expr): void {
    this.module.memWrite(this, addr, data);
  }
}

export interface MemoryHost {
  memRead(mem: Memory, name: string, addr: Expr, enable: Expr | undefined): Signal;
  memWrite(mem: Memory, addr: Expr, data: Expr): void;
}
