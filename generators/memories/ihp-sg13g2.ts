/**
 * The IHP SG13G2 single-port SRAM macros (RM_IHPSG13_1P_<words>x<bits>_c<n>_bm_bist): the
 * cell's real ports, so a design instantiates the macro itself and an ASIC flow keeps it as a
 * black box, and a model of its behaviour for Verilator and Icarus, following the IHP Open PDK's
 * behavioural model (RM_IHPSG13_1P_core_behavioral_bm_bist.v), which ships no Verilog with the
 * liberty files this project reads:
 *
 * - all controls active high; at the rising edge of A_CLK, with A_MEN: A_WEN writes A_DIN into
 *   the bits A_BM selects (the others keep their value); A_REN without A_WEN reads;
 *   A_REN with A_WEN reads the word as written (write-through); A_DOUT holds otherwise.
 * - A_BIST_EN selects the A_BIST_* inputs instead of the functional ones. The model clocks both
 *   on A_CLK (A_BIST_CLK is a separate test clock on the real macro); A_DLY tunes the macro's
 *   internal timing and has no function.
 *
 * The model keeps one single-bit memory per data bit: the library's memories write whole words,
 * and a bit mask is a write enable per bit.
 */
import { Bool, UInt, buildModule, cat, clog2, mux, type Expr, type Module } from '../../src/hdl/index.js';

/** Whether `cell` is an IHP SG13G2 1P macro this module models. */
export const isIhpSram1p = (cell: string): boolean => /^RM_IHPSG13_1P_\d+x\d+_c\d+_bm_bist$/.test(cell);

/** The model of IHP macro `cell`, `words` × `bits` (as its liberty's memory() group says). */
export function ihpSram1p(cell: string, words: number, bits: number): Module {
  if (!isIhpSram1p(cell)) throw new RangeError(`${cell} is not an IHP SG13G2 single-port macro (RM_IHPSG13_1P_<words>x<bits>_c<n>_bm_bist)`);
  return buildModule(
    cell,
    { words, bits },
    (m) => {
      const aw = clog2(words);
      const D = UInt(bits);
      const A = UInt(aw);
      const fn = {
        men: m.input('A_MEN', Bool),
        wen: m.input('A_WEN', Bool),
        ren: m.input('A_REN', Bool),
        addr: m.input('A_ADDR', A),
        din: m.input('A_DIN', D),
      };
      m.input('A_DLY', Bool); // timing only
      const dout = m.output('A_DOUT', D);
      const bm = m.input('A_BM', D);
      m.input('A_BIST_CLK', Bool); // the model runs BIST on A_CLK
      const bist = {
        en: m.input('A_BIST_EN', Bool),
        men: m.input('A_BIST_MEN', Bool),
        wen: m.input('A_BIST_WEN', Bool),
        ren: m.input('A_BIST_REN', Bool),
        addr: m.input('A_BIST_ADDR', A),
        din: m.input('A_BIST_DIN', D),
        bm: m.input('A_BIST_BM', D),
      };
      const pick = (name: string, test: Expr, normal: Expr) => m.wire(name, mux(bist.en, test, normal));
      const men = pick('men', bist.men, fn.men);
      const wen = pick('wen', bist.wen, fn.wen);
      const addr = pick('addr', bist.addr, fn.addr);
      const din = pick('din', bist.din, fn.din);
      const mask = pick('mask', bist.bm, bm);
      const read = m.wire('read', men.and(pick('ren', bist.ren, fn.ren)));
      const write = m.wire('write', men.and(wen));
      // A read's old bits, and what a write-through replaces in them (registered with the read).
      const old: Expr[] = [];
      for (let i = 0; i < bits; i++) {
        const mem = m.memory(`bit${i}`, { type: Bool, depth: words });
        m.when(write.and(mask.bit(i)), () => mem.write(addr, din.bit(i)));
        old.push(mem.read(`bit${i}_q`, addr, read));
      }
      const through = m.reg('through', Bool, { enable: read });
      const throughMask = m.reg('through_mask', D, { enable: read });
      const throughData = m.reg('through_data', D, { enable: read });
      through.set(wen);
      throughMask.set(mask);
      throughData.set(din);
      const oldWord = m.wire('old_word', cat(...old.reverse()));
      const written = oldWord.and(throughMask.not()).or(throughData.and(throughMask));
      m.assign(dout, mux(through, written, oldWord));
    },
    { exactName: true, clockPort: 'A_CLK', reset: 'none' },
  );
}
