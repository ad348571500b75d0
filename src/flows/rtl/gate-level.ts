/**
 * `taxonn verify --netlist ice40|generic` (docs/HARDWARE.md, "Gate level"), on the same random
 * workload as `verify`, compared with the golden model: the prediction of every sample, and
 * every weight after the last one.
 *
 * - ice40: the accelerator synthesised by Yosys for the iCE40 UP5K (`synth_ice40 -abc9 -dff -device u -dsp -spram`,
 *   the netlist the fpga flow places: SB_LUT4, SB_CARRY, SB_DFF*, SB_MAC16, SB_RAM40_4K and,
 *   with single-port weight banks, SB_SPRAM256KA), in Verilator with Yosys' own models of those
 *   cells (share/yosys/ice40/cells_sim.v); the weights are read back through the host interface
 *   (a netlist has no RTL memories to look into).
 * - generic: the ASIC netlist of `synth --target asic` (the liberty's cells; the memories stay
 *   black boxes, simulated by their RTL, as SRAM macros would replace them) with the library's
 *   Verilog cell models beside its .lib, in Icarus (the OSU018 models are user-defined
 *   primitives, which Verilator does not read): 4-state, from X, no stalls.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Config } from '../../config/index.js';
import { GoldenAccelerator } from '../../model/accelerator.js';
import { emitForSim } from '../../sim/from-module.js';
import { synthIce40Command, UP5K_SYNTH, run, yosys, yosysDataFile } from '../../tools/index.js';
import { asicLibraries, parseYosysStat, synthesizeAccelerator, type AsicSynthReport } from '../hardware/synth.js';
import { generateAccelerator } from './generate.js';
import { AcceleratorSim } from './harness/accelerator-sim.js';
import { runIcarus } from './harness/icarus.js';
import { randomWorkload } from './verify.js';

export const NETLIST_KINDS = ['ice40', 'generic'] as const;
export type NetlistKind = (typeof NETLIST_KINDS)[number];

export interface GateLevelOptions {
  readonly netlist: NetlistKind;
  readonly samples: number;
  /** The stimulus seed (weights, inputs, stalls), as for verify. */
  readonly seed: number;
  readonly stallPermille: number;
  /** Fraction of zero inputs (default 0.5, as verify). */
  readonly sparsity?: number;
  /** The golden model's configuration, when it is not `cfg` (negative controls). */
  readonly goldenConfig?: Config;
  /** Keep the netlist and Yosys' files here (default: a temporary folder, removed). */
  readonly workDir?: string;
  /** Kill Yosys after this long (default 30 minutes). */
  readonly timeoutMs?: number;
}

export interface GateLevelMismatch {
  /** A sample's prediction, a weight after the last sample, or an X the 4-state simulation saw. */
  readonly what: 'prediction' | 'weight' | 'x';
  /** The sample (prediction) or the weight's index in stream order. */
  readonly index: number;
  readonly expected: number;
  readonly actual: number;
}

export interface GateLevelReport {
  readonly equivalent: boolean;
  readonly netlist: NetlistKind;
  readonly samples: number;
  readonly trainingSamples: number;
  /** Weights compared after the last sample (every one). */
  readonly weightsCompared: number;
  readonly firstMismatch: GateLevelMismatch | null;
  /** The netlist's cells by type (Yosys stat). */
  readonly cells: Readonly<Record<string, number>>;
  /** Per training sample, from the host interface (null for generic: Icarus counts the whole run). */
  readonly cyclesPerSample: number | null;
  readonly top: string;
  readonly config: Config;
  readonly seconds: { readonly synth: number; readonly simulation: number };
}

const secs = (t0: number) => Math.round((performance.now() - t0) / 100) / 10;

/** Synthesises `cfg`'s accelerator for iCE40 and writes its netlist; the cells by type. */
async function ice40Netlist(cfg: Config, dir: string, timeoutMs: number) {
  const gen = generateAccelerator(cfg);
  const { design } = emitForSim(gen.top);
  const script = [
    `read_verilog ${design.files.map((f) => `"${path.resolve(f)}"`).join(' ')}`,
    synthIce40Command(design.top, UP5K_SYNTH),
    `tee -q -o cells.json stat -json -top ${design.top}`,
    'write_verilog -noattr netlist.v',
  ];
  await writeFile(path.join(dir, 'synth.ys'), `${script.join('\n')}\n`);
  await run(yosys(), ['-q', '-s', 'synth.ys'], { cwd: dir, timeoutMs });
  const stat = parseYosysStat(await readFile(path.join(dir, 'cells.json'), 'utf8'));
  return { top: gen.top, netlist: path.join(dir, 'netlist.v'), cells: stat.cellsByType };
}

/** The ASIC netlist (the default liberty's cells), the RTL of its black-box memories and the cells' Verilog models. */
async function genericNetlist(cfg: Config, dir: string, timeoutMs: number) {
  const { stdFile } = asicLibraries({});
  const models = stdFile.replace(/\.lib$/, '.v');
  if (!existsSync(models)) throw new Error(`verify --netlist generic: no Verilog models of the cells beside ${stdFile} (looked for ${models})`);
  const netlist = path.join(dir, 'netlist.v');
  const report = (await synthesizeAccelerator(cfg, { target: 'asic', netlist, timeoutMs })) as AsicSynthReport;
  const gen = generateAccelerator(cfg);
  const memories = gen.manifest.memories.map((m) => {
    const f = gen.files.find((x) => x.file === `${m.module}.v`);
    if (!f) throw new Error(`generator bug: no file for memory ${m.module}`);
    const file = path.join(dir, f.file);
    writeFileSync(file, f.text);
    return file;
  });
  return { top: gen.top, files: [netlist, ...memories, models], cells: report.cellsByType };
}

/** Both simulations: predictions, the weights after the last sample, and (Icarus) the X reports. */
async function simulate(cfg: Config, opts: GateLevelOptions, dir: string) {
  const timeoutMs = opts.timeoutMs ?? 1_800_000;
  const { weights, samples } = randomWorkload(cfg, opts);
  let t0 = performance.now();
  if (opts.netlist === 'generic') {
    const n = await genericNetlist(cfg, dir, timeoutMs);
    const synth = secs(t0);
    t0 = performance.now();
    const r = await runIcarus(cfg, weights, samples, n.files);
    // (the Icarus testbench counts the run's cycles, not each sample's)
    const results = r.predictions.map((predicted) => ({ predicted, cycles: Number.NaN }));
    return { n, weights, samples, results, readBack: Int32Array.from(r.weights), xReports: r.xReports, synth, simulation: secs(t0) };
  }
  const n = await ice40Netlist(cfg, dir, timeoutMs);
  const synth = secs(t0);
  t0 = performance.now();
  // the cells' models are Yosys' Verilog, not ours: their warnings are not errors here
  const gate = {
    files: [n.netlist, yosysDataFile('ice40/cells_sim.v')],
    extraArgs: ['-DNO_ICE40_DEFAULT_ASSIGNMENTS', '-Wno-fatal', '-Wno-lint', '-Wno-style'],
  };
  const sim = await AcceleratorSim.create(cfg, { quiet: true }, n.top, gate);
  try {
    const results = sim.run(weights, samples, { stallPermille: opts.stallPermille, stallSeed: opts.seed });
    const readBack = sim.readback();
    return { n, weights, samples, results, readBack, xReports: [] as string[], synth, simulation: secs(t0) };
  } finally {
    sim.close();
  }
}

/** Runs the workload through the netlist and the golden model and compares them. */
export async function verifyNetlist(cfg: Config, opts: GateLevelOptions): Promise<GateLevelReport> {
  if (opts.netlist === 'ice40') yosysDataFile('ice40/cells_sim.v'); // missing models fail before synthesis
  const dir = opts.workDir ?? (await mkdtemp(path.join(tmpdir(), 'taxonn-gate-')));
  try {
    const { n, weights, samples, results, readBack, xReports, synth, simulation } = await simulate(cfg, opts, dir);
    const golden = new GoldenAccelerator(opts.goldenConfig ?? cfg);
    golden.loadWeights(weights);
    let firstMismatch: GateLevelMismatch | null = xReports.length ? { what: 'x', index: 0, expected: 0, actual: xReports.length } : null;
    samples.forEach((s, i) => {
      const expected = golden.sample(s.input, s.label, s.train).predicted;
      const actual = results[i]?.predicted ?? -1;
      if (!firstMismatch && expected !== actual) firstMismatch = { what: 'prediction', index: i, expected, actual };
    });
    const want = golden.readWeights();
    const q = want.findIndex((w, i) => w !== readBack[i]);
    if (!firstMismatch && (q >= 0 || want.length !== readBack.length)) {
      firstMismatch = { what: 'weight', index: q, expected: want[q] ?? 0, actual: readBack[q] ?? 0 };
    }
    const trains = cfg.variant !== 'inference';
    const counted = results.filter((_, i) => !trains || samples[i]!.train);
    return {
      equivalent: firstMismatch === null,
      netlist: opts.netlist,
      samples: samples.length,
      trainingSamples: trains ? samples.filter((s) => s.train).length : 0,
      weightsCompared: want.length,
      firstMismatch,
      cells: n.cells,
      cyclesPerSample: opts.netlist === 'generic' ? null : counted.length ? counted.reduce((t, r) => t + r.cycles, 0) / counted.length : 0,
      top: n.top.name,
      config: cfg,
      seconds: { synth, simulation },
    };
  } finally {
    if (!opts.workDir) await rm(dir, { recursive: true, force: true });
  }
}
