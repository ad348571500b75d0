/**
 * `npm run results`, networks with convolution: the plan behind docs/RESULTS.md's CNN section
 * (rendered by cnn-markdown.ts). Per example network (examples/cnn-mnist.json,
 * examples/cnn-fashion.json):
 * - accuracy: the float32 reference and the golden model at each format choice × rounding mode,
 *   at the default seed and epochs (the same fraction bits as the MLP sweep, plan.ts);
 * - the RTL: the network trained on the first `rtlLimit` training samples in the Verilated RTL in
 *   lock step with the golden model (equivalence, cycles per training sample);
 * - hardware: the three variants (taxonn, inference, the dedicated baseline with its own defaults)
 *   synthesised for the ASIC (the IHP SG13G2 cells and SRAM macros when this machine has them) and
 *   their power on the data set's real workload.
 * Training runs are jobs of the worker pool (cached in .cache/results/); the hardware steps are
 * claims.ts's synth and power steps (cached in .cache/claims/).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { DEFAULT_CONFIG, LIMITS, ROUNDINGS, networkAccumulatorNeed, resolveConfig, type Config, type Rounding, type Variant } from '../../config/index.js';
import { repoRoot } from '../../hdl/source.js';
import { stableJson } from '../../hdl/index.js';
import { rtlHash } from '../rtl/generate.js';
import { TRAIN_DEFAULTS, resolveTrainConfig } from '../train.js';
import { claimsLibraries, libraryInputs, type ClaimsJob, type StepInputs } from './claims.js';
import { RESULT_FORMATS, formatName, formatsOf, job, type FormatChoice, type Job, type RunSpec } from './plan.js';

export interface CnnNetworkPlan {
  readonly dataset: 'mnist' | 'fashion-mnist';
  /** The example configuration, relative to the repository root. */
  readonly file: string;
  readonly epochs: number;
  /** Training samples of the RTL run (one epoch). */
  readonly rtlLimit: number;
}

export interface CnnResultsPlan {
  readonly networks: readonly CnnNetworkPlan[];
  readonly formats: readonly FormatChoice[];
  readonly roundings: readonly Rounding[];
  readonly seed: number;
  /** The variants synthesised and measured, and the power workload (its data set is each network's). */
  readonly hardware: Omit<StepInputs, 'dataset' | 'fpga'> & { readonly variants: readonly Variant[]; readonly weightPorts?: Config['weightPorts'] };
}

/**
 * The CNN plan: both examples, the MLP sweep's four format choices and three roundings at the
 * default seed (26 golden and float32 runs, about 70 minutes of one core: Fashion-MNIST's are 4–5
 * minutes each), an RTL run of 1,000 samples each, and the three variants through synthesis and power
 * (4 training samples after the first 2,000, 100 MHz; single-port weight banks, two per lane, when
 * SRAM macros build them).
 */
export function defaultCnnPlan(): CnnResultsPlan {
  const libs = claimsLibraries();
  return {
    networks: [
      { dataset: 'mnist', file: 'examples/cnn-mnist.json', epochs: TRAIN_DEFAULTS.mnist.epochs, rtlLimit: 1000 },
      { dataset: 'fashion-mnist', file: 'examples/cnn-fashion.json', epochs: TRAIN_DEFAULTS['fashion-mnist'].epochs, rtlLimit: 1000 },
    ],
    formats: RESULT_FORMATS,
    roundings: ROUNDINGS,
    seed: DEFAULT_CONFIG.seed,
    hardware: {
      variants: ['taxonn', 'inference', 'dedicated'],
      ...(libs.sramLiberty.length ? { weightPorts: '2x1p' as const } : {}),
      powerSamples: 4,
      powerAfter: 2000,
      clockMHz: 100,
      ...libs,
    },
  };
}

const fileOf = (n: CnnNetworkPlan): string => path.join(repoRoot, n.file);

/** The example's configuration as `train --config` resolves it, with these overrides. */
const exampleConfig = (n: CnnNetworkPlan, overrides: object): Config => resolveTrainConfig(n.dataset, { file: fileOf(n), overrides });

/**
 * A format cell of an example: its formats (plan.ts's fraction bits), the rounding and the seed,
 * and accBits max(32, what the validator asks of this network).
 */
export function cnnFormatConfig(n: CnnNetworkPlan, f: FormatChoice, rounding: Rounding, seed: number): Config {
  const network = exampleConfig(n, {}).network;
  if (!network) throw new RangeError(`results: ${n.file} is not a network with convolution`);
  const formats = formatsOf(n.dataset, f);
  const need = networkAccumulatorNeed(network, formats.weight, formats.act, formats.error).bits;
  const accBits = Math.max(DEFAULT_CONFIG.accBits, need);
  if (accBits > LIMITS.maxAccBits) throw new RangeError(`results: ${formatName(f)} on ${n.file} needs a ${need}-bit accumulator (max ${LIMITS.maxAccBits})`);
  return exampleConfig(n, { ...formats, accBits, rounding, seed });
}

/** A cell's training run: the float32 reference or the golden model. */
export const cnnSpec = (n: CnnNetworkPlan, f: FormatChoice | 'float', rounding: Rounding, seed: number): RunSpec =>
  f === 'float'
    ? { dataset: n.dataset, engine: 'float', config: exampleConfig(n, { seed }), epochs: n.epochs }
    : { dataset: n.dataset, engine: 'golden', config: cnnFormatConfig(n, f, rounding, seed), epochs: n.epochs };

/** The RTL run: the example as given, one epoch of its first rtlLimit samples. */
export const cnnRtlSpec = (n: CnnNetworkPlan): RunSpec => ({ dataset: n.dataset, engine: 'rtl', config: exampleConfig(n, {}), epochs: 1, limit: n.rtlLimit });

/** The example as given: the golden run of the project's defaults (12/8/8, stochastic), the one the goals are about. */
export const cnnDefaultSpec = (n: CnnNetworkPlan, seed: number): RunSpec => ({
  dataset: n.dataset,
  engine: 'golden',
  config: exampleConfig(n, { seed }),
  epochs: n.epochs,
});

/** Every training run of the plan, once each, longest first. */
export function cnnTrainJobs(plan: CnnResultsPlan): Job[] {
  const jobs = new Map<string, Job>();
  const add = (s: RunSpec) => {
    const j = job(s);
    if (!jobs.has(j.key)) jobs.set(j.key, j);
  };
  for (const n of plan.networks) {
    add(cnnSpec(n, 'float', 'stochastic', plan.seed));
    add(cnnDefaultSpec(n, plan.seed));
    for (const f of plan.formats) for (const r of plan.roundings) add(cnnSpec(n, f, r, plan.seed));
    add(cnnRtlSpec(n));
  }
  return [...jobs.values()].sort((a, b) => b.cost - a.cost);
}

/** A network's hardware step inputs (the power workload on its own data set). */
export const cnnStepInputs = (plan: CnnResultsPlan, n: CnnNetworkPlan): StepInputs => ({ ...plan.hardware, dataset: n.dataset });

/** The first layer's learning rate of an example with one per layer (undefined when it has one for all). */
function oneLearningRate(n: CnnNetworkPlan): number | undefined {
  const k = exampleConfig(n, {}).lrShift;
  return Array.isArray(k) && new Set(k).size > 1 ? k[0] : undefined;
}

/** The hardware steps: per network and variant, ASIC synthesis and power, keyed by the generated design. */
export function cnnHardwareJobs(plan: CnnResultsPlan): { network: CnnNetworkPlan; job: ClaimsJob }[] {
  const h = plan.hardware;
  const lib = libraryInputs(h);
  const out: { network: CnnNetworkPlan; job: ClaimsJob }[] = [];
  for (const n of plan.networks) {
    for (const variant of h.variants) {
      // the dedicated variant's learning rate is one register: a network with one per layer gets its first layer's
      const lr = variant === 'dedicated' ? oneLearningRate(n) : undefined;
      const overrides = { variant, ...(h.weightPorts ? { weightPorts: h.weightPorts } : {}), ...(lr !== undefined ? { lrShift: lr } : {}) };
      const config = resolveConfig({ file: fileOf(n), overrides });
      const flags = `--config ${n.file} --variant ${variant}${h.weightPorts ? ` --weight-ports ${h.weightPorts}` : ''}${lr !== undefined ? ` --lr-shift ${lr}` : ''}`;
      const design = rtlHash(config, lib.asic);
      const key = (step: string, inputs: unknown) =>
        `cnn-${step}-${variant}-${n.dataset}-${createHash('sha256').update(stableJson({ step, inputs, design })).digest('hex').slice(0, 12)}`;
      const power = { libs: lib.names, dataset: n.dataset, samples: h.powerSamples, after: h.powerAfter, clock: h.clockMHz };
      out.push({
        network: n,
        job: { variant, step: 'synth', config, key: key('synth', { libs: lib.names }), command: `npx taxonn synth ${flags} --target asic ${lib.flags} --json` },
      });
      out.push({
        network: n,
        job: {
          variant,
          step: 'power',
          config,
          key: key('power', power),
          command: `npx taxonn power ${flags} --dataset ${n.dataset} --after ${h.powerAfter} --samples ${h.powerSamples} --clock ${h.clockMHz} ${lib.flags} --json`,
        },
      });
    }
  }
  return out;
}
