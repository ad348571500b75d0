/**
 * The 4-state cross-check: the same accelerator and stimulus in Icarus Verilog, where every
 * register and memory starts as X. A generated testbench (templates/icarus-tb.v.hbs) loads the
 * weights, streams the samples, prints each result, reports any X or Z on an output after reset,
 * and finally dumps every weight (reporting any that is X). An independent front end and
 * simulator against Verilator.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Handlebars from 'handlebars';
import { DEDICATED_LR_FRAC } from '../../../config/defaults.js';
import type { Config } from '../../../config/index.js';
import { accelerator, learningRateCode } from '../../../../generators/accelerator/top.js';
import { plan as planOf, type Plan } from '../../../../generators/accelerator/plan.js';
import { emitDesign } from '../../../hdl/index.js';
import { iverilog, run } from '../../../tools/index.js';
import type { Sample } from './accelerator-sim.js';

export interface IcarusResult {
  readonly predictions: number[];
  /** Weights in stream order after the run (NaN where the word was X). */
  readonly weights: number[];
  /** Lines the testbench printed about X or Z values. */
  readonly xReports: string[];
  readonly cycles: number;
}

const hex = (v: bigint, bits: number) =>
  BigInt.asUintN(bits, v)
    .toString(16)
    .padStart(Math.ceil(bits / 4), '0');

/**
 * Runs the workload in Icarus. `netlist`: instead of the RTL, these Verilog files (paths) of a
 * design with the same top and ports, e.g. a gate-level netlist with its cells' models and the
 * RTL memories it keeps as black boxes (the dump reads `wbank<q>.mem` in them).
 */
export async function runIcarus(p: Config, weights: Int32Array, samples: readonly Sample[], netlist?: readonly string[]): Promise<IcarusResult> {
  const top = accelerator(p);
  const plan = planOf(p);
  const { files } = emitDesign(top);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taxonn-icarus-'));
  try {
    const wb = plan.formats.weight.bits;
    const sbits = p.inputsPerBeat * plan.formats.act.bits;
    const beats = plan.sizes.inputDepth + 1;
    fs.writeFileSync(path.join(dir, 'weights.hex'), `${Array.from(weights, (w) => hex(BigInt(w), wb)).join('\n')}\n`);
    const lines: string[] = [];
    for (const s of samples) {
      lines.push(hex(BigInt((s.train ? 1 : 0) | (s.label << 1)), sbits));
      for (let b = 0; b < plan.sizes.inputDepth; b++) {
        let word = 0n;
        for (let t = p.inputsPerBeat - 1; t >= 0; t--) {
          const x = b * p.inputsPerBeat + t;
          word = (word << BigInt(plan.formats.act.bits)) | BigInt(x < s.input.length ? s.input[x]! : 0);
        }
        lines.push(hex(word, sbits));
      }
    }
    fs.writeFileSync(path.join(dir, 'samples.hex'), `${lines.join('\n')}\n`);
    if (!netlist) for (const f of files) fs.writeFileSync(path.join(dir, f.file), f.text);
    const sources = netlist ? [...netlist] : files.map((f) => path.join(dir, f.file));
    const tb = icarusTestbench(top.name, plan, weights.length, samples.length, beats);
    fs.writeFileSync(path.join(dir, 'tb.v'), tb);
    const vvp = path.join(dir, 'sim.vvp');
    await run(iverilog(), ['-g2005', '-o', vvp, '-s', 'tb', path.join(dir, 'tb.v'), ...sources], { timeoutMs: 300_000 });
    const vvpTool = { name: 'vvp', path: path.join(path.dirname(iverilog().path), 'vvp'), version: iverilog().version };
    const r = await run(vvpTool, ['-n', vvp], { cwd: dir, timeoutMs: 600_000 });
    const predictions: number[] = [];
    const out: number[] = new Array(weights.length).fill(Number.NaN);
    const xReports: string[] = [];
    let cycles = 0;
    for (const line of r.stdout.split('\n')) {
      const [tag, a, b] = line.trim().split(/\s+/);
      if (tag === 'RESULT') predictions[Number(a)] = Number(b);
      else if (tag === 'WEIGHT') out[Number(a)] = /^-?\d+$/.test(b!) ? Number(b) : Number.NaN;
      else if (tag === 'XOUT' || tag === 'XWEIGHT') xReports.push(line.trim());
      else if (tag === 'DONE') cycles = Number(a);
    }
    return { predictions, weights: out, xReports, cycles };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const TEMPLATE_URL = new URL('./templates/icarus-tb.v.hbs', import.meta.url);
let template: HandlebarsTemplateDelegate | undefined;

/** The testbench (templates/icarus-tb.v.hbs) for `nW` weights and `nS` samples of `beats` beats each. */
export function icarusTestbench(top: string, plan: Plan, nW: number, nS: number, beats: number): string {
  template ??= Handlebars.compile(fs.readFileSync(TEMPLATE_URL, 'utf8'), { noEscape: true, strict: true });
  const dumps: { bank: number; addr: number; q: number }[] = [];
  for (const l of plan.sizes.layers) {
    for (let j = 0; j < l.nOut; j++) {
      for (let i = 0; i < l.rowLen; i++) dumps.push({ bank: j % plan.P, addr: l.weightBase + Math.floor(j / plan.P) * l.rowLen + i, q: dumps.length });
    }
  }
  return template({
    top,
    weightMsb: plan.formats.weight.bits - 1,
    sampleMsb: plan.K * plan.formats.act.bits - 1,
    weights: nW,
    lastWeight: nW - 1,
    samples: nS,
    beatsPerSample: beats,
    lastBeat: beats - 1,
    beatCount: nS * beats,
    lastBeatSlot: Math.max(1, nS * beats) - 1,
    learningRate: plan.dedicated ? `${DEDICATED_LR_FRAC}'d${learningRateCode(plan.cfg.lrShift)}` : false,
    dumps,
    timeoutCycles: 200 * (nW + 100) + nS * 100000,
  });
}
