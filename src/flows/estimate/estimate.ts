/**
 * `taxonn estimate` (docs/ESTIMATE.md): what a configuration costs, from an analytic model in
 * milliseconds instead of the flows' minutes. Exact where the configuration fixes the answer
 * (memories, MAC bound), fitted to the flows' measurements elsewhere (calibration.json, written by
 * scripts/estimate-calibrate.ts from scripts/estimate-data.ts): the cycles' overhead over the
 * schedule's issue cycles, the ASIC logic area (OSU018), the iCE40 LUT4 count and the power, all
 * linear in features.ts. Every number here is an estimate and is labelled so; the held-out errors
 * of the calibration travel with the report.
 */
import { bitsOf, parseConfig, requireDenseLayers, sampleBoundCycles, type Config } from '../../config/index.js';
import { CALIBRATION } from './calibration.js';
import { cycleFeatures, hardwareFeatures, nonZeroInputs } from './features.js';
import { dot } from './fit.js';
import { ice40BlockRams, memoryBitsOf, memoryPlan, type EstimatedMemory } from './memories.js';
import type { LibertyLibrary } from '../formats/liberty.js';
import { sramMacros, tileMemory, type MacroUse } from '../hardware/sram.js';

export class EstimateError extends Error {
  override name = 'EstimateError';
}

/** The calibration's error on the held-out configurations, per quantity (|estimate − measured| / measured). */
export interface HeldOutError {
  readonly configurations: number;
  readonly meanAbsPct: number;
  readonly maxAbsPct: number;
}

export interface CycleModel {
  readonly drainWait: number;
  readonly overhead: readonly number[];
}

export interface Calibration {
  readonly version: number;
  readonly note: string;
  /** Per kind of variant: the fitted drain wait and the overhead coefficients (features.ts CYCLE_FEATURES). */
  readonly cycles: { readonly training: CycleModel; readonly inference: CycleModel };
  readonly asicAreaUm2: readonly number[];
  readonly ice40Luts: readonly number[];
  readonly powerMw: readonly number[];
  readonly inputZeros: Readonly<Record<string, number>>;
  /** What the fitted configurations span: beyond it the estimate extrapolates. */
  readonly range: {
    readonly maxPes: number;
    readonly maxHidden: number;
    readonly maxLayers: number;
    readonly maxBits: Readonly<Record<'weight' | 'act' | 'error', number>>;
  };
  /**
   * cycles: configurations whose schedule the model describes (inference, or skipZeroErrors off);
   * cyclesWithSkipZeroErrors: the others, where the estimate is an upper bound.
   */
  readonly heldOut: Readonly<Record<'cycles' | 'cyclesWithSkipZeroErrors' | 'asicArea' | 'ice40Luts' | 'ice40BlockRams' | 'energy', HeldOutError>>;
}

export interface EstimateOptions {
  /** SRAM macro libraries: the memories' macros and their area, exactly as `synth --target asic` tiles them. */
  readonly srams?: readonly LibertyLibrary[];
  /** Fraction of zero inputs (skipZeroInputs shortens layer 1 by them); default 0. */
  readonly inputZeros?: number;
  /** Clock for the power figure, MHz (default 100; the energy per sample does not depend on it). */
  readonly clockMHz?: number;
}

export interface EstimateReport {
  /** Always true: every number of this report comes from the model, none from a flow. */
  readonly estimate: true;
  readonly config: Config;
  readonly inputZeros: number;
  readonly cyclesPerSample: number;
  /**
   * True with skipZeroErrors (training variants): update groups whose errors are all zero take 2
   * cycles instead of a row, which depends on the data and the weights; the model does not count
   * them, so cyclesPerSample (and the energy) is an upper bound. Also with skipZeroActivations and
   * a hidden layer: the backward pass and the update of layers 2..L skip the columns of zero
   * activations, which the model counts too.
   */
  readonly cyclesUpperBound: boolean;
  /** Exact: the MACs of a sample (layer 1 over its non-zero inputs) / P. */
  readonly boundCyclesPerSample: number;
  readonly utilization: number;
  /** Exact: the generator's memories. */
  readonly memories: readonly EstimatedMemory[];
  readonly memoryBits: number;
  readonly asic: {
    readonly liberty: 'osu018_stdcells';
    readonly logicAreaUm2: number;
    /** With SRAM macro libraries (exact: synth's tiling): the macros of each memory and their area. */
    readonly memoryMacros?: readonly { readonly role: string; readonly instances: number; readonly macros: readonly MacroUse[]; readonly areaUm2: number }[];
    readonly memoryAreaUm2?: number;
  };
  /** dsps by the rule of ice40Dsps; blockRams by Yosys' mapping rule (memories.ts); luts fitted. */
  readonly ice40: { readonly luts: number; readonly dsps: number; readonly blockRams: number };
  /** OSU018, logic only (no memories), as the power flow measures it. */
  readonly power: { readonly clockMHz: number; readonly totalPowerMw: number; readonly energyPerSampleNj: number };
  readonly calibration: { readonly note: string; readonly heldOut: Calibration['heldOut'] };
  /** Why the configuration lies outside what the calibration measured (empty: inside). */
  readonly extrapolated: readonly string[];
}

/**
 * SB_MAC16s of one a × b-bit multiplier, as synth_ice40 -dsp maps it (Yosys' mul2dsp with
 * 16-bit maximum and 2-bit minimum operands, 11-bit minimum product): each operand is split into
 * 16-bit slices, a last slice narrower than 2 bits goes to logic, and each pair of slices is a DSP.
 */
export function dspsOfMultiplier(a: number, b: number): number {
  if (a + b < 11) return 0;
  const slices = (n: number) => Math.floor(n / 16) + (n % 16 >= 2 ? 1 : 0);
  return slices(a) * slices(b);
}

/**
 * The iCE40 synthesis' SB_MAC16 count, as measured on every calibration case: the multipliers of
 * generators/blocks (signed operands; the unsigned activation gains a sign bit). taxonn's PE has one
 * (max(Wb, Eb) × max(Ab + 1, Eb)), inference's one (Wb × (Ab + 1)); the dedicated PE three (forward,
 * backward, gradient) and its update unit the learning rate's (17 signed bits × the gradient's
 * Eb + Ab + 1). With P above the widest layer Yosys removes a multiplier or so of the lanes that
 * no layer gives a neuron (measured: one backward multiplier at 4-5-3, P = 8), which this count
 * does not know (one too many there).
 */
export function ice40Dsps(cfg: Config): number {
  const [wb, ab, eb] = [bitsOf(cfg.weight), bitsOf(cfg.act) + 1, bitsOf(cfg.error)];
  const P = cfg.pes;
  if (cfg.variant === 'inference') return P * dspsOfMultiplier(wb, ab);
  if (cfg.variant === 'taxonn') return P * dspsOfMultiplier(Math.max(wb, eb), Math.max(ab, eb));
  return P * (dspsOfMultiplier(wb, ab) + dspsOfMultiplier(wb, eb) + dspsOfMultiplier(eb, ab) + dspsOfMultiplier(eb + ab, 17));
}

/** Where `cfg` leaves the calibrated range. */
function extrapolation(cfg: Config, r: Calibration['range']): string[] {
  const out: string[] = [];
  if (cfg.pes > r.maxPes) out.push(`P = ${cfg.pes} > ${r.maxPes}`);
  const hidden = Math.max(0, ...cfg.layers.slice(1, -1));
  if (hidden > r.maxHidden) out.push(`a hidden layer of ${hidden} > ${r.maxHidden}`);
  if (cfg.layers.length > r.maxLayers) out.push(`${cfg.layers.length - 1} weight layers > ${r.maxLayers - 1}`);
  if (cfg.weightPorts !== '1r1w')
    out.push(
      `single-port weight banks (weightPorts ${cfg.weightPorts}: the cycles follow the schedule, the area, iCE40 memories and power were measured on 1r1w banks)`,
    );
  for (const part of ['weight', 'act', 'error'] as const) {
    const bits = bitsOf(cfg[part]);
    if (bits > r.maxBits[part]) out.push(`${bits}-bit ${part === 'act' ? 'activations' : `${part}s`} > ${r.maxBits[part]}`);
  }
  return out;
}

const round = (x: number, digits = 4) => Number(x.toPrecision(digits));

/** The memories built from SRAM macros as synth builds them (src/flows/hardware/sram.ts), when libraries are given. */
function macroPlan(memories: readonly EstimatedMemory[], srams: readonly LibertyLibrary[] | undefined) {
  if (!srams?.length) return {};
  const macros = sramMacros(srams);
  const memoryMacros = memories.map((m) => {
    const t = tileMemory(m.depth, m.width, macros);
    return { role: m.role, instances: m.instances, macros: t.macros, areaUm2: Math.round(t.areaUm2 * m.instances) };
  });
  return { memoryMacros, memoryAreaUm2: memoryMacros.reduce((t, m) => t + m.areaUm2, 0) };
}

/** The estimate of `config`. @throws ConfigError (an invalid configuration), EstimateError */
export function estimate(config: Config, opts: EstimateOptions = {}): EstimateReport {
  requireDenseLayers(config, 'the estimate does not model');
  const cfg = parseConfig(config);
  const zeros = opts.inputZeros ?? 0;
  if (!(zeros >= 0 && zeros < 1)) throw new EstimateError(`estimate: inputZeros must be in [0, 1), got ${zeros}`);
  const clockMHz = opts.clockMHz ?? 100;
  if (!(clockMHz > 0)) throw new EstimateError(`estimate: clockMHz must be positive, got ${clockMHz}`);
  const cal = CALIBRATION;
  const trains = cfg.variant !== 'inference';
  const model = trains ? cal.cycles.training : cal.cycles.inference;
  const cf = cycleFeatures(cfg, zeros, model.drainWait);
  const cycles = cf.issue + dot(model.overhead, cf.overhead);
  const hw = hardwareFeatures(cfg);
  // the project's own bound of a sample (derive.ts), on an input with that many non-zero codes
  const n0 = cfg.layers[0] ?? 0;
  const nonZero = nonZeroInputs({ ...cfg, skipZeroInputs: true }, zeros);
  const bound = sampleBoundCycles(
    cfg,
    Array.from({ length: n0 }, (_, i) => (i < nonZero ? 1 : 0)),
    true,
  );
  const powerMw = Math.max(0, dot(cal.powerMw, hw));
  const memories = memoryPlan(cfg);
  return {
    estimate: true,
    config: cfg,
    inputZeros: zeros,
    cyclesPerSample: round(cycles),
    cyclesUpperBound: trains && (cfg.skipZeroErrors || (cfg.skipZeroActivations && cfg.layers.length > 2)),
    boundCyclesPerSample: bound,
    utilization: round(bound / cycles),
    memories,
    memoryBits: memoryBitsOf(memories),
    asic: { liberty: 'osu018_stdcells', logicAreaUm2: Math.round(Math.max(0, dot(cal.asicAreaUm2, hw))), ...macroPlan(memories, opts.srams) },
    ice40: { luts: Math.round(Math.max(0, dot(cal.ice40Luts, hw))), dsps: ice40Dsps(cfg), blockRams: ice40BlockRams(memories) },
    // dynamic energy per sample is power × time at any clock; the fitted power is at 100 MHz
    power: { clockMHz, totalPowerMw: round((powerMw * clockMHz) / 100), energyPerSampleNj: round((powerMw * cycles) / 100) },
    calibration: { note: cal.note, heldOut: cal.heldOut },
    extrapolated: extrapolation(cfg, cal.range),
  };
}
