/**
 * The host link's pieces (generators/board/): the CRC-16 block against its reference, and the
 * UART in Verilator: a transmitter looped into a receiver, a receiver against a line drawn here
 * (baud-rate error, a glitch, a low stop bit); lint-clean and latch-free in Yosys.
 */
import { describe, expect, it } from 'vitest';
import { accelerator } from '../../generators/accelerator/top.js';
import { boardTop } from '../../generators/board/board-top.js';
import { crc16Block } from '../../generators/board/crc16.js';
import { parseConfig } from '../../src/config/index.js';
import { emitDesign } from '../../src/hdl/index.js';
import { checkClocksPerBit, uartRx, uartTx } from '../../generators/board/uart.js';
import { Bool, UInt, buildModule } from '../../src/hdl/index.js';
import { crc16 } from '../../src/model/crc16.js';
import { Rng } from '../../src/model/rng.js';
import { emitForSim, simulate } from '../../src/sim/from-module.js';
import { verilatorLint, yosysSynthCheck } from '../../src/tools/index.js';

describe('CRC-16/CCITT-FALSE', () => {
  it('the reference has the standard check value, and a flipped bit changes it', () => {
    const text = [...'123456789'].map((c) => c.charCodeAt(0));
    expect(crc16(text)).toBe(0x29b1);
    expect(crc16([])).toBe(0xffff);
    expect(crc16(text.map((b, i) => (i === 4 ? b ^ 0x10 : b)))).not.toBe(0x29b1);
  });

  it('the block equals the reference, one byte per enabled cycle, cleared between frames', async () => {
    const sim = await simulate(crc16Block());
    try {
      sim.reset(1);
      const rng = new Rng(16);
      const rows: number[][] = [];
      const want: number[] = [];
      let frame: number[] = [];
      for (let c = 0; c < 4000; c++) {
        const clear = rng.bool(0.02) ? 1 : 0;
        const en = !clear && rng.bool(0.7) ? 1 : 0;
        const data = rng.int(0, 255);
        rows.push([clear, en, data]);
        want.push(crc16(frame)); // the register before this cycle's edge
        if (clear) frame = [];
        else if (en) frame.push(data);
      }
      const got = sim.runBatch(['clear', 'en', 'data'], rows, ['crc']);
      got.forEach((g, c) => expect(Number(g[0]), `cycle ${c}`).toBe(want[c]));
    } finally {
      sim.close();
    }
  });
});

/** A transmitter whose line drives a receiver. */
function loopback(cpb: number) {
  const tx = uartTx(cpb);
  const rx = uartRx(cpb);
  return buildModule(`uart_loop_${cpb}`, {}, (m) => {
    const line = m.instance('tx', tx, { data: m.input('data', UInt(8)), valid: m.input('valid', Bool) });
    m.assign(m.output('sink_ready', Bool), line.out('ready'));
    const r = m.instance('rx', rx, { rxd: line.out('txd') });
    m.assign(m.output('got_data', UInt(8)), r.out('data'));
    m.assign(m.output('got_valid', Bool), r.out('valid'));
    m.assign(m.output('got_error', Bool), r.out('frame_error'));
  });
}

/** The bytes a receiver's outputs report, and its framing errors. */
function received(rows: readonly (readonly bigint[])[]): { bytes: number[]; errors: number } {
  const bytes: number[] = [];
  let errors = 0;
  for (const [data, valid, err] of rows) {
    if (valid) bytes.push(Number(data));
    if (err) errors++;
  }
  return { bytes, errors };
}

describe('UART', () => {
  for (const cpb of [4, 5, 8, 13]) {
    it(`${cpb} clocks per bit: every byte sent arrives, back to back`, async () => {
      const sim = await simulate(loopback(cpb));
      try {
        sim.reset(1);
        const rng = new Rng(cpb);
        const sent = Array.from({ length: 60 }, () => rng.int(0, 255));
        // one byte every 10 bit times: the transmitter is ready again exactly then
        const period = 10 * cpb;
        const rows = Array.from({ length: sent.length * period + 4 * period }, (_, c) => {
          const k = c / period;
          return Number.isInteger(k) && k < sent.length ? [sent[k]!, 1] : [0, 0];
        });
        const out = sim.runBatch(['data', 'valid'], rows, ['sink_ready', 'got_data', 'got_valid', 'got_error']);
        // the transmitter took every byte: ready in each cycle one was offered
        rows.forEach((r, c) => {
          if (r[1]) expect(out[c]![0], `ready at ${c}`).toBe(1n);
        });
        expect(received(out.map((o) => o.slice(1)))).toEqual({ bytes: sent, errors: 0 });
      } finally {
        sim.close();
      }
    });
  }

  it('the receiver: ±3 % baud-rate error, a one-cycle glitch, a low stop bit', async () => {
    const cpb = 16;
    const sim = await simulate(uartRx(cpb));
    try {
      sim.reset(1);
      const line: number[] = new Array(40).fill(1);
      const byte = (b: number, period: number, stop = 1) => {
        const bits = [0, ...Array.from({ length: 8 }, (_, i) => (b >> i) & 1), stop];
        const start = line.length;
        for (let c = 0; c < Math.round(10 * period); c++) line.push(bits[Math.min(9, Math.floor(c / period))]!);
        line.push(...new Array(2 * cpb).fill(1));
        return start;
      };
      byte(0xa5, cpb * 1.03);
      byte(0x3c, cpb * 0.97);
      line.push(0, ...new Array(3 * cpb).fill(1)); // a glitch: no byte
      byte(0x81, cpb, 0); // a low stop bit: a framing error, no byte
      byte(0x7e, cpb);
      const out = sim.runBatch(
        ['rxd'],
        line.map((v) => [v]),
        ['data', 'valid', 'frame_error'],
      );
      expect(received(out)).toEqual({ bytes: [0xa5, 0x3c, 0x7e], errors: 1 });
    } finally {
      sim.close();
    }
  });

  it('refuses fewer than 4 clocks per bit, in one line', () => {
    expect(() => checkClocksPerBit(3)).toThrow('UART clocksPerBit must be an integer in 4..65535 (clock / baud rate), got 3');
  });
});

describe('the host link blocks in the tools', () => {
  it('lint-clean in Verilator and latch-free in Yosys (iCE40)', async () => {
    for (const mod of [uartTx(8), uartRx(8), crc16Block()]) {
      const { design } = emitForSim(mod);
      expect((await verilatorLint(design.files, design.top)).output).toBe('');
      const ice = await yosysSynthCheck(design.files, design.top, 'ice40');
      expect(ice.output).toBe('');
      expect(ice.latches).toBe(0);
    }
  });

  it("the board's top (a small accelerator behind the link): lint-clean, latch-free, the same Verilog twice", async () => {
    const build = () => boardTop(accelerator(parseConfig({ layers: [6, 3, 2], pes: 2 })), { clocksPerBit: 4 });
    const { design } = emitForSim(build());
    expect(design.ports.map((p) => p.name).sort()).toEqual(['btn_n', 'clk', 'uart_rx', 'uart_tx']);
    expect((await verilatorLint(design.files, design.top)).output).toBe('');
    const ice = await yosysSynthCheck(design.files, design.top, 'ice40');
    expect(ice.output).toBe('');
    expect(ice.latches).toBe(0);
    const text = (m: ReturnType<typeof build>) =>
      emitDesign(m)
        .files.map((f) => f.text)
        .join('\n');
    expect(text(build())).toBe(text(build()));
  }, 120_000);

  it('refuses the dedicated variant, whose learning_rate input no frame drives, in one line', () => {
    const dedicated = accelerator(parseConfig({ variant: 'dedicated', layers: [4, 3], pes: 2 }));
    expect(() => boardTop(dedicated, { clocksPerBit: 4 })).toThrow(/drives the taxonn and inference variants/);
  });
});
