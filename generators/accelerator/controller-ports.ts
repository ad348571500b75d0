/**
 * The controller module's ports, declared once and seen from both sides: inside the module
 * (`controllerIo`: the status it watches, the signals it drives) and from the top
 * (`controllerView`: the instance's outputs for the datapath, and its inputs as wires the top
 * assigns with the datapath's status). Which ports exist follows the plan: the training counters
 * only where the variant trains, the pair receiver's handshake only with skipZeroInputs, the
 * controller's own receive without it.
 */
import { Bool, UInt, clog2, lit, type Expr, type Instance, type Module, type Signal } from '../../src/hdl/index.js';
import type { Plan } from './plan.js';
import { constantOf, layerConstants } from './tables.js';

/** Port widths that depend on the plan. */
function widths(plan: Plan) {
  const { bits, sizes, K } = plan;
  return {
    header: sizes.labelBits + 1,
    laneCount: Math.max(bits.neuron, bits.lanes),
    inputAddr: clog2(plan.inputBufferDepth),
    inLane: clog2(K),
  };
}

/** What the controller watches: the host's handshakes and the datapath's status. */
export interface ControllerStatus<S = Expr> {
  readonly sampleValid: S;
  /** The controller's own receive: the header beat's bits (0: train, then the label). */
  readonly sampleHeader?: S;
  readonly weightsValid: S;
  readonly ctrlValid: S;
  readonly ctrlData: S;
  readonly resultReady: S;
  readonly loadDone: S;
  readonly readbackDone: S;
  readonly s1Valid: S;
  readonly s2Valid: S;
  readonly drainBusy: S;
  readonly drainWillBeFree: S;
  /** Training variants: the backward pass's δ pipeline. */
  readonly deltas?: { readonly valid: S; readonly write: S };
  /**
   * skipZeroErrors: the group's errors (in the error banks' read registers) are zero on every lane
   * that holds a neuron. One bit computed beside the banks: a per-lane vector across the boundary
   * cost the Verilated model 5 % more instructions per cycle (BENCHMARKS.md).
   */
  readonly groupErrorsZero?: S;
  /**
   * Single-port weight banks (training variants): an update issue now would read its weight in
   * the cycle the previous update issue writes its own, so it waits a cycle.
   */
  readonly weightPortBusy?: S;
  /** Single-port weight banks: an updated weight at the write-back stage (stage 3), not yet written. */
  readonly writeBack?: S;
  /** skipZeroActivations (§16): per activation-buffer word, the activation is non-zero. */
  readonly actNonZero?: S;
  /** skipZeroInputs: the pair receiver beside the controller and the pair in the input buffer's read register. */
  readonly receiver?: {
    readonly pending: S;
    readonly full: S;
    readonly readBase: S;
    readonly count: S;
    readonly header?: { readonly train: S; readonly label: S };
    readonly pairIndex: S;
  };
}

/** The read ports of the input, activation and error buffers the controller drives (and the input writes of its own receive). */
export interface BufferReads<S> {
  readonly input: { readonly ren: S; readonly raddr: S; readonly write?: { readonly we: S; readonly waddr: S } };
  readonly act: { readonly ren: S; readonly raddr: S };
  readonly errors?: { readonly ren: S; readonly raddr: S };
}

/** The state the controller's FSM is in, as the units outside it need to know. */
export interface Phases<S> {
  readonly idle: S;
  readonly load: S;
  readonly readback: S;
  /** The controller's own receive (rx_head, rx_data); absent with skipZeroInputs. */
  readonly receive?: S;
  readonly forward: S;
  readonly backward?: S;
  readonly update?: S;
  readonly emit: S;
}

/** One-cycle requests to units outside the controller. */
export interface Pulses<S> {
  readonly loadStart: S;
  readonly readbackStart: S;
  /** A forward layer starts: the drain's neuron index goes back to 0. */
  readonly drainRestart: S;
  /** skipZeroInputs: the controller takes the received sample (the receiver swaps halves). */
  readonly rxTake?: S;
}

/** The issue's metadata the pipeline carries, and the layer constants the drain reads. */
export interface IssueInfo<S> {
  readonly addr: S;
  readonly laneCount: S;
  readonly group: S;
  /** Dense inputs: the lane of the input word. */
  readonly inLane?: S;
  /** Training variants: the backward column's lane and group in the layer below. */
  readonly colLane?: S;
  readonly colGroup?: S;
}

/** The current layer's constants and the sample's header, as the drain reads them. */
export interface LayerInfo<S> {
  /** The layer register, when the datapath's arithmetic differs between layers (per-layer formats). */
  readonly index?: S;
  readonly isFirst: S;
  readonly isOutput: S;
  readonly rowLen: S;
  readonly outActBase: S;
  /** skipZeroInputs: layer 1's pairs (its row length minus the bias). */
  readonly pairCount?: S;
  /** Training variants. */
  readonly training?: { readonly errorBase: S; readonly lowerErrorBase: S; readonly train: S; readonly label: S };
}

/**
 * LayerInfo as ports: a table with the same value in every layer is no port (the top uses the
 * constant). Besides saving the wires, this keeps constant-driven outputs off the module boundary,
 * where Yosys cannot fold them into the logic they feed and Debian's OpenSTA (2.x) crashes in
 * report_power on what is left.
 */
export interface LayerPorts<S> {
  readonly index?: S;
  readonly isFirst: S;
  readonly isOutput: S;
  readonly rowLen?: S;
  readonly outActBase?: S;
  readonly pairCount?: S;
  readonly training?: { readonly errorBase?: S; readonly lowerErrorBase?: S; readonly train: S; readonly label: S };
}

/** The controller's outputs (the same shape inside, as signals it drives, and outside, as instance outputs). */
export interface ControllerOutputs<S> {
  /**
   * `window`: a state that issues, whether or not it issues this cycle (it may wait for the drain,
   * the weight port or skip a group): the weight banks read in it, since a read that is not issued
   * is never used, and the issue's late conditions stay off the banks' enables (§4).
   */
  readonly issue: { readonly issue: S; readonly window: S; readonly first: S; readonly last: S; readonly bias: S; readonly fromInput: S; readonly op?: S };
  readonly info: IssueInfo<S>;
  readonly layer: LayerPorts<S>;
  readonly reads: BufferReads<S>;
  readonly phases: Phases<S>;
  readonly pulses: Pulses<S>;
}

/** Inside the controller module: its inputs as status, its outputs as signals to drive. */
export interface ControllerIo extends ControllerOutputs<Signal> {
  readonly status: ControllerStatus<Signal>;
}

/** Declares one port: an output (driven inside, read outside) or an input (the reverse). */
type PortFn<S> = (name: string, width: number) => S;

/**
 * Every port of the controller, once: `output` and `input` make a leaf each (a port inside the
 * module, an instance output or an input wire in the top), so both sides have the same names,
 * widths and presence by construction.
 */
function ports<S>(plan: Plan, output: PortFn<S>, input: PortFn<S>): { readonly outputs: ControllerOutputs<S>; readonly status: ControllerStatus<S> } {
  return { outputs: outputPorts(plan, output), status: statusPorts(plan, input) };
}

function outputPorts<S>(plan: Plan, output: PortFn<S>): ControllerOutputs<S> {
  const { bits, sizes, trains, sparseInputs } = plan;
  const w = widths(plan);
  const words = !sparseInputs;
  const k = layerConstants(plan);
  const varies = {
    rowLen: constantOf(k.rowLen) === undefined,
    outActBase: constantOf(k.outActBase) === undefined,
    errorBase: constantOf(k.errorBase) === undefined,
    lowerErrorBase: constantOf(k.lowerErrorBase) === undefined,
  };
  const flag = (name: string) => output(name, 1);
  return {
    issue: {
      issue: flag('issue'),
      window: flag('issue_window'),
      first: flag('issue_first'),
      last: flag('issue_last'),
      bias: flag('issue_bias'),
      fromInput: flag('issue_from_input'),
      ...(trains ? { op: output('issue_op', 2) } : {}),
    },
    info: {
      addr: output('issue_addr', bits.weightAddr),
      laneCount: output('issue_lane_count', w.laneCount),
      group: output('issue_group', bits.group),
      ...(words ? { inLane: output('issue_in_lane', w.inLane) } : {}),
      ...(trains ? { colLane: output('issue_col_lane', bits.lane), colGroup: output('issue_col_group', bits.errorAddr) } : {}),
    },
    layer: {
      ...(plan.perLayerArithmetic ? { index: output('layer_index', bits.layer) } : {}),
      isFirst: flag('first_layer'),
      isOutput: flag('output_layer'),
      ...(varies.rowLen ? { rowLen: output('row_len', bits.weightAddr + 1) } : {}),
      ...(varies.outActBase ? { outActBase: output('out_act_base', bits.actAddr) } : {}),
      ...(sparseInputs ? { pairCount: output('pair_count', bits.column) } : {}),
      ...(trains
        ? {
            training: {
              ...(varies.errorBase ? { errorBase: output('error_base', bits.errorAddr) } : {}),
              ...(varies.lowerErrorBase ? { lowerErrorBase: output('lower_error_base', bits.errorAddr) } : {}),
              train: flag('sample_train'),
              label: output('sample_label', sizes.labelBits),
            },
          }
        : {}),
    },
    reads: {
      input: {
        ren: flag('input_read'),
        raddr: output('input_read_addr', w.inputAddr),
        ...(words ? { write: { we: flag('input_write'), waddr: output('input_write_addr', w.inputAddr) } } : {}),
      },
      act: { ren: flag('act_read'), raddr: output('act_read_addr', bits.actAddr) },
      ...(trains ? { errors: { ren: flag('error_read'), raddr: output('error_read_addr', bits.errorAddr) } } : {}),
    },
    phases: {
      idle: flag('phase_idle'),
      load: flag('phase_load'),
      readback: flag('phase_readback'),
      ...(words ? { receive: flag('phase_receive') } : {}),
      forward: flag('phase_forward'),
      ...(trains ? { backward: flag('phase_backward'), update: flag('phase_update') } : {}),
      emit: flag('phase_emit'),
    },
    pulses: {
      loadStart: flag('load_start'),
      readbackStart: flag('readback_start'),
      drainRestart: flag('drain_restart'),
      ...(sparseInputs ? { rxTake: flag('rx_take') } : {}),
    },
  };
}

function statusPorts<S>(plan: Plan, input: PortFn<S>): ControllerStatus<S> {
  const { bits, sizes, trains, sparseInputs, skipZeroErrors, singlePortWeights, sparseBackward } = plan;
  const w = widths(plan);
  const words = !sparseInputs;
  const bit = (name: string) => input(name, 1);
  return {
    sampleValid: bit('sample_valid'),
    ...(words ? { sampleHeader: input('sample_header', w.header) } : {}),
    weightsValid: bit('weights_valid'),
    ctrlValid: bit('ctrl_valid'),
    ctrlData: input('ctrl_data', 8),
    resultReady: bit('result_ready'),
    loadDone: bit('load_done'),
    readbackDone: bit('readback_done'),
    s1Valid: bit('s1_valid'),
    s2Valid: bit('s2_valid'),
    drainBusy: bit('drain_busy'),
    drainWillBeFree: bit('drain_will_be_free'),
    ...(trains ? { deltas: { valid: bit('delta_valid'), write: bit('delta_write') } } : {}),
    ...(skipZeroErrors ? { groupErrorsZero: input('group_errors_zero', 1) } : {}),
    ...(trains && singlePortWeights ? { weightPortBusy: bit('weight_port_busy'), writeBack: bit('write_back') } : {}),
    ...(sparseBackward ? { actNonZero: input('act_nonzero', sizes.actDepth) } : {}),
    ...(sparseInputs
      ? {
          receiver: {
            pending: bit('rx_pending'),
            full: bit('rx_full'),
            readBase: input('rx_read_base', w.inputAddr),
            count: input('rx_count', bits.column),
            ...(trains ? { header: { train: bit('rx_train'), label: input('rx_label', sizes.labelBits) } } : {}),
            pairIndex: input('pair_index', bits.inputIndex),
          },
        }
      : {}),
  };
}

const typeOf = (width: number) => (width === 1 ? Bool : UInt(width));

/** Inside the controller module: its inputs as status, its outputs as signals to drive. */
export function controllerIo(c: Module, plan: Plan): ControllerIo {
  const { outputs, status } = ports(
    plan,
    (name, width) => c.output(name, typeOf(width)),
    (name, width) => c.input(name, typeOf(width)),
  );
  return { ...outputs, status };
}

/** From the top: the controller instance's outputs, and its inputs as wires for the top to assign. */
export function controllerView(inst: Instance, plan: Plan): ControllerOutputs<Signal> & { readonly status: ControllerStatus<Signal> } {
  const { outputs, status } = ports(
    plan,
    (name) => inst.out(name),
    (name) => inst.in(name),
  );
  return { ...outputs, status };
}

/** From the top: the layer's constants, the controller's ports where they vary between layers, literals where they do not. */
export function layerInfo(ports: LayerPorts<Expr>, plan: Plan): LayerInfo<Expr> {
  const { bits } = plan;
  const k = layerConstants(plan);
  const value = (port: Expr | undefined, values: readonly number[], width: number): Expr => port ?? lit(constantOf(values) ?? 0, UInt(width));
  const t = ports.training;
  return {
    ...(ports.index ? { index: ports.index } : {}),
    isFirst: ports.isFirst,
    isOutput: ports.isOutput,
    rowLen: value(ports.rowLen, k.rowLen, bits.weightAddr + 1),
    outActBase: value(ports.outActBase, k.outActBase, bits.actAddr),
    ...(ports.pairCount ? { pairCount: ports.pairCount } : {}),
    ...(t
      ? {
          training: {
            errorBase: value(t.errorBase, k.errorBase, bits.errorAddr),
            lowerErrorBase: value(t.lowerErrorBase, k.lowerErrorBase, bits.errorAddr),
            train: t.train,
            label: t.label,
          },
        }
      : {}),
  };
}
