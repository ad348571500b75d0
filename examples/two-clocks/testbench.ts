/**
 * The event counter's testbench: two clocks (slow 10 ticks, fast 4 ticks, so their edges drift
 * against each other), pulses in the fast domain at random spacings of at least three slow
 * cycles, and the slow-domain count checked against the pulses sent once it has settled.
 * Also: the same design without its synchroniser is refused, naming both domains.
 * Run it: npx tsx examples/two-clocks/testbench.ts
 */
import { pathToFileURL } from 'node:url';
import { Bool, DesignErrors, UInt, buildModule, emitDesign, simulate } from 'taxonn';
import { eventCounter } from './event-counter.js';

export async function run(log: (line: string) => void = console.log): Promise<void> {
  const sim = await simulate<'clk' | 'rst' | 'fast_clk' | 'fast_rst_n' | 'pulse', 'events'>(eventCounter(), { clocks: { clk: 10, fast_clk: 4 } });
  sim.reset(2);
  let seed = 3;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
  // A pulse is one fast cycle long: poke it, let the fast clock take one edge, lower it.
  const PULSES = 400;
  for (let i = 0; i < PULSES; i++) {
    sim.poke('pulse', 1);
    sim.stepClock('fast_clk');
    sim.poke('pulse', 0);
    sim.stepClock('fast_clk', 8 + rand(12)); // 3.2 to 7.6 slow cycles apart
  }
  sim.step(5); // the last toggle crosses
  const events = sim.peekNumber('events');
  sim.close();
  if (events !== PULSES) throw new Error(`two-clocks: ${PULSES} pulses in the fast domain, ${events} events counted in the slow one`);
  log(`two-clocks: ${PULSES} one-cycle pulses at 2.5 times the counter's clock, every one counted across the synchroniser`);

  let msg = '';
  try {
    emitDesign(
      buildModule('unsafe_counter', {}, (m) => {
        const fast = m.clockDomain('fast');
        const t = m.reg('t', Bool, { init: 0, domain: fast });
        m.inDomain(fast, () => t.set(m.input('pulse', Bool, { domain: fast })));
        const count = m.reg('count', UInt(8), { init: 0 });
        m.when(t, () => count.set(count.inc()));
        m.assign(m.output('events', UInt(8)), count);
      }),
    );
  } catch (e) {
    if (e instanceof DesignErrors) msg = e.message;
  }
  if (!/samples 't', which domain fast of module unsafe_counter drives, without a synchroniser/.test(msg))
    throw new Error(`two-clocks: the crossing was not caught: ${msg}`);
  log('two-clocks: the same counter without a synchroniser is refused, naming both domains');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
