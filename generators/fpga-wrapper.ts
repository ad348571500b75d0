/**
 * A thin pin-count wrapper for FPGA place and route (docs/HARDWARE.md).
 *
 * The accelerator has hundreds of port bits (a 128-bit sample bus, six 48-bit cycle counters,
 * …) while an iCE40 UP5K in its 48-pin package has 39 I/O. The wrapper keeps every bit of the
 * design observable with four pins:
 *
 * - `sdi` is shifted into one long register each cycle; the inner module's inputs are slices
 *   of that register (so no input is a constant and nothing is optimised away);
 * - every output port is XOR-reduced into one registered bit per port, and those bits into the
 *   registered output `q` (two register stages, so the reduction tree stays off the inner
 *   design's critical paths);
 * - `clk` and `rst` are passed through (the construction library adds and connects them).
 *
 * The wrapper adds (total input bits) + (output ports) + 1 flip-flops and about
 * (total output bits) / 3 LUTs: small next to the accelerator, and reported by the FPGA flow.
 */
import { Bool, UInt, buildModule, cat, type Expr, type Module } from '../src/hdl/index.js';

export interface WrapperInfo {
  /** Bits of the shift register: the sum of the inner module's input widths (clk/rst excluded). */
  readonly inputBits: number;
  /** Output bits folded into `q`. */
  readonly outputBits: number;
  /** Output ports folded into `q` (one register each). */
  readonly outputPorts: number;
}

/** `fpga_<inner>`: ports clk, rst (when the inner module has a reset), sdi and q. */
export function fpgaWrapper(inner: Module): { module: Module; info: WrapperInfo } {
  const inputs = inner.ports.filter((p) => p.role === 'input');
  const outputs = inner.ports.filter((p) => p.role === 'output');
  const inputBits = inputs.reduce((s, p) => s + p.width, 0);
  const outputBits = outputs.reduce((s, p) => s + p.width, 0);
  const info: WrapperInfo = { inputBits, outputBits, outputPorts: outputs.length };
  const module = buildModule(`fpga_${inner.name}`, { inner: inner.name, inputBits, outputBits }, (m) => {
    const sdi = m.input('sdi', Bool);
    const q = m.output('q', Bool);
    const connections: Record<string, Expr> = {};
    if (inputBits > 0) {
      const shift = m.reg('shift', UInt(inputBits));
      shift.set(inputBits === 1 ? sdi : cat(shift.slice(inputBits - 2, 0), sdi));
      let lo = 0;
      for (const p of inputs) {
        const bits = shift.slice(lo + p.width - 1, lo);
        connections[p.name] = p.signed ? bits.asSInt() : bits;
        lo += p.width;
      }
    }
    const inst = m.instance('dut', inner, connections);
    // With no inputs to drive, `sdi` goes straight into the fold (the ports stay the same).
    let folded: Expr | undefined = inputBits > 0 ? undefined : sdi;
    for (const p of outputs) {
      const bit = m.flop(`x_${p.name}`, inst.out(p.name).xorR());
      folded = folded ? folded.xor(bit) : bit;
    }
    const out = m.flop('q_r', folded ?? sdi);
    m.assign(q, out);
  });
  return { module, info };
}
