/**
 * Determinism: the same configuration gives byte-identical Verilog and manifest whatever the
 * machine's locale or time zone; the same seed gives identical training traces.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTaxonn } from '../../support/cli.js';
import { parseConfig } from '../../../src/config/index.js';
import { randomWorkload } from '../../../src/flows/rtl/verify.js';
import { GoldenAccelerator } from '../../../src/model/accelerator.js';
import { weightDigest } from '../../../src/model/digest.js';

function generateIn(env: Record<string, string>): Map<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taxonn-det-'));
  try {
    const out = path.join(dir, 'rtl');
    const r = runTaxonn(['generate', '--layers', '7,5,3', '--pes', '2', '--out', out], { ...process.env, ...env });
    expect(r.code, r.stderr).toBe(0);
    return new Map(fs.readdirSync(out).map((f) => [f, fs.readFileSync(path.join(out, f), 'utf8')]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('determinism', () => {
  it('gives byte-identical Verilog, manifest, core and file list in any locale and time zone', () => {
    const a = generateIn({ TZ: 'UTC', LANG: 'C', LC_ALL: 'C' });
    const b = generateIn({ TZ: 'Pacific/Kiritimati', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' });
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [f, text] of a) expect(b.get(f), f).toBe(text);
    expect(a.size).toBeGreaterThan(5);
  });

  it('gives identical training traces for the same seed', () => {
    const cfg = parseConfig({ layers: [12, 9, 4], pes: 3, accBits: 40 });
    const trace = () => {
      const { weights, samples } = randomWorkload(cfg, { samples: 60, seed: 9, stallPermille: 0 });
      const g = new GoldenAccelerator(cfg);
      g.loadWeights(weights);
      return samples.map((s) => `${g.sample(s.input, s.label, s.train).predicted}:${weightDigest(g.readWeights())}`);
    };
    const first = trace();
    expect(trace()).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(10);
  });
});
