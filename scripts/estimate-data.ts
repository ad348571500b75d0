/**
 * `npx tsx scripts/estimate-data.ts [--shard K/N] [--list]`: the measurements `taxonn estimate`
 * is calibrated and checked against (src/flows/estimate/, docs/ESTIMATE.md). For a fixed,
 * seeded list of configurations (src/flows/estimate/configs.ts): verify (cycles per training
 * sample, no stalls, at 0 % and 80 % zero inputs; for training configurations with
 * skipZeroErrors also without it, the schedule the cycle model describes), ASIC synthesis on the default liberty (logic
 * area), iCE40 synthesis (LUT4, carries, DSPs, block RAMs) and the power flow on the data set the
 * network fits (energy per training sample). Each configuration's record goes to
 * .cache/estimate-data/<key>.json, so a rerun measures only what is missing; `--shard K/N` takes
 * every N-th configuration from K (two shards for two cores). `--refresh-power` re-runs only the
 * power flow of the records already measured (after a change of the power flow).
 */
import fs from 'node:fs';
import path from 'node:path';
import { estimationConfigs, type EstimationCase } from '../src/flows/estimate/configs.js';
import { estimatePower } from '../src/flows/hardware/power/power.js';
import { synthesizeAccelerator, type AsicSynthReport, type FpgaSynthReport } from '../src/flows/hardware/synth.js';
import { verify } from '../src/flows/rtl/verify.js';
import { repoRoot } from '../src/hdl/source.js';
import { writeFileAtomic } from '../src/util/atomic-write.js';
import type { Measured } from '../src/flows/estimate/measured.js';
import type { Config } from '../src/config/index.js';

const DIR = path.join(repoRoot, '.cache', 'estimate-data');

/** Cycles per training sample at 0 % and 80 % zero inputs (12 samples, no stalls). */
async function cyclesOf(key: string, cfg: Config): Promise<{ dense: number; sparse80: number }> {
  const cycles: number[] = [];
  for (const sparsity of [0, 0.8]) {
    const r = await verify(cfg, { samples: 12, seed: 1, stallPermille: 0, sparsity });
    if (!r.equivalent) throw new Error(`${key}: not equivalent at sparsity ${sparsity}`);
    cycles.push(r.cyclesPerSample);
  }
  return { dense: cycles[0]!, sparse80: cycles[1]! };
}

const skipsErrors = (c: EstimationCase) => c.config.variant !== 'inference' && c.config.skipZeroErrors;

/** The power flow on the data set's first two training samples, or null where OpenSTA fails. */
async function powerOf(c: EstimationCase): Promise<Measured['power']> {
  // OpenSTA 2.0.17 crashes on some netlists (docs/HARDWARE.md, Limits): the case keeps its other numbers
  const power = await estimatePower(c.config, { dataset: c.dataset, samples: 2, clockMHz: 100 }).catch((e: unknown) => {
    process.stdout.write(`${c.key}: power failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
    return null;
  });
  return (
    power && {
      dataset: c.dataset,
      totalPowerMw: power.totalPowerMw,
      energyPerSampleNj: power.energyPerSampleNj,
      cyclesPerSample: power.cyclesPerSample,
    }
  );
}

async function measure(c: EstimationCase): Promise<Measured> {
  const t0 = performance.now();
  const cycles = await cyclesOf(c.key, c.config);
  const without = skipsErrors(c) ? await cyclesOf(c.key, { ...c.config, skipZeroErrors: false }) : undefined;
  const asic = (await synthesizeAccelerator(c.config, { target: 'asic' })) as AsicSynthReport;
  const ice40 = (await synthesizeAccelerator(c.config, { target: 'ice40' })) as FpgaSynthReport;
  const power = await powerOf(c);
  return {
    key: c.key,
    cyclesPerSample: cycles,
    ...(without ? { cyclesWithoutErrorSkipping: without } : {}),
    asic: { logicAreaUm2: asic.logicAreaUm2, sequentialAreaUm2: asic.sequentialAreaUm2, flipFlops: asic.flipFlops, cells: asic.cells },
    ice40: { luts: ice40.luts, carries: ice40.carries, flipFlops: ice40.flipFlops, dsps: ice40.dsps, blockRams: ice40.blockRams },
    power,
    seconds: Math.round((performance.now() - t0) / 100) / 10,
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const shardArg = args[args.indexOf('--shard') + 1];
  const [k, n] = args.includes('--shard') && shardArg ? shardArg.split('/').map(Number) : [0, 1];
  const cases = estimationConfigs();
  if (args.includes('--list')) {
    for (const c of cases) process.stdout.write(`${c.key} ${c.role} ${c.dataset}\n`);
    return;
  }
  fs.mkdirSync(DIR, { recursive: true });
  for (let i = k ?? 0; i < cases.length; i += n ?? 1) {
    const c = cases[i]!;
    const file = path.join(DIR, `${c.key}.json`);
    if (fs.existsSync(file)) {
      // records from before the cycles without error skipping were measured get them added
      const m = JSON.parse(fs.readFileSync(file, 'utf8')) as Measured;
      if (args.includes('--refresh-power')) {
        const power = await powerOf(c);
        writeFileAtomic(file, `${JSON.stringify({ ...m, power }, null, 1)}\n`);
        process.stdout.write(`${c.key}: power ${m.power?.totalPowerMw} → ${power?.totalPowerMw} mW\n`);
        continue;
      }
      if (skipsErrors(c) && !m.cyclesWithoutErrorSkipping) {
        const without = await cyclesOf(c.key, { ...c.config, skipZeroErrors: false });
        writeFileAtomic(file, `${JSON.stringify({ ...m, cyclesWithoutErrorSkipping: without }, null, 1)}\n`);
        process.stdout.write(`${c.key}: cycles without error skipping added\n`);
      }
      continue;
    }
    try {
      const m = await measure(c);
      writeFileAtomic(file, `${JSON.stringify(m, null, 1)}\n`);
      process.stdout.write(`${c.key}: ${m.seconds} s\n`);
    } catch (e) {
      process.stdout.write(`${c.key}: FAILED: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
    }
  }
}

await main();
