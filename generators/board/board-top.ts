/**
 * The board's top (docs/ARCHITECTURE.md §13): the accelerator behind a UART host link. Frames
 * (src/model/link/frame.ts) come in on `uart_rx`; a frame is held in a frame buffer until its
 * CRC passes, and only then applied: its bytes become beats of s_weights, s_sample or s_ctrl,
 * or (READ) results and read-back weights are copied into the answer buffer. Every frame gets
 * one answer on `uart_tx`: ACK (with a READ's items) or NAK. A frame with the expected seq is
 * applied once; one with the previous seq (its ACK was lost) is answered again from the answer
 * buffer and not applied; anything else is NAKed (src/model/link/arq.ts is the reference).
 * Results wait in a FIFO, so the accelerator never stalls on a host that reads them in batches.
 *
 * While a frame is applied or answered the receiver ignores the line: the host sends the next
 * frame only after an answer (stop-and-wait), and a frame cut short by that is NAKed.
 */
import {
  Bool,
  Fsm,
  UInt,
  buildModule,
  cat,
  clog2,
  fifo,
  skidBuffer,
  lit,
  mux,
  type ClockDomain,
  type Expr,
  type Instance,
  type Module,
  type Signal,
} from '../../src/hdl/index.js';
import { ACK, NAK } from '../../src/model/link/arq.js';
import { MAX_PAYLOAD, SOF } from '../../src/model/link/frame.js';
import { ANSWER_BYTES, FRAME, READ_SOURCE, RESULT_ITEM_BYTES, beatBytes, maxReadItems } from '../../src/model/link/board-protocol.js';
import { crc16Block } from './crc16.js';
import { checkClocksPerBit, uartRx, uartTx } from './uart.js';

/** Results the board holds for the host (one EBR of 256 × 16 on an iCE40). */
export const RESULT_FIFO_DEPTH = 256;
/** A frame in progress is dropped after this many quiet bit times (4 bytes' worth). */
export const GAP_BITS = 40;

export interface BoardParams {
  /** Clock cycles per UART bit (clock / baud rate), at least 4. */
  readonly clocksPerBit: number;
}

interface Widths {
  readonly weightBits: number;
  readonly sampleBits: number;
}

const STATES = [
  'hunt',
  'type',
  'seq',
  'len0',
  'len1',
  'payload',
  'crc0',
  'crc1',
  'check',
  'a_fetch',
  'a_byte',
  'a_push',
  'r_take',
  'r_write',
  'answer',
  'wait_tx',
] as const;
type State = (typeof STATES)[number];
const TX_STATES = ['idle', 'sof', 'type', 'seq', 'len0', 'len1', 'p_fetch', 'p_data', 'crc0', 'crc1'] as const;

/** The widths of the accelerator's streams, from its ports. @throws RangeError for a design the board cannot drive */
function widthsOf(inner: Module): Widths {
  const port = (name: string) => inner.ports.find((p) => p.name === name);
  if (port('learning_rate'))
    throw new RangeError(`the board's top drives the taxonn and inference variants; ${inner.name} (dedicated) needs a learning_rate input`);
  const w = port('s_weights_tdata');
  const s = port('s_sample_tdata');
  if (!w || !s) throw new RangeError(`${inner.name} is not an accelerator: it has no s_weights / s_sample streams`);
  return { weightBits: w.width, sampleBits: s.width };
}

/** Clock cycles of the power-on reset after configuration (the flip-flops start at 0 on an iCE40; any start value works). */
export const POWER_ON_CYCLES = 15;

/**
 * `board_<inner>`: ports clk, btn_n (the board's user button, active low), uart_rx, uart_tx. The
 * link and the accelerator run in the reset domain `core`, reset for POWER_ON_CYCLES after
 * configuration (a counter without reset) and while the button is pressed.
 */
export function boardTop(inner: Module, params: BoardParams): Module {
  const cpb = checkClocksPerBit(params.clocksPerBit);
  const widths = widthsOf(inner);
  return buildModule(
    `board_${inner.name}`,
    { inner: inner.name, clocksPerBit: cpb },
    (m) => {
      // the button is asynchronous to the clock: two flip-flops before it is used
      const button = m.flop('btn_n_q', m.flop('btn_n_meta', m.input('btn_n', Bool)));
      const por = m.reg('por_count', UInt(clog2(POWER_ON_CYCLES + 1)));
      m.when(por.ne(POWER_ON_CYCLES), () => por.set(por.inc()));
      const core = m.resetDomain('core', por.ne(POWER_ON_CYCLES).or(button.not()));
      m.inDomain(core, () => boardCore(m, { inner, cpb, widths, core }));
    },
    { reset: 'none' },
  );
}

/** The link and the accelerator, in the domain `core`. */
function boardCore(m: Module, at: { inner: Module; cpb: number; widths: Widths; core: ClockDomain }): void {
  const { inner, cpb, widths, core } = at;
  const rx = m.instance('rx', uartRx(cpb), { default: core, rxd: m.input('uart_rx', Bool) });
  const txByte = m.wire('tx_byte', UInt(8));
  const txValid = m.wire('tx_valid', Bool);
  const tx = m.instance('tx', uartTx(cpb), { default: core, data: txByte, valid: txValid });
  m.assign(m.output('uart_tx', Bool), tx.out('txd'));
  const dut = m.instance('dut', inner, { default: core });
  const results = m.instance('results', fifo(UInt(16), RESULT_FIFO_DEPTH), { default: core });
  results.connect('in_data', dut.out('m_result_tdata'));
  results.connect('in_valid', dut.out('m_result_tvalid'));
  dut.connect('m_result_tready', results.out('in_ready'));
  const link = linkRegisters(m);
  const answerStart = m.wire('answer_start', Bool);
  const txIdle = transmitter(m, { tx, txByte, txValid, link, start: answerStart, core });
  const handlers = {
    ...receiveStates(m, { cpb, rx, link, core }),
    ...applyStates(m, { widths, link, dut, core }),
    ...readStates(m, { widths, link, dut, results, core }),
    ...answerStates(m, link, answerStart, txIdle),
  };
  link.fsm.build(handlers);
}

type Handlers = Partial<Record<State, () => void>>;
type Memory = ReturnType<Module['memory']>;

/** The link's registers and buffers, shared by the receiver, the appliers and the transmitter. */
interface Link {
  readonly fsm: Fsm<State>;
  readonly type: Signal;
  readonly seq: Signal;
  readonly len: Signal;
  /** The byte index in the frame buffer (receiving, applying). */
  readonly idx: Signal;
  /** The first two payload bytes (a READ's source and count). */
  readonly p0: Signal;
  readonly p1: Signal;
  readonly expected: Signal;
  readonly fbuf: Memory;
  /** The frame buffer's byte at idx, read in a_fetch (valid in a_byte). */
  readonly frameData: Signal;
  readonly abuf: Memory;
  /** The answer's type, seq and payload length (its payload is in the answer buffer). */
  readonly ans: { readonly type: Signal; readonly seq: Signal; readonly len: Signal; readonly lastLen: Signal };
}

const lenBits = clog2(MAX_PAYLOAD + 1);
const ansLenBits = clog2(ANSWER_BYTES + 1);

function linkRegisters(m: Module): Link {
  const fsm = new Fsm<State>(m, 'link_state', [...STATES], 'hunt');
  const idx = m.reg('frame_idx', UInt(lenBits), { init: 0 });
  const fbuf = m.memory('frame_buf', { type: UInt(8), depth: MAX_PAYLOAD });
  return {
    fsm,
    idx,
    fbuf,
    frameData: fbuf.read('frame_rdata', idx.truncate(clog2(MAX_PAYLOAD)), fsm.is('a_fetch')),
    type: m.reg('frame_type', UInt(8), { init: 0 }),
    seq: m.reg('frame_seq', UInt(8), { init: 0 }),
    len: m.reg('frame_len', UInt(lenBits), { init: 0 }),
    p0: m.reg('payload0', UInt(8), { init: 0 }),
    p1: m.reg('payload1', UInt(8), { init: 0 }),
    expected: m.reg('expected_seq', UInt(8), { init: 0 }),
    abuf: m.memory('answer_buf', { type: UInt(8), depth: ANSWER_BYTES }),
    ans: {
      type: m.reg('answer_type', UInt(8), { init: 0 }),
      seq: m.reg('answer_seq', UInt(8), { init: 0 }),
      len: m.reg('answer_len', UInt(ansLenBits), { init: 0 }),
      lastLen: m.reg('last_answer_len', UInt(ansLenBits), { init: 0 }),
    },
  };
}

/** Answer NAK (seq: the one expected). */
function nak(link: Link): void {
  link.ans.type.set(NAK);
  link.ans.seq.set(link.expected);
  link.ans.len.set(0);
  link.fsm.goto('answer');
}

/** Answer ACK of the frame's seq with `len` payload bytes; the next seq is expected, and a repeat of this one is answered the same. */
function ackNew(link: Link, len: Expr): void {
  link.expected.set(link.expected.inc());
  link.ans.lastLen.set(len);
  link.ans.type.set(ACK);
  link.ans.seq.set(link.seq);
  link.ans.len.set(len);
  link.fsm.goto('answer');
}

/** Bytes from the UART into the frame buffer, the header into registers, the CRC checked; then what to do with the frame. */
function receiveStates(m: Module, at: { cpb: number; rx: Instance; link: Link; core: ClockDomain }): Handlers {
  const { cpb, rx, link } = at;
  const { fsm, type, seq, len, idx, p0, p1, expected } = link;
  const byte = rx.out('data');
  const got = rx.out('valid');
  const inFrame = (['type', 'seq', 'len0', 'len1', 'payload', 'crc0', 'crc1'] as const).map((s) => fsm.is(s)).reduce((a, b) => a.or(b));
  const checked = (['type', 'seq', 'len0', 'len1', 'payload'] as const).map((s) => fsm.is(s)).reduce((a, b) => a.or(b));
  const crc = m.instance('crc_rx', crc16Block(), { default: at.core, clear: fsm.is('hunt'), en: got.and(checked), data: byte });
  const crcHi = m.reg('crc_hi', UInt(8), { init: 0 });
  // the inter-byte timeout: a frame that lost bytes is dropped instead of swallowing the next
  const gapLimit = GAP_BITS * cpb;
  const quiet = m.reg('quiet', UInt(clog2(gapLimit + 1)), { init: 0 });
  m.when(got.or(inFrame.not()), () => quiet.set(0)).otherwise(() => quiet.set(quiet.inc()));
  const gap = m.wire('gap', inFrame.and(quiet.eq(gapLimit)));
  const lenNow = m.wire('len_now', cat(byte, len.slice(7, 0)));
  const fAddr = idx.truncate(clog2(MAX_PAYLOAD));
  const onByte = (body: () => void) => () => m.when(gap, () => nak(link)).elsewhen(got, body);
  const isData = [FRAME.WEIGHTS, FRAME.WEIGHTS_LAST, FRAME.SAMPLE, FRAME.CTRL].map((t) => type.eq(t)).reduce((a, b) => a.or(b));
  return {
    hunt: () => m.when(got.and(byte.eq(SOF)), () => fsm.goto('type')),
    type: onByte(() => {
      type.set(byte);
      fsm.goto('seq');
    }),
    seq: onByte(() => {
      seq.set(byte);
      fsm.goto('len0');
    }),
    len0: onByte(() => {
      len.set(byte.zext(lenBits));
      fsm.goto('len1');
    }),
    len1: onByte(() => {
      idx.set(0);
      len.set(lenNow.truncate(lenBits));
      m.when(lenNow.gt(MAX_PAYLOAD), () => nak(link))
        .elsewhen(lenNow.eq(0), () => fsm.goto('crc0'))
        .otherwise(() => fsm.goto('payload'));
    }),
    payload: onByte(() => {
      link.fbuf.write(fAddr, byte);
      m.when(idx.eq(0), () => p0.set(byte));
      m.when(idx.eq(1), () => p1.set(byte));
      idx.set(idx.inc());
      m.when(idx.inc().eq(len), () => fsm.goto('crc0'));
    }),
    crc0: onByte(() => {
      crcHi.set(byte);
      fsm.goto('crc1');
    }),
    crc1: onByte(() => m.when(cat(crcHi, byte).eq(crc.out('crc')), () => fsm.goto('check')).otherwise(() => nak(link))),
    check: () => {
      idx.set(0);
      m.when(seq.eq(expected), () => {
        m.when(isData.and(len.ne(0)), () => fsm.goto('a_fetch'))
          .elsewhen(isData, () => ackNew(link, lit(0, UInt(ansLenBits))))
          .elsewhen(type.eq(FRAME.READ), () => {
            link.ans.len.set(0);
            fsm.goto('r_take');
          })
          .otherwise(() => nak(link));
      })
        .elsewhen(seq.eq(expected.dec()), () => {
          // a repeat whose ACK was lost: the same answer again, nothing applied
          link.ans.type.set(ACK);
          link.ans.seq.set(seq);
          link.ans.len.set(link.ans.lastLen);
          fsm.goto('answer');
        })
        .otherwise(() => nak(link));
    },
  };
}

/**
 * A stream of the accelerator behind a skid buffer (the payload and tlast packed): the
 * accelerator's tready goes into a register, not into the link's state machine (the UP5K's
 * critical path ran from the pair receiver through s_sample_tready into the link's next state).
 */
function skidded(m: Module, at: { dut: Instance; core: ClockDomain; port: string; bits: number; data: Expr; valid: Expr; last: Expr }): Expr {
  const { dut, port, bits } = at;
  const skid = m.instance(`${port}_skid`, skidBuffer(UInt(bits + 1)), { default: at.core });
  skid.connect('in_data', cat(at.last, at.data));
  skid.connect('in_valid', at.valid);
  const out = skid.out('out_data');
  const data = out.slice(bits - 1, 0);
  dut.connect(`${port}_tdata`, at.data.type.signed ? data.asSInt() : data);
  dut.connect(`${port}_tlast`, out.bit(bits));
  dut.connect(`${port}_tvalid`, skid.out('out_valid'));
  skid.connect('out_ready', dut.out(`${port}_tready`));
  return skid.out('in_ready');
}

/** A data frame's bytes, little-endian, into beats of its stream (weights and samples through skid buffers), then ACK. */
function applyStates(m: Module, at: { widths: Widths; link: Link; dut: Instance; core: ClockDomain }): Handlers {
  const { widths, link, dut, core } = at;
  const { fsm, type, len, idx } = link;
  const bytesOf = { weights: beatBytes(widths.weightBits), sample: beatBytes(widths.sampleBits), ctrl: 1 };
  const maxBytes = Math.max(bytesOf.weights, bytesOf.sample, bytesOf.ctrl);
  const W = 8 * maxBytes;
  // bytes come in at the top and move down: after a beat's B bytes its first byte is at W − 8B
  const beat = m.reg('beat', UInt(W), { init: 0 });
  const k = m.reg('beat_byte', UInt(clog2(maxBytes + 1)), { init: 0 });
  const isWeights = m.wire('apply_weights', type.eq(FRAME.WEIGHTS).or(type.eq(FRAME.WEIGHTS_LAST)));
  const isSample = m.wire('apply_sample', type.eq(FRAME.SAMPLE));
  const beatLen = mux(isWeights, lit(bytesOf.weights, k.type), mux(isSample, lit(bytesOf.sample, k.type), lit(1, k.type)));
  const field = (bytes: number, bits: number) => beat.slice(W - 8 * bytes + bits - 1, W - 8 * bytes);
  const push = fsm.is('a_push');
  const done = idx.eq(len);
  const last = done.and(isSample.or(type.eq(FRAME.WEIGHTS_LAST)));
  const weightsReady = skidded(m, {
    dut,
    core,
    port: 's_weights',
    bits: widths.weightBits,
    data: field(bytesOf.weights, widths.weightBits).asSInt(),
    valid: push.and(isWeights),
    last,
  });
  const sampleReady = skidded(m, {
    dut,
    core,
    port: 's_sample',
    bits: widths.sampleBits,
    data: field(bytesOf.sample, widths.sampleBits),
    valid: push.and(isSample),
    last,
  });
  dut.connect('s_ctrl_tdata', field(1, 8));
  dut.connect('s_ctrl_tvalid', push.and(type.eq(FRAME.CTRL)));
  const ready = mux(isWeights, weightsReady, mux(isSample, sampleReady, dut.out('s_ctrl_tready')));
  return {
    a_fetch: () => fsm.goto('a_byte'),
    a_byte: () => {
      beat.set(cat(link.frameData, beat.slice(W - 1, 8)));
      idx.set(idx.inc());
      k.set(k.inc());
      m.when(k.inc().eq(beatLen).or(idx.inc().eq(len)), () => fsm.goto('a_push')).otherwise(() => fsm.goto('a_fetch'));
    },
    a_push: () =>
      m.when(ready, () => {
        k.set(0);
        m.when(done, () => ackNew(link, lit(0, UInt(ansLenBits)))).otherwise(() => fsm.goto('a_fetch'));
      }),
  };
}

/** READ: up to [count] items that are ready now, from the result FIFO or m_weights, into the answer buffer; then ACK with them. */
function readStates(m: Module, at: { widths: Widths; link: Link; dut: Instance; results: Instance; core: ClockDomain }): Handlers {
  const { widths, link, dut, results, core } = at;
  const { fsm, p0, p1, ans } = link;
  const wBytes = beatBytes(widths.weightBits);
  const maxBytes = Math.max(wBytes, RESULT_ITEM_BYTES);
  const fromWeights = m.wire('read_weights', p0.eq(READ_SOURCE.WEIGHTS));
  const kType = UInt(clog2(maxBytes + 1));
  const itemBytes = mux(fromWeights, lit(wBytes, kType), lit(RESULT_ITEM_BYTES, kType));
  const capOf = (bytes: number) => lit(maxReadItems(bytes), UInt(8));
  const cap = mux(fromWeights, capOf(wBytes), capOf(RESULT_ITEM_BYTES));
  const limit = m.wire('read_limit', mux(p1.gt(cap), cap, p1));
  const items = m.reg('read_items', UInt(8), { init: 0 });
  const item = m.reg('read_item', UInt(8 * maxBytes), { init: 0 });
  const k = m.reg('read_byte', kType, { init: 0 });
  const W = 8 * maxBytes;
  // the read-back behind a skid buffer too: the accelerator's tvalid into a register, not into this state machine
  const readback = m.instance('m_weights_skid', skidBuffer(UInt(widths.weightBits)), { default: core });
  readback.connect('in_data', dut.out('m_weights_tdata').asUInt());
  readback.connect('in_valid', dut.out('m_weights_tvalid'));
  dut.connect('m_weights_tready', readback.out('in_ready'));
  const srcValid = mux(fromWeights, readback.out('out_valid'), results.out('out_valid'));
  const srcData = mux(fromWeights, readback.out('out_data').zext(W), results.out('out_data').zext(W));
  const take = m.wire('read_take', fsm.is('r_take').and(items.lt(limit)).and(srcValid));
  readback.connect('out_ready', take.and(fromWeights));
  results.connect('out_ready', take.and(fromWeights.not()));
  // (every READ starts from item 0)
  m.when(fsm.is('r_take').or(fsm.is('r_write')).not(), () => items.set(0));
  return {
    r_take: () =>
      m
        .when(take, () => {
          item.set(srcData);
          k.set(0);
          fsm.goto('r_write');
        })
        .otherwise(() => ackNew(link, ans.len)),
    r_write: () => {
      link.abuf.write(ans.len.truncate(clog2(ANSWER_BYTES)), item.slice(7, 0));
      item.set(item.shr(8).zext(W));
      ans.len.set(ans.len.inc());
      k.set(k.inc());
      m.when(k.inc().eq(itemBytes), () => {
        items.set(items.inc());
        fsm.goto('r_take');
      });
    },
  };
}

/** Hand the answer to the transmitter, and listen again once it is out. */
function answerStates(m: Module, link: Link, start: Signal, txIdle: Expr): Handlers {
  start.set(0);
  return {
    answer: () =>
      m.when(txIdle, () => {
        start.set(1);
        link.fsm.goto('wait_tx');
      }),
    wait_tx: () => m.when(txIdle, () => link.fsm.goto('hunt')),
  };
}

/** Sends the answer frame (SOF, type, seq, length, the answer buffer's bytes, CRC); its idle state. */
function transmitter(m: Module, at: { tx: Instance; txByte: Signal; txValid: Signal; link: Link; start: Expr; core: ClockDomain }): Expr {
  const { tx, txByte, txValid, link, start } = at;
  const fsm = new Fsm(m, 'tx_state', [...TX_STATES], 'idle');
  const tIdx = m.reg('tx_idx', UInt(ansLenBits), { init: 0 });
  const tLen = m.reg('tx_len', UInt(ansLenBits), { init: 0 });
  const pData = link.abuf.read('answer_rdata', tIdx.truncate(clog2(ANSWER_BYTES)), fsm.is('p_fetch'));
  const fire = m.wire('tx_fire', txValid.and(tx.out('ready')));
  const covered = (['type', 'seq', 'len0', 'len1', 'p_data'] as const).map((s) => fsm.is(s)).reduce((a, b) => a.or(b));
  const crc = m.instance('crc_tx', crc16Block(), { default: at.core, clear: start, en: fire.and(covered), data: txByte }).out('crc');
  txByte.set(0);
  txValid.set(0);
  const send = (b: Expr, next: () => void) => () => {
    txByte.set(b);
    txValid.set(1);
    m.when(tx.out('ready'), next);
  };
  const lenHi = tLen.shr(8).zext(16).truncate(8);
  fsm.build({
    idle: () =>
      m.when(start, () => {
        tIdx.set(0);
        tLen.set(link.ans.len);
        fsm.goto('sof');
      }),
    sof: send(lit(SOF, UInt(8)), () => fsm.goto('type')),
    type: send(link.ans.type, () => fsm.goto('seq')),
    seq: send(link.ans.seq, () => fsm.goto('len0')),
    len0: send(tLen.slice(7, 0), () => fsm.goto('len1')),
    len1: send(lenHi, () => m.when(tLen.eq(0), () => fsm.goto('crc0')).otherwise(() => fsm.goto('p_fetch'))),
    p_fetch: () => fsm.goto('p_data'),
    p_data: send(pData, () => {
      tIdx.set(tIdx.inc());
      m.when(tIdx.inc().eq(tLen), () => fsm.goto('crc0')).otherwise(() => fsm.goto('p_fetch'));
    }),
    crc0: send(crc.slice(15, 8), () => fsm.goto('crc1')),
    crc1: send(crc.slice(7, 0), () => fsm.goto('idle')),
  });
  return fsm.is('idle');
}
