// `taxonn fpga`: the pin-count wrapper, parsing of recorded nextpnr reports and logs, one real
// place and route of the tiny accelerator, and the "does not fit" and missing-tool paths.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTaxonn } from '../../support/cli.js';
import { fpgaWrapper } from '../../../generators/fpga-wrapper.js';
import { resolveConfig } from '../../../src/config/index.js';
import { fpgaFlow, parseNextpnrFailure, parseNextpnrReport, type FpgaReport } from '../../../src/flows/hardware/fpga.js';
import { generateAccelerator } from '../../../src/flows/rtl/generate.js';
import { portsOf } from '../../../src/hdl/index.js';
import { repoRoot } from '../../../src/hdl/source.js';
import { emitForSim } from '../../../src/sim/from-module.js';
import { verilatorLint } from '../../../src/tools/verilator.js';
import { whichSync } from '../../../src/tools/tool.js';

const FIX = path.join(repoRoot, 'test', 'fixtures', 'hardware');
const fixture = (f: string) => fs.readFileSync(path.join(FIX, f), 'utf8');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'taxonn-fpga-test-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const tiny = resolveConfig({ overrides: { layers: [4, 3, 2], pes: 2 } });

const taxonn = (args: string[], env?: Record<string, string>) => runTaxonn(args, { ...process.env, ...env });

describe('the FPGA wrapper', () => {
  it('has four pins, shifts in every input bit and folds every output bit; lint-clean', async () => {
    const { top } = generateAccelerator(tiny);
    const { module, info } = fpgaWrapper(top);
    const ports = portsOf(module).map((p) => `${p.dir} ${p.name}:${p.width}`);
    expect(ports).toEqual(['input clk:1', 'input rst:1', 'input sdi:1', 'output q:1']);
    const inner = portsOf(top).filter((p) => p.name !== 'clk' && p.name !== 'rst');
    expect(info.inputBits).toBe(inner.filter((p) => p.dir === 'input').reduce((s, p) => s + p.width, 0));
    expect(info.outputBits).toBe(inner.filter((p) => p.dir === 'output').reduce((s, p) => s + p.width, 0));
    expect(info.outputPorts).toBe(inner.filter((p) => p.dir === 'output').length);
    const { design } = emitForSim(module);
    const lint = await verilatorLint(design.files, design.top);
    expect(lint.output).toBe('');
    expect(lint.ok).toBe(true);
  });
});

describe('nextpnr report parsing (recorded outputs)', () => {
  it('Fmax and utilisation from --report', () => {
    const r = parseNextpnrReport(fixture('nextpnr-report.json'));
    expect(r.fmaxMhz).toBe(23.76);
    expect(Object.keys(r.clocks)).toEqual(['clk$SB_IO_IN_$glb_clk']);
    expect(r.clocks.clk$SB_IO_IN_$glb_clk!.constraint).toBe(12);
    expect(r.utilisation).toEqual({
      ICESTORM_DSP: { used: 2, available: 8 },
      ICESTORM_LC: { used: 2348, available: 5280 },
      ICESTORM_RAM: { used: 2, available: 30 },
      SB_GB: { used: 7, available: 8 },
      SB_IO: { used: 4, available: 96 },
    });
  });

  it('a design that does not fit: the over-used resources and the error', () => {
    const f = parseNextpnrFailure(fixture('nextpnr-nofit.log'))!;
    expect(f.reason).toBe(
      "does not fit: needs ICESTORM_LC 9357/5280 (nextpnr: Unable to place cell 's_SB_DFF_Q_3575_DFFLC', no BELs remaining to implement cell type 'ICESTORM_LC')",
    );
    expect(f.utilisation.ICESTORM_LC).toEqual({ used: 9357, available: 5280 });
    expect(f.utilisation.ICESTORM_SPRAM).toBeUndefined(); // unused and not a core resource
  });

  it('other failures are not mistaken for "does not fit"', () => {
    expect(parseNextpnrFailure('ERROR: Failed to open JSON file netlist.json\n0 warnings, 1 error\n')).toBeUndefined();
  });
});

describe('place and route', { timeout: 300_000 }, () => {
  it('the tiny accelerator (4-3-2, P = 2) fits an UP5K: Fmax and utilisation', async () => {
    const r: FpgaReport = await fpgaFlow(tiny, { device: 'up5k' });
    expect(r.fits).toBe(true);
    expect(r.reason).toBeUndefined();
    expect(r.fmaxMhz).toBeGreaterThan(5);
    expect(r.fmaxMhz).toBeLessThan(200);
    expect(r.utilisation.ICESTORM_DSP).toEqual({ used: 2, available: 8 });
    expect(r.utilisation.SB_IO!.used).toBe(4); // clk, rst, sdi, q
    const lc = r.utilisation.ICESTORM_LC!;
    expect(lc.available).toBe(5280);
    expect(lc.used).toBeGreaterThanOrEqual(Math.max(r.synth.luts, r.synth.flipFlops) * 0.8);
    expect(lc.used).toBeLessThanOrEqual(lc.available);
    expect(r.synth.dsps).toBe(2);
  });

  it('a design that does not fit is a result (exit 1), not a crash', () => {
    // A stand-in nextpnr-ice40 that answers like the real one on an over-full device.
    const bin = fs.mkdtempSync(path.join(tmp, 'bin-'));
    const log = path.join(FIX, 'nextpnr-nofit.log');
    fs.writeFileSync(
      path.join(bin, 'nextpnr-ice40'),
      [
        '#!/bin/sh',
        'if [ "$1" = "--version" ]; then echo "nextpnr-ice40 -- Next Generation Place and Route (Version 0.4-1+b1)" >&2; exit 0; fi',
        `while [ $# -gt 0 ]; do if [ "$1" = "-l" ]; then cp ${JSON.stringify(log)} "$2"; fi; shift; done`,
        'echo "ERROR: Unable to place cell" >&2; exit 255',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    // The smallest network (one 2 x 2 layer, one PE): only the path through the flow matters here.
    const r = taxonn(['fpga', '--layers', '2,2', '--pes', '1', '--json'], { PATH: `${bin}${path.delimiter}${process.env.PATH}` });
    expect(r.stderr).toBe('');
    expect(r.code, r.stderr).toBe(1);
    const rep = JSON.parse(r.stdout) as FpgaReport;
    expect(rep.fits).toBe(false);
    expect(rep.reason).toMatch(/^does not fit: needs ICESTORM_LC 9357\/5280/);
    expect(rep.fmaxMhz).toBeUndefined();
  });

  it('a missing nextpnr-ice40 is one line, exit 2, before any synthesis', () => {
    const bin = fs.mkdtempSync(path.join(tmp, 'bin-'));
    fs.symlinkSync(whichSync('yosys')!, path.join(bin, 'yosys'));
    const t0 = Date.now();
    const r = taxonn(['fpga', '--layers', '4,3,2', '--pes', '2'], { PATH: bin });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toBe('taxonn: nextpnr-ice40 not found on PATH: run `make setup` (or: sudo apt-get install -y nextpnr-ice40)\n');
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('a bad --device is a usage error', () => {
    const r = taxonn(['fpga', '--device', 'ecp5']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^taxonn: --device must be one of up5k, hx8k, got "ecp5"\n$/);
  });
});
