/**
 * A stream design: packets of bytes come in, the sum of each packet goes out. The input is
 * queued in a FIFO (so the source may burst while the sink stalls), the sums leave through a
 * skid buffer (registered valid and ready at the output). Every connection between the parts is
 * one connect (here through the instance maps); a beat moves when valid & ready (`fire`).
 */
import { Bool, Bundle, Stream, UInt, buildModule, fifo, mux, skidBuffer, type Module } from 'taxonn';

/** One input beat: a byte, and whether it ends its packet. */
export const Beat = Bundle({ value: UInt(8), last: Bool });
export const Beats = Stream(Beat);

export function packetSum(queueDepth = 16): Module {
  return buildModule('packet_sum', { queueDepth }, (m) => {
    const input = m.input('in', Beats);
    const output = m.output('out', Stream(UInt(16)));

    const queue = m.instance('queue', fifo(Beat, queueDepth), { in: input });
    m.assign(m.output('queued', queue.out('count').type), queue.out('count')); // for the curious (and the testbench)
    const head = queue.io<typeof Beats>('out');
    const sums = m.wire('sums', Stream(UInt(16)));
    m.instance('out_stage', skidBuffer(UInt(16)), { in: sums, out: output });

    // The running sum of the packet so far; a packet's last beat emits sum + value.
    const sum = m.reg('sum', UInt(16), { init: 0 });
    const total = sum.addWrap(head.data.value);
    m.assign(sums.data, total);
    m.assign(sums.valid, head.valid.and(head.data.last));
    // A last beat waits for the output; the others move whenever they are there.
    m.assign(head.ready, head.data.last.not().or(sums.ready));
    m.when(head.fire, () => sum.set(mux(head.data.last, 0, total)));
  });
}
