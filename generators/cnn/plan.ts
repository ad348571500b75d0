/**
 * What the generator of a network with convolution derives from its configuration before it
 * builds anything (docs/ARCHITECTURE.md §18): the network as a program of steps (each weight
 * layer and each pool, in order), every step's constants for the address walks, the weight-bank
 * layout (the dense design's §3 with a filter as a row of kernel²·channels columns), the two
 * feature-map buffers the steps read and write in turn, and the counters' widths. Like the dense
 * plan it shares no code with the golden model (src/model/cnn), which checks it.
 */
import { fanIn, rowsOf, volume, type Network, type Shape } from '../../src/config/network.js';
import { fixedFormats, layerArithmetic, type Config, type LayerArithmetic } from '../../src/config/index.js';
import { clog2, type FixedFormat } from '../../src/hdl/index.js';
import { bitsFor } from '../accelerator/tables.js';

/** A weight layer as a step: a convolution, or a dense layer as the convolution whose kernel is its whole input. */
export interface WeightStep {
  readonly kind: 'weights';
  /** Index among the weight layers (the arithmetic's layer). */
  readonly layer: number;
  readonly in: Shape;
  readonly out: Shape;
  readonly kernelH: number;
  readonly kernelW: number;
  readonly stride: number;
  readonly padTop: number;
  readonly padLeft: number;
  /** Columns of a row (kernelH · kernelW · channels); the bias is column `fanIn`. */
  readonly fanIn: number;
  readonly rows: number;
  readonly groups: number;
  readonly rowLen: number;
  readonly weightBase: number;
  /** The network's last layer: its sums go to the argmax, not to a feature map. */
  readonly output: boolean;
  /**
   * The fewest issues of a group (its taps inside the map, times the channels, and the bias) at any
   * output position: a border position's window is cut by the padding (§18). The drain keeps up
   * without waiting only when this is at least P.
   */
  readonly minIssues: number;
  /**
   * A pool that follows the convolution, fused into it (§18): the walk visits the output positions
   * window by window (the four of a pooled output, then the next), the drain pools them, and only
   * the pooled map (`stored`) is written; positions a pool drops are never computed.
   */
  readonly pool?: 'max' | 'avg';
  /** The map the step writes: `out`, or with a fused pool its pooled shape. */
  readonly stored: Shape;
}

export interface PoolStep {
  readonly kind: 'pool';
  readonly pool: 'max' | 'avg';
  readonly in: Shape;
  readonly out: Shape;
}

export type Step = WeightStep | PoolStep;

/** The weight layers in the shape the dense design's load/read-back walker and the harness read (sizes.layers). */
export interface WeightLayerSizes {
  readonly nIn: number;
  readonly nOut: number;
  readonly groups: number;
  readonly rowLen: number;
  readonly weightBase: number;
}

/**
 * What the training RTL keeps (the taxonn variant, §18 "Training"): every feature map (no pool
 * fused: the update reads each weight layer's input, the backward pass its hidden activations),
 * the errors of every weight layer, the backward sums, and each max pool's kept places.
 */
export interface TrainPlan {
  /** Map i (step i's input; map 0 the sample) is in buffer i mod 2 at mapBase[i]. */
  readonly mapBase: readonly number[];
  /** Per weight layer: its step, its input map (= its step) and its output map (hidden layers). */
  readonly layerStep: readonly number[];
  /** Per weight layer: its output positions, and its errors' base in the error banks (lane f mod P, word base + (f div P)·positions + position). */
  readonly positions: readonly number[];
  readonly errBase: readonly number[];
  readonly errDepth: number;
  /** Words of the backward sums: the largest input of a weight layer k ≥ 1. */
  readonly sumDepth: number;
  /** Per weight layer k ≥ 1: the pool between layer k − 1 and it (at most one), else undefined. */
  readonly poolBefore: readonly (PoolStep | undefined)[];
  /** Per step: a max pool's kept places (2 bits per output) start here in the argmax memory (−1: not kept). */
  readonly argBase: readonly number[];
  readonly argDepth: number;
  /** Per weight layer: its groups' has-an-error flags start at this bit. */
  readonly flagBase: readonly number[];
  readonly flags: number;
}

export interface CnnPlan {
  readonly cfg: Config;
  /** The taxonn variant: the training RTL's memories and layout; absent for the inference variant. */
  readonly train?: TrainPlan;
  readonly P: number;
  /** Weight layers, inputs per s_sample beat, the network's inputs. */
  readonly L: number;
  readonly K: number;
  readonly inputs: number;
  /** The dedicated variant: a PE with a multiplier per SGD element (blocks/pe-dedicated.ts) and the learning-rate multiplier. */
  readonly dedicated: boolean;
  /** The dedicated variant's own schedule (fuseBackwardUpdate): the backward pass of layers 2..L also updates them (§18). */
  readonly fusedUpdate: boolean;
  readonly formats: { readonly weight: FixedFormat; readonly act: FixedFormat; readonly error: FixedFormat };
  readonly arith: readonly LayerArithmetic[];
  readonly steps: readonly Step[];
  /** Step i reads map buffer i mod 2 and writes buffer (i + 1) mod 2; the input is written to buffer 0. */
  readonly mapDepth: readonly [number, number];
  readonly sizes: {
    readonly layers: readonly WeightLayerSizes[];
    readonly weightDepth: number;
    readonly inputDepth: number;
    readonly actDepth: 0;
    readonly labelBits: number;
  };
  readonly bits: {
    readonly weightAddr: number;
    readonly layer: number;
    readonly column: number;
    readonly neuron: number;
    readonly lanes: number;
    readonly lane: number;
    readonly step: number;
    /** A map-buffer address (either buffer), and a walk's offset address (it may run past the map by the padding). */
    readonly mapAddr: number;
    readonly walkAddr: number;
    /** A coordinate (y or x, padded) and a channel or kernel place. */
    readonly coord: number;
    readonly channel: number;
    readonly group: number;
    /** Training: an error-bank word, a backward sum, a max pool's kept place, an output position. */
    readonly errAddr: number;
    readonly sumAddr: number;
    readonly argAddr: number;
    readonly position: number;
  };
}

/**
 * The cycles one inference issues, about: every column of every group at every position (a group
 * waits for the drain when its rows are shorter than P), four reads per pooled value, the receive.
 * The harness's limit before it calls a run hung is a multiple of it.
 */
export function issueCycles(plan: CnnPlan): number {
  let n = plan.inputs + plan.sizes.inputDepth + 8;
  for (const s of plan.steps) {
    if (s.kind === 'pool') n += 4 * s.out.height * s.out.width * s.out.channels + 8;
    else n += positionsWalked(s) * s.groups * (Math.max(s.rowLen, plan.P + 2) + 1) + 8;
  }
  if (!plan.train) return n;
  // training: per weight layer the sums' clear, the backward walk and the error pass (k ≥ 1), the update walk
  for (const s of plan.steps) {
    if (s.kind !== 'weights') continue;
    const positions = s.out.height * s.out.width;
    n += s.groups * s.rowLen * positions + 16;
    if (s.layer > 0) n += volume(s.in) + positions * s.groups * (s.rowLen + 2) + 9 * volume(s.in) + 32;
  }
  return n;
}

/** The output positions a weight step computes: all, or with a fused pool those its windows cover. */
export const positionsWalked = (s: WeightStep): number => (s.pool ? 4 * s.stored.height * s.stored.width : s.out.height * s.out.width);

/** The fewest kernel rows (or columns) inside a side of n at any of `out` output positions. */
function insideRange(n: number, out: number, kernel: number, stride: number, pad: number): number {
  let least = kernel;
  for (let o = 0; o < out; o++) {
    const from = o * stride - pad;
    least = Math.min(least, Math.min(from + kernel, n) - Math.max(from, 0));
  }
  return least;
}

/** The network's layers as steps, the weight layers laid out in the banks one after the other (§3). */
function networkSteps(network: Network, P: number, fuse: boolean): Step[] {
  const steps: Step[] = [];
  let weightBase = 0;
  let layer = 0;
  const last = network.layers.length - 1;
  network.layers.forEach((l, i) => {
    if (l.kind === 'pool') {
      const before = steps.at(-1);
      // the first pool after a convolution is fused into it; any other pool is a step of its own
      if (fuse && before?.kind === 'weights' && network.layers[i - 1]?.kind === 'conv' && !before.pool) {
        steps[steps.length - 1] = { ...before, pool: l.pool, stored: l.out };
        return;
      }
      steps.push({ kind: 'pool', pool: l.pool, in: l.in, out: l.out });
      return;
    }
    const conv = l.kind === 'conv';
    const rows = rowsOf(l);
    const groups = Math.ceil(rows / P);
    const rowLen = fanIn(l) + 1;
    steps.push({
      kind: 'weights',
      layer: layer++,
      in: l.in,
      out: l.out,
      kernelH: conv ? l.kernel : l.in.height,
      kernelW: conv ? l.kernel : l.in.width,
      stride: conv ? l.stride : 1,
      padTop: conv ? l.padTop : 0,
      padLeft: conv ? l.padLeft : 0,
      fanIn: fanIn(l),
      rows,
      groups,
      rowLen,
      weightBase,
      output: i === last,
      stored: l.out,
      minIssues:
        insideRange(l.in.height, l.out.height, conv ? l.kernel : l.in.height, conv ? l.stride : 1, conv ? l.padTop : 0) *
          insideRange(l.in.width, l.out.width, conv ? l.kernel : l.in.width, conv ? l.stride : 1, conv ? l.padLeft : 0) *
          l.in.channels +
        1,
    });
    weightBase += groups * rowLen;
  });
  return steps;
}

/** The network of `cfg` as steps with their weight layout and buffers; `cfg.network` must exist. */
export function cnnPlan(cfg: Config): CnnPlan {
  const network = cfg.network;
  if (!network) throw new RangeError('generator bug: cnnPlan of a configuration without layer objects');
  const P = cfg.pes;
  const arith = layerArithmetic(cfg);
  const trains = cfg.variant !== 'inference';
  // training keeps the pre-pool activations (the derivative mask, a max pool's kept place): no fused pools
  const steps = networkSteps(network, P, !trains);
  const weightSteps = steps.filter((s): s is WeightStep => s.kind === 'weights');
  const weightWords = weightSteps.reduce((n, s) => n + s.groups * s.rowLen, 0);
  const maps = [network.input, ...steps.map((s) => (s.kind === 'weights' ? s.stored : s.out))];
  const train = trains ? trainPlan(steps, maps) : undefined;
  // the output layer's sums are not stored: maps[steps.length] is left out; training keeps every map
  const depth = (parity: number) => {
    const held = maps
      .slice(0, steps.length)
      .filter((_, i) => i % 2 === parity)
      .map(volume);
    return Math.max(2, ...(trains ? [held.reduce((a, b) => a + b, 0)] : held));
  };
  const a0 = arith[0];
  if (!a0) throw new RangeError('generator bug: a network without weight layers');
  const classes = weightSteps.at(-1)?.rows ?? 1;
  const mapDepth: [number, number] = [depth(0), depth(1)];
  const maxSide = Math.max(...steps.map((s) => Math.max(s.in.height, s.in.width) + 2 * 3));
  // the walk address (y·W + x)·C + c over the padded map (at most 3 rows and columns of padding each side)
  const walk = Math.max(...weightSteps.map((s) => (s.in.height + 7) * (s.in.width + 7) * s.in.channels), ...mapDepth);
  return {
    cfg,
    ...(train ? { train } : {}),
    P,
    L: weightSteps.length,
    K: cfg.inputsPerBeat,
    inputs: volume(network.input),
    dedicated: cfg.variant === 'dedicated',
    fusedUpdate: cfg.variant === 'dedicated' && cfg.fuseBackwardUpdate,
    formats: fixedFormats(cfg),
    arith,
    steps,
    mapDepth,
    sizes: {
      layers: weightSteps.map((s) => ({ nIn: s.fanIn, nOut: s.rows, groups: s.groups, rowLen: s.rowLen, weightBase: s.weightBase })),
      weightDepth: Math.max(1, weightWords),
      inputDepth: Math.ceil(volume(network.input) / cfg.inputsPerBeat),
      actDepth: 0,
      labelBits: Math.max(1, clog2(classes)),
    },
    bits: {
      weightAddr: clog2(Math.max(2, weightWords)),
      layer: clog2(Math.max(2, weightSteps.length)),
      column: bitsFor(Math.max(...weightSteps.map((s) => s.rowLen))),
      neuron: bitsFor(Math.max(...weightSteps.map((s) => s.rows))),
      lanes: bitsFor(P),
      lane: clog2(Math.max(2, P)),
      step: clog2(Math.max(2, steps.length)),
      mapAddr: clog2(Math.max(2, ...mapDepth)),
      walkAddr: bitsFor(walk),
      coord: bitsFor(maxSide),
      channel: bitsFor(Math.max(...steps.map((s) => Math.max(s.in.channels, s.kind === 'weights' ? Math.max(s.kernelH, s.kernelW) : 0)))),
      group: bitsFor(Math.max(...weightSteps.map((s) => s.groups))),
      errAddr: clog2(Math.max(2, train?.errDepth ?? 2)),
      sumAddr: clog2(Math.max(2, train?.sumDepth ?? 2)),
      argAddr: clog2(Math.max(2, train?.argDepth ?? 2)),
      position: bitsFor(Math.max(...weightSteps.map((s) => s.out.height * s.out.width))),
    },
  };
}

/** Weight layer k's step (a plan that trains; a generator bug otherwise). */
export function weightStepOf(plan: CnnPlan, k: number): WeightStep {
  const s = plan.steps[trainOf(plan).layerStep[k] ?? -1];
  if (s?.kind !== 'weights') throw new RangeError(`generator bug: weight layer ${k} has no step`);
  return s;
}

/** The training layout of a plan that trains (a generator bug otherwise). */
export function trainOf(plan: CnnPlan): TrainPlan {
  if (!plan.train) throw new RangeError('generator bug: a training block of a plan that does not train');
  return plan.train;
}

/** The training RTL's layout: each map after the ones of its buffer, the error regions, the sums, the max pools' kept places. */
function trainPlan(steps: readonly Step[], maps: readonly Shape[]): TrainPlan {
  const mapBase: number[] = [];
  const fill: [number, number] = [0, 0];
  maps.slice(0, steps.length).forEach((s, i) => {
    const b = i % 2 === 0 ? 0 : 1;
    mapBase.push(fill[b]);
    fill[b] += volume(s);
  });
  const layerStep = steps.flatMap((s, i) => (s.kind === 'weights' ? [i] : []));
  const ws = layerStep.map((i) => steps[i] as WeightStep);
  const positions = ws.map((s) => s.out.height * s.out.width);
  const errBase: number[] = [];
  const flagBase: number[] = [];
  let errWords = 0;
  let flags = 0;
  ws.forEach((s) => {
    errBase.push(errWords);
    errWords += s.groups * s.out.height * s.out.width;
    flagBase.push(flags);
    flags += s.groups;
  });
  const poolBefore = layerStep.map((i, k) => (k > 0 && steps[i - 1]?.kind === 'pool' ? (steps[i - 1] as PoolStep) : undefined));
  const argBase = steps.map(() => -1);
  let argWords = 0;
  layerStep.forEach((i, k) => {
    const p = poolBefore[k];
    if (p?.pool !== 'max') return;
    argBase[i - 1] = argWords;
    argWords += volume(p.out);
  });
  return {
    mapBase,
    layerStep,
    positions,
    errBase,
    errDepth: Math.max(2, errWords),
    sumDepth: Math.max(2, ...ws.slice(1).map((s) => volume(s.in))),
    poolBefore,
    argBase,
    argDepth: Math.max(2, argWords),
    flagBase,
    flags: Math.max(1, flags),
  };
}
