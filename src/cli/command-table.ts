/**
 * The command table: each command's name and one-line description, and how to load it. Only the
 * command that runs is loaded (with its flows, the simulator, the config schema …), so that
 * `taxonn --help` and a mistyped command answer at once.
 */
import type { CommandModule } from 'yargs';

export interface CommandEntry {
  readonly name: string;
  readonly describe: string;
  readonly load: () => Promise<CommandModule<object, never>>;
}

/** A file of src/cli/commands/: one command, exported as `command`. */
interface CommandFile {
  /** A CommandModule of the command's own argument type (the table only hands it to yargs). */
  readonly command: object;
}

const entry = (name: string, describe: string, file: () => Promise<CommandFile>): CommandEntry => ({
  name,
  describe,
  load: async () => (await file()).command as CommandModule<object, never>,
});

export const COMMANDS: readonly CommandEntry[] = [
  entry(
    'demo',
    'Generate the TaxoNN blocks and the default accelerator into rtl-out/, lint them and prove them bit-exact against the golden model',
    () => import('./commands/demo.js'),
  ),
  entry(
    'generate',
    'Generate the accelerator: Verilog (one file per module), manifest.json, a FuseSoC .core and a .f file list',
    () => import('./commands/generate.js'),
  ),
  entry(
    'verify',
    'Run a random sample stream through the RTL (Verilator) and the golden model and compare them bit for bit',
    () => import('./commands/verify.js'),
  ),
  entry(
    'train',
    'Train the network on mnist, fashion-mnist or iris with the golden model, the RTL or the float32 reference',
    () => import('./commands/train.js'),
  ),
  entry('synth', 'Synthesise the accelerator with Yosys: generic gates, iCE40 or Xilinx resources, or ASIC cell area', () => import('./commands/synth.js')),
  entry(
    'fpga',
    "Place and route the accelerator on an iCE40 UP5K or HX8K with nextpnr: Fmax and utilisation; a board's top, its pins and bitstream (--board)",
    () => import('./commands/fpga.js'),
  ),
  entry('board', 'Train on a board over its UART host link (board train --port DEV, or --port sim: its top in Verilator)', () => import('./commands/board.js')),
  entry(
    'power',
    'Estimate power and energy per sample: a real training workload traced in Verilator, OpenSTA, SRAM macro energy',
    () => import('./commands/power.js'),
  ),
  entry(
    'estimate',
    'Estimate cycles, memories, ASIC and iCE40 area and energy per sample from an analytic model, in milliseconds',
    () => import('./commands/estimate.js'),
  ),
  entry(
    'sweep',
    'Run a grid of accelerators through verify, train, synth and power in parallel, resumable; CSV, JSON, Pareto plots',
    () => import('./commands/sweep.js'),
  ),
  entry('bindings', "Regenerate the typed TS port bindings of taxonn's own blocks in test/support/bindings/", () => import('./commands/bindings.js')),
];
