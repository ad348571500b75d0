/**
 * The stream library: modules that every valid/ready design needs, built once and right.
 *
 * - skidBuffer(T): a pipeline register for a stream that keeps full throughput with both
 *   valid and ready registered (it cuts the combinational path of ready as well as of data).
 * - fifo(T, depth): a synchronous FIFO on a memory (block RAM on an FPGA), first-word
 *   fall-through at the output, full throughput, `count` of the beats it holds.
 *
 * Both take any payload shape (a type or a Bundle) and are instantiated like any module:
 *   const q = m.instance('q', fifo(UInt(8), 64), { in: source });
 *   m.connect(q.io('out'), sink);
 */
import { Expr, mux } from '../expr.js';
import { Stream, describeShape, pack, shapeWidth, type Shape } from '../interface.js';
import { buildModule, type Module } from '../module.js';
import { Bool, UInt, clog2 } from '../types.js';
import { counter } from '../counter.js';

const paramsOf = (payload: Shape) => ({ payload: describeShape(payload), width: shapeWidth(payload) });

/** A payload's value as bits (a type's value reinterpreted; a bundle packed, first field high). */
function bitsOf(value: unknown): Expr {
  return value instanceof Expr ? value.asUInt() : pack(value as object);
}

/** Drives a payload port (a type or a bundle) from bits. */
function drive(m: Module, target: unknown, bits: Expr): void {
  if (target instanceof Expr) {
    const t = target as Expr & { type: { signed: boolean; frac?: number } };
    const v = t.type.signed ? bits.asSInt() : bits;
    m.assign(target as never, t.type.frac !== undefined ? v.withFrac(t.type.frac) : v);
  } else {
    m.assign(target as never, bits as never);
  }
}

/**
 * A skid buffer: one beat of latency, a beat per cycle, in.ready and out.valid straight from
 * registers. While the output is stalled, one more beat is caught in the skid register.
 */
export function skidBuffer(payload: Shape): Module {
  const width = shapeWidth(payload);
  return buildModule('skid_buffer', paramsOf(payload), (m) => {
    const input = m.input('in', Stream(payload));
    const output = m.output('out', Stream(payload));
    const data = m.reg('data', UInt(width));
    const valid = m.reg('valid', Bool, { init: 0 });
    const skid = m.reg('skid', UInt(width));
    const skidValid = m.reg('skid_valid', Bool, { init: 0 });
    const incoming = bitsOf(input.data);
    m.assign(input.ready, skidValid.not());
    m.assign(output.valid, valid);
    drive(m, output.data, data);
    // The output register takes a beat when it is empty or its beat moves on.
    m.when(output.ready.or(valid.not()), () => {
      m.when(skidValid, () => {
        data.set(skid);
        valid.set(1);
        skidValid.set(0);
      }).otherwise(() => {
        m.when(input.valid, () => data.set(incoming));
        valid.set(input.valid);
      });
    }).otherwise(() => {
      m.when(input.fire, () => {
        skid.set(incoming);
        skidValid.set(1);
      });
    });
  });
}

/**
 * A FIFO holding at least `depth` beats (2..2^24) in a memory with a synchronous read port.
 * The output is a two-entry register stage that the memory keeps filled, so `out` presents a
 * beat as soon as it is there (first-word fall-through) and moves one per cycle; a beat takes
 * three cycles from in to out when the FIFO is empty. `count` is the number of beats held
 * (up to depth + 3: the memory, one read in flight, the output stage).
 */
export function fifo(payload: Shape, depth: number): Module {
  const width = shapeWidth(payload);
  return buildModule('fifo', { ...paramsOf(payload), depth }, (m) => {
    if (!Number.isInteger(depth) || depth < 2 || depth > 1 << 24) m.record('usage', `fifo depth must be an integer in 2..${1 << 24}, got ${depth}`);
    const input = m.input('in', Stream(payload));
    const output = m.output('out', Stream(payload));
    const held = m.output('count', UInt(clog2(depth + 4)));
    const W = UInt(width);
    const mem = m.memory('mem', { type: W, depth: Math.max(depth, 2) });
    const stored = m.reg('stored', UInt(clog2(depth + 1)), { init: 0 });
    const pending = m.reg('pending', Bool, { init: 0 });
    const staged = m.reg('staged', UInt(2), { init: 0 });
    const head = m.reg('head', W);
    const next = m.reg('next', W);

    const push = m.wire('push', input.fire);
    const pop = m.wire('pop', output.fire);
    m.assign(input.ready, stored.lt(depth));
    m.assign(output.valid, staged.ne(0));
    drive(m, output.data, head);

    // Beats in the output stage once this cycle's pop and arriving read are counted; a read
    // issued now lands next cycle, so it may go only while that leaves room for it.
    const afterPop = m.wire('after_pop', staged.sub(pop.zext(2)).truncate(2));
    const issue = m.wire('issue', stored.ne(0).and(afterPop.add(pending).le(1)));
    const wptr = counter(m, 'wptr', Math.max(depth, 2), { enable: push }).value;
    const rptr = counter(m, 'rptr', Math.max(depth, 2), { enable: issue }).value;
    m.when(push, () => mem.write(wptr, bitsOf(input.data)));
    const rdata = mem.read('rdata', rptr, issue);

    stored.set(stored.add(push).sub(issue).truncate(stored.width));
    pending.set(issue);
    staged.set(afterPop.add(pending).truncate(2));
    // The output stage is a queue of two: a pop moves `next` to the head, a read lands behind.
    const first = mux(pop, next, head);
    m.when(pending.and(afterPop.eq(0)), () => head.set(rdata)).otherwise(() => {
      head.set(first);
      m.when(pending, () => next.set(rdata));
    });
    m.assign(held, stored.zext(held.width).add(staged).add(pending).truncate(held.width));
  });
}
