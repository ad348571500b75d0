/**
 * A UART transmitter (8N1): bytes arrive on a valid/ready stream and leave on `txd` as a start
 * bit, eight data bits (LSB first) and a stop bit, each `clocksPerBit` cycles long. Written with
 * the FSM builder and two counters; the outputs take their defaults before the FSM, so every
 * state only says what differs.
 */
import { Bool, Fsm, Stream, UInt, buildModule, counter, type Module } from 'taxonn';

export function uartTx(clocksPerBit: number): Module {
  return buildModule('uart_tx', { clocksPerBit }, (m) => {
    const input = m.input('in', Stream(UInt(8)));
    const txd = m.output('txd', Bool);
    const busy = m.output('busy', Bool);
    const fsm = new Fsm(m, 'state', ['idle', 'start', 'data', 'stop'], 'idle');
    const shift = m.reg('shift', UInt(8));
    // The bit timer runs while a frame is sent; the bit counter steps at the end of each data bit.
    const baud = counter(m, 'baud', clocksPerBit, { clear: fsm.is('idle') });
    const bit = counter(m, 'bit_index', 8, { enable: fsm.is('data').and(baud.wrap) });

    txd.set(1);
    busy.set(1);
    input.ready.set(0);
    fsm.build({
      idle: () => {
        busy.set(0);
        input.ready.set(1);
        m.when(input.valid, () => {
          shift.set(input.data);
          fsm.goto('start');
        });
      },
      start: () => {
        txd.set(0);
        fsm.transition(baud.wrap, 'data');
      },
      data: () => {
        txd.set(shift.bit(0));
        m.when(baud.wrap, () => {
          shift.set(shift.shr(1).zext(8));
          fsm.transition(bit.last, 'stop');
        });
      },
      stop: () => fsm.transition(baud.wrap, 'idle'),
    });
  });
}
