/**
 * `npx taxonn train`: flags, progress bar and output of the training flow (src/flows/train.ts,
 * docs/TRAINING.md). Per-epoch lines go to stdout; with --json stdout is one JSON document; the
 * progress bar goes to stderr, only when it is a terminal and not with --json.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { formatFieldText, layersText, lrShiftText, requireDenseLayers, type Config } from '../../config/index.js';
import {
  ENGINES,
  TrainUsageError,
  defaultsOf,
  resolveTrainConfig,
  trainNetwork,
  userDataDefaults,
  type DefaultsOf,
  type Engine,
  type EpochReport,
  type TrainOptions,
  type TrainProgress,
  type TrainReport,
} from '../../flows/train.js';
import {
  DATASET_NAMES,
  SCALINGS,
  isDatasetName,
  loadDataset,
  loadUserDataset,
  type Dataset,
  type DatasetName,
  type Scaling,
} from '../../model/datasets/index.js';
import { readNetworkFile, writeBankImages, writeNetworkFile, type SavedNetwork } from '../../flows/rtl/network-file.js';
import { trainingPlotSvg } from '../../flows/train-plot.js';
import { calibrateFormats, type FormatCalibration } from '../../flows/format-calibration.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { addConfigOptions, configBesideNetwork, configOverridesFromArgs, flagOrigin, orList, type ConfigArgs } from '../config-options.js';
import { oneOf, positiveInt } from '../coerce.js';
import { int, pct } from '../text.js';

export interface TrainArgs extends ConfigArgs {
  /** A built-in data set's name, or a user's data (a CSV file, or a pair of IDX or .npy files). */
  dataset: string;
  test?: string;
  scale?: Scaling;
  engine: Engine;
  epochs?: number;
  limit?: number;
  'data-dir'?: string;
  weights?: string;
  'save-weights'?: string;
  'save-mem'?: string;
  plot?: string;
  compare?: 'float';
  formats?: 'auto';
  json: boolean;
}

export function trainOptions<T>(y: Argv<T>): Argv<T & TrainArgs> {
  return addConfigOptions(y)
    .describe('seed', 'LFSR seed, 1..65535, decimal or 0x hex (default 0xACE1); also seeds the initial weights and the epoch shuffles')
    .option('dataset', {
      type: 'string',
      demandOption: true,
      describe: `data set: ${orList(DATASET_NAMES)}, or your own: a CSV file (header row, numeric features, integer label last) or a pair IMAGES,LABELS of IDX or X.npy,Y.npy files`,
    })
    .option('test', { type: 'string', describe: 'your own data: the test split (same kind of file); default: a fixed seeded 20 % of --dataset' })
    .option('scale', {
      type: 'string',
      describe: `your own data: features to [0, 1] with the training split's ${orList(SCALINGS)} (minmax per feature, the default; max: by the largest |value|; none: as they are)`,
      coerce: oneOf('scale', SCALINGS),
    })
    .option('engine', {
      type: 'string',
      default: 'golden',
      describe: `golden (bit-exact model), rtl (Verilated RTL checked against the golden model) or float (float32 reference)`,
      coerce: oneOf(
        'engine',
        ENGINES.filter((e) => e !== 'board'),
      ),
    })
    .option('epochs', {
      type: 'string',
      describe:
        'epochs (default: mnist and fashion-mnist 5, iris 200); layers, lr-shift and (iris) weight.frac also default per data set, see docs/TRAINING.md',
      coerce: positiveInt('epochs'),
    })
    .option('limit', {
      type: 'string',
      describe: 'train on the first N training samples (of the unshuffled set) only; the test set stays whole',
      coerce: positiveInt('limit'),
    })
    .option('data-dir', { type: 'string', describe: "folder of the data set's files (default: where its npm / Debian package puts them)" })
    .option('weights', {
      type: 'string',
      describe: 'start from a network saved by --save-weights (its configuration comes with it; flags beside it must agree)',
    })
    .option('save-weights', { type: 'string', describe: 'write the trained network to this JSON file (docs/TRAINING.md; golden and rtl engines)' })
    .option('plot', { type: 'string', describe: 'write the training loss and test error per epoch to this SVG file' })
    .option('compare', {
      type: 'string',
      describe: 'with --plot: also train the float32 reference (same configuration, weights and order) and draw it dashed: float',
      coerce: oneOf('compare', ['float'] as const),
    })
    .option('save-mem', { type: 'string', describe: "write the trained weight banks' contents to this folder as $readmemh images (wbank<q>.hex)" })
    .option('formats', {
      choices: ['auto'] as const,
      describe:
        'auto: choose each layer\'s binary points (the fracs of weight, act and error; their bits stay) from a short float32 calibration run (docs/TRAINING.md "Per-layer formats")',
    })
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON document on stdout' })
    .example('$0 train --dataset iris', '200 epochs on the golden model (4-16-3, lr 2^-5)')
    .example('$0 train --dataset mnist --engine float --epochs 1', 'the float32 reference, one epoch')
    .example('$0 train --dataset iris --engine rtl --limit 30 --epochs 1 --json', 'the RTL in lock step with the golden model')
    .example(
      '$0 train --dataset iris --save-weights iris.json',
      'train, then save the network (verify --weights iris.json checks it in the RTL)',
    ) as unknown as Argv<T & TrainArgs>;
}

function describeRun(cfg: Config, r: { dataset: string; engine: string; trainSamples: number; testSamples: number }): string {
  return (
    `${r.dataset}: ${int(r.trainSamples)} training / ${int(r.testSamples)} test samples; network ${layersText(cfg)} ${cfg.hidden}, ` +
    `weights ${formatFieldText(cfg.weight, true)}, activations ${formatFieldText(cfg.act, false)}, errors ${formatFieldText(cfg.error, true)}, lr 2^-${lrShiftText(cfg.lrShift)}, ` +
    `${cfg.rounding} rounding, seed ${cfg.seed}; engine ${r.engine}`
  );
}

function epochLine(e: EpochReport, epochs: number): string {
  const w = String(epochs).length;
  return (
    `epoch ${String(e.epoch).padStart(w)}/${epochs}: train loss ${e.trainLoss.toFixed(4)}, train error ${pct(e.trainError)}, ` +
    `test error ${pct(e.testError)} (${int(e.samplesPerSecond)} samples/s)`
  );
}

/** A one-line progress bar on a terminal stream. */
function progressBar(stream: NodeJS.WriteStream): { update(p: TrainProgress): void; clear(): void } {
  let last = 0;
  let shown = false;
  return {
    update(p) {
      const now = performance.now();
      if (p.done < p.total && now - last < 100) return;
      last = now;
      const width = 30;
      const filled = Math.round((width * p.done) / Math.max(1, p.total));
      stream.write(
        `\r\x1b[K[${'='.repeat(filled)}${' '.repeat(width - filled)}] epoch ${p.epoch}/${p.epochs} ${int(p.done)}/${int(p.total)} ` +
          `(${int(p.samplesPerSecond)} samples/s, loss ${p.loss.toFixed(4)})`,
      );
      shown = true;
    },
    clear() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}

/** How `board train` runs the training command: on the board, over the link it opens for the configuration. */
export interface BoardRun {
  readonly openPort: (cfg: Config) => Promise<NonNullable<TrainOptions['boardPort']>>;
  /** How the run's header line names the engine ("board icebreaker over /dev/ttyUSB1"). */
  readonly describe: string;
}

export async function runTrainCommand(args: TrainArgs, board?: BoardRun): Promise<void> {
  checkOutputs(args);
  const { dataset, defaults } = datasetOf(args);
  const file = Array.isArray(args.config) ? args.config[args.config.length - 1] : args.config;
  const start: SavedNetwork | undefined = args.weights !== undefined ? readNetworkFile(args.weights) : undefined;
  const overrides = configOverridesFromArgs(args);
  const given =
    start && args.weights
      ? configBesideNetwork(args, start.config, args.weights)
      : resolveTrainConfig(defaults, { file, overrides: args.formats ? withFracPlaceholders(overrides) : overrides, overrideOrigin: flagOrigin(args) });
  // Loaded once: the calibration and the run read the same data.
  const data = args.formats === 'auto' && typeof dataset === 'string' ? loadDataset(dataset, dataDirOf(args)) : dataset;
  const calibration = args.formats === 'auto' && typeof data !== 'string' ? calibrateFormats(given, data) : undefined;
  const cfg = calibration?.config ?? given;
  // the weight banks' images are the RTL's layout: refused before the run, not after it
  if (args['save-mem'] !== undefined) requireDenseLayers(cfg, '--save-mem (the weight banks of the RTL) does not write');
  const epochs = args.epochs ?? defaultsOf(defaults).defaults.epochs;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const bar = !args.json && process.stderr.isTTY ? progressBar(process.stderr) : undefined;
  const run = {
    dataset: data,
    config: cfg,
    epochs,
    ...(args.limit !== undefined ? { limit: args.limit } : {}),
    ...(args['data-dir'] !== undefined ? { dataDir: args['data-dir'] } : {}),
    ...(start ? { weights: start.weights } : {}),
  };
  const boardPort = board ? await board.openPort(cfg) : undefined;
  const { report, weights } = await trainNetwork({
    ...run,
    engine: board ? 'board' : args.engine,
    ...(boardPort ? { boardPort } : {}),
    onStart: (info) => {
      if (!args.json && calibration) out(calibrationLine(calibration));
      if (!args.json) out(describeRun(cfg, { ...info, engine: board?.describe ?? args.engine }));
    },
    onProgress: (p) => bar?.update(p),
    onEpoch: (e) => {
      bar?.clear();
      if (!args.json) out(epochLine(e, epochs));
    },
  });
  bar?.clear();
  const saved = saveNetwork(args, cfg, report, weights);
  if (args.plot !== undefined) {
    // The comparison run: the float32 reference from the same start, its progress on the same bar.
    const compared = args.compare ? (await trainNetwork({ ...run, engine: args.compare, onProgress: (p) => bar?.update(p) })).report : undefined;
    bar?.clear();
    writeFileAtomic(args.plot, trainingPlotSvg([{ report }, ...(compared ? [{ report: compared, compare: true }] : [])]));
    saved.push(`plotted loss and test error per epoch to ${args.plot}${compared ? ' (float32 reference dashed)' : ''}`);
  }
  if (args.json) {
    process.stdout.write(`${JSON.stringify(calibration ? { ...report, calibration: calibrationJson(calibration) } : report, null, 2)}\n`);
  } else {
    if (report.testError !== null) {
      out(
        `test error ${pct(report.testError)} after ${report.epochs} epoch${report.epochs === 1 ? '' : 's'} ` +
          `(${report.engine}, ${int(report.trainSamples)} training / ${int(report.testSamples)} test samples, ${int(report.samplesPerSecond)} training samples/s)`,
      );
    }
    if (report.engine === 'board') out(boardVerdict(report));
    if (report.engine === 'rtl') {
      const m = report.firstMismatch;
      if (m) {
        out(
          `MISMATCH: the RTL diverged from the golden model in epoch ${m.epoch}, at training sample ${m.sample} of the stream\n` +
            `  first mismatch: sample ${m.sample}, ${m.phase}, layer ${m.layer}, neuron ${m.neuron}: expected ${m.expected}, got ${m.actual} (${m.detail})`,
        );
      } else {
        out(
          `EQUIVALENT: the RTL agreed with the golden model (every prediction, and the weight digest after every chunk of samples); ${int(report.cyclesPerSample ?? 0)} cycles per training sample`,
        );
      }
    }
  }
  for (const line of saved) if (!args.json) out(line);
  if ((report.engine === 'rtl' || report.engine === 'board') && !report.equivalent) process.exitCode = 1;
}

function boardVerdict(report: TrainReport): string {
  const m = report.firstMismatch;
  return m
    ? `MISMATCH: the board diverged from the golden model in epoch ${m.epoch}: ${m.detail}, expected ${m.expected}, got ${m.actual}`
    : 'EQUIVALENT: the board agreed with the golden model (every prediction it sent back, and all weights read back after the last epoch)';
}

const dataDirOf = (args: TrainArgs) => (args['data-dir'] !== undefined ? { dir: args['data-dir'] } : {});

/**
 * --formats auto replaces the fracs: a format flag given with bits only (--weight.bits 8) must
 * not fail on the default frac (11 > 8) before the calibration chooses one.
 */
function withFracPlaceholders(overrides: Record<string, unknown>): Record<string, unknown> {
  const out = { ...overrides };
  for (const field of ['weight', 'act', 'error'] as const) {
    const v = out[field];
    if (v && typeof v === 'object' && !Array.isArray(v) && (v as { frac?: unknown }).frac === undefined) out[field] = { ...v, frac: 0 };
  }
  return out;
}

function calibrationLine(c: FormatCalibration): string {
  return (
    `formats auto (float32 calibration on ${int(c.samples)} samples): weights ${formatFieldText(c.config.weight, true)}, ` +
    `activations ${formatFieldText(c.config.act, false)}, errors ${formatFieldText(c.config.error, true)}; ` +
    `as a config: ${JSON.stringify(c.formats)}`
  );
}

function calibrationJson(c: FormatCalibration) {
  return { samples: c.samples, ranges: c.ranges, formats: c.formats };
}

/** A built-in data set by name (loaded by the flow), or a user's data, loaded here (its defaults depend on its shape). */
function datasetOf(args: TrainArgs): { dataset: DatasetName | Dataset; defaults: DefaultsOf } {
  const name = args.dataset;
  if (isDatasetName(name)) {
    for (const flag of ['test', 'scale'] as const) {
      if (args[flag] !== undefined) throw new TrainUsageError(`train: --${flag} is for your own data; ${name} has its own test split and scaling`);
    }
    return { dataset: name, defaults: name };
  }
  if (!/[.,/]/.test(name))
    throw new TrainUsageError(
      `train: unknown data set ${JSON.stringify(name)}: ${orList(DATASET_NAMES)}, or a file of your own (a .csv file, or a pair of IDX or .npy files)`,
    );
  if (args['data-dir'] !== undefined) throw new TrainUsageError(`train: --data-dir is for the built-in data sets (${orList(DATASET_NAMES)}), not ${name}`);
  const data = loadUserDataset(name, { ...(args.test !== undefined ? { test: args.test } : {}), ...(args.scale ? { scale: args.scale } : {}) });
  return { dataset: data, defaults: { name: data.name, defaults: userDataDefaults(data) } };
}

/** Flag combinations that cannot work, and output folders that do not exist: checked before a long run, not after it. */
function checkOutputs(args: TrainArgs): void {
  if (args.formats !== undefined && args.weights !== undefined) {
    throw new TrainUsageError('train: --formats auto chooses the formats of a new network; a network loaded with --weights keeps its own');
  }
  if ((args['save-weights'] !== undefined || args['save-mem'] !== undefined) && args.engine === 'float') {
    throw new TrainUsageError(
      "train: --save-weights and --save-mem need --engine golden or rtl (the float32 reference's weights are not the accelerator's codes)",
    );
  }
  if (args.compare !== undefined && args.plot === undefined) throw new TrainUsageError('train: --compare draws into the plot: give --plot F.svg too');
  if (args.compare === args.engine) throw new TrainUsageError(`train: --compare ${args.compare} with --engine ${args.engine} would compare a run with itself`);
  for (const flag of ['save-weights', 'save-mem', 'plot'] as const) {
    const target = args[flag];
    const parent = target === undefined ? undefined : path.dirname(path.resolve(target));
    if (parent !== undefined && !fs.statSync(parent, { throwIfNoEntry: false })?.isDirectory())
      throw new TrainUsageError(`train: --${flag} ${target}: the folder ${parent} does not exist`);
  }
}

/** --save-weights and --save-mem: the trained network (not after an RTL mismatch: the RTL's weights are then not the golden model's); what was written. */
function saveNetwork(args: TrainArgs, cfg: Config, report: TrainReport, weights: Int32Array | undefined): string[] {
  const file = args['save-weights'];
  const dir = args['save-mem'];
  if ((file === undefined && dir === undefined) || !weights) return [];
  if (report.engine === 'rtl' && !report.equivalent) return ['nothing saved: the RTL diverged from the golden model'];
  const lines: string[] = [];
  if (file !== undefined) {
    writeNetworkFile(file, cfg, weights);
    lines.push(`saved the network to ${file} (check it in the RTL: npx taxonn verify --weights ${file})`);
  }
  if (dir !== undefined) lines.push(`saved ${writeBankImages(dir, cfg, weights).length} weight bank images ($readmemh) to ${dir}`);
  return lines;
}

export const command: CommandModule<object, TrainArgs> = {
  command: 'train',
  describe: 'Train the network on a real data set (mnist, fashion-mnist, iris) with the golden model, the RTL or the float32 reference (docs/TRAINING.md)',
  builder: (y) => trainOptions(y),
  handler: (args) => runTrainCommand(args),
};
