/**
 * `npx taxonn fpga`: flags and output of the place-and-route flow (src/flows/hardware/fpga.ts,
 * docs/HARDWARE.md). A short summary on stdout, or one JSON document with --json. Exit codes:
 * 0 done, 1 the design does not fit the device, 2 bad input (a flag, a missing tool).
 */
import type { Argv, CommandModule } from 'yargs';
import { ICE40_DEVICES, fpgaFlow, type FpgaReport, type Ice40Device } from '../../flows/hardware/fpga.js';
import { addConfigOptions, configFromArgs, type ConfigArgs } from '../config-options.js';
import { last, oneOf, positiveNumber } from '../coerce.js';
import { int } from '../text.js';
import { UsageError } from '../errors.js';
import { BOARDS, BOARD_NAMES, type BoardName } from '../../flows/board/boards.js';

export interface FpgaArgs extends ConfigArgs {
  device: Ice40Device;
  freq?: number;
  'keep-dir'?: string;
  board?: BoardName;
  bitstream?: string;
  json: boolean;
}

const DEVICES = Object.keys(ICE40_DEVICES) as Ice40Device[];

export function fpgaOptions<T>(y: Argv<T>): Argv<T & FpgaArgs> {
  return addConfigOptions(y)
    .option('device', {
      type: 'string',
      default: 'up5k',
      describe: `iCE40 device: up5k (sg48, with DSPs) or hx8k (ct256, no DSPs)`,
      coerce: oneOf('device', DEVICES),
    })
    .option('freq', {
      type: 'string',
      describe: 'target clock in MHz for nextpnr (default 12); the achieved Fmax is reported either way',
      coerce: positiveNumber('freq'),
    })
    .option('keep-dir', { type: 'string', describe: 'keep the netlist, nextpnr log and report in this folder' })
    .option('board', {
      type: 'string',
      describe: "place and route the board's top (the accelerator behind its UART host link) on the board's pins: icebreaker",
      coerce: oneOf('board', BOARD_NAMES),
    })
    .option('bitstream', { type: 'string', describe: 'with --board: write the bitstream to this file (icepack)' })
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON document on stdout' })
    .example('$0 fpga --layers 4,3,2 --pes 2', 'a tiny accelerator on an iCE40 UP5K')
    .example('$0 fpga --device hx8k --layers 16,8,4 --pes 4 --json', 'on an HX8K, as JSON')
    .example(
      '$0 fpga --layers 784,64,10 --pes 4 --weight-ports 1p --board icebreaker --bitstream mnist.bin',
      "MNIST's network on an iCEBreaker: pins, bitstream, what limits training",
    ) as unknown as Argv<T & FpgaArgs>;
}

export async function runFpgaCommand(args: FpgaArgs): Promise<void> {
  const cfg = configFromArgs(args);
  if (args.bitstream !== undefined && !args.board) throw new UsageError('fpga: --bitstream needs --board (the pins it is built for)');
  const board = args.board ? BOARDS[args.board] : undefined;
  if (board && board.device !== args.device)
    throw new UsageError(`fpga: board ${args.board} carries an iCE40 ${board.device}; --device ${args.device} does not match`);
  if (board && cfg.variant === 'dedicated')
    throw new UsageError("fpga: --board drives the taxonn and inference variants; the dedicated variant's learning_rate input has no frame yet");
  const report = await fpgaFlow(cfg, {
    ...(args.board ? { board: args.board } : {}),
    ...(args.bitstream !== undefined ? { bitstream: String(last(args.bitstream)) } : {}),
    device: args.device,
    ...(args.freq !== undefined ? { freqMhz: args.freq } : {}),
    ...(args['keep-dir'] ? { workDir: String(last(args['keep-dir'])) } : {}),
  });
  process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : fpgaSummary(report));
  if (!report.fits) process.exitCode = 1;
}

export function fpgaSummary(r: FpgaReport): string {
  const util = Object.entries(r.utilisation)
    .map(([k, u]) => `${k} ${u.used}/${u.available} (${u.available ? Math.round((100 * u.used) / u.available) : 0}%)`)
    .join(', ');
  const w = r.wrapperInfo;
  const b = r.board;
  const head = b
    ? `${r.top} on iCE40 ${r.device.toUpperCase()} (${r.package}) as ${r.wrapper}, the ${b.name} board's top: ${b.clockMhz} MHz clock, UART at ${int(b.baud)} baud\n`
    : `${r.top} on iCE40 ${r.device.toUpperCase()} (${r.package}), wrapped as ${r.wrapper} ` +
      `(${w.inputBits} input bits shifted in, ${w.outputBits} output bits XOR-reduced)\n`;
  const rates = b
    ? `  training samples/s: link ${int(b.linkSamplesPerSecond)}, accelerator ${int(b.computeSamplesPerSecondAtBoardClock)} at ${b.clockMhz} MHz` +
      `${b.computeSamplesPerSecondAtFmax !== undefined ? ` (${int(b.computeSamplesPerSecondAtFmax)} at Fmax)` : ''}, ${int(b.cyclesPerSample)} cycles per sample (estimate): the ${b.limitedBy} limits\n` +
      (b.bitstream ? `  bitstream: ${b.bitstream.path} (${int(b.bitstream.bytes)} bytes)\n` : '')
    : '';
  return (
    head +
    (r.fits
      ? `  PLACED AND ROUTED: Fmax ${r.fmaxMhz ?? '?'} MHz (target ${r.targetMhz} MHz${r.meetsTarget === false ? ': NOT MET' : ', met'})\n`
      : `  DOES NOT FIT: ${r.reason}\n`) +
    `  ${util}\n` +
    `  synthesis: ${int(r.synth.luts)} LUT4, ${int(r.synth.flipFlops)} flip-flops, ${int(r.synth.carries)} carries, ${int(r.synth.dsps)} SB_MAC16, ${ramText(r.synth.blockRamsByType)}; ` +
    `Yosys ${r.tools.yosys} ${r.seconds.synth} s, nextpnr ${r.tools.nextpnr} ${r.seconds.pnr} s\n` +
    rates
  );
}

export const command: CommandModule<object, FpgaArgs> = {
  command: 'fpga',
  describe: 'Place and route the accelerator (in a 4-pin wrapper) on an iCE40 UP5K or HX8K with nextpnr: Fmax and utilisation (docs/HARDWARE.md)',
  builder: (y) => fpgaOptions(y),
  handler: (args) => runFpgaCommand(args),
};

/** The block RAMs by kind: "13 SB_RAM40_4K, 4 SB_SPRAM256KA" (none: "0 SB_RAM40_4K"). */
function ramText(byType: Readonly<Record<string, number>>): string {
  const kinds = Object.entries(byType).filter(([, n]) => n > 0);
  return kinds.length ? kinds.map(([t, n]) => `${int(n)} ${t}`).join(', ') : '0 SB_RAM40_4K';
}
