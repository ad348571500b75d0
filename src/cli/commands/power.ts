/**
 * `npx taxonn power`: flags and output of the power flow (src/flows/hardware/power/power.ts, docs/HARDWARE.md
 * "Power"). A short summary on stdout, or one JSON document with --json. Exit codes: 0 done,
 * 2 bad input (a flag, a data set that does not fit, a missing tool or liberty file).
 */
import type { Argv, CommandModule } from 'yargs';
import { estimatePower, type PowerReport } from '../../flows/hardware/power/power.js';
import { DEFAULT_LIBERTY } from '../../flows/hardware/synth.js';
import { resolveTrainConfig } from '../../flows/train.js';
import { DATASET_NAMES, type DatasetName } from '../../model/datasets/index.js';
import { addConfigOptions, asicDefaults, configOverridesFromArgs, flagOrigin, type ConfigArgs } from '../config-options.js';
import { last, nonNegativeInt, oneOf, positiveInt, positiveNumber } from '../coerce.js';

export interface PowerArgs extends ConfigArgs {
  dataset: DatasetName;
  samples: number;
  after?: number;
  clock: number;
  liberty?: string;
  'sram-liberty'?: string[];
  'keep-dir'?: string;
  'data-dir'?: string;
  'clock-gates': boolean;
  json: boolean;
}

export function powerOptions<T>(y: Argv<T>): Argv<T & PowerArgs> {
  return addConfigOptions(y)
    .option('dataset', {
      type: 'string',
      demandOption: true,
      describe: `workload: the first --samples training samples of ${DATASET_NAMES.join(', ')} (layers default per data set, as for train)`,
      coerce: oneOf('dataset', DATASET_NAMES),
    })
    .option('samples', {
      type: 'string',
      demandOption: true,
      describe: 'samples in the workload (training samples; inference samples for an inference variant)',
      coerce: positiveInt('samples'),
    })
    .option('after', {
      type: 'string',
      describe:
        'start from the weights after training the first N samples (golden model; the traced samples follow them): energy part-way through training (default 0)',
      coerce: nonNegativeInt('after'),
    })
    .option('clock', { type: 'string', demandOption: true, describe: 'clock frequency in MHz', coerce: positiveNumber('clock') })
    .option('liberty', { type: 'string', describe: `standard-cell liberty file (default ${DEFAULT_LIBERTY}, Debian qflow-tech-osu018)` })
    .option('sram-liberty', {
      type: 'string',
      array: true,
      describe:
        'liberty files of SRAM macros: memory power from their read/write energy, added to the total; weight ports default to 2x1p then (repeatable, or several files after one flag)',
    })
    .option('keep-dir', { type: 'string', describe: 'keep the trace, netlist, OpenSTA script and reports in this folder' })
    .option('data-dir', { type: 'string', describe: "folder of the data set's files (default: where its npm / Debian package puts them)" })
    .option('clock-gates', {
      type: 'boolean',
      default: true,
      describe: 'with --sram-liberty: clock gates in front of the flip-flops idle in most cycles (--no-clock-gates: without)',
    })
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON document on stdout' })
    .example('$0 power --dataset iris --samples 8 --clock 100', "Iris network (4-16-3) on Debian's OSU 0.18 µm cells, logic only")
    .example(
      '$0 power --dataset mnist --samples 2 --clock 100 --liberty P/sg13g2_stdcell_typ_1p20V_25C.lib --sram-liberty P/RM_IHPSG13_1P_*.lib --json',
      'the default accelerator on IHP SG13G2 cells, memories as SRAM macros',
    ) as unknown as Argv<T & PowerArgs>;
}

export async function runPowerCommand(args: PowerArgs): Promise<void> {
  const file = last(args.config);
  const sram = (args['sram-liberty'] ?? []).map(String);
  const cfg = resolveTrainConfig(args.dataset, {
    file: file === undefined ? undefined : String(file),
    overrides: { ...asicDefaults(args, sram.length > 0), ...configOverridesFromArgs(args) },
    overrideOrigin: flagOrigin(args),
  });
  const report = await estimatePower(cfg, {
    dataset: args.dataset,
    samples: args.samples,
    ...(args.after !== undefined ? { after: args.after } : {}),
    clockMHz: args.clock,
    ...(args.liberty !== undefined ? { liberty: String(last(args.liberty)) } : {}),
    ...(sram.length ? { sramLiberty: sram } : {}),
    ...(args['keep-dir'] ? { keepDir: String(last(args['keep-dir'])) } : {}),
    ...(args['data-dir'] ? { dataDir: String(last(args['data-dir'])) } : {}),
    ...(args['clock-gates'] === false ? { clockGates: false } : {}),
  });
  process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : powerSummary(report));
}

const f3 = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(1) : Math.abs(x) >= 1 ? x.toFixed(3) : x.toPrecision(3));

export function powerSummary(r: PowerReport): string {
  const l = r.logic;
  let s =
    `power at ${r.clockMHz} MHz: ${r.samples} ${r.train ? 'training' : 'inference'} samples of ${r.dataset}${r.after ? ` after ${r.after}` : ''}, layers ${r.config.layers.join('-')}, P = ${r.config.pes}; liberty ${r.liberty}\n` +
    `  logic (OpenSTA): ${f3(l.totalMw)} mW = internal ${f3(l.internalMw)} + switching ${f3(l.switchingMw)} + leakage ${f3(l.leakageMw)} mW; ${(r.logicAreaUm2 / 1e6).toFixed(3)} mm² of cells\n`;
  if (r.memories && r.memories.length === 0) {
    s += '  memories: all flip-flops (small enough; in the logic above)\n';
  } else if (r.memories && r.memoryMw !== undefined) {
    s += `  memories (SRAM macros): ${f3(r.memoryMw)} mW\n`;
    for (const m of r.memories) {
      s += `    ${m.module} × ${m.instances}: ${m.macros.map((u) => `${u.count} × ${u.cell}`).join(' + ')}; ${m.readsPerCycle.toFixed(3)} reads and ${m.writesPerCycle.toFixed(3)} writes per cycle, ${f3(m.mW)} mW\n`;
    }
  } else {
    s += '  memories: not counted (black boxes; give --sram-liberty to add SRAM macro power)\n';
  }
  s +=
    `  TOTAL ${f3(r.totalPowerMw)} mW; ${r.cyclesPerSample.toFixed(0)} cycles per sample: ${f3(r.energyPerSampleNj)} nJ per sample\n` +
    `    = logic ${f3(r.perSampleNj.logicDynamic)} + logic leakage ${f3(r.perSampleNj.logicLeakage)} + SRAM reads ${f3(r.perSampleNj.sramReads)} + ` +
    `SRAM writes ${f3(r.perSampleNj.sramWrites)} + SRAM leakage ${f3(r.perSampleNj.sramLeakage)} nJ\n` +
    `    logic by block (nJ): ${r.perSampleNj.logicBlocks.map((b) => `${b.block} ${f3(b.nJ)}`).join(', ')}\n` +
    `  activity: ${r.windowCycles} cycles measured after the weight load; ${r.registerBits} flip-flops, mean ${r.meanRegisterActivity.toFixed(3)} toggles per cycle, ` +
    `${r.unmatchedRegisterBits} without an RTL register (OpenSTA default activity)\n`;
  return s;
}

/** The `power` command, registered in src/cli/main.ts. */
export const command: CommandModule<object, PowerArgs> = {
  command: 'power',
  describe:
    'Estimate power and energy per sample: a real training workload traced in Verilator, OpenSTA on the liberty-mapped netlist, SRAM macro energy (docs/HARDWARE.md)',
  builder: (y) => powerOptions(y),
  handler: (args) => runPowerCommand(args),
};
