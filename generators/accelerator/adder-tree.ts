/**
 * A pipelined adder tree: the cross-PE sum of the backward pass. P signed inputs, ceil(log2 P)
 * levels of adders, every level one bit wider. A register stage follows every second level and
 * the last one (ceil(levels / 2) cycles of latency, 0 for P = 1): two chained adders per stage
 * are shorter than the PE's multiply-accumulate path, and half the stages save half the tree's
 * flip-flops (224 of 341 at P = 16).
 *
 * `en` marks valid inputs; each register stage loads only when valid data reaches it (the
 * enable travels with the data), so the tree holds still outside the backward pass. The sum is
 * the same whenever it is valid. The levels between register stages are plain expressions of
 * the stage's inputs, so a simulator evaluates them only when the stage loads.
 */
import { Bool, SInt, buildModule, type Expr, type Module } from '../../src/hdl/index.js';

const levels = (P: number): number => (P <= 1 ? 0 : Math.ceil(Math.log2(P)));
/** Whether a register stage follows adder level `level` (1-based) of a tree with `total` levels. */
const registered = (level: number, total: number): boolean => level % 2 === 0 || level === total;

export const treeLatency = (P: number): number => Math.ceil(levels(P) / 2);
export const treeOutBits = (P: number, inBits: number): number => inBits + levels(P);

export function adderTree(P: number, inBits: number): Module {
  const total = levels(P);
  return buildModule(`adder_tree_${P}x${inBits}`, { inputs: P, inBits }, (m) => {
    let level: Expr[] = Array.from({ length: P }, (_, i) => m.input(`in${i}`, SInt(inBits)));
    let valid: Expr = m.input('en', Bool);
    let depth = 0;
    while (level.length > 1) {
      const w = inBits + depth + 1;
      const next: Expr[] = [];
      level.forEach((a, i) => {
        if (i % 2) return;
        const b = level[i + 1];
        // An odd element out passes through (extended).
        const sum = b ? a.add(b) : a.resize(w);
        next.push(registered(depth + 1, total) ? m.flop(`l${depth + 1}_${i / 2}`, sum, { enable: valid }) : sum);
      });
      if (registered(depth + 1, total) && depth + 1 < total) valid = m.flop(`valid_l${depth + 1}`, valid, { init: 0 });
      level = next;
      depth++;
    }
    const [sum] = level;
    if (sum) m.assign(m.output('sum', SInt(inBits + depth)), sum);
  });
}
