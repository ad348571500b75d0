/**
 * The host interface (docs/ARCHITECTURE.md §5): AXI4-Stream ports for the weights in and out, the
 * control byte, the samples and the results, and the dedicated variant's learning-rate input.
 */
import { DEDICATED_LR_FRAC } from '../../src/config/defaults.js';
import { SInt, Stream, UInt, type Module, type Signal, type Value } from '../../src/hdl/index.js';
import type { Plan } from './plan.js';

/** Width of m_result_tdata. */
export const RESULT_BITS = 16;

/** The control byte that starts a weight read-back. */
export const CTRL_READBACK = 0;

/** What the host ports depend on: the dense plan's or a convolutional network's (generators/cnn/plan.ts). */
export type HostPlan = Pick<Plan, 'formats' | 'K' | 'dedicated'>;

const streams = (plan: HostPlan) => ({
  weights: Stream(SInt(plan.formats.weight.bits), { last: true, names: 'axi' }),
  ctrl: Stream(UInt(8), { names: 'axi' }),
  sample: Stream(UInt(plan.K * plan.formats.act.bits), { last: true, names: 'axi' }),
  result: Stream(UInt(RESULT_BITS), { last: true, names: 'axi' }),
});

type Streams = ReturnType<typeof streams>;

export interface HostPorts {
  /** s_weights: the weight stream in (layer by layer, row by row, bias last). */
  readonly weightsIn: Value<Streams['weights']>;
  /** m_weights: the weight read-back. */
  readonly weightsOut: Value<Streams['weights']>;
  readonly ctrl: Value<Streams['ctrl']>;
  /** s_sample: a header beat (bit 0 train, then the label), then the input beats. */
  readonly sample: Value<Streams['sample']>;
  /** m_result: the predicted class, one beat per sample. */
  readonly result: Value<Streams['result']>;
  /** The dedicated variant's learning rate η in Q0.16. */
  readonly learningRate?: Signal;
}

export function hostPorts(m: Module, plan: HostPlan): HostPorts {
  const s = streams(plan);
  const weightsIn = m.input('s_weights', s.weights);
  const weightsOut = m.output('m_weights', s.weights);
  const ctrl = m.input('s_ctrl', s.ctrl);
  const sample = m.input('s_sample', s.sample);
  const result = m.output('m_result', s.result);
  if (!plan.dedicated) return { weightsIn, weightsOut, ctrl, sample, result };
  return { weightsIn, weightsOut, ctrl, sample, result, learningRate: m.input('learning_rate', UInt(DEDICATED_LR_FRAC)) };
}
