/** `taxonn verify`: a random sample stream through the RTL and the golden model, compared bit for bit. */
import type { Argv, CommandModule } from 'yargs';
import { stimulusSeed, verify } from '../../flows/rtl/verify.js';
import { NETLIST_KINDS, verifyNetlist, type GateLevelReport, type NetlistKind } from '../../flows/rtl/gate-level.js';
import { isNetworkFile, readNetworkFile } from '../../flows/rtl/network-file.js';
import { readWeightsFile } from '../../flows/rtl/weights-file.js';
import { addConfigOptions, configBesideNetwork, configFromArgs, type ConfigArgs } from '../config-options.js';
import { fraction, oneOf, positiveInt } from '../coerce.js';
import { UsageError } from '../errors.js';
import { int } from '../text.js';
import { BOARD_NAMES, type BoardName } from '../../flows/board/boards.js';
import { verifyBoard, type VerifyBoardReport } from '../../flows/board/verify-board.js';
import { asicLibraries, asicMemoryTarget } from '../../flows/hardware/synth.js';
import { datasetStimulus } from '../../flows/rtl/dataset-stimulus.js';
import { DATASET_NAMES, type DatasetName } from '../../model/datasets/index.js';

interface VerifyArgs extends ConfigArgs {
  samples: number;
  'stimulus-seed': number;
  stalls: boolean;
  wave?: string;
  weights?: string;
  netlist?: NetlistKind;
  board?: BoardName;
  faults: number;
  'sram-liberty'?: string[];
  dataset?: DatasetName;
  json: boolean;
}

const options = <T>(y: Argv<T>): Argv<T & VerifyArgs> =>
  addConfigOptions(y)
    .option('samples', { type: 'number', default: 20, describe: 'samples in the stream', coerce: positiveInt('samples') })
    .option('stimulus-seed', {
      type: 'number',
      default: 1,
      describe: 'seed of weights, inputs and stalls (combined with --seed)',
      coerce: positiveInt('stimulus-seed'),
    })
    .option('stalls', { type: 'boolean', default: false, describe: 'random stalls on every valid/ready (30% of cycles)' })
    .option('wave', { type: 'string', describe: 'write a waveform (.vcd or .fst)' })
    .option('weights', {
      type: 'string',
      describe:
        'initial weights: a network saved by train --save-weights (its configuration comes with it; --variant may run it on other hardware, e.g. inference), or integer codes in stream order (JSON array or whitespace-separated)',
    })
    .option('netlist', {
      type: 'string',
      describe:
        "simulate the gate-level netlist instead of the RTL: ice40 (synth_ice40 with the cells' simulation models); predictions and the weights read back are compared",
      coerce: oneOf('netlist', NETLIST_KINDS),
    })
    .option('board', {
      type: 'string',
      describe: "verify the board's top instead: the accelerator behind its UART link, driven by the host driver over a simulated serial line",
      coerce: oneOf('board', BOARD_NAMES),
    })
    .option('faults', {
      type: 'string',
      default: 0,
      describe: 'with --board: the fraction of frames (each direction) that get a fault on the line (a flipped bit, a dropped or a duplicated byte)',
      coerce: fraction('faults'),
    })
    .option('sram-liberty', {
      type: 'string',
      array: true,
      describe:
        "simulate the ASIC design: its single-port memories (weight ports 2x1p unless --weight-ports 1p) built from these liberty files' SRAM macros, each instantiated with its real ports and run by its model, its idle flip-flops behind clock gates",
    })
    .option('dataset', {
      type: 'string',
      describe: `real samples instead of random inputs: the first --samples training samples of ${DATASET_NAMES.join(', ')} (quantised as train does), each a training sample`,
      coerce: oneOf('dataset', DATASET_NAMES),
    })
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON document on stdout' })
    .example('$0 verify --samples 100 --stalls', 'the default configuration, with backpressure everywhere')
    .example('$0 verify --layers 13,7,5 --pes 3 --rounding nearest --json', 'a small odd configuration, as JSON')
    .example('$0 verify --weights iris.json', 'the accelerator a saved network was trained with, from its weights')
    .example(
      '$0 verify --config examples/cnn-mnist.json --variant inference --dataset mnist --samples 1000',
      "a network with convolution on MNIST's first 1,000 training samples",
    )
    .example(
      '$0 verify --netlist ice40 --layers 784,64,10 --pes 4 --weight-ports 1p --samples 3',
      "MNIST's network as the UP5K netlist (SPRAM, EBR, DSP cells)",
    )
    .example('$0 verify --board icebreaker --layers 64,16,10 --pes 4 --faults 0.2', 'the iCEBreaker top over a serial line with faults') as unknown as Argv<
    T & VerifyArgs
  >;

async function run(args: VerifyArgs): Promise<void> {
  const network = args.weights !== undefined && isNetworkFile(args.weights) ? readNetworkFile(args.weights) : undefined;
  const sram = (args['sram-liberty'] ?? []).map(String);
  const cfg = network && args.weights ? configBesideNetwork(args, network.config, args.weights, { anyVariant: true }) : configFromArgs(args, sram.length > 0);
  if (args.dataset && (args.board || args.netlist)) throw new UsageError(`verify: --dataset drives the RTL; leave out --${args.board ? 'board' : 'netlist'}`);
  if (args.board) {
    if (args.netlist || args.weights || args.wave || args.stalls)
      throw new UsageError('verify: --board takes the random workload over the link; leave out --netlist, --weights, --wave and --stalls');
    if (cfg.variant === 'dedicated')
      throw new UsageError("verify: --board drives the taxonn and inference variants; the dedicated variant's learning_rate input has no frame yet");
    const report = await verifyBoard(cfg, { board: args.board, samples: args.samples, seed: args['stimulus-seed'], faultRate: args.faults });
    printBoard(report, args);
    return;
  }
  if (args.faults) throw new UsageError('verify: --faults is for the serial line of --board');
  if (sram.length && (args.netlist || cfg.weightPorts === '1r1w'))
    throw new UsageError('verify: --sram-liberty builds single-port weight banks from macros: give --weight-ports 1p or 2x1p, without --netlist');
  const memoryTarget = sram.length ? asicMemoryTarget(asicLibraries({ sramLiberty: sram }).srams) : undefined;
  if (memoryTarget && !memoryTarget.sramMacros)
    throw new UsageError(`verify: no SRAM macro in ${sram.join(', ')} has a model in taxonn (known: IHP SG13G2 RM_IHPSG13_1P_*)`);
  if (args.netlist) {
    if (args.weights || args.wave) throw new UsageError(`verify: --netlist takes the random workload; --${args.weights ? 'weights' : 'wave'} is for the RTL`);
    if (args.netlist === 'generic' && args.stalls)
      throw new UsageError('verify: --netlist generic runs in Icarus, whose testbench drives no stalls; leave out --stalls');
    const seed = stimulusSeed(cfg.seed, args['stimulus-seed']);
    const report = await verifyNetlist(cfg, { netlist: args.netlist, samples: args.samples, seed, stallPermille: args.stalls ? 300 : 0 });
    printGateLevel(report, args);
    return;
  }
  const report = await verify(cfg, {
    samples: args.samples,
    seed: stimulusSeed(cfg.seed, args['stimulus-seed']),
    stallPermille: args.stalls ? 300 : 0,
    wave: args.wave,
    weights: network ? network.weights : args.weights ? readWeightsFile(args.weights, cfg) : undefined,
    ...(memoryTarget ? { memoryTarget } : {}),
    ...(args.dataset ? { data: datasetStimulus(cfg, args.dataset, args.samples) } : {}),
  });
  if (args.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    const m = report.firstMismatch;
    process.stdout.write(
      `${report.equivalent ? 'EQUIVALENT' : 'MISMATCH'}: ${report.top}, ${report.samples} samples (${report.trainingSamples} training)` +
        `${args.stalls ? ' with random stalls' : ''}\n` +
        `  cycles per ${report.trainingSamples ? 'training ' : ''}sample ${report.cyclesPerSample.toFixed(0)}, bound ${report.boundCyclesPerSample.toFixed(0)}, ` +
        `utilization ${(100 * report.utilization).toFixed(1)}%\n` +
        (m
          ? `  first mismatch: sample ${m.sample}, ${m.phase}, layer ${m.layer}, neuron ${m.neuron}: expected ${m.expected}, got ${m.actual} (${m.detail})\n`
          : ''),
    );
  }
  if (!report.equivalent) process.exitCode = 1;
}

function printGateLevel(r: GateLevelReport, args: VerifyArgs): void {
  if (args.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  else {
    const m = r.firstMismatch;
    const cells = Object.entries(r.cells)
      .filter(([t]) => (r.netlist === 'ice40' ? /MAC16|RAM40|SPRAM|LUT4/.test(t) : true))
      .map(([t, n]) => `${int(n)} ${t}`)
      .join(', ');
    process.stdout.write(
      `${r.equivalent ? 'EQUIVALENT' : 'MISMATCH'} (gate level, ${r.netlist} netlist: ${cells}): ${r.top}, ${r.samples} samples (${r.trainingSamples} training)` +
        `${args.stalls ? ' with random stalls' : ''}, every prediction and all ${int(r.weightsCompared)} weights read back\n` +
        `  ${r.cyclesPerSample === null ? '' : `cycles per training sample ${r.cyclesPerSample.toFixed(0)}; `}synthesis ${r.seconds.synth} s, simulation ${r.seconds.simulation} s\n` +
        (m ? `  first mismatch: ${m.what} ${m.index}: expected ${m.expected}, got ${m.actual}\n` : ''),
    );
  }
  if (!r.equivalent) process.exitCode = 1;
}

function printBoard(r: VerifyBoardReport, args: VerifyArgs): void {
  if (args.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  else {
    const sum = (x: Record<string, number>) => Object.values(x).reduce((a, b) => a + b, 0);
    const l = r.link;
    process.stdout.write(
      `${r.equivalent ? 'EQUIVALENT' : 'MISMATCH'} (board ${r.board}, UART at ${r.clocksPerBit} clocks per bit): ${r.top}, ${r.samples} samples, every prediction and the weights read back\n` +
        `  ${int(l.frames)} frames, ${int(l.retransmissions)} sent again (${l.naks} NAKs, ${l.badAnswers} bad answers, ${l.timeouts} timeouts); ` +
        `faults injected: ${sum(r.faults.toBoard)} to the board, ${sum(r.faults.toHost)} to the host; ${int(r.cycles)} cycles\n` +
        (r.firstWrongPrediction >= 0 ? `  first wrong prediction: sample ${r.firstWrongPrediction}\n` : '') +
        (r.firstWrongWeight >= 0 ? `  first wrong weight: index ${r.firstWrongWeight}\n` : ''),
    );
  }
  if (!r.equivalent) process.exitCode = 1;
}

export const command: CommandModule<object, VerifyArgs> = {
  command: 'verify',
  describe: 'Run a random sample stream through the RTL (Verilator) and the golden model and compare them bit for bit',
  builder: options,
  handler: run,
};
