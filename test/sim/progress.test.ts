/**
 * A cold Verilator build shows its step on a terminal (a spinner line on stderr, redrawn in
 * place) and writes nothing extra when stderr is not a terminal. The terminal is `script`'s
 * pseudo-terminal (util-linux, on every Debian).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/hdl/source.js';

const tmp = mkdtempSync(path.join(repoRoot, '.scratch-progress-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A script that simulates a design no cache has seen (its parameter is fresh). */
function script(): string {
  const f = path.join(tmp, `build-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(
    f,
    `import { SInt, buildModule, simulate } from '../src/index.js';
const m = buildModule('progress_demo', { fresh: '${Math.random()}' }, (m) => { const x = m.input('x', SInt(8)); m.assign(m.output('y', SInt(9)), m.flop('r', x.add(${Math.floor(Math.random() * 100)}))); });
const sim = await simulate(m);
sim.close();
`,
  );
  return f;
}

describe('build progress', () => {
  it('shows the step on a terminal', () => {
    const cache = mkdtempSync(path.join(tmpdir(), 'taxonn-cache-'));
    const r = spawnSync('script', ['-qec', `npx --no-install tsx ${script()}`, '/dev/null'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, TAXONN_CACHE_DIR: cache },
    });
    rmSync(cache, { recursive: true, force: true });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\r\x1b\[K[|/\\-] verilator: building progress_demo: verilating \d+ s/);
    expect(r.stdout).toMatch(/verilator: building progress_demo: compiling the model/);
  });

  it('writes nothing extra when stderr is not a terminal', () => {
    const r = spawnSync('npx', ['--no-install', 'tsx', script()], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });
});
