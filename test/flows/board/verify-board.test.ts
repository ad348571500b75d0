import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/index.js';
import { verifyBoard } from '../../../src/flows/board/verify-board.js';
import { linkBytesPerSample, linkRate } from '../../../src/flows/board/link-rate.js';
import { pcfOf } from '../../../src/flows/board/boards.js';

const sum = (x: Record<string, number>) => Object.values(x).reduce((a, b) => a + b, 0);

describe('the board top over a simulated serial line (verify --board)', () => {
  it('is equivalent to the golden model on a clean line: every prediction, and the weights read back', async () => {
    const cfg = parseConfig({ layers: [12, 5, 3], pes: 2 });
    const r = await verifyBoard(cfg, { board: 'icebreaker', samples: 8, seed: 3, faultRate: 0 });
    expect(r.equivalent).toBe(true);
    expect(r.link.retransmissions).toBe(0);
    expect(sum(r.faults.toBoard) + sum(r.faults.toHost)).toBe(0);
  });

  it('recovers from flipped bits, dropped and duplicated bytes both ways: no sample trained twice or lost', async () => {
    const cfg = parseConfig({ layers: [64, 16, 10], pes: 4 });
    const r = await verifyBoard(cfg, { board: 'icebreaker', samples: 20, seed: 1, faultRate: 0.3 });
    expect(r.equivalent).toBe(true);
    // faults of every kind were injected in each direction, and frames were sent again
    for (const dir of [r.faults.toBoard, r.faults.toHost]) for (const n of Object.values(dir)) expect(n).toBeGreaterThan(0);
    expect(r.link.retransmissions).toBeGreaterThan(0);
    expect(r.link.naks + r.link.badAnswers).toBeGreaterThan(0);
  });

  it('negative control: the golden model of another configuration disagrees', async () => {
    const cfg = parseConfig({ layers: [12, 5, 3], pes: 2 });
    const other = parseConfig({ layers: [12, 5, 3], pes: 2, rounding: 'truncate' });
    const r = await verifyBoard(cfg, { board: 'icebreaker', samples: 6, seed: 3, faultRate: 0, goldenConfig: other });
    expect(r.equivalent).toBe(false);
    expect(r.firstWrongWeight).toBeGreaterThanOrEqual(0);
  });

  it('single-port weight banks, an odd beat width and 16-bit weights, with faults', async () => {
    const cfg = parseConfig({ layers: [9, 4], pes: 1, weightPorts: '1p', inputsPerBeat: 3, weight: { bits: 16, frac: 14 } });
    const r = await verifyBoard(cfg, { board: 'icebreaker', samples: 12, seed: 5, faultRate: 0.3 });
    expect(r.equivalent).toBe(true);
  });
});

describe('the board files', () => {
  it("pins the iCEBreaker's clock, FTDI UART and user button", () => {
    const pcf = pcfOf('icebreaker');
    expect(pcf).toMatch(/^set_io clk 35$/m);
    expect(pcf).toMatch(/^set_io -pullup yes uart_rx 6$/m);
    expect(pcf).toMatch(/^set_io uart_tx 9$/m);
    expect(pcf).toMatch(/^set_io -pullup yes btn_n 10$/m);
  });

  it('counts the link bytes of a training sample and says what limits', () => {
    const cfg = parseConfig({ layers: [784, 64, 10], pes: 4 });
    // 1 header beat + 49 data beats of 16 bytes, framed (7), the ACK (7), a 64-sample READ's share
    expect(linkBytesPerSample(cfg)).toBeCloseTo(800 + 7 + 7 + (9 + 135) / 64, 6);
    const r = linkRate(cfg, 3e6, 25, 12);
    expect(r.linkSamplesPerSecond).toBe(Math.round(3e6 / 10 / linkBytesPerSample(cfg)));
    expect(r.limitedBy).toBe('link');
  });
});
