/**
 * The accelerator's memories from the configuration alone (no generation: the estimate answers in
 * milliseconds, generating the design takes 0.1 s): the same list as the generator's manifest
 * (generators/accelerator/banks.ts), which a test checks on random configurations.
 */
import { bitsOf, deriveSizes, type Config } from '../../config/index.js';

export interface EstimatedMemory {
  readonly role: 'weight' | 'error' | 'input' | 'act';
  readonly instances: number;
  readonly depth: number;
  readonly width: number;
}

/** ceil(log2(n + 1)), at least 1: the bits of the numbers 0..n. */
const bitsFor = (n: number): number => Math.max(1, Math.ceil(Math.log2(n + 1)));

export function memoryPlan(cfg: Config): EstimatedMemory[] {
  const s = deriveSizes(cfg);
  const P = cfg.pes;
  const ab = bitsOf(cfg.act);
  const n0 = cfg.layers[0] ?? 0;
  const out: EstimatedMemory[] = [{ role: 'weight', instances: P, depth: s.weightDepth, width: bitsOf(cfg.weight) }];
  if (cfg.variant !== 'inference') out.push({ role: 'error', instances: P, depth: s.errorDepth, width: bitsOf(cfg.error) });
  // with skipZeroInputs: two samples' worth of (index, value) pairs (double buffering, ARCHITECTURE.md §10)
  out.push(
    cfg.skipZeroInputs
      ? { role: 'input', instances: 1, depth: 2 * n0, width: bitsFor(n0 - 1) + ab }
      : { role: 'input', instances: 1, depth: s.inputDepth, width: cfg.inputsPerBeat * ab },
  );
  if (s.actDepth > 0) out.push({ role: 'act', instances: 1, depth: s.actDepth, width: ab });
  return out;
}

export const memoryBitsOf = (mems: readonly EstimatedMemory[]): number => mems.reduce((t, m) => t + m.instances * m.depth * m.width, 0);
