/**
 * A UART for the board's host link (8 data bits, no parity, one stop bit, least significant bit
 * first; the line idles high): a transmitter and a receiver, each `clocksPerBit` clock cycles
 * per bit, e.g. 8 for 3 Mbaud at 24 MHz (the iCEBreaker's FT2232H goes to 12 Mbaud).
 *
 * The receiver brings the line through two flip-flops (it is asynchronous to the clock), starts
 * at a falling edge, checks the start bit again in its middle (a shorter low pulse is a glitch,
 * not a byte), samples each data bit in its middle and checks the stop bit: a low stop bit is a
 * framing error (`frame_error` for one cycle, no byte), which the link's CRC would catch anyway.
 */
import { Bool, Fsm, UInt, buildModule, cat, clog2, lit, type Module } from '../../src/hdl/index.js';

/** At least 4 clocks per bit: the receiver samples in the middle of a bit and needs room either side. */
export function checkClocksPerBit(clocksPerBit: number): number {
  if (!Number.isInteger(clocksPerBit) || clocksPerBit < 4 || clocksPerBit > 65535) {
    throw new RangeError(`UART clocksPerBit must be an integer in 4..65535 (clock / baud rate), got ${clocksPerBit}`);
  }
  return clocksPerBit;
}

/** Takes a byte when `valid` and `ready` (an AXI4-Stream-style sink), one every 10 bit times at most; `txd` idles high. */
export function uartTx(clocksPerBit: number): Module {
  const cpb = checkClocksPerBit(clocksPerBit);
  return buildModule(`uart_tx_${cpb}`, { clocksPerBit: cpb }, (m) => {
    const data = m.input('data', UInt(8));
    const valid = m.input('valid', Bool);
    const busy = m.reg('busy', Bool, { init: 0 });
    // stop bit, data, start bit: shifted out from the bottom, ones shifted in
    const frame = m.reg('frame', UInt(10), { init: 0x3ff });
    const left = m.reg('bits_left', UInt(4), { init: 0 });
    const timer = m.reg('timer', UInt(clog2(cpb)), { init: 0 });
    // a byte may follow in the last cycle of the stop bit: back to back, 10 bit times per byte
    const ready = m.wire('tx_ready', busy.not().or(left.eq(1).and(timer.eq(0))));
    m.when(ready.and(valid), () => {
      busy.set(1);
      frame.set(cat(lit(1, Bool), data, lit(0, Bool)));
      left.set(10);
      timer.set(cpb - 1);
    }).elsewhen(busy, () => {
      m.when(timer.eq(0), () => {
        timer.set(cpb - 1);
        frame.set(cat(lit(1, Bool), frame.slice(9, 1)));
        left.set(left.dec());
        m.when(left.eq(1), () => busy.set(0));
      }).otherwise(() => timer.set(timer.dec()));
    });
    m.assign(m.output('ready', Bool), ready);
    m.assign(m.output('txd', Bool), frame.bit(0));
  });
}

/** `valid` for one cycle with each byte received; `frame_error` for one cycle when a stop bit is low. */
export function uartRx(clocksPerBit: number): Module {
  const cpb = checkClocksPerBit(clocksPerBit);
  return buildModule(`uart_rx_${cpb}`, { clocksPerBit: cpb }, (m) => {
    const rxd = m.input('rxd', Bool);
    // two flip-flops against metastability: the line is asynchronous to the clock
    const line = m.flop('rxd_sync2', m.flop('rxd_sync1', rxd, { init: 1 }), { init: 1 });
    const fsm = new Fsm(m, 'rx_state', ['idle', 'start', 'data', 'stop'], 'idle');
    const timer = m.reg('timer', UInt(clog2(cpb)), { init: 0 });
    const bit = m.reg('bit_index', UInt(3), { init: 0 });
    const shift = m.reg('shift', UInt(8), { init: 0 });
    const data = m.reg('data_q', UInt(8), { init: 0 });
    const valid = m.reg('valid_q', Bool, { init: 0 });
    const frameError = m.reg('frame_error_q', Bool, { init: 0 });
    const tick = timer.eq(0);
    valid.set(0);
    frameError.set(0);
    m.when(tick.not(), () => timer.set(timer.dec()));
    fsm.build({
      idle: () =>
        m.when(line.not(), () => {
          timer.set(Math.floor(cpb / 2) - 1);
          fsm.goto('start');
        }),
      start: () =>
        m.when(tick, () => {
          timer.set(cpb - 1);
          bit.set(0);
          // still low in the middle of the start bit: a byte; high again: a glitch
          m.when(line.not(), () => fsm.goto('data')).otherwise(() => fsm.goto('idle'));
        }),
      data: () =>
        m.when(tick, () => {
          timer.set(cpb - 1);
          shift.set(cat(line, shift.slice(7, 1)));
          bit.set(bit.inc());
          m.when(bit.eq(7), () => fsm.goto('stop'));
        }),
      stop: () =>
        m.when(tick, () => {
          m.when(line, () => {
            data.set(shift);
            valid.set(1);
          }).otherwise(() => frameError.set(1));
          fsm.goto('idle');
        }),
    });
    m.assign(m.output('data', UInt(8)), data);
    m.assign(m.output('valid', Bool), valid);
    m.assign(m.output('frame_error', Bool), frameError);
  });
}
