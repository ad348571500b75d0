/**
 * `npx taxonn synth`: flags and output of the synthesis flow (src/flows/hardware/synth.ts,
 * docs/HARDWARE.md). A short summary on stdout, or one JSON document with --json. Exit codes:
 * 0 done, 2 bad input (a flag, a missing tool or liberty file).
 */
import type { Argv, CommandModule } from 'yargs';
import { DEFAULT_LIBERTY, SYNTH_TARGETS, synthesizeAccelerator, type SynthReport, type SynthTarget } from '../../flows/hardware/synth.js';
import { addConfigOptions, configFromArgs, orList, type ConfigArgs } from '../config-options.js';
import { UsageError } from '../errors.js';
import { last, oneOf } from '../coerce.js';
import { int, mm2 } from '../text.js';

export interface SynthArgs extends ConfigArgs {
  target: SynthTarget;
  liberty?: string;
  'sram-liberty'?: string[];
  'keep-dir'?: string;
  'clock-gates': boolean;
  json: boolean;
}

export function synthOptions<T>(y: Argv<T>): Argv<T & SynthArgs> {
  return addConfigOptions(y)
    .option('target', { type: 'string', default: 'generic', describe: `synthesis target: ${orList(SYNTH_TARGETS)}`, coerce: oneOf('target', SYNTH_TARGETS) })
    .option('liberty', { type: 'string', describe: `asic: standard-cell liberty file (default ${DEFAULT_LIBERTY}, Debian qflow-tech-osu018)` })
    .option('sram-liberty', {
      type: 'string',
      array: true,
      describe:
        'asic: liberty files of SRAM macros to build the memories from; weight ports default to 2x1p then (repeatable, or several files after one flag)',
    })
    .option('keep-dir', { type: 'string', describe: 'keep the Yosys script and reports in this folder' })
    .option('clock-gates', {
      type: 'boolean',
      default: true,
      describe: 'asic with --sram-liberty: clock gates in front of the flip-flops idle in most cycles (--no-clock-gates: without)',
    })
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON document on stdout' })
    .example('$0 synth --layers 4,3,2 --pes 2', 'generic gates and transistor estimate of a tiny accelerator')
    .example('$0 synth --target ice40 --json', 'iCE40 LUT/FF/carry/DSP/BRAM counts of the default configuration')
    .example(
      '$0 synth --target asic --liberty P/sg13g2_stdcell_typ_1p20V_25C.lib --sram-liberty P/RM_IHPSG13_1P_*.lib',
      'IHP SG13G2 cells plus SRAM macros for the memories',
    ) as unknown as Argv<T & SynthArgs>;
}

export async function runSynthCommand(args: SynthArgs): Promise<void> {
  const sram = (args['sram-liberty'] ?? []).map(String);
  const cfg = configFromArgs(args, args.target === 'asic' && sram.length > 0);
  if (args.target !== 'asic' && (args.liberty !== undefined || sram.length)) {
    throw new UsageError(`--liberty and --sram-liberty apply to --target asic only (got --target ${args.target})`);
  }
  const report = await synthesizeAccelerator(cfg, {
    target: args.target,
    ...(args.liberty !== undefined ? { liberty: String(last(args.liberty)) } : {}),
    ...(sram.length ? { sramLiberty: sram } : {}),
    ...(args['keep-dir'] ? { workDir: String(last(args['keep-dir'])) } : {}),
    ...(args['clock-gates'] === false ? { clockGates: false } : {}),
  });
  process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : synthSummary(report));
}

export function synthSummary(r: SynthReport): string {
  const mems = r.memories.reduce((s, m) => s + m.instances, 0);
  const memLine = `memories: ${r.memories.length} kinds, ${mems} instances, ${int(r.memoryBits)} bits`;
  const head = `${r.top}: ${r.target}, Yosys ${r.yosys}, ${r.seconds} s\n`;
  switch (r.target) {
    case 'generic':
      return (
        head +
        `  logic: ${int(r.cells)} cells (${int(r.flipFlops)} flip-flops), about ${int(r.transistors)} transistors (stat -tech cmos)\n` +
        `  ${memLine} (black boxes: not in the numbers above)\n`
      );
    case 'ice40':
    case 'xilinx':
      return (
        head +
        `  ${int(r.luts)} LUTs, ${int(r.flipFlops)} flip-flops, ${int(r.carries)} carry cells, ${int(r.dsps)} DSPs, ` +
        `${int(r.blockRams)} block RAMs${
          Object.keys(r.blockRamsByType).length
            ? ` (${Object.entries(r.blockRamsByType)
                .map(([t, n]) => `${n} ${t}`)
                .join(', ')})`
            : ''
        }` +
        `${r.target === 'xilinx' ? `, ${int(r.lutRams)} LUT-RAM/SRL cells` : ''}\n  ${memLine}\n`
      );
    case 'asic': {
      let s =
        head +
        `  liberty ${r.liberty.library} (${r.liberty.file})\n` +
        `  logic: ${int(r.cells)} standard cells, ${int(r.logicAreaUm2)} µm² (${mm2(r.logicAreaUm2)}), of which flip-flops ${int(r.flipFlops)} cells, ${int(r.sequentialAreaUm2)} µm²\n` +
        `  ${memLine} (black-box macros)\n`;
      if (Object.keys(r.unmapped).length)
        s += `  warning: cells not in the liberty file: ${Object.entries(r.unmapped)
          .map(([t, n]) => `${n} ${t}`)
          .join(', ')}\n`;
      if (r.memoryMacros && r.memoryAreaUm2 !== undefined) {
        for (const m of r.memoryMacros) {
          s += `    ${m.module} × ${m.instances}: ${m.macros.map((u) => `${u.count} × ${u.cell}`).join(' + ')} each, ${int(m.areaUm2)} µm² (${(100 * m.efficiency).toFixed(1)}% of the macro bits used)\n`;
        }
        s += `  SRAM macros: ${int(r.memoryAreaUm2)} µm² (${mm2(r.memoryAreaUm2)}); logic + macros ${mm2(r.totalAreaUm2!)}\n`;
      }
      return s;
    }
  }
}

export const command: CommandModule<object, SynthArgs> = {
  command: 'synth',
  describe: 'Synthesise the accelerator with Yosys: generic gates, iCE40 or Xilinx resources, or ASIC cell area with SRAM macros (docs/HARDWARE.md)',
  builder: (y) => synthOptions(y),
  handler: (args) => runSynthCommand(args),
};
