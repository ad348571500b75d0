/**
 * Per-layer formats and learning rates in the RTL (docs/ARCHITECTURE.md §1 "Per-layer formats"):
 * bit-exact with the golden model on configurations whose every field differs between layers,
 * lint-clean, with the layer index exported only when something differs (a list of equal
 * entries builds the hardware of one format), and a negative control.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../../src/config/index.js';
import { generateAccelerator } from '../../../src/flows/rtl/generate.js';
import { verify } from '../../../src/flows/rtl/verify.js';
import { emitDesign } from '../../../src/hdl/emit/design.js';
import { emitForSim } from '../../../src/sim/from-module.js';
import { verilatorLint } from '../../../src/tools/index.js';

const f = (bits: number, frac: number) => ({ bits, frac });

/** Three weight layers, every field per layer, every shift different. */
const threeLayers = (over: Record<string, unknown> = {}): Config =>
  parseConfig({
    layers: [20, 12, 9, 5],
    pes: 4,
    weight: [f(8, 7), f(8, 6), f(8, 7)],
    act: [f(8, 6), f(8, 7), f(8, 5)],
    error: [f(8, 5), f(8, 6), f(8, 7)],
    lrShift: [5, 7, 6],
    inputsPerBeat: 4,
    ...over,
  });

const designOf = (cfg: Config) => emitForSim(generateAccelerator(cfg).top).design;
/** Every emitted file but the top's (whose name hashes the configuration), as name and text. */
const filesOf = (cfg: Config) => {
  const top = generateAccelerator(cfg).top;
  return emitDesign(top).files.map((x) => ({ name: x.file, text: x.text, top: x.file === `${top.name}.v` }));
};

describe('per-layer formats in the RTL', () => {
  const cases: [string, Config][] = [
    ['relu, stochastic, zero skipping', threeLayers()],
    ['hard-sigmoid, nearest, dense', threeLayers({ hidden: 'hardsigmoid', rounding: 'nearest', skipZeroInputs: false, skipZeroErrors: false })],
    ['truncate', threeLayers({ rounding: 'truncate' })],
    ['dedicated (one learning rate, per-layer fracs)', threeLayers({ variant: 'dedicated', lrShift: 6, accBits: 32 })],
    ['inference', threeLayers({ variant: 'inference' })],
  ];
  for (const [name, cfg] of cases) {
    it(`${name}: lint-clean and equivalent with random stalls`, async () => {
      const design = designOf(cfg);
      expect((await verilatorLint(design.files, design.top)).output).toBe('');
      const r = await verify(cfg, { samples: 30, seed: 3, stallPermille: 250, sparsity: 0.3, xRandomSeed: 11 });
      expect(r.firstMismatch).toBeNull();
      expect(r.equivalent).toBe(true);
    });
  }

  it('exports the layer index and builds a requantiser per layer only when a field differs', () => {
    const text = (files: ReturnType<typeof filesOf>) => files.map((x) => x.text).join('\n');
    const perLayer = filesOf(threeLayers());
    expect(text(perLayer)).toMatch(/layer_index/);
    expect(text(perLayer)).toMatch(/act_unit_l2/);
    expect(text(perLayer)).toMatch(/shift_sel/);
    // The same values written as lists of equal entries: the hardware of one format.
    const one = { layers: [20, 12, 9, 5], pes: 4, weight: f(8, 7), act: f(8, 6), error: f(8, 6), lrShift: 6, inputsPerBeat: 4 };
    const lists = { ...one, weight: [f(8, 7), f(8, 7), f(8, 7)], lrShift: [6, 6, 6] };
    const a = filesOf(parseConfig(one));
    const b = filesOf(parseConfig(lists));
    expect(text(b)).not.toMatch(/layer_index|shift_sel/);
    const strip = (files: ReturnType<typeof filesOf>) => files.filter((x) => !x.top).map((x) => `${x.name}\n${x.text}`);
    expect(strip(b)).toEqual(strip(a));
    expect(strip(a).length).toBeGreaterThan(5);
  });

  it('a wrong layer select is caught (negative control: the golden model runs layer 1 formats everywhere)', async () => {
    const cfg = threeLayers();
    const first = parseConfig({ ...cfg, weight: f(8, 7), act: f(8, 6), error: f(8, 5), lrShift: 5 });
    const r = await verify(cfg, { samples: 10, seed: 4, stallPermille: 0, goldenConfig: first });
    expect(r.equivalent).toBe(false);
    expect(r.firstMismatch).not.toBeNull();
  });
});
