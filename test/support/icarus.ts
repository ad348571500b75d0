/** Runs a hand-written Icarus testbench (module `tb`) over a design's files; its stdout. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { iverilog, run } from '../../src/tools/index.js';

export async function runIcarusTestbench(tb: string, files: readonly string[]): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taxonn-icarus-tb-'));
  try {
    fs.writeFileSync(path.join(dir, 'tb.v'), tb);
    const vvp = path.join(dir, 'sim.vvp');
    await run(iverilog(), ['-g2012', '-o', vvp, '-s', 'tb', path.join(dir, 'tb.v'), ...files], { timeoutMs: 300_000 });
    const vvpTool = { name: 'vvp', path: path.join(path.dirname(iverilog().path), 'vvp'), version: iverilog().version };
    return (await run(vvpTool, ['-n', vvp], { cwd: dir, timeoutMs: 300_000 })).stdout;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
