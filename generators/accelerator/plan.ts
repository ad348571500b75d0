/**
 * What the generator derives from a configuration before it builds anything: the sizes of
 * src/config's deriveSizes (the one source of memory depths, bases, shifts and the LFSR stride,
 * shared with the harness, the manifest and the flows), the variant's features, the datapath
 * widths of the PEs and the tree, and the widths of the controller's counters. The golden model
 * (src/model) derives its own geometry on purpose: it checks the RTL, so it shares no code with it.
 */
import {
  deriveSizes,
  fixedFormats,
  hasPerLayerArithmetic,
  layerArithmetic,
  type Config,
  type DerivedSizes,
  type LayerArithmetic,
} from '../../src/config/index.js';
import { clog2, type FixedFormat } from '../../src/hdl/index.js';
import { peWidths, type PeParams } from '../blocks/pe.js';
import { dedicatedWidths } from '../blocks/pe-dedicated.js';
import { treeLatency } from './adder-tree.js';
import { bitsFor } from './tables.js';

/** Widths of the controller's counters and addresses, each named for what it counts. */
export interface CounterBits {
  /** A weight-bank address. */
  readonly weightAddr: number;
  /** An error-bank address (also an output group within a layer, in the backward pass). */
  readonly errorAddr: number;
  /** An activation-buffer address. */
  readonly actAddr: number;
  /** A weight-layer index. */
  readonly layer: number;
  /** A column of a row: 0..N_{l-1} (the bias is column N_{l-1}). */
  readonly column: number;
  /** A lane group within a layer: 0..G_l − 1. */
  readonly group: number;
  /** A neuron (output) of a layer: 0..N_l. */
  readonly neuron: number;
  /** A number of lanes: 0..P. */
  readonly lanes: number;
  /** A lane index: 0..P − 1. */
  readonly lane: number;
  /** An input index of the first layer (skipZeroInputs pairs): 0..N_0 − 1. */
  readonly inputIndex: number;
}

export interface Plan {
  readonly cfg: Config;
  readonly sizes: DerivedSizes;
  /** PEs (lanes), weight layers, inputs per s_sample beat. */
  readonly P: number;
  readonly L: number;
  readonly K: number;
  /** Layer 1's formats: their bits are the storage widths of every layer (only frac may differ per layer). */
  readonly formats: { readonly weight: FixedFormat; readonly act: FixedFormat; readonly error: FixedFormat };
  /** Each weight layer's formats and shifts (docs/ARCHITECTURE.md §1). */
  readonly arith: readonly LayerArithmetic[];
  /**
   * The formats or learning rates differ between layers: the controller exports its layer
   * register and the datapath selects each layer's constants and requantisers by it.
   */
  readonly perLayerArithmetic: boolean;
  /** The variant has training hardware (taxonn, dedicated); the inference variant has none. */
  readonly trains: boolean;
  /** The dedicated baseline: one multiplier array per SGD element and a learning-rate multiplier. */
  readonly dedicated: boolean;
  /**
   * The backward pass of layers 2..L also updates the weights it reads (PE op `fused`, §9): the
   * dedicated variant's own schedule, which its separate backward and gradient multipliers allow.
   */
  readonly fusedUpdate: boolean;
  /** skipZeroInputs (§10): layer 1 runs over the sample's non-zero inputs, kept as (index, value) pairs. */
  readonly sparseInputs: boolean;
  /** skipZeroErrors (§11): the update skips groups whose errors are all zero (training variants). */
  readonly skipZeroErrors: boolean;
  /**
   * skipZeroActivations (§16, training variants with a hidden layer): the backward pass of layers
   * 2..L walks only the columns whose activation is non-zero (a bit per activation-buffer word,
   * `act_nonzero`); the drain writes the error 0 of every hidden neuron whose activation is 0.
   */
  readonly sparseBackward: boolean;
  /**
   * weightPorts '1p' or '2x1p' (§12): single-port weight banks; an update issue waits while the
   * previous cycle's update issue holds the port (its weight is read then, the previous one
   * written): with '1p' always, with '2x1p' (`interleavedWeights`) only when both addresses are
   * in the same bank of the lane's two (even, odd).
   */
  readonly singlePortWeights: boolean;
  readonly interleavedWeights: boolean;
  readonly pe: PeParams;
  /** Width of one backward product (an adder-tree input) and of one gradient (an update-unit input). */
  readonly backwardBits: number;
  readonly gradientBits: number;
  /** Cycles from the tree's inputs to its sum. */
  readonly treeLatency: number;
  /**
   * Lanes 0..fullLanes−1 hold a neuron in every group of every layer; the others are padding in
   * some layer's last group (N_l not a multiple of P), where they read no weight and their PE
   * holds still (§4).
   */
  readonly fullLanes: number;
  /** N_0, the network's inputs. */
  readonly inputs: number;
  /** Input-buffer words: the sample's beats, or with sparseInputs two samples' worth of pairs. */
  readonly inputBufferDepth: number;
  readonly bits: CounterBits;
}

export function plan(cfg: Config): Plan {
  const sizes = deriveSizes(cfg);
  const P = cfg.pes;
  const formats = fixedFormats(cfg);
  const trains = cfg.variant !== 'inference';
  const dedicated = cfg.variant === 'dedicated';
  const sparseInputs = cfg.skipZeroInputs;
  const pe: PeParams = { ...formats, accBits: cfg.accBits };
  const product = peWidths(pe).product;
  const ded = dedicatedWidths(pe);
  const inputs = cfg.layers[0] ?? 0;
  const most = (f: (l: DerivedSizes['layers'][number]) => number) => Math.max(...sizes.layers.map(f));
  const neuron = bitsFor(most((l) => l.nOut));
  return {
    cfg,
    sizes,
    P,
    L: sizes.L,
    K: cfg.inputsPerBeat,
    formats,
    arith: layerArithmetic(cfg),
    perLayerArithmetic: hasPerLayerArithmetic(cfg),
    trains,
    dedicated,
    fusedUpdate: dedicated && cfg.fuseBackwardUpdate,
    sparseInputs,
    skipZeroErrors: trains && cfg.skipZeroErrors,
    sparseBackward: trains && cfg.skipZeroActivations && sizes.actDepth > 0,
    singlePortWeights: cfg.weightPorts !== '1r1w',
    interleavedWeights: cfg.weightPorts === '2x1p',
    pe,
    backwardBits: dedicated ? ded.backward : product,
    gradientBits: dedicated ? ded.gradient : product,
    treeLatency: treeLatency(P),
    fullLanes: Math.min(...sizes.layers.map((l) => ((l.nOut - 1) % P) + 1)),
    inputs,
    inputBufferDepth: sparseInputs ? 2 * inputs : sizes.inputDepth,
    bits: {
      weightAddr: clog2(sizes.weightDepth),
      errorAddr: clog2(sizes.errorDepth),
      actAddr: clog2(Math.max(sizes.actDepth, 1)),
      layer: clog2(sizes.L),
      column: bitsFor(most((l) => l.rowLen)),
      group: bitsFor(most((l) => l.groups)),
      neuron,
      lanes: bitsFor(P),
      lane: clog2(P),
      inputIndex: bitsFor(inputs - 1),
    },
  };
}
