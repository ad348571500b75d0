/**
 * Finite state machines: named states, transitions and per-state outputs, emitted as a state
 * register with localparam state names and a readable case statement.
 *
 *   const fsm = new Fsm(m, 'state', ['idle', 'run', 'done'], 'idle');
 *   busy.set(0);                                   // defaults for outputs
 *   fsm.build({
 *     idle: () => fsm.transition(start, 'run'),
 *     run:  () => { busy.set(1); fsm.transition(last, 'done'); },
 *     done: () => fsm.goto('idle'),
 *   });
 */
import type { Expr, Signal } from './expr.js';
import type { Module } from './module.js';
import { UInt, clog2 } from './types.js';
import { callerLoc } from './source.js';

export class Fsm<S extends string> {
  /** The state register (binary encoding, reset to the initial state). */
  readonly state: Signal;
  private readonly codes = new Map<S, Expr>();
  private built = false;

  constructor(
    private readonly m: Module,
    readonly name: string,
    readonly states: readonly S[],
    initial: S,
  ) {
    const loc = callerLoc();
    if (states.length === 0) m.record('usage', `FSM '${name}' has no states`, loc);
    if (new Set(states).size !== states.length) m.record('usage', `FSM '${name}' lists a state twice`, loc);
    const type = UInt(clog2(states.length));
    const idx = states.indexOf(initial);
    if (idx < 0) m.record('usage', `FSM '${name}': initial state '${initial}' is not one of ${states.join(', ')}`, loc);
    states.forEach((s, i) => this.codes.set(s, m.named(`${name}_${s}`.toUpperCase(), i, type)));
    this.state = m.reg(name, type, { init: this.codes.get(states[Math.max(idx, 0)]!) ?? 0 });
  }

  /** state == s */
  is(s: S): Expr {
    return this.state.eq(this.code(s));
  }

  /** Go to state `s` at the next clock edge (under the enclosing conditions). */
  goto(s: S): void {
    this.state.set(this.code(s));
  }

  /** Go to `to` when `cond` holds. */
  transition(cond: Expr, to: S): void {
    this.m.when(cond, () => this.goto(to));
  }

  /** One case per state, in the order of `states`; a missing handler means "stay, outputs at default". */
  build(handlers: Partial<Record<S, () => void>>): void {
    if (this.built) {
      this.m.record('usage', `FSM '${this.name}' is built twice`, callerLoc());
      return;
    }
    this.built = true;
    this.m.switch(this.state, (c) => {
      for (const s of this.states) c.is(this.code(s), handlers[s] ?? (() => {}));
    });
  }

  private code(s: S): Expr {
    const e = this.codes.get(s);
    if (!e) {
      this.m.record('usage', `FSM '${this.name}' has no state '${s}'`, callerLoc());
      return this.codes.values().next().value!;
    }
    return e;
  }
}
