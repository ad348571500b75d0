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
      expect(fs.readFileSync(path.join(out, `${manifest.top}.f`), 'utf8').trim().split('\n')).toEqual(manifest.files);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints help with examples', () => {
    const r = taxonn('demo', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples:/);
  });
});
