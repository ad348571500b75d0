/**
 * Clock domains: a clock and its reset. Every module has a default domain (ports `clk` and
 * `rst`: synchronous, active high, added only when something uses them); it may declare more
 * with `m.clockDomain(name, { reset })` (ports `<name>_clk` and `<name>_rst`, or `<name>_rst_n`
 * when active low), each with its own reset style. Registers and memories belong to the domain
 * current where they are made (`m.inDomain(d, () => …)`, or `{ domain }` in their options).
 * A value that one domain produces and another samples must pass a synchroniser
 * (`m.synchronizer`); anything else is a design error naming both domains (see cdc.ts).
 * A reset domain (`m.resetDomain(name, reset)`) runs on the default clock with a reset computed
 * in the module (a power-on counter, a button): no ports; the same clock, so no crossing.
 * A gated domain (`m.gatedDomain(name, enable)`) runs on the default clock through a clock gate:
 * its registers and instances see a clock edge only in cycles where `enable` is 1 (the clock
 * power of an ASIC); the same clock and reset, so no crossing.
 */
import type { SignalOwner } from './expr.js';

export type ResetKind = 'sync' | 'async' | 'none';

export interface DomainOptions {
  /** 'sync' (default): reset sampled at the clock edge; 'async': at once; 'none': no reset port. */
  reset?: ResetKind;
  /** Reset active low (port `<name>_rst_n`); default active high. */
  activeLow?: boolean;
}

export class ClockDomain {
  /** Verilog name of the clock port. */
  readonly clock: string;
  /** Verilog name of the reset port (undefined: no reset). */
  readonly reset: string | undefined;

  constructor(
    /** 'default' for the module's implicit domain. */
    readonly name: string,
    readonly module: SignalOwner,
    readonly resetKind: ResetKind,
    readonly activeLow: boolean,
    /**
     * A domain derived from `base`, with no ports: a reset domain (m.resetDomain: the clock of
     * `base`, the reset a wire of the module) or a gated domain (m.gatedDomain: the clock a wire
     * of the module, `base`'s clock through a clock gate; the reset of `base`).
     */
    private readonly derived?: { readonly base: ClockDomain; readonly resetWire?: string; readonly clockWire?: string },
    /** The default domain's clock port when not `clk` (ModuleOptions.clockPort). */
    clockPort?: string,
  ) {
    const isDefault = name === 'default';
    this.clock = derived ? (derived.clockWire ?? derived.base.clock) : isDefault ? (clockPort ?? 'clk') : `${name}_clk`;
    this.reset = derived
      ? (derived.resetWire ?? derived.base.reset)
      : resetKind === 'none'
        ? undefined
        : `${isDefault ? 'rst' : `${name}_rst`}${activeLow ? '_n' : ''}`;
  }

  /** The domain whose clock this one runs on: itself, or a reset or gated domain's base. */
  get base(): ClockDomain {
    return this.derived?.base ?? this;
  }

  /** A gated domain (m.gatedDomain): the clock of `base` through a clock gate. */
  get isGated(): boolean {
    return this.derived?.clockWire !== undefined;
  }

  get isDefault(): boolean {
    return this.name === 'default';
  }

  get asyncReset(): boolean {
    return this.resetKind === 'async';
  }

  /** How messages name it. */
  describe(): string {
    return this.isDefault ? `the default domain (clk) of module ${this.module.name}` : `domain ${this.name} of module ${this.module.name}`;
  }
}

/** Where a signal's value comes from, for the crossing check: a domain, or 'async' (no clock at all). */
export type Timing = ClockDomain | 'async';
