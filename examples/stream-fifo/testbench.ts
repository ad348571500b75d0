/**
 * The packet summer's testbench: random packets offered with random gaps (a beat, once offered,
 * stays until it moves), a sink that is ready only now and then, and the sums received compared
 * with the sums of the packets sent. Also: the FIFO really absorbs a burst while the sink stalls.
 * Run it: npx tsx examples/stream-fifo/testbench.ts
 */
import { pathToFileURL } from 'node:url';
import { simulate } from 'taxonn';
import { packetSum } from './packet-sum.js';

type In = 'clk' | 'rst' | 'in_data_value' | 'in_data_last' | 'in_valid' | 'out_ready';
type Out = 'in_ready' | 'out_data' | 'out_valid' | 'queued';

export async function run(log: (line: string) => void = console.log): Promise<void> {
  const sim = await simulate<In, Out>(packetSum(16));
  sim.reset();
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
  const packets = Array.from({ length: 300 }, () => Array.from({ length: 1 + rand(12) }, () => rand(256)));
  const beats = packets.flatMap((p) => p.map((value, i) => ({ value, last: i === p.length - 1 ? 1 : 0 })));
  const want = packets.map((p) => p.reduce((a, b) => a + b, 0) & 0xffff);
  const got: number[] = [];
  let sent = 0;
  let offered = false;
  let maxBacklog = 0;
  for (let cycle = 0; got.length < want.length && cycle < 100_000; cycle++) {
    offered ||= sent < beats.length && rand(4) !== 0;
    const b = beats[sent];
    sim.poke('in_valid', offered ? 1 : 0);
    sim.poke('in_data_value', offered ? b!.value : 0);
    sim.poke('in_data_last', offered ? b!.last : 0);
    // The sink stalls for long stretches: the FIFO must take the bursts.
    sim.poke('out_ready', Math.floor(cycle / 64) % 2 === 0 && rand(3) !== 0 ? 1 : 0);
    sim.eval();
    if (offered && sim.peekNumber('in_ready')) {
      sent++;
      offered = false;
    }
    if (sim.peekNumber('out_valid') && sim.peekNumber('out_ready')) got.push(sim.peekNumber('out_data'));
    maxBacklog = Math.max(maxBacklog, sim.peekNumber('queued'));
    sim.step();
  }
  sim.close();
  if (got.join() !== want.join()) throw new Error(`stream-fifo: sums [${got.slice(0, 8).join(', ')}, …] differ from [${want.slice(0, 8).join(', ')}, …]`);
  if (maxBacklog < 16) throw new Error(`stream-fifo: the queue never filled (at most ${maxBacklog} beats)`);
  log(`stream-fifo: ${packets.length} packets (${beats.length} beats) summed under random stalls; the queue held up to ${maxBacklog} beats`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
