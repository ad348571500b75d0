// Benchmark of the generator: build the TS modules and emit the Verilog text of an array of
// N lanes (PE + shifter update unit + activation unit each) at the default block parameters.
// Run: npx tsx bench/generate.ts   (prints a markdown table)
//
// Timed (median of 5 runs per size): defaultBlockParams() + building the child modules and
// the top + emitDesign(top) (elaboration, design checks, text of every module). Not timed:
// writing the files and the Verilator lint of the emitted design (reported as ok/fail).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultBlockParams } from '../generators/blocks/index.js';
import { activation } from '../generators/blocks/activation.js';
import { pe } from '../generators/blocks/pe.js';
import { update } from '../generators/blocks/update.js';
import { Bool, SInt, UInt, buildModule, cat, emitDesign, lit, writeFiles, type Expr, type Module } from '../src/hdl/index.js';
import { verilatorLint } from '../src/tools/index.js';

const RUNS = 5;
const SIZES = [64, 256];

/**
 * The top: `lanes` lanes. Shared inputs: op, en, first, act, err (PE control and operands)
 * and upd_en (update units). Per lane: weight input w_<i>, output w_next_<i> (the updated
 * weight). The activations and derivative masks of all lanes leave as two concatenations.
 * Lane i: PE(weight = w_i) → acc → activation(z = acc) and update(w = w_i, grad = low bits of acc).
 */
function peArray(lanes: number): Module {
  const p = defaultBlockParams();
  const peM = pe(p.pe);
  const updM = update(p.update);
  const actM = activation(p.activation);
  return buildModule(`pe_array_${lanes}`, { lanes, pe: p.pe, update: p.update, activation: p.activation }, (m) => {
    const op = m.input('op', UInt(2));
    const en = m.input('en', Bool);
    const first = m.input('first', Bool);
    const act = m.input('act', { signed: p.pe.act.signed, width: p.pe.act.bits });
    const err = m.input('err', SInt(p.pe.error.bits));
    const updEn = m.input('upd_en', Bool);
    const acts: Expr[] = [];
    const masks: Expr[] = [];
    for (let i = 0; i < lanes; i++) {
      const w = m.input(`w_${i}`, SInt(p.pe.weight.bits));
      const acc = m.instance(`pe_${i}`, peM, { op, weight: w, act, err, en, first }).out('acc');
      const a = m.instance(`act_${i}`, actM, { z: acc });
      // Each lane's LFSR gets its own seed, as in the accelerator.
      const seed = lit(1 + ((p.lfsrSeed + i * 1021) % 0xffff), UInt(16));
      const u = m.instance(`upd_${i}`, updM, { w, grad: acc.truncate(p.update.gradBits), en: updEn, seed });
      m.assign(m.output(`w_next_${i}`, SInt(p.pe.weight.bits)), u.out('w_next'));
      acts.push(a.out('a'));
      masks.push(a.out('mask'));
    }
    // cat() puts its first part in the high bits: lane 0 in the low bits.
    m.assign(m.output('a', UInt(lanes * p.activation.act.bits)), cat(...acts.reverse()));
    m.assign(m.output('mask', UInt(lanes)), cat(...masks.reverse()));
  });
}

function generate(lanes: number) {
  const top = peArray(lanes);
  return { top, ...emitDesign(top) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const lines = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

const rows: string[][] = [];
const tmp = mkdtempSync(join(tmpdir(), 'taxonn-bench-gen-'));
try {
  for (const lanes of SIZES) {
    const times: number[] = [];
    let last: ReturnType<typeof generate> | undefined;
    for (let r = 0; r < RUNS; r++) {
      const t0 = performance.now();
      last = generate(lanes);
      times.push(performance.now() - t0);
    }
    const { top, files } = last!;
    const totalLines = files.reduce((s, f) => s + lines(f.text), 0);
    const topLines = lines(files.find((f) => f.module === top)!.text);
    const dir = join(tmp, `pe_array_${lanes}`);
    const paths = writeFiles(dir, files);
    const lint = await verilatorLint(paths, top.name);
    if (!lint.ok) process.stderr.write(`lint of ${top.name} failed:\n${lint.output}\n`);
    const row = [
      `${lanes} PEs (+${lanes} update, +${lanes} activation)`,
      `${median(times).toFixed(1)} ms`,
      `${times.map((t) => t.toFixed(0)).join(', ')}`,
      `${files.length}`,
      `${top.instances.length}`,
      `${totalLines} (top ${topLines})`,
      lint.ok ? 'ok' : 'FAIL',
    ];
    rows.push(row);
    process.stderr.write(`${row.join(' | ')}\n`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

console.log(`\n| design | build + emit (median of ${RUNS}) | runs, ms (in order) | modules | instances in top | Verilog lines | verilator --lint-only -Wall |`);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
