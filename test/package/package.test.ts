/**
 * The package as another project gets it: `npm pack` (its prepack builds dist/) in a copy of the
 * sources, the tarball installed into an empty project, a design of the project's own built
 * through `import … from 'taxonn'` in plain Node (products of negative constants included),
 * emitted lint-clean, simulated through the root export with the right answers; the project's
 * TypeScript type-checks against the shipped declarations (and a wrong call fails to); the
 * tarball holds no tests; the build cache goes to the user cache, never into node_modules.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/hdl/source.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'taxonn-package-'));
const pkgDir = path.join(tmp, 'pkg');
const app = path.join(tmp, 'app');
const cache = path.join(tmp, 'cache');
let tarball = '';
let packed: string[] = [];

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = (cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) =>
  spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 600_000 });

beforeAll(() => {
  // A copy of what a release is made from (the repository's own dist/ stays untouched).
  mkdirSync(pkgDir);
  for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'LICENSE', 'src', 'generators', 'bin', 'docs', 'scripts/build.mjs']) {
    cpSync(path.join(repoRoot, f), path.join(pkgDir, f), { recursive: true });
  }
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(pkgDir, 'node_modules'), 'dir');
  const out = path.join(tmp, 'out');
  mkdirSync(out);
  const pack = run('npm', ['pack', '--json', '--pack-destination', out], pkgDir);
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  const info = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(out, info[0]!.filename);
  packed = info[0]!.files.map((f) => f.path);

  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'my-hardware', private: true, type: 'module' }, null, 2));
  const install = run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'], app);
  if (install.status !== 0) throw new Error(`npm install of the tarball failed:\n${install.stderr}`);
}, 900_000);

describe('the packed tarball', () => {
  it('holds the compiled library, its declarations and the CLI, and no tests, benches or fixtures', () => {
    expect(packed).toContain('dist/src/index.js');
    expect(packed).toContain('dist/src/index.d.ts');
    expect(packed).toContain('dist/src/sim/templates/capi.cpp.hbs');
    expect(packed).toContain('dist/src/flows/rtl/harness/templates/runner.cpp.hbs');
    expect(packed).toContain('dist/src/flows/rtl/harness/templates/icarus-tb.v.hbs');
    expect(packed).toContain('bin/taxonn.mjs');
    expect(packed.filter((f) => /^(test|bench|scripts|examples)\/|fixtures|\.test\.|^src\//.test(f))).toEqual([]);
    expect(packed.every((f) => /^(dist\/|bin\/|docs\/|package\.json$|README\.md$|LICENSE$)/.test(f))).toBe(true);
  });

  it('installs runtime dependencies as dependencies (no dev tools)', () => {
    const modules = readdirSync(path.join(app, 'node_modules'));
    for (const dep of ['taxonn', 'koffi', 'handlebars', 'jsonc-parser', 'yargs', 'zod']) expect(modules).toContain(dep);
    for (const dev of ['vitest', 'typescript', 'fast-check', 'tsx']) expect(modules).not.toContain(dev);
  });
});

describe('a project of its own', () => {
  it('builds, emits lint-clean and simulates a FIR with negative coefficients from plain Node', () => {
    writeFileSync(
      path.join(app, 'fir.mjs'),
      `import { SInt, buildModule, emitDesign, writeFiles, simulate, verilatorLint } from 'taxonn';
const COEFFS = [-12, 7, 30, -128];
const fir = () => buildModule('fir4', { coeffs: COEFFS }, (m) => {
  const x = m.input('x', SInt(8));
  let tap = x;
  let acc = x.mul(COEFFS[0]);
  COEFFS.slice(1).forEach((c, i) => {
    tap = m.flop('d' + (i + 1), tap, { init: 0 });
    acc = acc.add(tap.mul(c));
  });
  m.assign(m.output('y', acc.type), acc);
});
const { files } = emitDesign(fir());
const written = writeFiles('rtl', files);
const lint = await verilatorLint(written, 'fir4');
const sim = await simulate(fir());
const xs = [0, 5, -3, 127, -128, 1, 9, -77];
const ys = sim.runBatch(['rst', 'x'], xs.map((x, i) => [i === 0 ? 1 : 0, x]), ['y']).map((r) => Number(r[0]));
sim.close();
console.log(JSON.stringify({ lint: lint.ok, lintOutput: lint.output, ys, soPath: sim.build.soPath }));
`,
    );
    const r = run('node', ['fir.mjs'], app, { TAXONN_CACHE_DIR: cache });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { lint: boolean; lintOutput: string; ys: number[]; soPath: string };
    expect(out.lintOutput).toBe('');
    expect(out.lint).toBe(true);
    const xs = [0, 5, -3, 127, -128, 1, 9, -77];
    const coeffs = [-12, 7, 30, -128];
    const want = xs.map((_, i) => (i === 0 ? 0 : coeffs.reduce((s, c, k) => s + c * (i - k >= 1 ? xs[i - k]! : 0), 0)));
    expect(out.ys.slice(1)).toEqual(want.slice(1));
    // The model was built in the user cache, never inside node_modules.
    expect(out.soPath.startsWith(cache)).toBe(true);
    expect(existsSync(path.join(app, 'node_modules', 'taxonn', '.cache'))).toBe(false);
    expect(readFileSync(path.join(app, 'rtl', 'fir4.v'), 'utf8')).toContain("x * -13'sd12");
  });

  it('type-checks against the shipped declarations, and a wrong call does not', () => {
    writeFileSync(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', skipLibCheck: false, types: [] },
        include: ['*.ts'],
      }),
    );
    writeFileSync(
      path.join(app, 'design.ts'),
      `import { Bool, Stream, UInt, buildModule, fifo, simulate, type Simulator, type StreamValue } from 'taxonn';
import { DEFAULT_CONFIG } from 'taxonn/config';
import type { GoldenAccelerator } from 'taxonn/model';
export const top = buildModule('top', {}, (m) => {
  const i = m.input('in', Stream(UInt(8)));
  const o = m.output('out', Stream(UInt(8)));
  m.instance('q', fifo(UInt(8), 16), { in: i, out: o });
  m.assign(m.output('busy', Bool), i.valid);
});
export const stream: StreamValue<unknown, false, unknown> | undefined = undefined;
export async function open(): Promise<Simulator<'in_data', 'out_data'>> {
  return simulate<'in_data', 'out_data'>(top);
}
export const layers: readonly number[] = DEFAULT_CONFIG.layers;
export type Golden = GoldenAccelerator;
`,
    );
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const ok = run('node', [tsc, '-p', 'tsconfig.json'], app);
    expect(ok.stdout + ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    writeFileSync(path.join(app, 'wrong.ts'), `import { SInt } from 'taxonn';\nexport const t = SInt('eight');\n`);
    const bad = run('node', [tsc, '-p', 'tsconfig.json'], app);
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toMatch(/wrong\.ts.*Argument of type 'string' is not assignable to parameter of type 'number'/);
    rmSync(path.join(app, 'wrong.ts'));
  });

  it('runs the installed CLI from its compiled JavaScript', () => {
    const r = run(path.join(app, 'node_modules', '.bin', 'taxonn'), ['--help'], app);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/taxonn generate/);
    const v = execFileSync(path.join(app, 'node_modules', '.bin', 'taxonn'), ['--version'], { cwd: app, encoding: 'utf8' });
    expect(v.trim()).toBe((JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version);
  });
});
