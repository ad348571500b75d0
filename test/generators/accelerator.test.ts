/**
 * The generated accelerator is clean under every gate (Verilator -Wall, Icarus, Yosys without
 * latches and with `check -assert`), its memories become block RAM (not flip-flops), and its
 * output (Verilog and manifest) is deterministic.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { generateAccelerator } from '../../src/flows/rtl/generate.js';
import { checkGates } from '../../src/flows/rtl/lint.js';
import { emitForSim } from '../../src/sim/from-module.js';
import { yosysSynthCheck } from '../../src/tools/index.js';

const small = [
  parseConfig({ layers: [5, 7, 3], pes: 4, accBits: 40, inputsPerBeat: 2 }),
  parseConfig({ layers: [9, 4], pes: 1, rounding: 'nearest', accBits: 40 }),
  parseConfig({ layers: [3, 17, 6, 2], pes: 5, hidden: 'hardsigmoid', rounding: 'truncate', accBits: 40, inputsPerBeat: 3 }),
  parseConfig({ variant: 'inference', layers: [5, 7, 3], pes: 4, inputsPerBeat: 2 }),
  parseConfig({ variant: 'dedicated', layers: [3, 17, 6, 2], pes: 5, rounding: 'stochastic', inputsPerBeat: 3 }),
  // per-layer formats and learning rates: the layer-selected requantisers and update shifts
  parseConfig({
    layers: [6, 9, 5, 3],
    pes: 2,
    hidden: 'hardsigmoid',
    weight: [
      { bits: 8, frac: 7 },
      { bits: 8, frac: 6 },
      { bits: 8, frac: 7 },
    ],
    act: [
      { bits: 8, frac: 6 },
      { bits: 8, frac: 7 },
      { bits: 8, frac: 5 },
    ],
    error: [
      { bits: 8, frac: 5 },
      { bits: 8, frac: 6 },
      { bits: 8, frac: 7 },
    ],
    lrShift: [5, 7, 6],
    inputsPerBeat: 2,
  }),
];

describe('generated accelerator', () => {
  for (const cfg of small) {
    it(`${cfg.variant} ${cfg.layers.join('-')} P=${cfg.pes}: verilator -Wall, iverilog -g2005, yosys synth without latches`, async () => {
      const { top, files } = generateAccelerator(cfg);
      const { design } = emitForSim(top);
      expect(design.files.map((f) => f.split('/').pop())).toEqual(files.filter((f) => f.file.endsWith('.v')).map((f) => f.file));
      const g = await checkGates(design.files, design.top);
      expect(g.output).toBe('');
      expect([g.verilator, g.iverilog, g.yosys, g.latches]).toEqual([true, true, true, 0]);
    });
  }

  it('maps every memory to block RAM on iCE40 and Xilinx (the weight banks too)', async () => {
    const cfg = parseConfig({ layers: [64, 32, 10], pes: 4, accBits: 32 });
    const { top, manifest } = generateAccelerator(cfg);
    const { design } = emitForSim(top);
    const r = await yosysSynthCheck(design.files, design.top, 'ice40');
    expect(r.output).toBe('');
    expect(r.latches).toBe(0);
    // 4 weight banks, 4 error banks, the input buffer's indices and values, the activation buffer: 11 memories.
    expect(manifest.memories.reduce((n, m) => n + m.instances, 0)).toBe(11);
    expect(r.cells.SB_RAM40_4K).toBeGreaterThanOrEqual(11);
    const x = await yosysSynthCheck(design.files, design.top, 'xilinx');
    // Yosys 0.23's own BRAM mapping warns about resizing its cell ports: its noise, not the design's.
    expect(x.output.split('\n').filter((l) => l.trim() && !/^Warning: Resizing cell port/.test(l))).toEqual([]);
    expect(x.latches).toBe(0);
    const count = (re: RegExp) =>
      Object.entries(x.cells)
        .filter(([c]) => re.test(c))
        .reduce((n, [, k]) => n + k, 0);
    // The weight banks become block RAM, the small memories distributed (LUT) RAM.
    expect(count(/^RAMB/)).toBeGreaterThanOrEqual(4);
    expect(count(/^RAM(32|64|128|256)[MX]/)).toBeGreaterThan(0);
  });

  it('variants differ where they should: inference has no error banks, update units or tree; dedicated has three multipliers per PE and a learning-rate input', () => {
    const modules = (variant: 'taxonn' | 'inference' | 'dedicated') => {
      const { files, top } = generateAccelerator(parseConfig({ variant, layers: [5, 7, 3], pes: 4 }));
      const text = files.map((f) => f.text).join('\n');
      return { names: files.map((f) => f.file), text, ports: top.ports.map((p) => p.name) };
    };
    const t = modules('taxonn');
    const i = modules('inference');
    const d = modules('dedicated');
    const has = (m: { names: string[] }, re: RegExp) => m.names.some((n) => re.test(n));
    expect([has(t, /^error_ram/), has(t, /^update_/), has(t, /^adder_tree/), has(t, /^pe_w/)]).toEqual([true, true, true, true]);
    expect([has(i, /^error_ram/), has(i, /^update_/), has(i, /^adder_tree/), has(i, /^mac_/)]).toEqual([false, false, false, true]);
    expect([has(d, /^pe_dedicated_/), has(d, /^update_.*_lr16_/)]).toEqual([true, true]);
    const mults = (text: string, mod: RegExp) => {
      const body = text.split(/^module /m).find((b) => mod.test(b)) ?? '';
      return (body.match(/ \* /g) ?? []).length;
    };
    expect(mults(t.text, /^pe_w/)).toBe(1);
    expect(mults(d.text, /^pe_dedicated_/)).toBe(3);
    expect(d.ports).toContain('learning_rate');
    expect(t.ports).not.toContain('learning_rate');
    // Every variant keeps the same host interface otherwise.
    expect(i.ports).toEqual(t.ports);
  });

  it('is deterministic: the same configuration gives byte-identical Verilog and manifest', () => {
    const a = generateAccelerator(small[0]!).files;
    const b = generateAccelerator(small[0]!).files;
    expect(a.map((f) => f.file)).toEqual(b.map((f) => f.file));
    expect(a.map((f) => f.text)).toEqual(b.map((f) => f.text));
  });

  it('writes a manifest, a FuseSoC core and a file list next to the Verilog', () => {
    const { files, manifest } = generateAccelerator(small[0]!);
    const names = files.map((f) => f.file);
    expect(names).toContain('manifest.json');
    expect(names).toContain(`${manifest.top}.core`);
    expect(names).toContain(`${manifest.top}.f`);
    const core = files.find((f) => f.file.endsWith('.core'))!.text;
    expect(core).toMatch(/^CAPI=2:/);
    expect(core).toContain(`toplevel: ${manifest.top}`);
    expect(manifest.memoryBits).toBe(manifest.memories.reduce((s, m) => s + m.instances * m.depth * m.width, 0));
    expect(manifest.files.every((f) => f.endsWith('.v'))).toBe(true);
  });
});
