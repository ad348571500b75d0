import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/index.js';
import { fpgaFlow } from '../../../src/flows/hardware/fpga.js';

describe('fpga --board icebreaker', () => {
  it("places and routes the board's top on its pins and writes a UP5K bitstream", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'taxonn-board-'));
    try {
      const out = path.join(dir, 'tiny.bin');
      const r = await fpgaFlow(parseConfig({ layers: [4, 3, 2], pes: 2 }), { device: 'up5k', board: 'icebreaker', bitstream: out });
      expect(r.fits).toBe(true);
      expect(r.wrapper).toBe(`board_${r.top}`);
      // clk, btn_n, uart_rx, uart_tx: the board's four pins
      expect(r.utilisation.SB_IO?.used).toBe(4);
      expect(r.board?.bitstream?.bytes).toBe(readFileSync(out).length);
      // an iCE40 UP5K bitstream: 104,090 bytes, starting with the preamble 0x7EAA997E
      expect(readFileSync(out).length).toBe(104090);
      expect(readFileSync(out).subarray(0, 8).toString('hex')).toContain('7eaa997e');
      expect(r.board?.baud).toBe(3_000_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
