import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BINDINGS_DIR, expectedBindings } from '../../../src/flows/rtl/bindings.js';

describe('typed port bindings in test/support/bindings/', () => {
  it('are up to date with the generators (run `npx taxonn bindings` if not)', () => {
    for (const [file, text] of expectedBindings()) {
      const p = path.join(BINDINGS_DIR, file);
      expect(fs.existsSync(p), `${p} is missing`).toBe(true);
      expect(fs.readFileSync(p, 'utf8'), `${file} is stale: run npx taxonn bindings`).toBe(text);
    }
  });

  it('list every port of the module with its width and signedness', async () => {
    const pe = await import('../../support/bindings/pe.js');
    expect(pe.ports.map((p) => p.name)).toEqual(['clk', 'rst', 'op', 'weight', 'act', 'err', 'en', 'first', 'acc']);
    expect(pe.ports.find((p) => p.name === 'weight')).toEqual({ name: 'weight', dir: 'input', width: 12, signed: true });
  });
});
