/**
 * A single-port memory built from single-port SRAM macros, for the ASIC target: the same ports
 * and behaviour as ram1p (ram.ts), so the accelerator cannot tell them apart, and the macros
 * instantiated with their real ports (black boxes to synthesis; their models, e.g.
 * ihp-sg13g2.ts, to simulation). The macros are laid out by tiling.ts: address ranges, largest
 * first, each `across` macros side by side. An access enables the macros of one range only; the
 * range read last is remembered to pick its data, which holds, like the macros' outputs, until
 * the next read.
 */
import { Bool, UInt, buildModule, cat, clog2, lit, mux, type Expr, type HdlType, type Module } from '../../src/hdl/index.js';
import type { MacroRange, MemoryTiling } from './tiling.js';

/** A macro cell's model: `words` × `bits`, with the IHP 1P ports (A_MEN, A_WEN, A_REN, …). */
export type MacroModel = (cell: string, words: number, bits: number) => Module;

/** The read-side helper of one range: its enable and its (width-bit) read data. */
function macroRange(
  m: Module,
  k: number,
  r: MacroRange,
  ports: { en: Expr; we: Expr; addr: Expr; wdata: Expr },
  width: number,
  model: MacroModel,
): { hit: Expr; data: Expr } {
  const aw = ports.addr.width;
  const rw = clog2(r.words);
  const aligned = (r.words & (r.words - 1)) === 0 && r.base % r.words === 0;
  // the range holds [base, base + words): with power-of-two sizes, the address's top bits say so
  const hit =
    aw <= rw ? lit(1, Bool) : aligned ? ports.addr.slice(aw - 1, rw).eq(r.base / r.words) : ports.addr.ge(r.base).and(ports.addr.lt(r.base + r.words));
  const men = m.wire(`range${k}_men`, ports.en.and(hit));
  // a write of this range (the power flow counts each range's reads and writes by these two)
  const wen = m.wire(`range${k}_wen`, men.and(ports.we));
  const addr = aw >= rw ? ports.addr.slice(rw - 1, 0) : ports.addr.zext(rw);
  const ones = lit((1n << BigInt(r.bits)) - 1n, UInt(r.bits));
  const parts: Expr[] = [];
  for (let c = 0; c < r.across; c++) {
    const lo = c * r.bits;
    const hi = Math.min(width, lo + r.bits) - 1;
    const din = ports.wdata.slice(hi, lo);
    const sram = m.instance(`sram_r${k}_c${c}`, model(r.cell, r.words, r.bits), {
      A_MEN: men,
      A_WEN: wen,
      A_REN: ports.we.not(),
      A_ADDR: addr,
      A_DIN: hi - lo + 1 < r.bits ? din.zext(r.bits) : din,
      A_DLY: lit(1, Bool),
      A_BM: ones,
      A_BIST_CLK: lit(0, Bool),
      A_BIST_EN: lit(0, Bool),
      A_BIST_MEN: lit(0, Bool),
      A_BIST_WEN: lit(0, Bool),
      A_BIST_REN: lit(0, Bool),
      A_BIST_ADDR: lit(0, UInt(rw)),
      A_BIST_DIN: lit(0, UInt(r.bits)),
      A_BIST_BM: lit(0, UInt(r.bits)),
    });
    parts.push(sram.out('A_DOUT').slice(hi - lo, 0));
  }
  return { hit, data: cat(...parts.reverse()) };
}

/**
 * `depth` words of `type` from the macros of `tiling` (tileMemory(depth, type.width, …)),
 * named like ram1p's memory; `model` gives each macro cell's module.
 */
export function ram1pFromMacros(role: string, depth: number, type: HdlType, tiling: MemoryTiling, model: MacroModel): Module {
  const name = `${role}_ram_1p_${depth}x${type.width}${type.signed ? 's' : ''}`;
  const params = {
    role,
    depth,
    width: type.width,
    signed: type.signed,
    ports: '1p',
    macros: tiling.macros.map((u) => `${u.count} x ${u.cell}`),
    // the layout, for readers of the file and for the simulation driver that reads words in place
    ranges: tiling.ranges.map((r) => ({ ...r })),
  };
  return buildModule(name, params, (m) => {
    const ports = { en: m.input('en', Bool), we: m.input('we', Bool), addr: m.input('addr', UInt(clog2(depth))), wdata: m.input('wdata', type) };
    const ranges = tiling.ranges.map((r, k) => macroRange(m, k, r, ports, type.width, model));
    const rdata = m.output('rdata', type);
    const first = ranges[0];
    if (!first) throw new RangeError(`${name}: the tiling has no macros`);
    const typed = (e: Expr) => (type.signed ? e.asSInt() : e);
    if (ranges.length === 1) {
      m.assign(rdata, typed(first.data));
      return;
    }
    // which range the last read came from (held through writes and idle cycles, as the data is)
    const sel = m.reg('read_range', UInt(clog2(ranges.length)), { enable: ports.en.and(ports.we.not()) });
    sel.set(ranges.slice(1).reduce<Expr>((s, r, k) => mux(r.hit, lit(k + 1, sel.type), s), lit(0, sel.type)));
    m.assign(rdata, typed(ranges.slice(1).reduce<Expr>((d, r, k) => mux(sel.eq(k + 1), r.data, d), first.data)));
  });
}
