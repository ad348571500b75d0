/**
 * Two clock domains: events arrive as one-cycle pulses in a fast domain (a sensor's clock) and
 * are counted in the slow default domain. A pulse cannot cross by itself (the slow clock may
 * never see it), and a count cannot cross as a bus (its bits settle in different cycles), so the
 * fast side flips a toggle per event; the toggle (one bit) crosses through a two-flop
 * synchroniser, and every change of the synchronised toggle is one event on the slow side.
 * It counts every event as long as events are at least three slow cycles apart.
 */
import { Bool, UInt, buildModule, type Module } from 'taxonn';

export function eventCounter(): Module {
  return buildModule('event_counter', {}, (m) => {
    const fast = m.clockDomain('fast', { reset: 'async', activeLow: true });
    const pulse = m.input('pulse', Bool, { domain: fast });

    // Fast domain: a toggle per event.
    const toggle = m.reg('toggle', Bool, { init: 0, domain: fast });
    m.inDomain(fast, () => m.when(pulse, () => toggle.set(toggle.not())));

    // Slow (default) domain: synchronise the toggle, count its changes.
    const synced = m.synchronizer('toggle_sync', toggle);
    const seen = m.flop('toggle_seen', synced, { init: 0 });
    const count = m.reg('count', UInt(16), { init: 0 });
    m.when(synced.ne(seen), () => count.set(count.inc()));
    m.assign(m.output('events', UInt(16)), count);
  });
}
