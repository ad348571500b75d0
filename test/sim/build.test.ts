// Build cache, RTL/port checks, side-by-side loading, waveforms, $stop/$finish.

import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/sim/build.js';
import { readPorts } from '../../src/sim/ports.js';
import { VerilatorError } from '../../src/sim/diagnostics.js';
import { Simulator } from '../../src/sim/simulator.js';
import type { SimDesign } from '../../src/sim/types.js';
import { FIXTURES, MAC, type MacIn, type MacOut } from './designs.js';

const tmp = mkdtempSync(join(tmpdir(), 'taxonn-sim-test-'));
const toRemove: string[] = [];
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  for (const dir of toRemove) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the MAC whose RTL differs in a comment or in behaviour. */
function macVariant(name: string, transform: (src: string) => string): SimDesign {
  const path = join(tmp, `${name}.v`);
  writeFileSync(path, transform(readFileSync(`${FIXTURES}mac.v`, 'utf8')));
  return { ...MAC, files: [path] };
}

describe('build cache', { timeout: 180_000 }, () => {
  it('builds a new design once, then hits the cache without rebuilding', async () => {
    // A unique comment gives a cache key no earlier run has seen.
    const design = macVariant('fresh', (s) => `// ${process.pid} ${Date.now()} ${Math.random()}\n${s}`);
    const [first, concurrent] = await Promise.all([buildModel(design, { quiet: true }), buildModel(design, { quiet: true })]);
    toRemove.push(first.dir);
    expect(first.built).toBe(true);
    expect(concurrent).toEqual(first); // one build shared by concurrent callers
    const mtime = statSync(first.soPath).mtimeMs;
    const again = await buildModel(design, { quiet: true });
    expect(again).toEqual({ ...first, built: false });
    expect(statSync(again.soPath).mtimeMs).toBe(mtime);
    const sim = await Simulator.create(design, { quiet: true });
    expect(sim.build.built).toBe(false);
    sim.close();
    // Build products: the library and a manifest; objects were cleaned up.
    const manifest = JSON.parse(readFileSync(join(first.dir, 'build.json'), 'utf8')) as { top: string };
    expect(manifest.top).toBe('mac');
  });

  it('keys the cache on RTL content and on build flags', async () => {
    const a = await buildModel(MAC, { quiet: true });
    const b = await buildModel(
      macVariant('comment', (s) => `// only a comment differs\n${s}`),
      { quiet: true },
    );
    const c = await buildModel(MAC, { quiet: true, xRandom: true });
    expect(new Set([a.hash, b.hash, c.hash]).size).toBe(3);
  });

  it('rejects a port list that does not match the RTL, before compiling', async () => {
    const wrong: SimDesign = {
      ...MAC,
      ports: MAC.ports.map((p) => (p.name === 'acc' ? { ...p, width: 20 } : p.name === 'a' ? { ...p, signed: false } : p)),
    };
    await expect(buildModel(wrong, { quiet: true })).rejects.toThrow(
      /port 'a': declared input \[8 bits\], RTL has input signed \[8 bits\][\s\S]*port 'acc': declared output signed \[20 bits\], RTL has output signed \[24 bits\]/,
    );
    const missing: SimDesign = { ...MAC, ports: MAC.ports.filter((p) => p.name !== 'b') };
    await expect(buildModel(missing, { quiet: true })).rejects.toThrow(/RTL port 'b' is missing/);
    await expect(buildModel({ ...MAC, clock: 'a' }, { quiet: true })).rejects.toThrow(/clock 'a' must be a 1-bit input/);
  });

  it('reads ports from the RTL', async () => {
    expect(await readPorts(MAC.files, 'mac')).toEqual(MAC.ports);
  });
});

describe('two models with the same top name in one process', { timeout: 180_000 }, () => {
  it('load side by side and keep their own behaviour and state', async () => {
    const add = await Simulator.create<MacIn, MacOut>(MAC, { quiet: true });
    const sub = await Simulator.create<MacIn, MacOut>(
      macVariant('mac_sub', (s) => s.replace('acc + {{8{prod[15]}}, prod}', 'acc - {{8{prod[15]}}, prod}')),
      { quiet: true },
    );
    expect(sub.build.soPath).not.toBe(add.build.soPath);
    for (const sim of [add, sub]) {
      sim.reset();
      sim.poke('a', 5);
      sim.poke('b', 6);
      sim.poke('en', 1);
    }
    add.step(2);
    sub.step(3);
    add.step(1);
    expect(add.peek('acc')).toBe(90n);
    expect(sub.peek('acc')).toBe(-90n);
    add.close();
    sub.close();
  });
});

describe('waveforms', { timeout: 180_000 }, () => {
  it('writes a VCD with the clock edges at 10c+5', async () => {
    const wave = join(tmp, 'waves', 'mac.vcd');
    const sim = await Simulator.create<MacIn, MacOut>(MAC, { quiet: true, wave });
    sim.reset();
    sim.poke('a', 3);
    sim.poke('b', 4);
    sim.poke('en', 1);
    sim.step(3);
    sim.runBatch(['a'], [[1], [2]], ['acc']);
    sim.close();
    const vcd = readFileSync(wave, 'utf8');
    expect(vcd).toContain('$enddefinitions');
    expect(vcd).toMatch(/\$var wire\s+24 \S+ acc \[23:0\] \$end/);
    expect(vcd).toMatch(/^#5$/m); // first rising edge
    expect(vcd).toMatch(/^#45$/m); // rising edge of cycle 4 (the second batch cycle)
    expect(vcd).toMatch(/^#60$/m); // final state, dumped by close()
    expect(vcd).not.toMatch(/^#65$/m);
  });

  it('writes a non-empty FST', async () => {
    const wave = join(tmp, 'mac.fst');
    const sim = await Simulator.create<MacIn, MacOut>(MAC, { quiet: true, wave });
    sim.reset();
    sim.poke('en', 1);
    sim.poke('a', -1);
    sim.poke('b', 1);
    sim.step(100);
    sim.close();
    expect(statSync(wave).size).toBeGreaterThan(100);
  });

  it('rejects other extensions', async () => {
    await expect(Simulator.create(MAC, { wave: join(tmp, 'x.txt') })).rejects.toThrow(/must end in \.vcd or \.fst/);
  });
});

describe('$stop and $finish', { timeout: 180_000 }, () => {
  const STOPPER: SimDesign = {
    top: 'stopper',
    files: [`${FIXTURES}stopper.v`],
    ports: [
      { name: 'clk', dir: 'input', width: 1, signed: false },
      { name: 'stop', dir: 'input', width: 1, signed: false },
      { name: 'fin', dir: 'input', width: 1, signed: false },
      { name: 'count', dir: 'output', width: 8, signed: false },
    ],
  };

  it('turns $stop into an exception instead of aborting the process', async () => {
    const sim = await Simulator.create(STOPPER, { quiet: true });
    sim.step(3);
    expect(sim.peek('count')).toBe(3n);
    expect(sim.finished).toBe(false);
    sim.poke('stop', 1);
    expect(() => sim.step()).toThrow(/stopper: step: .*stopper\.v:\d+: Verilog \$stop/);
    sim.close();
  });

  it('reports $finish through `finished`', async () => {
    const sim = await Simulator.create(STOPPER, { quiet: true });
    sim.poke('fin', 1);
    sim.step();
    expect(sim.finished).toBe(true);
    sim.close();
  });
});

describe('Verilator diagnostics', { timeout: 180_000 }, () => {
  // A warning in an emitted file names the Verilog line and the TS line whose comment is above it,
  // whichever Verilator run meets it first (the port check's --xml-only or the model build).
  const warned = (): SimDesign => {
    const path = join(tmp, 'width_warn_src.v');
    writeFileSync(
      path,
      [
        'module width_warn_src (',
        '    input  wire [7:0] a,',
        '    output wire [3:0] y',
        ');',
        '    // mine/fir.ts:14',
        '    assign y = a;',
        'endmodule',
        '',
      ].join('\n'),
    );
    return {
      top: 'width_warn_src',
      files: [path],
      ports: [
        { name: 'a', dir: 'input', width: 8, signed: false },
        { name: 'y', dir: 'output', width: 4, signed: false },
      ],
    };
  };

  it('reports the warning and the TS line, not a failed run', async () => {
    const err = await buildModel(warned(), { quiet: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VerilatorError);
    expect((err as Error).message).toMatch(
      /^verilator rejected width_warn_src \(1 problem\):\n {2}width_warn_src\.v:6: WIDTH: .*\(emitted by mine\/fir\.ts:14\)$/,
    );
    expect((err as Error).message).not.toMatch(/xml-only/);
  });

  it('lets -Wno-fatal through to every Verilator run', async () => {
    const sim = await Simulator.create(warned(), { quiet: true, extraArgs: ['-Wno-fatal'] });
    sim.poke('a', 0xab);
    sim.eval();
    expect(sim.peek('y')).toBe(0xbn);
    sim.close();
  });
});
