/**
 * C++ for the accelerator's workload driver (templates/runner.cpp.hbs, rendered here with
 * handlebars like the harness of src/sim/templates/capi.cpp.hbs), appended to that harness: it
 * drives the AXI4-Stream ports for a whole run (weight load, a stream of samples, results,
 * optional random stalls on every valid/ready) inside the compiled model, and records per sample
 * the prediction, the cycles and a digest of all weights. No JS↔C++ crossing per cycle.
 *
 * Stalls follow the AXI4-Stream rules: a source may wait before raising tvalid but, once raised,
 * holds tvalid and tdata until the handshake; a sink may drop tready on any cycle.
 */
import { readFileSync } from 'node:fs';
import type { MacroRange } from '../../../../generators/memories/tiling.js';
import Handlebars from 'handlebars';
import type { Plan } from '../../../../generators/accelerator/plan.js';

/**
 * What the driver needs of a design's plan: the lanes, the weight layers' rows in the banks (§3),
 * the sample's beats and the formats. The dense plan and a convolutional network's
 * (generators/cnn/plan.ts) both have it.
 */
export interface HarnessPlan {
  readonly P: number;
  readonly L: number;
  readonly K: number;
  readonly inputs: number;
  readonly formats: Plan['formats'];
  readonly sizes: {
    readonly layers: readonly { readonly nIn: number; readonly nOut: number; readonly rowLen: number; readonly weightBase: number }[];
    readonly inputDepth: number;
    readonly weightDepth: number;
    readonly actDepth: number;
  };
}

export interface RunnerSpec {
  readonly top: string;
  readonly plan: HarnessPlan;
  /** Width of s_sample_tdata in bits. */
  readonly sampleBits: number;
  /** Whether the design has error banks (not the inference variant). */
  readonly errorBanks: boolean;
  /**
   * True when the outputs the run loop reads (s_weights_tready, s_sample_tready, m_result_tvalid,
   * m_result_tdata) depend on no input combinationally (Module.comb): they are then valid right
   * after the previous clock edge, and the loop needs no evaluation between driving the inputs and
   * reading them (see armRisingEdge).
   */
  readonly registeredOutputs?: boolean;
  /**
   * False for a gate-level netlist: the model has no RTL memories to read (no `mem` arrays), so
   * the digest and the memory reads are not compiled (they return 0); results come from the
   * host interface (the prediction, the weights' read-back).
   */
  readonly internals?: boolean;
  /** How the weight banks hold their words, when not as one RTL array (`mem`) per lane. */
  readonly weightLayout?: WeightLayout;
  /** A network with convolution: its feature-map buffers' instance names, when each is one RTL array (memory kinds 3, 4, …). */
  readonly mapBuffers?: readonly string[];
}

/**
 * A weight bank as the generator built it: `interleaved` (weightPorts '2x1p'), two banks `even`
 * and `odd` holding the even and the odd addresses; `ranges`, built from SRAM macros laid out so
 * (generators/memories/macro-ram.ts), a word read from the macro models' bit memories
 * (`sram_r<k>_c<c>.bit<i>`) in place.
 */
export interface WeightLayout {
  readonly interleaved: boolean;
  readonly ranges?: readonly MacroRange[];
}

/** The outputs tx_accel_run reads each cycle (before the clock edge). */
export const RUN_LOOP_OUTPUTS = ['s_weights_tready', 's_sample_tready', 'm_result_tvalid', 'm_result_tdata'] as const;

/** 32-bit words per s_sample beat in the packed sample buffer. */
export const sampleWords = (bits: number): number => Math.ceil(bits / 32);

const TEMPLATE_URL = new URL('./templates/runner.cpp.hbs', import.meta.url);
let template: HandlebarsTemplateDelegate | undefined;

/** The C++ of the driver for one design: templates/runner.cpp.hbs with the design's sizes. */
export function runnerCpp(spec: RunnerSpec): string {
  template ??= Handlebars.compile(readFileSync(TEMPLATE_URL, 'utf8'), { noEscape: true, strict: true });
  return template(runnerView(spec));
}

/** What the template needs: names, sizes and mask literals, worked out here. */
function runnerView(spec: RunnerSpec) {
  const { top, plan } = spec;
  const internals = spec.internals ?? true;
  const { sizes, formats } = plan;
  const sw = sampleWords(spec.sampleBits);
  const root = `${top}__DOT__`;
  const banks = (prefix: string, bits: number) => Array.from({ length: plan.P }, (_, q) => ({ q, path: `${root}${prefix}${q}`, bits }));
  const list = (f: (l: HarnessPlan['sizes']['layers'][number]) => number) => sizes.layers.map(f).join(', ');
  const sb = spec.sampleBits;
  return {
    top,
    pes: plan.P,
    layers: plan.L,
    nIn: list((l) => l.nIn),
    nOut: list((l) => l.nOut),
    weightBase: list((l) => l.weightBase),
    sampleBeats: sizes.inputDepth + 1,
    sampleWords: sw,
    weightBanks: internals
      ? banks('wbank', formats.weight.bits).map((b) => ({
          ...b,
          word: weightWord(b.path, b.bits, spec.weightLayout),
        }))
      : [],
    errorBanks: internals && spec.errorBanks ? banks('ebank', formats.error.bits) : [],
    actBits: internals && sizes.actDepth > 0 ? formats.act.bits : false,
    mapBuffers: internals ? (spec.mapBuffers ?? []).map((name, i) => ({ kind: 3 + i, path: `${root}${name}`, bits: formats.act.bits })) : [],
    registeredOutputs: spec.registeredOutputs ? 'true' : 'false',
    weightBits: formats.weight.bits,
    weightMask: maskLit(formats.weight.bits),
    // s_sample_tdata is an IData (≤ 32 bits), a QData (≤ 64) or a word array
    sampleMask: sb <= 32 ? maskLit(sb) : false,
    sampleQuadMask: sb > 32 && sb <= 64 ? maskLit(sb) : false,
    sampleTopMask: sb > 64 ? maskLit(sb - 32 * (sw - 1)) : false,
    sampleLastWord: sw - 1,
  };
}

/** C++ for the word at `addr` of lane bank `path`, as `layout` holds it. */
function weightWord(path: string, bits: number, layout: WeightLayout | undefined): string {
  const word = (p: string, addr: string) => (layout?.ranges ? macroWord(p, layout.ranges, bits, addr) : `r->${p}__DOT__mem[${addr}]`);
  if (!layout?.interleaved) return word(path, 'addr');
  return `((addr & 1) ? ${word(`${path}__DOT__odd`, '(addr >> 1)')} : ${word(`${path}__DOT__even`, '(addr >> 1)')})`;
}

/**
 * C++ for the word at `addr` of a bank built from macros: the range that holds the address, and
 * its bits gathered from the models' single-bit memories.
 */
function macroWord(path: string, ranges: readonly MacroRange[], width: number, addr: string): string {
  const parts = ranges.map((r, k) => {
    const bits: string[] = [];
    for (let b = 0; b < width; b++) {
      const c = Math.floor(b / r.bits);
      bits.push(`(static_cast<uint64_t>(r->${path}__DOT__sram_r${k}_c${c}__DOT__bit${b - c * r.bits}[${addr} - ${r.base}] & 1) << ${b})`);
    }
    return { end: r.base + r.words, word: `(${bits.join(' | ')})` };
  });
  return parts.reduceRight((rest, p, i) => (i === parts.length - 1 ? p.word : `(${addr} < ${p.end} ? ${p.word} : ${rest})`), '');
}

function maskLit(bits: number): string {
  return bits >= 64 ? '~0ULL' : `0x${((1n << BigInt(bits)) - 1n).toString(16)}ULL`;
}
