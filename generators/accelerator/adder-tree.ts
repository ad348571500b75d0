/**
 * A pipelined adder tree: the cross-PE sum of the backward pass. P signed inputs, ceil(log2 P)
 * levels of adders, every level one bit wider. A register stage follows every second level and
 * the last one (ceil(levels / 2) cycles of latency, 0 for P = 1): two chained adders per stage
 * are shorter than the PE's multiply-accumulate path, and half the stages save half the tree's
 * flip-flops (224 of 341 at P = 16).
 */
import { SInt, buildModule, type Expr, type Module } from '../../src/hdl/index.js';

const levels = (P: number): number => (P <= 1 ? 0 : Math.ceil(Math.log2(P)));
/** Whether a register stage follows adder level `level` (1-based) of a tree with `total` levels. */
const registered = (level: number, total: number): boolean => level % 2 === 0 || level === total;

export const treeLatency = (P: number): number => Math.ceil(levels(P) / 2);
export const treeOutBits = (P: number, inBits: number): number => inBits + levels(P);

export function adderTree(P: number, inBits: number): Module {
  const total = levels(P);
  return buildModule(`adder_tree_${P}x${inBits}`, { inputs: P, inBits }, (m) => {
    let level: Expr[] = Array.from({ length: P }, (_, i) => m.input(`in${i}`, SInt(inBits)));
    let depth = 0;
    while (level.length > 1) {
      const w = inBits + depth + 1;
      const next: Expr[] = [];
      for (let i = 0; i < level.length; i += 2) {
        const a = level[i]!;
        const b = level[i + 1];
        // An odd element out passes through (extended).
        const sum = b ? a.add(b) : a.resize(w);
        const name = `l${depth + 1}_${i / 2}`;
        next.push(registered(depth + 1, total) ? m.flop(name, sum) : m.wire(name, sum));
      }
      level = next;
      depth++;
    }
    m.assign(m.output('sum', SInt(inBits + depth)), level[0]!);
  });
}
