import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTaxonn } from '../support/cli.js';

const taxonn = (...args: string[]) => runTaxonn(args);

describe('npx taxonn', () => {
  it('demo generates the blocks, lints them and passes the golden check', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'taxonn-demo-'));
    try {
      const r = taxonn('demo', '--vectors', '300', '--samples', '3', '--out', out);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/PASS: 5\/5 blocks bit-exact against the golden model, 5\/5 clean/);
      expect(r.stdout).toMatch(/PASS: the accelerator taxonn_l784x64x10_p16_\w+ .* bit-exact against the golden model on 3 samples with random stalls/);
      const files = fs.readdirSync(out).sort();
      expect(files).toEqual(expect.arrayContaining(['lfsr16.v', 'pe_ws12q11_au8q6_es8q6_acc32.v', 'taxonn']));
      expect(files.filter((f) => f !== 'taxonn').every((f) => f.endsWith('.v'))).toBe(true);
      expect(fs.readdirSync(path.join(out, 'taxonn'))).toContain('manifest.json');
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('rejects bad input with one line on stderr and exit code 2', () => {
    for (const args of [['demo', '--vectors', '-5'], ['frobnicate'], ['demo', '--no-such-flag'], []]) {
      const r = taxonn(...args);
      expect(r.code, args.join(' ')).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines.at(-1), args.join(' ')).toMatch(/^taxonn: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(taxonn('demo', '--vectors', '-5').stderr).toMatch(/--vectors must be a positive integer, got -5/);
  });

  it('verify reports equivalence as JSON, exits 0, and writes a waveform on request', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taxonn-wave-'));
    try {
      const wave = path.join(dir, 'run.fst');
      const r = taxonn('verify', '--layers', '5,4,3', '--pes', '2', '--samples', '3', '--stalls', '--wave', wave, '--json');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as Record<string, unknown>;
      for (const key of ['equivalent', 'samples', 'cycles', 'cyclesPerSample', 'utilization', 'firstMismatch', 'config']) expect(report).toHaveProperty(key);
      expect(report.equivalent).toBe(true);
      expect(report.firstMismatch).toBeNull();
      expect(fs.statSync(wave).size).toBeGreaterThan(1000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('generate writes Verilog, a manifest, a FuseSoC core and a file list', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taxonn-gen-'));
    try {
      const out = path.join(dir, 'rtl');
      const r = taxonn('generate', '--layers', '6,5,2', '--pes', '3', '--out', out);
      expect(r.code, r.stderr).toBe(0);
      const files = fs.readdirSync(out);
      const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { top: string; files: string[] };
      expect(files).toEqual(expect.arrayContaining(['manifest.json', `${manifest.top}.core`, `${manifest.top}.f`, ...manifest.files]));
      expect(
        fs
          .readFileSync(path.join(out, `${manifest.top}.f`), 'utf8')
          .trim()
          .split('\n'),
      ).toEqual(manifest.files);
      // The file list works from any folder with -F (paths relative to the list, FuseSoC's convention).
      const lint = spawnSync('verilator', ['--lint-only', '-Wall', '-F', path.join(out, `${manifest.top}.f`), '--top-module', manifest.top], {
        cwd: os.tmpdir(),
        encoding: 'utf8',
      });
      expect(lint.stderr).toBe('');
      expect(lint.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints help with examples', () => {
    const r = taxonn('demo', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples:/);
  });

  it('lets negative values in bits:frac flags reach the configuration check', () => {
    const r = taxonn('generate', '--weight', '-10:9', '--out', path.join(os.tmpdir(), 'never-written'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('taxonn: config: weight.bits must be an integer in 2..32, got -10 (from --weight)');
    expect(taxonn('generate', '--lr-shift', '-1', '--out', 'x').stderr).toMatch(/lrShift must be an integer in 0\.\.31, got -1 \(from --lr-shift\)/);
  });

  it('suggests the nearest flag and command', () => {
    expect(taxonn('generate', '--weigth', '12:11', '--out', 'x').stderr.trim()).toBe('taxonn: unknown flag --weigth (did you mean --weight?); see --help');
    expect(taxonn('verify', '--sampels', '3').stderr.trim()).toBe('taxonn: unknown flag --sampels (did you mean --samples?); see --help');
    expect(taxonn('genrate').stderr.trim()).toBe("taxonn: unknown command 'genrate': did you mean generate?");
  });

  it('lists every value of every enum flag in its help', () => {
    const help = taxonn('generate', '--help').stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/accelerator variant: taxonn, inference or dedicated/);
    expect(help).toMatch(/update rounding: truncate, nearest or stochastic/);
    expect(help).toMatch(/hidden activation: relu or hardsigmoid/);
    expect(taxonn('synth', '--help').stdout.replace(/\s+/g, ' ')).toMatch(/synthesis target: generic, ice40, xilinx or asic/);
  });

  it('saves a trained network that verifies bit-exact in the RTL and trains on from where it stopped', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taxonn-save-'));
    try {
      const net = path.join(dir, 'iris.json');
      const mem = path.join(dir, 'mem');
      const t = taxonn('train', '--dataset', 'iris', '--epochs', '5', '--pes', '4', '--save-weights', net, '--save-mem', mem, '--json');
      expect(t.code, t.stderr).toBe(0);
      const report = JSON.parse(t.stdout);
      const saved = JSON.parse(fs.readFileSync(net, 'utf8'));
      expect(saved.config).toEqual(report.config);
      expect(saved.config.pes).toBe(4);
      expect(fs.readdirSync(mem).sort()).toEqual(['wbank0.hex', 'wbank1.hex', 'wbank2.hex', 'wbank3.hex']);
      // The saved network alone builds its accelerator; the RTL matches the golden model from those weights.
      const v = taxonn('verify', '--weights', net, '--samples', '12', '--json');
      expect(v.code, v.stderr).toBe(0);
      const vr = JSON.parse(v.stdout);
      expect(vr.equivalent).toBe(true);
      expect(vr.config.pes).toBe(4);
      // generate builds the network's accelerator and writes its bank images beside the Verilog.
      const rtl = path.join(dir, 'rtl');
      const g = taxonn('generate', '--weights', net, '--out', rtl);
      expect(g.code, g.stderr).toBe(0);
      const manifest = JSON.parse(fs.readFileSync(path.join(rtl, 'manifest.json'), 'utf8'));
      expect(manifest.config).toEqual(report.config);
      expect(fs.readFileSync(path.join(rtl, 'wbank3.hex'), 'utf8')).toBe(fs.readFileSync(path.join(mem, 'wbank3.hex'), 'utf8'));
      // Training on from the saved weights: one more epoch starts at the saved test error's network.
      const again = taxonn('train', '--dataset', 'iris', '--epochs', '1', '--weights', net, '--json');
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout).config).toEqual(report.config);
      // The saved weights are the trained ones: they differ from the initial weights of the same seed.
      const fresh = path.join(dir, 'fresh.json');
      expect(taxonn('train', '--dataset', 'iris', '--epochs', '1', '--limit', '1', '--pes', '4', '--save-weights', fresh).code).toBe(0);
      expect(JSON.parse(fs.readFileSync(fresh, 'utf8')).layers).not.toEqual(saved.layers);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--formats auto: proposes per-layer formats, trains with them, and the saved per-layer network verifies bit-exact in the RTL', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taxonn-auto-'));
    try {
      const net = path.join(dir, 'iris.json');
      const args = ['--dataset', 'iris', '--epochs', '20', '--pes', '4', '--formats', 'auto', '--weight.bits', '8', '--act.bits', '8', '--error.bits', '8'];
      const t = taxonn('train', ...args, '--save-weights', net, '--json');
      expect(t.code, t.stderr).toBe(0);
      const report = JSON.parse(t.stdout);
      // one format per weight layer, the given bits, and the run's configuration is the proposal
      expect(report.calibration.formats.weight).toHaveLength(2);
      expect(report.calibration.formats.error.map((x: { bits: number }) => x.bits)).toEqual([8, 8]);
      expect(report.config.weight).toEqual(report.calibration.formats.weight);
      expect(report.calibration.ranges.weight[0]).toBeGreaterThan(0);
      const v = taxonn('verify', '--weights', net, '--samples', '12', '--json');
      expect(v.code, v.stderr).toBe(0);
      expect(JSON.parse(v.stdout).equivalent).toBe(true);
      // the text report prints the proposal as a configuration to reuse
      expect(taxonn('train', ...args.slice(0, 2), '--epochs', '1', '--formats', 'auto').stdout).toMatch(
        /^formats auto \(float32 calibration on 100 samples\): weights s12q/,
      );
      // a loaded network keeps its own formats
      const bad = taxonn('train', '--dataset', 'iris', '--weights', net, '--formats', 'auto');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--formats auto chooses the formats of a new network/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("trains a user's own CSV data set in the RTL, saves it, and the saved network verifies bit-exact", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taxonn-own-'));
    try {
      // Three blobs in three features, 20 samples each.
      const rows = Array.from({ length: 60 }, (_, i) => {
        const k = i % 3;
        const f = [0, 1, 2].map((d) => (d === k ? 4 : 0) + ((i * (d + 3)) % 7) / 7);
        return `${f.join(',')},${k}`;
      });
      const csv = path.join(dir, 'blobs.csv');
      fs.writeFileSync(csv, `f0,f1,f2,class\n${rows.join('\n')}\n`);
      const net = path.join(dir, 'blobs.json');
      const t = taxonn('train', '--dataset', csv, '--engine', 'rtl', '--epochs', '3', '--pes', '4', '--save-weights', net, '--json');
      expect(t.code, t.stderr).toBe(0);
      const r = JSON.parse(t.stdout);
      expect([r.dataset, r.equivalent, r.trainSamples, r.testSamples]).toEqual(['blobs.csv', true, 48, 12]);
      expect(r.config.layers).toEqual([3, 16, 3]); // the defaults for a small data set of its own
      expect(r.testError).toBeLessThan(0.34);
      const v = taxonn('verify', '--weights', net, '--samples', '10', '--json');
      expect(v.code, v.stderr).toBe(0);
      expect(JSON.parse(v.stdout).equivalent).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rounds the numbers of its human output', () => {
    const r = taxonn('verify', '--layers', '5,4,3', '--pes', '2', '--samples', '3');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/cycles per training sample \d+, bound \d+, utilization \d+\.\d%/);
  });
});
