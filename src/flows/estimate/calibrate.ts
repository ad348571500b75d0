/**
 * The estimate's calibration (scripts/estimate-calibrate.ts writes calibration.ts from it; a test
 * re-fits the committed measurements and checks it gets the committed calibration): least squares
 * on the configurations marked `calibrate`, errors measured on those marked `check`.
 */
import { bitsOf } from '../../config/index.js';
import type { Calibration, HeldOutError } from './estimate.js';
import { estimationConfigs, type EstimationCase } from './configs.js';
import { cycleFeatures, hardwareFeatures } from './features.js';
import { dot, leastSquares, relativeLeastSquares } from './fit.js';
import type { Measured } from './measured.js';
import { ice40BlockRams, memoryPlan } from './memories.js';

/** Per held-out configuration: (estimate − measured) / measured, in per cent. */
export interface CheckLine {
  readonly key: string;
  /** Against the schedule the model describes (0 % and 80 % zero inputs); undefined: not measured. */
  readonly cycles: readonly [number, number] | undefined;
  /** skipZeroErrors configurations: against their own cycles, where the estimate is an upper bound. */
  readonly cyclesSkippingErrors: readonly [number, number] | undefined;
  readonly asicArea: number;
  readonly ice40Luts: number;
  /** Not fitted: Yosys' mapping rule (memories.ts ice40BlockRams). */
  readonly ice40BlockRams: number;
  readonly energy: number | undefined;
}

const pct = (est: number, meas: number) => (100 * (est - meas)) / meas;
const r1 = (x: number) => Math.round(x * 10) / 10;

function summary(errors: readonly number[]): HeldOutError {
  const abs = errors.map(Math.abs);
  return { configurations: errors.length, meanAbsPct: r1(abs.reduce((a, b) => a + b, 0) / Math.max(1, abs.length)), maxAbsPct: r1(Math.max(0, ...abs)) };
}

type Row = { readonly c: EstimationCase; readonly m: Measured };

/**
 * The cycles of the schedule the model describes (no update group skipped for its zero errors,
 * which is data-dependent): measured as is, or with skipZeroErrors turned off.
 */
function modelledCycles(r: Row): { dense: number; sparse80: number } | undefined {
  if (r.c.config.variant === 'inference' || !r.c.config.skipZeroErrors) return r.m.cyclesPerSample;
  return r.m.cyclesWithoutErrorSkipping;
}

/** Least squares of the cycles' overhead at one drain wait; its mean |error| on the rows fitted. */
function fitCyclesAt(rows: readonly Row[], drainWait: number): { coefficients: number[]; fitError: number } {
  const xs: number[][] = [];
  const ys: number[] = [];
  const issues: number[] = [];
  for (const r of rows) {
    const m = modelledCycles(r);
    if (!m) continue;
    for (const [z, y] of [
      [0, m.dense],
      [0.8, m.sparse80],
    ] as const) {
      const f = cycleFeatures(r.c.config, z, drainWait);
      xs.push([...f.overhead]);
      ys.push(y - f.issue);
      issues.push(f.issue);
    }
  }
  // relative to the sample's cycles, as the error is measured
  const coefficients = leastSquares(
    xs.map((x, i) => x.map((v) => v / (ys[i]! + issues[i]!))),
    ys.map((y, i) => y / (y + issues[i]!)),
  );
  const fitError = xs.reduce((t, x, i) => t + Math.abs((dot(coefficients, x) - ys[i]!) / (ys[i]! + issues[i]!)), 0) / xs.length;
  return { coefficients, fitError };
}

/** The cycle model of one kind of variant: the drain wait (0..12) whose fit fits the calibration rows best, and its coefficients. */
function fitCycles(rows: readonly Row[], trains: boolean): { drainWait: number; overhead: number[] } {
  const mine = rows.filter((r) => (r.c.config.variant !== 'inference') === trains);
  let best = { drainWait: 0, overhead: [] as number[], fitError: Number.POSITIVE_INFINITY };
  for (let w = 0; w <= 12; w++) {
    const f = fitCyclesAt(mine, w);
    if (f.fitError < best.fitError) best = { drainWait: w, overhead: f.coefficients, fitError: f.fitError };
  }
  return { drainWait: best.drainWait, overhead: best.overhead };
}

/**
 * Fits and checks. `measured` by key (missing configurations are skipped); `inputZeros` the
 * fraction of zero inputs of each data set, with which the energy of the power flow's samples is
 * estimated.
 */
export function calibrate(
  measured: ReadonlyMap<string, Measured>,
  inputZeros: Readonly<Record<'iris' | 'mnist', number>>,
): { calibration: Calibration; lines: CheckLine[] } {
  const rows: Row[] = [];
  for (const c of estimationConfigs()) {
    const m = measured.get(c.key);
    if (m) rows.push({ c, m });
  }
  const fit = rows.filter((r) => r.c.role === 'calibrate');
  const check = rows.filter((r) => r.c.role === 'check');
  const cycles = { training: fitCycles(fit, true), inference: fitCycles(fit, false) };
  const hw = fit.map((r) => hardwareFeatures(r.c.config));
  const asicAreaUm2 = relativeLeastSquares(
    hw,
    fit.map((r) => r.m.asic.logicAreaUm2),
  );
  const ice40Luts = relativeLeastSquares(
    hw,
    fit.map((r) => r.m.ice40.luts),
  );
  const withPower = fit.filter((r) => r.m.power);
  const powerMw = relativeLeastSquares(
    withPower.map((r) => hardwareFeatures(r.c.config)),
    withPower.map((r) => r.m.power?.totalPowerMw ?? 0),
  );
  const estCycles = (c: EstimationCase, z: number) => {
    const m = c.config.variant === 'inference' ? cycles.inference : cycles.training;
    const f = cycleFeatures(c.config, z, m.drainWait);
    return f.issue + dot(m.overhead, f.overhead);
  };
  const cyclePair = (c: EstimationCase, m: { dense: number; sparse80: number }) => [pct(estCycles(c, 0), m.dense), pct(estCycles(c, 0.8), m.sparse80)] as const;
  const lines: CheckLine[] = check.map((row) => {
    const { c, m } = row;
    const x = hardwareFeatures(c.config);
    const modelled = modelledCycles(row);
    const skipping = modelled !== m.cyclesPerSample;
    return {
      key: c.key,
      cycles: modelled && cyclePair(c, modelled),
      cyclesSkippingErrors: skipping ? cyclePair(c, m.cyclesPerSample) : undefined,
      asicArea: pct(dot(asicAreaUm2, x), m.asic.logicAreaUm2),
      ice40Luts: pct(dot(ice40Luts, x), m.ice40.luts),
      ice40BlockRams: pct(ice40BlockRams(memoryPlan(c.config)), m.ice40.blockRams),
      energy: m.power ? pct((dot(powerMw, x) * estCycles(c, inputZeros[c.dataset])) / 100, m.power.energyPerSampleNj) : undefined,
    };
  });
  const heldOut = {
    cycles: summary(lines.flatMap((l) => l.cycles ?? [])),
    cyclesWithSkipZeroErrors: summary(lines.flatMap((l) => l.cyclesSkippingErrors ?? [])),
    asicArea: summary(lines.map((l) => l.asicArea)),
    ice40Luts: summary(lines.map((l) => l.ice40Luts)),
    ice40BlockRams: summary(lines.map((l) => l.ice40BlockRams)),
    energy: summary(lines.flatMap((l) => (l.energy === undefined ? [] : [l.energy]))),
  };
  const calibration: Calibration = {
    version: 1,
    note: `fitted by scripts/estimate-calibrate.ts on ${fit.length} configurations (${[...new Set(fit.map((r) => r.c.config.variant))].join(', ')}; Iris- and MNIST-shaped), checked on ${check.length} others; OSU018 for area and power`,
    cycles,
    asicAreaUm2,
    ice40Luts,
    powerMw,
    inputZeros: { ...inputZeros },
    range: {
      maxPes: Math.max(...fit.map((r) => r.c.config.pes)),
      maxHidden: Math.max(...fit.flatMap((r) => r.c.config.layers.slice(1, -1))),
      maxLayers: Math.max(...fit.map((r) => r.c.config.layers.length)),
      maxBits: {
        weight: Math.max(...fit.map((r) => bitsOf(r.c.config.weight))),
        act: Math.max(...fit.map((r) => bitsOf(r.c.config.act))),
        error: Math.max(...fit.map((r) => bitsOf(r.c.config.error))),
      },
    },
    heldOut,
  };
  return { calibration, lines };
}
