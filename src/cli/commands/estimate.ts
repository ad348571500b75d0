/**
 * `npx taxonn estimate [config flags] [--input-zeros F] [--clock MHz] [--json]`: what a
 * configuration costs, from the analytic model of src/flows/estimate/ (docs/ESTIMATE.md), in
 * milliseconds. Every figure is printed as an estimate, with the held-out error of the
 * calibration; the flows (verify, synth, fpga, power) measure. Exit codes: 0 done, 2 bad input.
 */
import type { Argv, CommandModule } from 'yargs';
import { estimate, type EstimateReport } from '../../flows/estimate/estimate.js';
import { asicLibraries } from '../../flows/hardware/synth.js';
import { addConfigOptions, configFromArgs, type ConfigArgs } from '../config-options.js';
import { UsageError } from '../errors.js';
import { last } from '../coerce.js';
import { int, mm2 } from '../text.js';

export interface EstimateArgs extends ConfigArgs {
  'sram-liberty'?: string[];
  'input-zeros'?: string;
  clock?: string;
  json: boolean;
}

const fraction = (raw: unknown): number | undefined => {
  const v = last(raw);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(Number.isFinite(n) && n >= 0 && n < 1) || String(v).trim() === '') throw new UsageError(`--input-zeros must be a fraction in [0, 1), got ${String(v)}`);
  return n;
};
const positive = (raw: unknown): number | undefined => {
  const v = last(raw);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(Number.isFinite(n) && n > 0)) throw new UsageError(`--clock must be a positive number of MHz, got ${String(v)}`);
  return n;
};

export function estimateOptions<T>(y: Argv<T>): Argv<T & EstimateArgs> {
  return addConfigOptions(y)
    .option('input-zeros', { type: 'string', describe: 'fraction of zero inputs (zero skipping shortens layer 1); default 0; MNIST ≈ 0.81' })
    .option('clock', { type: 'string', describe: 'clock of the power figure, MHz (default 100)' })
    .option('sram-liberty', {
      type: 'string',
      array: true,
      describe: 'liberty files of SRAM macros: the memories tiled from them as synth --target asic does (exact)',
    })
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON document on stdout' })
    .example('$0 estimate', 'the default configuration')
    .example('$0 estimate --layers 784,64,10 --pes 32 --input-zeros 0.81 --json', 'MNIST-like inputs, as JSON') as unknown as Argv<T & EstimateArgs>;
}

const pctText = (h: { meanAbsPct: number; maxAbsPct: number }) => `held-out error mean ${h.meanAbsPct} %, max ${h.maxAbsPct} %`;

export function estimateSummary(r: EstimateReport): string {
  const h = r.calibration.heldOut;
  const mems = r.memories.map((m) => `${m.role} ${m.instances} × ${m.depth} × ${m.width}`).join(', ');
  return (
    `ESTIMATE (an analytic model, not a measurement; docs/ESTIMATE.md) of ${r.config.variant} ${r.config.layers.join('-')}, P = ${r.config.pes}, ${Math.round(100 * r.inputZeros)} % zero inputs:\n` +
    `  cycles per sample  ~${int(Math.round(r.cyclesPerSample))}${r.cyclesUpperBound ? ' at most (skipZeroErrors, skipZeroActivations: the groups and columns they skip are counted)' : ''} (MAC bound ${int(r.boundCyclesPerSample)}, utilization ~${(100 * r.utilization).toFixed(1)} %; ${pctText(h.cycles)})\n` +
    `  memories           ${int(r.memoryBits)} bits: ${mems} (exact)\n` +
    `  ASIC logic area    ~${int(r.asic.logicAreaUm2)} µm² (${mm2(r.asic.logicAreaUm2)}) on OSU018 (${pctText(h.asicArea)})\n` +
    (r.asic.memoryMacros && r.asic.memoryAreaUm2 !== undefined
      ? `  SRAM macros        ${r.asic.memoryMacros.map((m) => `${m.role} ${m.instances} × (${m.macros.map((u) => `${u.count} × ${u.cell}`).join(' + ')})`).join(', ')}: ${int(r.asic.memoryAreaUm2)} µm² (${mm2(r.asic.memoryAreaUm2)}) (exact: synth's tiling)\n`
      : '') +
    `  iCE40              ~${int(r.ice40.luts)} LUT4 (${pctText(h.ice40Luts)}), ${r.ice40.dsps} SB_MAC16, ${r.ice40.blockRams} SB_RAM40_4K\n` +
    `  power (OSU018, logic)  ~${r.power.totalPowerMw} mW at ${r.power.clockMHz} MHz, ~${r.power.energyPerSampleNj} nJ per sample (${pctText(h.energy)})\n` +
    (r.extrapolated.length ? `  EXTRAPOLATED beyond the calibrated configurations (${r.extrapolated.join('; ')}): the errors above do not apply\n` : '')
  );
}

export async function runEstimateCommand(args: EstimateArgs): Promise<void> {
  const cfg = configFromArgs(args);
  const inputZeros = fraction(args['input-zeros']);
  const clockMHz = positive(args.clock);
  const sram = (args['sram-liberty'] ?? []).map(String);
  const srams = sram.length ? asicLibraries({ sramLiberty: sram }).srams : undefined;
  const r = estimate(cfg, {
    ...(inputZeros !== undefined ? { inputZeros } : {}),
    ...(clockMHz !== undefined ? { clockMHz } : {}),
    ...(srams ? { srams } : {}),
  });
  process.stdout.write(args.json ? `${JSON.stringify(r, null, 2)}\n` : estimateSummary(r));
}

export const command: CommandModule<object, EstimateArgs> = {
  command: 'estimate',
  describe: 'Estimate cycles, memories, ASIC and iCE40 area and energy per sample from an analytic model, in milliseconds (docs/ESTIMATE.md)',
  builder: (y) => estimateOptions(y),
  handler: (args) => runEstimateCommand(args),
};
