/**
 * From a construction-library module straight to a running simulator: emit the design (into a
 * content-addressed folder of the user cache (cache.ts), so unchanged designs reuse their files and build),
 * then build and load it.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { emitDesign, portsOf, writeFiles, type Module } from '../hdl/index.js';
import { clockingOf } from '../hdl/ports.js';
import { cacheDir } from './cache.js';
import { Simulator, type SimulatorOptions } from './simulator.js';
import type { SimDesign } from './types.js';

export interface EmittedDesign {
  readonly design: SimDesign;
  readonly dir: string;
}

/** Emits `top` and its submodules into `dir` (default: a cache folder named by content hash). */
export function emitForSim(top: Module, dir?: string, periods: Readonly<Record<string, number>> = {}): EmittedDesign {
  const { files } = emitDesign(top);
  const hash = createHash('sha256');
  for (const f of files) hash.update(f.file).update('\0').update(f.text).update('\0');
  const out = dir ?? path.join(cacheDir('rtl'), `${top.name}-${hash.digest('hex').slice(0, 16)}`);
  if (dir || !fs.existsSync(path.join(out, `${top.name}.v`))) writeFiles(out, files);
  return {
    dir: out,
    design: { top: top.name, files: files.map((f) => path.join(out, f.file)), ports: portsOf(top), ...simClocking(top, periods) },
  };
}

/** The module's clocks (with periods in ticks, default 10) and resets, as SimDesign wants them. */
function simClocking(top: Module, periods: Readonly<Record<string, number>>): Pick<SimDesign, 'clocks' | 'resets'> {
  const { clocks, resets } = clockingOf(top);
  for (const name of Object.keys(periods)) {
    if (!clocks.includes(name)) throw new Error(`simulate(${top.name}): no clock named '${name}' (clocks: ${clocks.join(', ') || 'none'})`);
  }
  return { clocks: clocks.map((name) => ({ name, period: periods[name] })), resets };
}

export interface SimulateOptions extends SimulatorOptions {
  /** Emit into this folder (default: a content-addressed folder in the cache). */
  dir?: string;
  /** Clock periods in ticks by clock port (`{ fast_clk: 4 }`); default 10 each. The first clock is the primary. */
  clocks?: Readonly<Record<string, number>>;
}

export async function simulate<I extends string = string, O extends string = string>(top: Module, opts: SimulateOptions = {}): Promise<Simulator<I, O>> {
  const { design } = emitForSim(top, opts.dir, opts.clocks);
  return Simulator.create<I, O>(design, { quiet: true, ...opts });
}
