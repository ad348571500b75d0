/**
 * Zero skipping's receiver (docs/ARCHITECTURE.md §10), cycle by cycle through the host interface:
 * the next sample is received while one computes, and a sample whose header was accepted goes
 * before a read-back requested after it (s_ctrl waits; `idle` stays low meanwhile).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { accelerator } from '../../generators/accelerator/top.js';
import { emitForSim } from '../../src/sim/from-module.js';
import { Simulator } from '../../src/sim/simulator.js';
import { CTRL_READBACK } from '../../generators/accelerator/top.js';

const cfg = parseConfig({ layers: [6, 5, 3], pes: 2, inputsPerBeat: 2, accBits: 40 });
const WEIGHTS = 5 * 7 + 3 * 6;
/** A training sample: header (train, label 1), then 3 beats of 2 inputs (8 bits each). */
const SAMPLE = [0b11, (20 << 8) | 3, 0, 7 << 8];

describe('zero skipping: the receiver beside the controller', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await Simulator.create(emitForSim(accelerator(cfg)).design, { quiet: true });
  });
  afterAll(() => sim?.close());

  /** Drives the streams for one cycle; returns which handshakes happened at its clock edge. */
  const cycle = (drive: { weight?: number; sample?: number; ctrl?: number }) => {
    sim.poke('s_weights_tvalid', drive.weight === undefined ? 0 : 1);
    sim.poke('s_weights_tdata', drive.weight ?? 0);
    sim.poke('s_sample_tvalid', drive.sample === undefined ? 0 : 1);
    sim.poke('s_sample_tdata', drive.sample ?? 0);
    sim.poke('s_ctrl_tvalid', drive.ctrl === undefined ? 0 : 1);
    sim.poke('s_ctrl_tdata', drive.ctrl ?? 0);
    sim.poke('m_result_tready', 1);
    sim.poke('m_weights_tready', 1);
    sim.eval();
    const fired = {
      weight: drive.weight !== undefined && sim.peekNumber('s_weights_tready') === 1,
      sample: drive.sample !== undefined && sim.peekNumber('s_sample_tready') === 1,
      ctrl: drive.ctrl !== undefined && sim.peekNumber('s_ctrl_tready') === 1,
      result: sim.peekNumber('m_result_tvalid') === 1,
      idle: sim.peekNumber('idle') === 1,
    };
    sim.step(1);
    return fired;
  };

  const loadWeights = () => {
    for (let w = 0, guard = 0; w < WEIGHTS; guard++) {
      if (cycle({ weight: (w % 5) - 2 }).weight) w++;
      expect(guard).toBeLessThan(10 * WEIGHTS);
    }
  };

  it('receives the next sample while one computes', () => {
    sim.reset(2);
    loadWeights();
    // Two samples back to back: the second one's beats are all taken before the first result.
    const beats = [...SAMPLE, ...SAMPLE];
    let taken = 0;
    let results = 0;
    let beatsBeforeFirstResult = -1;
    for (let t = 0; t < 2000 && results < 2; t++) {
      const f = cycle(taken < beats.length ? { sample: beats[taken]! } : {});
      if (f.sample) taken++;
      if (f.result) {
        if (results === 0) beatsBeforeFirstResult = taken;
        results++;
      }
    }
    expect(results).toBe(2);
    expect(beatsBeforeFirstResult).toBe(beats.length);
  });

  it('a read-back requested after a sample waits for that sample, and idle stays low until then', () => {
    sim.reset(2);
    loadWeights();
    let taken = 0;
    let resultAt = -1;
    let ctrlAt = -1;
    let idleWhilePending = false;
    for (let t = 0; t < 2000 && ctrlAt < 0; t++) {
      // The read-back request comes once the header is in (arriving in the same cycle, it would go first, as before §10).
      const ctrl = taken > 0 ? { ctrl: CTRL_READBACK } : {};
      const f = cycle(taken < SAMPLE.length ? { sample: SAMPLE[taken]!, ...ctrl } : ctrl);
      if (taken > 0 && resultAt < 0 && f.idle) idleWhilePending = true;
      if (f.sample) taken++;
      if (f.result) resultAt = t;
      if (f.ctrl) ctrlAt = t;
    }
    expect(taken).toBe(SAMPLE.length);
    expect(resultAt).toBeGreaterThan(0);
    expect(ctrlAt).toBeGreaterThan(resultAt);
    expect(idleWhilePending).toBe(false);
  });
});
