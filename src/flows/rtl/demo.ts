/**
 * The demo on the built-in default: generate the first TaxoNN blocks' Verilog into rtl-out/,
 * pass every module through the three gates (Verilator -Wall, Icarus, Yosys without latches),
 * and run a randomised Verilator-vs-golden check of each block.
 */
import path from 'node:path';
import { defaultBlockParams, defaultBlocks } from '../../../generators/blocks/index.js';
import { emitDesign, writeFiles, type Module } from '../../hdl/index.js';
import { activationCheck, lfsrCheck, peCheck, requantCheck, runBlockCheck, updateCheck, type CheckResult } from './block-checks.js';
import { checkGates, gatesPassed, type GateResult } from './lint.js';

export interface DemoRow {
  readonly block: string;
  readonly check: CheckResult;
  readonly gates: GateResult;
}

export interface DemoOptions {
  out: string;
  vectors: number;
  seed: number;
  log: (line: string) => void;
}

export async function runDemo(opts: DemoOptions): Promise<{ rows: DemoRow[]; files: string[]; ok: boolean }> {
  const params = defaultBlockParams();
  const blocks = defaultBlocks(params);
  const checks = {
    pe: peCheck(params.pe),
    requant: requantCheck(params.requant),
    update: updateCheck(params.update, params.lfsrSeed),
    activation: activationCheck(params.activation),
    lfsr: lfsrCheck(params.lfsrSeed),
  };
  // Emit everything in memory first: a design error writes nothing.
  const emitted = new Map<string, { top: Module; files: { file: string; text: string }[] }>();
  for (const [name, m] of Object.entries(blocks)) emitted.set(name, { top: m, files: emitDesign(m).files });
  const all = new Map<string, string>();
  for (const e of emitted.values()) for (const f of e.files) all.set(f.file, f.text);
  const written = writeFiles(
    opts.out,
    [...all].map(([file, text]) => ({ file, text })),
  );
  opts.log(`wrote ${written.length} Verilog files to ${path.relative(process.cwd(), opts.out) || '.'}/`);

  const rows: DemoRow[] = [];
  for (const [name, e] of emitted) {
    const files = e.files.map((f) => path.join(opts.out, f.file));
    const gates = await checkGates(files, e.top.name);
    const check = await runBlockCheck(checks[name as keyof typeof checks], opts.vectors, opts.seed);
    const row = { block: name, check, gates };
    rows.push(row);
    opts.log(formatRow(row));
  }
  return { rows, files: written, ok: rows.every((r) => r.check.mismatches === 0 && gatesPassed(r.gates)) };
}

export function formatRow(r: DemoRow): string {
  const pass = (b: boolean) => (b ? 'ok' : 'FAIL');
  const equiv = r.check.mismatches === 0 ? `PASS ${r.check.vectors} vectors` : `FAIL ${r.check.mismatches}/${r.check.vectors} mismatches`;
  let line =
    `${r.block.padEnd(11)} ${equiv.padEnd(26)} lint ${pass(r.gates.verilator)}  iverilog ${pass(r.gates.iverilog)}  ` +
    `yosys ${pass(r.gates.yosys && r.gates.latches === 0)}   ${r.check.module}`;
  if (r.check.first) {
    const f = r.check.first;
    line += `\n    first mismatch: cycle ${f.cycle}, ${f.port} = ${f.rtl} (RTL) vs ${f.golden} (golden), inputs ${f.inputs}`;
  }
  if (r.gates.output) line += `\n${r.gates.output.replace(/^/gm, '    ')}`;
  return line;
}
