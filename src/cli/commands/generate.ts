/** `taxonn generate`: the accelerator's Verilog, manifest, FuseSoC core and file list. */
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { generateAccelerator, writeOutputFolder } from '../../flows/rtl/generate.js';
import { bankImages, readNetworkFile } from '../../flows/rtl/network-file.js';
import { addConfigOptions, configBesideNetwork, configFromArgs, type ConfigArgs } from '../config-options.js';

interface GenerateArgs extends ConfigArgs {
  out: string;
  weights?: string;
}

const options = <T>(y: Argv<T>): Argv<T & GenerateArgs> =>
  addConfigOptions(y)
    .option('out', { type: 'string', demandOption: true, describe: 'output folder (created; files replaced atomically)' })
    .option('weights', {
      type: 'string',
      describe: "a network saved by train --save-weights: its accelerator, with the weight banks' $readmemh images (wbank<q>.hex) beside the Verilog",
    })
    .example('$0 generate --out rtl-out/taxonn', 'the default configuration (784-64-10, P = 16)')
    .example('$0 generate --config my.json --pes 32 --out build/rtl', 'a configuration file, with one field overridden')
    .example('$0 generate --weights iris.json --out build/iris', 'the accelerator of a saved network, and its weights as bank images') as unknown as Argv<
    T & GenerateArgs
  >;

function run(args: GenerateArgs): void {
  const network = args.weights !== undefined ? readNetworkFile(args.weights) : undefined;
  const cfg = network && args.weights ? configBesideNetwork(args, network.config, args.weights) : configFromArgs(args);
  const out = generateAccelerator(cfg);
  const images = network ? bankImages(cfg, network.weights) : [];
  const written = writeOutputFolder(path.resolve(args.out), [...out.files, ...images]);
  process.stdout.write(
    `${out.manifest.top}: ${out.manifest.files.length} Verilog files, ${out.manifest.memoryBits.toLocaleString('en-US')} memory bits; ` +
      `wrote ${written.length} files to ${args.out} (compile with: verilator -F ${path.join(args.out, `${out.manifest.top}.f`)})\n`,
  );
}

export const command: CommandModule<object, GenerateArgs> = {
  command: 'generate',
  describe: 'Generate the accelerator: Verilog (one file per module), manifest.json, a FuseSoC .core and a .f file list',
  builder: options,
  handler: run,
};
