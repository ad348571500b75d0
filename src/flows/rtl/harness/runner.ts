/**
 * C++ for the accelerator's workload driver, appended to the Verilator harness: it drives the
 * AXI4-Stream ports for a whole run (weight load, a stream of samples, results, optional random
 * stalls on every valid/ready) inside the compiled model, and records per sample the prediction,
 * the cycles and a digest of all weights. No JS↔C++ crossing per cycle.
 *
 * Stalls follow the AXI4-Stream rules: a source may wait before raising tvalid but, once raised,
 * holds tvalid and tdata until the handshake; a sink may drop tready on any cycle.
 */
import type { Layout } from '../../../../generators/accelerator/layout.js';

export interface RunnerSpec {
  readonly top: string;
  readonly lay: Layout;
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
}

/** The outputs tx_accel_run reads each cycle (before the clock edge). */
export const RUN_LOOP_OUTPUTS = ['s_weights_tready', 's_sample_tready', 'm_result_tvalid', 'm_result_tdata'] as const;

/** 32-bit words per s_sample beat in the packed sample buffer. */
export const sampleWords = (bits: number): number => Math.ceil(bits / 32);

export function runnerCpp(spec: RunnerSpec): string {
  const { top, lay } = spec;
  const P = lay.P;
  const wb = lay.weightFmt.bits;
  const eb = lay.errorFmt.bits;
  const ab = lay.actFmt.bits;
  const sw = sampleWords(spec.sampleBits);
  const root = `${top}__DOT__`;
  const bankCase = (prefix: string, bits: number, signed: boolean) =>
    Array.from({ length: P }, (_, q) => `        case ${q}: return ext(r->${root}${prefix}${q}__DOT__mem[addr], ${bits}, ${signed});`).join('\n');
  const sampleAssign =
    spec.sampleBits <= 32
      ? `m->s_sample_tdata = beat[0] & ${maskLit(spec.sampleBits)};`
      : spec.sampleBits <= 64
        ? `m->s_sample_tdata = (static_cast<uint64_t>(beat[1]) << 32 | beat[0]) & ${maskLit(spec.sampleBits)};`
        : `for (int w = 0; w < ${sw}; ++w) m->s_sample_tdata[w] = beat[w];\n            m->s_sample_tdata[${sw - 1}] &= ${maskLit(spec.sampleBits - 32 * (sw - 1))};`;
  return `
#include "V${top}___024root.h"

namespace {

// Sign- or zero-extend the low \`bits\` of v.
inline int32_t ext(uint64_t v, int bits, bool isSigned) {
    const uint64_t mask = bits >= 64 ? ~0ULL : ((1ULL << bits) - 1);
    v &= mask;
    if (isSigned && bits < 64 && (v >> (bits - 1)) & 1) v |= ~mask;
    return static_cast<int32_t>(static_cast<int64_t>(v));
}

const int32_t kLayers = ${lay.L};
const int32_t kNIn[] = { ${lay.layers.map((l) => l.nIn).join(', ')} };
const int32_t kNOut[] = { ${lay.layers.map((l) => l.nOut).join(', ')} };
const int32_t kWBase[] = { ${lay.layers.map((l) => l.weightBase).join(', ')} };
const int32_t kSampleBeats = ${lay.inputDepth + 1};  // header + data beats
const int32_t kSampleWords = ${sw};                   // 32-bit words per beat

// The memories, by kind: 0 = weight bank, 1 = error bank, 2 = activation buffer.
int32_t memWord(V${top}* m, int32_t kind, int32_t bank, int32_t addr) {
    auto* r = m->rootp;
    if (kind == 0) {
        switch (bank) {
${bankCase('wbank', wb, true)}
        }
    }${spec.errorBanks ? ` else if (kind == 1) {\n        switch (bank) {\n${bankCase('ebank', eb, true)}\n        }\n    }` : ''}${lay.actDepth > 0 ? ` else if (kind == 2) {\n        return ext(r->${root}actbuf__DOT__mem[addr], ${ab}, false);\n    }` : ''}
    return 0;
}

// FNV-1a over the weight codes in stream order, each as 4 little-endian bytes (src/model/digest.ts).
uint32_t weightDigest(V${top}* m) {
    uint32_t h = 0x811C9DC5u;
    for (int32_t k = 0; k < kLayers; ++k) {
        const int32_t rowLen = kNIn[k] + 1;
        for (int32_t j = 0; j < kNOut[k]; ++j) {
            const int32_t base = kWBase[k] + (j / ${P}) * rowLen;
            for (int32_t i = 0; i < rowLen; ++i) {
                const uint32_t v = static_cast<uint32_t>(memWord(m, 0, j % ${P}, base + i));
                for (int b = 0; b < 4; ++b) {
                    h ^= (v >> (8 * b)) & 0xFFu;
                    h *= 0x01000193u;
                }
            }
        }
    }
    return h;
}

// Verilator 5 finds a rising edge by comparing clk with its value at the previous eval, kept in
// the root's __Vtrigrprev__TOP__clk. When the driver lowers clk without an eval, recording the
// low value there is all that eval would do for this design: every register is clocked on the
// rising edge, clk is used for nothing else, and the next eval settles the inputs (its input
// combinational region runs first) before the edge. Returns false, and the caller evaluates as
// usual, when the model has no such member (another Verilator version).
template <typename R>
inline auto armRisingEdge(R* r, int) -> decltype(r->__Vtrigrprev__TOP__clk = 0, bool()) {
    r->__Vtrigrprev__TOP__clk = 0;
    return true;
}
template <typename R>
inline bool armRisingEdge(R*, long) { return false; }

// Whether the run loop may read its outputs without evaluating after driving the inputs.
const bool kRegisteredOutputs = ${spec.registeredOutputs ? 'true' : 'false'};

// One clock cycle for the driver loop: like clockCycle(), but the falling edge is left for the
// next cycle's input eval to pick up (the design has no negedge logic), saving one of three
// evals per cycle, or, when the outputs are registered, recorded without an eval (armRisingEdge),
// saving two. Returns whether the next cycle needs an input eval. With a waveform open, the exact
// clockCycle() is used.
inline bool driverCycle(Inst* s) {
#ifdef TX_TRACE
    if (s->tfp) {
        clockCycle(s);
        return true;
    }
#endif
    V${top}* m = s->model;
    const uint64_t t = s->cycle * 10;
    s->ctx->time(t + 5);
    m->clk = 1;
    m->eval();
    m->clk = 0;
    s->ctx->time(t + 10);
    s->cycle++;
    return !(kRegisteredOutputs && armRisingEdge(m->rootp, 0));
}

// xorshift32: the stall pattern, seeded from the TS side.
struct Stalls {
    uint32_t s;
    uint32_t permille;
    bool stall() {
        if (permille == 0) return false;
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        return (s % 1000u) < permille;
    }
};

}  // namespace

// Run a workload. weights: nWeights codes in s_weights order (0 = no load). samples: nSamples
// packed samples of kSampleBeats beats x kSampleWords words (beat 0 is the header).
// out: per sample 4 int32: predicted class, cycles from header accepted to result accepted,
// weight digest after the sample (0 unless digestEach), the cycle of the header (low 32 bits).
// Returns the cycles run (>= 0), -2 on a model fatal error, -3 when maxCycles passed first.
TX_API int64_t tx_accel_run(int32_t h, const int32_t* weights, int32_t nWeights, const uint32_t* samples,
                            int32_t nSamples, uint32_t stallSeed, int32_t stallPermille, int32_t digestEach,
                            int32_t* out, int64_t maxCycles) {
    Inst* s = get(h);
    if (!s) return -1;
    V${top}* m = s->model;
    Stalls st{stallSeed ? stallSeed : 1u, static_cast<uint32_t>(stallPermille)};
    int64_t cycles = 0;
    int32_t wi = 0, si = 0, bi = 0, ri = 0;
    bool wValid = false, sValid = false;
    std::vector<uint64_t> start(nSamples > 0 ? nSamples : 1, 0);
    uint64_t lastResult = 0;
    TX_GUARD_BEGIN
    enter(s);
    m->s_ctrl_tvalid = 0;
    m->s_ctrl_tdata = 0;
    m->m_weights_tready = 1;
    bool needEval = true;
    while (wi < nWeights || ri < nSamples) {
        if (cycles >= maxCycles) return -3;
        if (!wValid && wi < nWeights && !st.stall()) wValid = true;
        m->s_weights_tvalid = wValid;
        m->s_weights_tdata = static_cast<uint32_t>(wi < nWeights ? weights[wi] : 0) & ${maskLit(wb)};
        m->s_weights_tlast = wi == nWeights - 1;
        if (!sValid && wi >= nWeights && si < nSamples && !st.stall()) sValid = true;
        if (si < nSamples) {
            const uint32_t* beat = samples + (static_cast<int64_t>(si) * kSampleBeats + bi) * kSampleWords;
            ${sampleAssign}
        }
        m->s_sample_tvalid = sValid;
        m->s_sample_tlast = bi == kSampleBeats - 1;
        m->m_result_tready = !st.stall();
        if (needEval) evalNow(s);
        if (wValid && m->s_weights_tready) {
            ++wi;
            wValid = false;
        }
        if (sValid && m->s_sample_tready) {
            if (bi == 0) start[si] = s->cycle;
            sValid = false;
            if (++bi == kSampleBeats) {
                bi = 0;
                ++si;
            }
        }
        if (m->m_result_tvalid && m->m_result_tready && ri < nSamples) {
            int32_t* o = out + 4 * static_cast<int64_t>(ri);
            o[0] = static_cast<int32_t>(m->m_result_tdata);
            // The cycles this sample occupied the accelerator: from its header, or from the previous
            // result when it was received while that one computed (skipZeroInputs overlaps them).
            const uint64_t from = ri > 0 && lastResult + 1 > start[ri] ? lastResult + 1 : start[ri];
            o[1] = static_cast<int32_t>(s->cycle - from + 1);
            lastResult = s->cycle;
            o[2] = digestEach ? static_cast<int32_t>(weightDigest(m)) : 0;
            o[3] = static_cast<int32_t>(start[ri]);
            ++ri;
        }
        needEval = driverCycle(s);
        ++cycles;
    }
    m->s_weights_tvalid = 0;
    m->s_sample_tvalid = 0;
    m->m_result_tready = 0;
    s->dirty = true;
    TX_GUARD_END
    return cycles;
}

// Read all n weights back over m_weights (random tready stalls). Returns the cycles run, -3 on
// timeout, -4 when tlast is not on exactly the last beat.
TX_API int64_t tx_accel_readback(int32_t h, int32_t* out, int32_t n, uint32_t stallSeed, int32_t stallPermille,
                                 int64_t maxCycles) {
    Inst* s = get(h);
    if (!s) return -1;
    V${top}* m = s->model;
    Stalls st{stallSeed ? stallSeed : 1u, static_cast<uint32_t>(stallPermille)};
    int64_t cycles = 0;
    int32_t got = 0;
    bool cmdSent = false;
    TX_GUARD_BEGIN
    enter(s);
    m->s_weights_tvalid = 0;
    m->s_sample_tvalid = 0;
    m->m_result_tready = 0;
    while (got < n) {
        if (cycles >= maxCycles) return -3;
        m->s_ctrl_tvalid = !cmdSent;
        m->s_ctrl_tdata = 0;
        m->m_weights_tready = !st.stall();
        evalNow(s);
        if (!cmdSent && m->s_ctrl_tready) cmdSent = true;
        if (m->m_weights_tvalid && m->m_weights_tready) {
            out[got] = ext(m->m_weights_tdata, ${wb}, true);
            if ((m->m_weights_tlast != 0) != (got == n - 1)) return -4;
            ++got;
        }
        driverCycle(s);
        ++cycles;
    }
    m->s_ctrl_tvalid = 0;
    m->m_weights_tready = 0;
    s->dirty = true;
    TX_GUARD_END
    return cycles;
}

TX_API uint32_t tx_accel_digest(int32_t h) {
    Inst* s = get(h);
    return s ? weightDigest(s->model) : 0;
}

TX_API int32_t tx_accel_mem(int32_t h, int32_t kind, int32_t bank, int32_t addr) {
    Inst* s = get(h);
    return s ? memWord(s->model, kind, bank, addr) : 0;
}
`;
}

function maskLit(bits: number): string {
  return bits >= 64 ? '~0ULL' : `0x${((1n << BigInt(bits)) - 1n).toString(16)}ULL`;
}
