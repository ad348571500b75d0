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

const entry = (name: string, describe: string, load: () => Promise<CommandModule<object, never>>): CommandEntry => ({ name, describe, load });

export const COMMANDS: readonly CommandEntry[] = [
  entry('demo', 'Generate the TaxoNN blocks and the default accelerator into rtl-out/, lint them and prove them bit-exact against the golden model', async () => (await import('./demo-command.js')).command as never),
  entry('generate', 'Generate the accelerator: Verilog (one file per module), manifest.json, a FuseSoC .core and a .f file list', async () => (await import('./generate-command.js')).command as never),
  entry('verify', 'Run a random sample stream through the RTL (Verilator) and the golden model and compare them bit for bit', async () => (await import('./verify-command.js')).command as never),
  entry('train', 'Train the network on mnist, fashion-mnist or iris with the golden model, the RTL or the float32 reference', async () => (await import('./train-command.js')).command as never),
  entry('synth', 'Synthesise the accelerator with Yosys: generic gates, iCE40 or Xilinx resources, or ASIC cell area', async () => (await import('./hardware-commands.js')).synthCommand as never),
  entry('fpga', 'Place and route the accelerator on an iCE40 UP5K or HX8K with nextpnr: Fmax and utilisation', async () => (await import('./hardware-commands.js')).fpgaCommand as never),
  entry('power', 'Estimate power and energy per sample: a real training workload traced in Verilator, OpenSTA, SRAM macro energy', async () => (await import('./power-command.js')).powerCommand as never),
  entry('sweep', 'Run a grid of accelerators through verify, train, synth and power in parallel, resumable; CSV, JSON, Pareto plots', async () => (await import('./sweep-command.js')).sweepCommand as never),
  entry('bindings', "Regenerate the typed TS port bindings of taxonn's own blocks in sim/bindings/", async () => (await import('./bindings-command.js')).command as never),
];
