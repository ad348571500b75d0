// External tool wrappers: discovery errors, failure reports, lint/compile/synth checks.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { iverilogCompile } from '../../src/tools/iverilog.js';
import { findTool, run, ToolFailedError, ToolMissingError, ToolVersionError } from '../../src/tools/tool.js';
import { VERILATOR, verilator, verilatorLint } from '../../src/tools/verilator.js';
import { yosysSynthCheck } from '../../src/tools/yosys.js';

const FIX = new URL('../fixtures/', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'taxonn-tools-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('findTool', () => {
  it('finds verilator with its version', () => {
    const v = verilator();
    expect(v.path).toMatch(/\/verilator$/);
    expect(v.version).toMatch(/^5\.\d+$/);
    expect(verilator()).toBe(v); // cached
  });

  it('explains how to install a missing tool in one line', () => {
    const spec = { ...VERILATOR, name: 'nosuchtool', binary: 'nosuchtool-taxonn', aptPackage: 'nosuchpkg' };
    expect(() => findTool(spec)).toThrow(ToolMissingError);
    expect(() => findTool(spec)).toThrow('nosuchtool not found on PATH: run `make setup` (or: sudo apt-get install -y nosuchpkg)');
  });

  it('names found and required versions when too old', () => {
    const spec = { ...VERILATOR, binary: process.execPath, versionArgs: ['--version'], versionRegex: /v(\d+\.\d+)/, minVersion: '999.1' };
    expect(() => findTool(spec)).toThrow(ToolVersionError);
    expect(() => findTool(spec)).toThrow(/verilator \d+\.\d+ is too old: version >= 999\.1 is required/);
  });
});

describe('run', () => {
  it('reports the command line and the tail of stderr on failure', async () => {
    const err = await run(verilator(), ['--lint-only', join(tmp, 'missing.v')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolFailedError);
    const e = err as ToolFailedError;
    expect(e.message).toMatch(/^verilator failed \(exit \d+\): \S*verilator --lint-only \S*missing\.v/);
    expect(e.message).toMatch(/missing\.v/);
    expect(e.exitCode).not.toBe(0);
  });

  it('keeps at most 20 lines of stderr in the message', async () => {
    const sh = { name: 'sh', path: '/bin/sh', version: '0' };
    const err = (await run(sh, ['-c', 'for i in $(seq 1 50); do echo line$i >&2; done; exit 3']).catch((e: unknown) => e)) as ToolFailedError;
    expect(err.exitCode).toBe(3);
    expect(err.message).toContain('line50');
    expect(err.message).toContain('line31');
    expect(err.message).not.toContain('line30\n');
  });

  it('a timeout ends the run, and kills the children of the tool that hold its output (as Yosys runs ABC)', async () => {
    const sh = { name: 'sh', path: '/bin/sh', version: '0' };
    const t0 = performance.now();
    // the grandchild sleep inherits stdout: killing only sh would leave the run waiting 30 s
    const err = (await run(sh, ['-c', 'sh -c "sleep 30"; echo done'], { timeoutMs: 500 }).catch((e: unknown) => e)) as ToolFailedError;
    expect(err).toBeInstanceOf(ToolFailedError);
    expect(err.message).toMatch(/^sh timed out after 500 ms/);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });
});

describe('checks on RTL', { timeout: 120_000 }, () => {
  it('verilator lint: clean module passes, width mismatch fails', async () => {
    expect(await verilatorLint([`${FIX}mac.v`], 'mac')).toEqual({ ok: true, output: '' });
    const bad = await verilatorLint([`${FIX}width_warn.v`], 'width_warn');
    expect(bad.ok).toBe(false);
    expect(bad.output).toMatch(/%Warning-WIDTH/);
  });

  it('iverilog: compiles Verilog-2005, rejects a syntax error', async () => {
    expect((await iverilogCompile([`${FIX}mac.v`], 'mac')).ok).toBe(true);
    const broken = join(tmp, 'broken.v');
    writeFileSync(broken, 'module broken(input a, output y);\n assign y = a +;\nendmodule\n');
    const r = await iverilogCompile([broken], 'broken');
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/syntax error/i);
  });

  it('yosys: counts latches in a latchy module and none in the MAC', async () => {
    const latchy = await yosysSynthCheck([`${FIX}latchy.v`], 'latchy');
    expect(latchy.ok).toBe(true);
    expect(latchy.latches).toBe(4);
    const mac = await yosysSynthCheck([`${FIX}mac.v`], 'mac');
    expect(mac.ok).toBe(true);
    expect(mac.latches).toBe(0);
    const flops = Object.entries(mac.cells)
      .filter(([t]) => /DFF/i.test(t))
      .reduce((s, [, n]) => s + n, 0);
    expect(flops).toBe(24); // the accumulator
    const bad = await yosysSynthCheck([join(tmp, 'nonexistent.v')], 'x');
    expect(bad.ok).toBe(false);
  });
});
