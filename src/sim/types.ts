// Shared types of the Verilator simulation harness.

/** One top-level port of the design, as the harness sees it. */
export interface PortSpec {
  /** Verilog port name (a plain identifier). */
  name: string;
  dir: 'input' | 'output';
  /** Bits, >= 1. */
  width: number;
  /** Two's complement: peek returns negative values when the MSB is set, poke accepts them. */
  signed: boolean;
}

/** What the harness needs to build and drive a design. */
export interface SimDesign {
  /** Top module name; the Verilated class is `V<top>`. */
  top: string;
  /** Verilog source files (absolute or relative to the process cwd). */
  files: string[];
  /** Every top-level port (checked against the RTL when the model is built). */
  ports: PortSpec[];
  /** Clock input toggled by step(); default 'clk' if such an input exists. */
  clock?: string;
  /** Reset input driven by reset(); default 'rst' if such an input exists (active high). */
  reset?: string;
  /**
   * Several clocks, each with its own period in ticks (an even number, default 10; a tick is
   * the waveform's time unit). The first is the primary clock: step(n) runs n of its periods,
   * and every other clock toggles at its own rate meanwhile. Overrides `clock`.
   */
  clocks?: { name: string; period?: number }[];
  /** Several resets, each active high unless `activeLow`; reset() asserts them all. Overrides `reset`. */
  resets?: { name: string; activeLow?: boolean }[];
}
