/**
 * The Verilated accelerator with its workload driver (runner-cpp.ts): load weights, run a
 * stream of samples with optional random stalls, read weights back, inspect memories. Whole
 * runs happen inside the compiled model; results come back in bulk.
 */
import type { MacroRange } from '../../../../generators/memories/tiling.js';
import { load } from 'koffi';
import type { Config } from '../../../config/index.js';
import { learningRateCode } from '../../../../generators/accelerator/top.js';
import { design as designOf, designPlan } from '../../../../generators/design.js';
import { issueCycles, type CnnPlan } from '../../../../generators/cnn/plan.js';
import { hasClockGates, type Module } from '../../../hdl/index.js';
import { emitForSim } from '../../../sim/from-module.js';
import { Simulator, type SimulatorOptions } from '../../../sim/simulator.js';
import { RUN_LOOP_OUTPUTS, runnerCpp, sampleWords, type HarnessPlan, type WeightLayout } from './runner.js';

export interface Sample {
  /** a_0 as activation-format codes. */
  readonly input: Int32Array | Uint8Array | Uint16Array | readonly number[];
  readonly label: number;
  readonly train: boolean;
}

export interface RunOptions {
  /** Probability (per mille) that a source waits or a sink drops tready, each cycle. 0 = none. */
  stallPermille?: number;
  stallSeed?: number;
  /** Compute the weight digest after every sample (costs one pass over all weights each). */
  digestEach?: boolean;
  /** Give up (an error) after this many cycles. Default: generous for the workload. */
  maxCycles?: number;
}

export interface SampleResult {
  readonly predicted: number;
  readonly cycles: number;
  /** FNV-1a digest of all weights after the sample (0 unless digestEach). */
  readonly digest: number;
}

/**
 * Verilator options for the accelerator model (measured with callgrind and timing on
 * 784-64-10, P = 16; BENCHMARKS.md): Verilator computes every combinational variable on every
 * evaluation, so logic that only matters in one phase (the update units' rounding and
 * saturation) is cheap only when it is substituted into the register or memory write that uses
 * it, where it runs under that write's condition. --gate-stmts 1000 lets the gate optimiser
 * substitute the update units' whole expression (the default limit, 100, keeps it as a variable
 * that is computed every cycle); -fno-dfg stops the DFG pass from pulling common
 * subexpressions of such logic back out into variables computed every cycle.
 */
export const VERILATOR_ARGS: readonly string[] = ['-fno-dfg', '--gate-stmts', '1000'];

/** A gate-level netlist of the accelerator's top (same ports): its files with the cells' simulation models, and Verilator arguments for them. */
export interface GateLevel {
  readonly files: readonly string[];
  readonly extraArgs: readonly string[];
}

export class SimTimeoutError extends Error {
  override name = 'SimTimeoutError';
}

type RunFn = (
  h: number,
  weights: Int32Array,
  nWeights: number,
  samples: Uint32Array,
  nSamples: number,
  stallSeed: number,
  stallPermille: number,
  digestEach: number,
  out: Int32Array,
  maxCycles: number,
) => number | bigint;

export class AcceleratorSim {
  private readonly runFn: RunFn;
  private readonly readbackFn: (h: number, out: Int32Array, n: number, seed: number, permille: number, max: number) => number | bigint;
  private readonly digestFn: (h: number) => number;
  private readonly memFn: (h: number, kind: number, bank: number, addr: number) => number;
  /** Cycles run since creation (all calls). */
  cycles = 0;

  private constructor(
    readonly sim: Simulator,
    readonly top: Module,
    readonly plan: HarnessPlan,
    readonly sampleBits: number,
    /** False for a gate-level netlist: no digest, no memory reads (use readback()). */
    readonly internals = true,
  ) {
    const lib = load(sim.build.soPath);
    this.runFn = lib.func(
      'int64_t tx_accel_run(int32_t h, void *weights, int32_t nWeights, void *samples, int32_t nSamples, uint32_t stallSeed, int32_t stallPermille, int32_t digestEach, void *out, int64_t maxCycles)',
    );
    this.readbackFn = lib.func('int64_t tx_accel_readback(int32_t h, void *out, int32_t n, uint32_t seed, int32_t permille, int64_t maxCycles)');
    this.digestFn = lib.func('uint32_t tx_accel_digest(int32_t h)');
    this.memFn = lib.func('int32_t tx_accel_mem(int32_t h, int32_t kind, int32_t bank, int32_t addr)');
  }

  /** Builds (or, given `top`, reuses) the accelerator for `params` and compiles it with the runner. */
  static async create(params: Config, opts: SimulatorOptions = {}, top: Module = designOf(params), netlist?: GateLevel): Promise<AcceleratorSim> {
    const plan = designPlan(params);
    const rtl = emitForSim(top).design;
    // a netlist of the same top has the same ports: the RTL's port list checks it
    // (Yosys writes a netlist's ports without `signed`; the driver reads their bits either way)
    const design = netlist ? { ...rtl, files: [...netlist.files], ports: rtl.ports.map((p) => ({ ...p, signed: false })) } : rtl;
    const sampleBits = params.inputsPerBeat * plan.formats.act.bits;
    // the driver may skip the falling edge's eval only without falling-edge flip-flops (clock gates)
    const registeredOutputs = !netlist && !hasClockGates(top) && RUN_LOOP_OUTPUTS.every((o) => top.comb.get(o)?.size === 0);
    const weightLayout = weightLayoutOf(top);
    const mapBuffers = mapBuffersOf(top);
    const extension = runnerCpp({
      top: top.name,
      plan,
      sampleBits,
      // the dense design's error banks (a network with convolution's are not read by the harness)
      errorBanks: params.variant !== 'inference' && !params.network,
      registeredOutputs,
      internals: !netlist,
      ...(weightLayout ? { weightLayout } : {}),
      ...(mapBuffers ? { mapBuffers } : {}),
    });
    // macro models and sub-banks are instantiated many times and so not always inlined; the driver reads them by flat name
    const flatten = weightLayout ? ['--flatten'] : [];
    const extraArgs = [...VERILATOR_ARGS, ...flatten, ...(netlist?.extraArgs ?? []), ...(opts.extraArgs ?? [])];
    const sim = await Simulator.create(design, { quiet: true, ...opts, extension, extraArgs });
    const a = new AcceleratorSim(sim, top, plan, sampleBits, !netlist);
    // The dedicated variant's programmable learning rate: the host holds η = 2^-k on the port.
    if (params.variant === 'dedicated') sim.poke('learning_rate', learningRateCode(params.lrShift));
    sim.reset(2);
    return a;
  }

  /** Number of weight codes in the s_weights stream. */
  get weightCount(): number {
    return this.plan.sizes.layers.reduce((s, l) => s + l.nOut * l.rowLen, 0);
  }

  /** Loads `weights` (stream order), then runs `samples`; one result per sample. */
  run(weights: Int32Array | undefined, samples: readonly Sample[], opts: RunOptions = {}): SampleResult[] {
    const nW = weights?.length ?? 0;
    if (weights && nW !== this.weightCount) throw new RangeError(`expected ${this.weightCount} weights, got ${nW}`);
    if (opts.digestEach && !this.internals) throw new Error('a gate-level netlist has no weight digest: read the weights back (readback())');
    const packed = this.pack(samples);
    const out = new Int32Array(4 * Math.max(1, samples.length));
    const plan = this.plan;
    const perSample = 'steps' in plan ? 2 * issueCycles(plan as CnnPlan) + 4096 : plan.sizes.weightDepth * plan.P * 4 + 4096;
    const maxCycles = opts.maxCycles ?? 64 * (nW + 16) + samples.length * perSample * (1 + (opts.stallPermille ?? 0) / 100);
    const r = Number(
      this.runFn(
        this.sim.nativeHandle,
        weights ?? new Int32Array(1),
        nW,
        packed,
        samples.length,
        opts.stallSeed ?? 1,
        opts.stallPermille ?? 0,
        opts.digestEach ? 1 : 0,
        out,
        Math.floor(maxCycles),
      ),
    );
    if (r === -3) throw new SimTimeoutError(`the accelerator did not finish ${samples.length} samples within ${Math.floor(maxCycles)} cycles (hang?)`);
    if (r < 0) throw new Error(`accelerator run failed (${r})`);
    this.cycles += r;
    const results: SampleResult[] = [];
    for (let i = 0; i < samples.length; i++) {
      results.push({ predicted: out[4 * i]!, cycles: out[4 * i + 1]!, digest: out[4 * i + 2]! >>> 0 });
    }
    return results;
  }

  /** All weights over m_weights, in stream order. */
  readback(opts: { stallPermille?: number; stallSeed?: number } = {}): Int32Array {
    const n = this.weightCount;
    const out = new Int32Array(n);
    const r = Number(this.readbackFn(this.sim.nativeHandle, out, n, opts.stallSeed ?? 1, opts.stallPermille ?? 0, 1000 * n + 1000));
    if (r === -4) throw new Error('m_weights: tlast was not on exactly the last beat');
    if (r < 0) throw new Error(`weight read-back failed (${r})`);
    this.cycles += r;
    return out;
  }

  /** FNV-1a digest of the weights in the banks (src/model/digest.ts). */
  digest(): number {
    return this.digestFn(this.sim.nativeHandle) >>> 0;
  }

  /** A memory word: kind 0 = weight bank, 1 = error bank, 2 = activation buffer, 3 + i = feature-map buffer i (a network with convolution). */
  mem(kind: 0 | 1 | 2 | 3 | 4, bank: number, addr: number): number {
    return this.memFn(this.sim.nativeHandle, kind, bank, addr);
  }

  /** Hidden activations a_h (h = 0..L−2) as stored in the activation buffer. */
  activations(h: number): Int32Array {
    const l = this.denseLayer(h);
    return Int32Array.from({ length: l.nOut }, (_, j) => this.mem(2, 0, l.outActBase + j));
  }

  /** Errors e_k of weight layer k as stored in the error banks. */
  errors(k: number): Int32Array {
    const l = this.denseLayer(k);
    const P = this.plan.P;
    return Int32Array.from({ length: l.nOut }, (_, j) => this.mem(1, j % P, l.errorBase + Math.floor(j / P)));
  }

  /** Feature-map buffer `i`'s `n` words from `base` (a network with convolution, its buffers plain RTL arrays). */
  mapWords(i: 0 | 1, n: number, base = 0): Int32Array {
    return Int32Array.from({ length: n }, (_, a) => this.mem((3 + i) as 3 | 4, 0, base + a));
  }

  /** Whether mapWords can read the feature-map buffers. */
  get mapsReadable(): boolean {
    return this.internals && mapBuffersOf(this.top) !== undefined;
  }

  /** A port value (e.g. the cycle counters). */
  peek(name: string): bigint {
    return this.sim.peek(name);
  }

  close(): void {
    this.sim.close();
  }

  /** Weight layer k of the dense design (its activation and error bases). */
  private denseLayer(k: number) {
    const l = this.plan.sizes.layers[k];
    if (!l || !('outActBase' in l))
      throw new RangeError(`layer ${k}: the design keeps no activations or errors of it to read (a convolutional network's, or no such layer)`);
    return l as typeof l & { readonly outActBase: number; readonly errorBase: number };
  }

  private pack(samples: readonly Sample[]): Uint32Array {
    const beats = this.plan.sizes.inputDepth + 1;
    const words = sampleWords(this.sampleBits);
    const ab = this.plan.formats.act.bits;
    const K = this.plan.K;
    const n0 = this.plan.inputs;
    const out = new Uint32Array(Math.max(1, samples.length * beats * words));
    samples.forEach((s, i) => {
      if (s.input.length !== n0) throw new RangeError(`sample ${i}: ${s.input.length} inputs, the network takes ${n0}`);
      const base = i * beats * words;
      out[base] = ((s.train ? 1 : 0) | (s.label << 1)) >>> 0;
      for (let x = 0; x < n0; x++) {
        const beat = 1 + Math.floor(x / K);
        const bit = (x % K) * ab;
        const v = s.input[x]!;
        if (v === 0) continue; // the buffer starts zeroed (most MNIST pixels are 0)
        let off = base + beat * words + Math.floor(bit / 32);
        let sh = bit % 32;
        let rem = ab;
        let val = v;
        while (rem > 0) {
          out[off] = (out[off]! | ((val << sh) >>> 0)) >>> 0;
          const took = Math.min(rem, 32 - sh);
          val = Math.floor(val / 2 ** took);
          rem -= took;
          off++;
          sh = 0;
        }
      }
    });
    return out;
  }
}

/** A network with convolution's feature-map buffers, when both are plain RTL arrays (not built from macros): their instance names. */
function mapBuffersOf(top: Module): string[] | undefined {
  const names = ['fmap0', 'fmap1'];
  const mods = names.map((n) => top.instances.find((i) => i.name === n)?.module);
  const plain = mods.every((m) => m && (m.params as { ranges?: unknown }).ranges === undefined && m.instances.length === 0);
  return plain ? names : undefined;
}

/** How the weight banks hold their words, when not as one RTL array per lane (harness/runner.ts). */
function weightLayoutOf(top: Module): WeightLayout | undefined {
  const bank = top.instances.find((i) => i.name === 'wbank0')?.module;
  const interleaved = (bank?.params as { split?: string } | undefined)?.split === 'parity';
  const store = interleaved ? bank?.instances.find((i) => i.name === 'even')?.module : bank;
  const ranges = (store?.params as { ranges?: readonly MacroRange[] } | undefined)?.ranges;
  return interleaved || ranges ? { interleaved, ...(ranges ? { ranges } : {}) } : undefined;
}
