/**
 * Padding lanes (docs/ARCHITECTURE.md §4): in a layer's last group, a lane without a neuron reads
 * no weight in the forward and backward passes. Counted in a Verilator trace: every lane that
 * holds a neuron in every group reads in the same cycles; a padding lane reads in fewer; a network
 * without padding lanes reads the same in all of them. The run's results are the golden model's
 * (verify checks the values; this the reads left out).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.js';
import { vcdActivity } from '../../src/flows/formats/vcd.js';
import { AcceleratorSim } from '../../src/flows/rtl/harness/accelerator-sim.js';
import { randomWorkload } from '../../src/flows/rtl/verify.js';
import { GoldenAccelerator } from '../../src/model/accelerator.js';
import { weightDigest } from '../../src/model/digest.js';

/** Cycles each lane's weight bank is read in a traced run of `samples` samples, and whether the run matched the golden model. */
async function bankReads(layers: number[], samples: number): Promise<{ reads: number[]; equal: boolean }> {
  const cfg = resolveConfig({ overrides: { layers, pes: 4, weightPorts: '1r1w' } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taxonn-padding-'));
  try {
    const wave = path.join(dir, 'trace.vcd');
    const { weights, samples: stream } = randomWorkload(cfg, { samples, seed: 3, inferFraction: 0, stallPermille: 0 });
    const sim = await AcceleratorSim.create(cfg, { wave });
    let results: ReturnType<typeof sim.run>;
    try {
      results = sim.run(weights, stream, { digestEach: true });
    } finally {
      sim.close();
    }
    const golden = new GoldenAccelerator(cfg);
    golden.loadWeights(weights);
    let equal = true;
    stream.forEach((s, i) => {
      const predicted = golden.sample(s.input, s.label, s.train).predicted;
      equal &&= predicted === results[i]!.predicted && weightDigest(golden.readWeights()) >>> 0 === results[i]!.digest;
    });
    const top = sim.top.name;
    const paths = [0, 1, 2, 3].map((q) => `TOP.${top}.wbank${q}_ren`);
    const act = await vcdActivity(wave, { clock: 'TOP.clk', skipCycles: 0, select: (v) => paths.includes(v.path) });
    const reads = paths.map((p) => {
      const s = act.signals.get(p);
      if (!s) throw new Error(`${p} is not in the trace`);
      return Math.round(s.duty[0]! * act.cycles);
    });
    return { reads, equal };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('padding lanes', () => {
  it('read no weight: 6-8-3 at P = 4 (lane 3 is padding in layer 2)', async () => {
    const { reads, equal } = await bankReads([6, 8, 3], 6);
    expect(equal).toBe(true);
    expect(reads[1]).toBe(reads[0]);
    expect(reads[2]).toBe(reads[0]);
    expect(reads[3]!).toBeLessThan(reads[0]!);
    expect(reads[3]!).toBeGreaterThan(0);
  }, 120_000);

  it('leave every lane reading alike when there are none: 6-8-4 at P = 4', async () => {
    const { reads, equal } = await bankReads([6, 8, 4], 6);
    expect(equal).toBe(true);
    expect(new Set(reads).size).toBe(1);
  }, 120_000);
});
