/**
 * A pipelined adder tree: the cross-PE sum of the backward pass. P signed inputs, one register
 * stage per level (ceil(log2 P) cycles of latency, 0 for P = 1); every level grows by one bit.
 */
import { SInt, buildModule, type Expr, type Module } from '../../src/hdl/index.js';

export const treeLatency = (P: number): number => (P <= 1 ? 0 : Math.ceil(Math.log2(P)));
export const treeOutBits = (P: number, inBits: number): number => inBits + treeLatency(P);

export function adderTree(P: number, inBits: number): Module {
  return buildModule(`adder_tree_${P}x${inBits}`, { inputs: P, inBits }, (m) => {
    let level: Expr[] = Array.from({ length: P }, (_, i) => m.input(`in${i}`, SInt(inBits)));
    let depth = 0;
    while (level.length > 1) {
      const w = inBits + depth + 1;
      const next: Expr[] = [];
      for (let i = 0; i < level.length; i += 2) {
        const a = level[i]!;
        const b = level[i + 1];
        // An odd element out passes through (extended), still registered to keep levels aligned.
        const sum = b ? a.add(b) : a.resize(w);
        next.push(m.flop(`l${depth + 1}_${i / 2}`, sum));
      }
      level = next;
      depth++;
    }
    m.assign(m.output('sum', SInt(inBits + depth)), level[0]!);
  });
}
