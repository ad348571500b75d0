/**
 * Step 1 of the power flow (power.ts): the workload, traced. The first N training samples of a
 * data set (or the N after the first M, from the weights the golden model reaches on those M),
 * quantised like the train flow does, go through the Verilated RTL with a VCD trace: as training
 * samples, or as inference samples for an 'inference' variant. The window measured starts after
 * the reset and the weight load.
 */
import path from 'node:path';
import { entryOf, type Config } from '../../../config/index.js';
import type { Module } from '../../../hdl/index.js';
import { goldenModel, initialCodes } from '../../../model/golden-model.js';
import { quantizeInputs, type Dataset } from '../../../model/datasets/index.js';
import { AcceleratorSim, type Sample } from '../../rtl/harness/accelerator-sim.js';

export interface WorkloadSpec {
  readonly data: Dataset;
  /** Trace samples after..after+samples−1. */
  readonly after: number;
  readonly samples: number;
  /** Clock cycles with no sample after the samples, traced too. */
  readonly idleCycles: number;
  readonly train: boolean;
}

export interface TracedWorkload {
  /** The VCD file. */
  readonly wave: string;
  /** Rising clock edges before the measured window (reset and weight load). */
  readonly skipCycles: number;
  /** Mean cycles of one sample, from its header to its result. */
  readonly cyclesPerSample: number;
}

/** The initial weights after training the samples 0..after−1 in the golden model (bit-exact with the RTL). */
function weightsAfter(cfg: Config, after: number, sampleAt: (i: number) => Sample): Int32Array {
  const w = initialCodes(cfg, cfg.seed);
  if (after === 0) return w;
  const golden = goldenModel(cfg);
  golden.loadWeights(w);
  for (let i = 0; i < after; i++) {
    const s = sampleAt(i);
    if (s.train) golden.train(s.input, s.label);
    else golden.infer(s.input);
  }
  return golden.readWeights();
}

/** Runs the workload in the Verilated accelerator, traced into `dir`/trace.vcd. */
export async function traceWorkload(cfg: Config, w: WorkloadSpec, dir: string, top: Module, arrayWords = 1): Promise<TracedWorkload> {
  const F = w.data.features;
  const codes = quantizeInputs(w.data.train.x.subarray(0, (w.after + w.samples) * F), entryOf(cfg.act, 0));
  const sampleAt = (i: number): Sample => ({ input: codes.subarray(i * F, (i + 1) * F), label: w.data.train.y[i]!, train: w.train });
  const samples: Sample[] = Array.from({ length: w.samples }, (_, i) => sampleAt(w.after + i));
  const startWeights = weightsAfter(cfg, w.after, sampleAt);
  const wave = path.join(dir, 'trace.vcd');
  // Memory contents are traced only up to `arrayWords` words (--trace-max-array): the memories
  // built from flip-flops (their bits are registers of the netlist, matched by name), not the
  // banks: tracing the 16 weight banks of the default design makes the model's C++ too big to
  // compile in reasonable time (over 10 minutes on 2 cores).
  const sim = await AcceleratorSim.create(cfg, { wave, extraArgs: ['--trace-max-array', String(Math.max(1, arrayWords))] }, top);
  let skipCycles: number;
  let results: ReturnType<typeof sim.run>;
  try {
    sim.run(startWeights, []);
    skipCycles = sim.sim.cycle + sim.cycles; // reset and weight load: every cycle has one rising edge
    results = sim.run(undefined, samples);
    if (w.idleCycles) sim.sim.step(w.idleCycles); // inputs as the driver left them: no valid, no ready
  } finally {
    sim.close();
  }
  const cyclesPerSample = results.reduce((s, r) => s + r.cycles, 0) / results.length;
  return { wave, skipCycles, cyclesPerSample };
}
