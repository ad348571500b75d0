/**
 * `taxonn sweep` (docs/SWEEP.md): grid validation, the plan and its keys, the Pareto front on
 * hand-made points, the CSV / JSON / SVG outputs on hand-made records, and real sweeps through
 * the CLI: a tiny Iris grid (4-8-3, P ∈ {2, 4}, taxonn + inference, verify + train + synth) and
 * its resume, a changed grid with a failing point (train only, so it is fast), and the power step
 * on one point.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../src/hdl/source.js';
import { loadGrid, parseGrid, planPoints, resolvePointConfig, SweepError } from '../../../src/flows/sweep/grid.js';
import { CSV_COLUMNS, csvField, entryOf, renderCsv, rowOf, writeTables, type SweepDocument, type SweepRow } from '../../../src/flows/sweep/output.js';
import { paretoFront, paretoPlots } from '../../../src/flows/sweep/plot.js';
import type { FloatRecord, PointRecord } from '../../../src/flows/sweep/point.js';
import { runTaxonnAsync } from '../../support/cli.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'taxonn-sweep-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'sweep');
const writeJson = (name: string, v: unknown) => {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, typeof v === 'string' ? v : JSON.stringify(v, null, 1));
  return f;
};
const gridError = (v: unknown): string => {
  const f = writeJson('bad.json', v);
  try {
    loadGrid(f);
  } catch (e) {
    expect(e).toBeInstanceOf(SweepError);
    return (e as Error).message;
  }
  throw new Error('no error');
};
const BASE = { variants: ['taxonn'], pes: [2], datasets: ['iris'] };

describe('the grid', () => {
  it('rejects bad grids with one line naming the field and the file', () => {
    const f = path.join(tmp, 'bad.json');
    const cases: [unknown, string][] = [
      [{ ...BASE, variants: ['taxon'] }, `sweep: variants[0] must be one of "taxonn", "inference", "dedicated", got "taxon" (in ${f})`],
      [{ ...BASE, pes: [] }, `sweep: pes must be a non-empty list of PE counts (positive integers), got [] (in ${f})`],
      [{ ...BASE, pes: [2, 2] }, `sweep: pes must not repeat a value, got [2, 2] (in ${f})`],
      [{ variants: ['taxonn'], datasets: ['iris'] }, `sweep: pes must be a non-empty list of PE counts (positive integers), got nothing (in ${f})`],
      [{ ...BASE, pes: [2.5] }, `sweep: pes[0] must be a positive integer, got 2.5 (in ${f})`],
      [{ ...BASE, datasets: ['cifar'] }, `sweep: datasets[0] must be one of "mnist", "fashion-mnist", "iris", got "cifar" (in ${f})`],
      [
        { ...BASE, verfy: { samples: 3 } },
        `sweep: verfy is not a known field (allowed: variants, pes, formats, datasets, layers, config, train, verify, synth, power, steps, twoStage), got {"samples": 3} (in ${f})`,
      ],
      [{ ...BASE, train: { epoch: 3 } }, `sweep: train.epoch is not a known field (allowed: epochs, limit), got 3 (in ${f})`],
      [{ ...BASE, train: { epochs: 0 } }, `sweep: train.epochs must be a positive integer, got 0 (in ${f})`],
      [{ ...BASE, formats: ['default', { weight: { bits: '12' } }] }, `sweep: formats[1].weight.bits must be a non-negative integer, got "12" (in ${f})`],
      [
        { ...BASE, formats: [{ weight: { bits: 12, fraq: 10 } }] },
        `sweep: formats[0].weight.fraq is not a known field (allowed: bits, frac), got 10 (in ${f})`,
      ],
      [
        { ...BASE, formats: ['defaults'] },
        `sweep: formats[0] must be "default" or an object with at least one of "weight", "act", "error", got "defaults" (in ${f})`,
      ],
      [
        { ...BASE, config: { pes: 4 } },
        `sweep: config.pes is not a known field (allowed: accBits, lrShift, rounding, hidden, seed, inputsPerBeat, skipZeroInputs, skipZeroErrors, skipZeroActivations, weightPorts; variant, layers, pes and the formats are set by the grid's own fields), got 4 (in ${f})`,
      ],
      [{ ...BASE, layers: { iris: [4] } }, `sweep: layers.iris must be a list of at least 2 layer sizes (positive integers), got [4] (in ${f})`],
      [
        { ...BASE, layers: { iris: [{ input: [1, 1, 4] }, { pool: { kind: 'max' } }, { dense: 3 }] } },
        `sweep: layers.iris[1].pool must have an input at least 2×2, because its input 1×1×4 pools to zero, got {"kind": "max"} (in ${f})`,
      ],
      [{ ...BASE, layers: { iris: [4, 0, 3] } }, `sweep: layers.iris[1] must be a positive integer, got 0 (in ${f})`],
      [{ ...BASE, steps: ['train', 'synthesis'] }, `sweep: steps[1] must be one of "estimate", "verify", "train", "synth", "power", got "synthesis" (in ${f})`],
      [
        { ...BASE, twoStage: { front: 'area' }, steps: ['train', 'synth'] },
        `sweep: with twoStage, steps are the second stage's (verify, synth, power): the first always estimates and trains, got ["train","synth"] (in ${f})`,
      ],
      [{ ...BASE, twoStage: { front: 'power' } }, `sweep: twoStage.front must be "area" or "energy", got "power" (in ${f})`],
      [{ ...BASE, power: { clockMHz: 0 } }, `sweep: power.clockMHz must be a positive number, got 0 (in ${f})`],
      [
        { ...BASE, synth: { liberty: 'missing.lib' } },
        `sweep: synth.liberty must name a readable file, got "missing.lib" (${path.join(tmp, 'missing.lib')} not found) (in ${f})`,
      ],
      [[1, 2], `sweep: the grid must be a JSON object (see docs/SWEEP.md), got [1, 2] (in ${f})`],
      ['{\n "variants": ["taxonn"],\n}', `sweep: the grid ${f} is not valid JSON: a trailing comma before '}' at line 3, column 1`],
    ];
    for (const [grid, message] of cases) {
      const m = gridError(grid);
      expect(m).toBe(message);
      expect(m).not.toContain('\n');
    }
    // a liberty that is not needed (no synth or power step) is not checked
    expect(() => parseGrid({ ...BASE, synth: { liberty: 'missing.lib' }, steps: ['train'] }, f)).not.toThrow();
  });

  it('plans one point per data set × variant × format × P, each with a stable key of its own parameters', () => {
    const g = parseGrid(
      { variants: ['taxonn', 'dedicated'], pes: [2, 4], datasets: ['iris'], formats: ['default', { weight: { bits: 10 } }], steps: ['train', 'verify'] },
      'g.json',
    );
    expect(g.steps).toEqual(['verify', 'train']); // the order steps run in
    const pts = planPoints(g);
    expect(pts.map((p) => p.label)).toEqual([
      'iris taxonn P=2 default formats',
      'iris taxonn P=4 default formats',
      'iris taxonn P=2 w10q',
      'iris taxonn P=4 w10q',
      'iris dedicated P=2 default formats',
      'iris dedicated P=4 default formats',
      'iris dedicated P=2 w10q',
      'iris dedicated P=4 w10q',
    ]);
    expect(new Set(pts.map((p) => p.key)).size).toBe(8);
    expect(pts[0]!.key).toMatch(/^iris-taxonn-p2-default-[0-9a-f]{12}$/);
    expect(pts[0]!.settings).toEqual({ verify: { samples: 20, stallPermille: 100, seed: 1 }, train: { epochs: 200 } });
    // a grid with more values keeps the keys of the points it shares; other settings change them
    const wider = planPoints(
      parseGrid(
        {
          variants: ['taxonn', 'dedicated', 'inference'],
          pes: [4, 2, 8],
          datasets: ['iris'],
          formats: ['default', { weight: { bits: 10 } }],
          steps: ['verify', 'train'],
        },
        'other.json',
      ),
    );
    expect(wider.map((p) => p.key)).toEqual(expect.arrayContaining(pts.map((p) => p.key)));
    const moreEpochs = planPoints(
      parseGrid({ variants: ['taxonn'], pes: [2], datasets: ['iris'], train: { epochs: 7 }, steps: ['verify', 'train'] }, 'g.json'),
    );
    expect(moreEpochs[0]!.key).not.toBe(pts[0]!.key);
    // the configuration: data set defaults, variant defaults where no format is given, then the grid
    const cfg = (i: number) => resolvePointConfig(pts[i]!.params);
    expect([cfg(0).layers, cfg(0).lrShift, cfg(0).weight]).toEqual([[4, 16, 3], 5, { bits: 12, frac: 10 }]);
    expect([cfg(2).weight, cfg(4).weight, cfg(4).act, cfg(6).weight]).toEqual([
      { bits: 10, frac: 8 },
      { bits: 16, frac: 14 },
      { bits: 16, frac: 12 },
      { bits: 10, frac: 8 },
    ]);
  });
});

describe('the Pareto front', () => {
  type P = { id: string; x: number; y: number };
  const ids = (ps: P[]) =>
    paretoFront(
      ps,
      (p) => p.x,
      (p) => p.y,
    ).map((p) => p.id);
  it('keeps exactly the points no other point dominates', () => {
    const pts: P[] = [
      { id: 'a', x: 1, y: 10 }, // cheapest: on the front
      { id: 'b', x: 2, y: 5 }, // on
      { id: 'c', x: 3, y: 5 }, // same error as b, more cost: dominated
      { id: 'd', x: 2, y: 7 }, // same cost as b, more error: dominated
      { id: 'e', x: 4, y: 1 }, // on
      { id: 'f', x: 5, y: 3 }, // dominated by e
      { id: 'g', x: 0.5, y: 20 }, // cheapest of all: on
    ];
    expect(ids(pts)).toEqual(['a', 'b', 'e', 'g']);
  });
  it('keeps equal points together, ignores non-finite ones and handles trivial sets', () => {
    expect(
      ids([
        { id: 'a', x: 1, y: 1 },
        { id: 'b', x: 1, y: 1 },
        { id: 'c', x: 2, y: 2 },
      ]),
    ).toEqual(['a', 'b']);
    expect(
      ids([
        { id: 'a', x: NaN, y: 0 },
        { id: 'b', x: 3, y: 3 },
      ]),
    ).toEqual(['b']);
    expect(ids([])).toEqual([]);
    expect(ids([{ id: 'a', x: 1, y: 2 }])).toEqual(['a']);
    // a chain where each point is better in one coordinate only: all on the front
    const chain = Array.from({ length: 6 }, (_, i) => ({ id: String(i), x: i, y: 10 - i }));
    expect(ids(chain)).toEqual(['0', '1', '2', '3', '4', '5']);
  });
});

// ---- hand-made records ------------------------------------------------------------------------

const grid = parseGrid({ variants: ['taxonn', 'inference', 'dedicated'], pes: [2, 4], datasets: ['iris'], steps: ['verify', 'train', 'synth'] }, 'hand.json');
const planned = planPoints(grid);
function record(label: string, over: Partial<PointRecord>): PointRecord {
  const p = planned.find((q) => q.label === label)!;
  return {
    kind: 'point',
    version: 1,
    key: p.key,
    label: p.label,
    params: p.params,
    steps: p.steps,
    settings: p.settings,
    status: 'ok',
    error: null,
    failedStep: null,
    config: resolvePointConfig(p.params),
    results: {},
    seconds: 1.5,
    finishedAt: '2025-01-01T00:00:00.000Z',
    ...over,
  };
}
const verifyOk = {
  equivalent: true,
  samples: 10,
  trainingSamples: 8,
  cyclesPerSample: 126.125,
  boundCyclesPerSample: 79,
  utilization: 0.6263,
  top: 't',
  firstMismatch: null,
  seconds: 2,
};
const synth = (a: number) => ({
  liberty: { file: 'x.lib', library: 'x' },
  sramLiberty: [],
  cells: 100,
  flipFlops: 10,
  logicAreaUm2: a,
  sequentialAreaUm2: a / 4,
  memoryBits: 64,
  unmapped: {},
  yosys: '0.23',
  seconds: 3,
});
const train = (e: number | null) => ({ testError: e, epochs: 3, seconds: 0.1 });
const FLOAT: FloatRecord = {
  kind: 'float',
  version: 1,
  key: 'float-k',
  label: 'f',
  params: { dataset: 'iris', layers: [4, 16, 3], hidden: 'relu', lrShift: 5, seed: 44257, epochs: 200 },
  status: 'ok',
  error: null,
  testError: 0.04,
  perEpochTestError: [0.04],
  seconds: 0.2,
  finishedAt: '',
};
const floats = new Map([[FLOAT.key, FLOAT]]);
const entries = [
  entryOf(record('iris taxonn P=2 default formats', { results: { verify: verifyOk, train: train(0.06), synth: synth(250_000) } }), false, 'float-k', floats),
  entryOf(record('iris taxonn P=4 default formats', { results: { verify: verifyOk, train: train(0.04), synth: synth(360_000) } }), true, 'float-k', floats),
  entryOf(record('iris inference P=2 default formats', { results: { verify: verifyOk, train: train(null), synth: synth(165_000) } }), false, null, floats),
  entryOf(record('iris dedicated P=2 default formats', { results: { verify: verifyOk, train: train(0.06), synth: synth(900_000) } }), false, 'float-k', floats),
  entryOf(
    record('iris dedicated P=4 default formats', {
      status: 'failed',
      failedStep: 'config',
      config: null,
      error: 'config: weight.frac must be at most error.frac + act.frac = 8 for the dedicated variant, got "10" (from formats: w12q10)',
    }),
    false,
    null,
    floats,
  ),
];

describe('outputs', () => {
  it('quotes CSV fields that need it and writes numbers compactly', () => {
    expect([csvField(null), csvField(undefined), csvField(true), csvField(0.1), csvField(0.62626262626), csvField(248725), csvField(NaN)]).toEqual([
      '',
      '',
      'true',
      '0.1',
      '0.6262626',
      '248725',
      '',
    ]);
    expect(csvField('a, "b"\nc')).toBe('"a, ""b""\nc"');
    expect(csvField('plain')).toBe('plain');
  });

  it('joins each point with its float32 reference and flattens it into one CSV row', () => {
    const rows = entries.map(rowOf);
    expect(rows[0]).toMatchObject({
      variant: 'taxonn',
      pes: 2,
      weight: 's12q10',
      act: 'u8q6',
      error: 's8q6',
      dataset: 'iris',
      status: 'ok',
      equivalent: true,
      testError: 0.06,
      floatTestError: 0.04,
      gapPp: 2,
      logicAreaUm2: 250_000,
      memoryAreaUm2: null,
      totalPowerMw: null,
      errorMessage: null,
    });
    expect(rows[2]).toMatchObject({ variant: 'inference', testError: null, floatTestError: null, gapPp: null });
    expect(rows[3]).toMatchObject({ weight: 's16q14', act: 'u16q12', error: 's16q14' });
    expect(rows[4]).toMatchObject({ status: 'failed', weight: 'default', failedStep: 'config', equivalent: null });
    const csv = renderCsv(rows);
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(
      lines[0]!.startsWith(
        'variant,pes,weight,act,error,dataset,status,equivalent,cyclesPerSample,utilization,testError,floatTestError,gapPp,logicAreaUm2,memoryAreaUm2,totalPowerMw,energyPerSampleNj,errorMessage',
      ),
    ).toBe(true);
    expect(lines).toHaveLength(6);
    expect(lines[1]).toBe(`taxonn,2,s12q10,u8q6,s8q6,iris,ok,true,126.125,0.6263,0.06,0.04,2,250000,,,,,100,,1.5,${entries[0]!.key},,,`); // no estimate step
    // the failed point's message has a comma and quotes: one quoted field
    expect(lines[5]).toContain('"config: weight.frac must be at most error.frac + act.frac = 8 for the dedicated variant, got ""10"" (from formats: w12q10)"');
  });

  it('writes sweep.csv and sweep.json atomically (no temporary files left)', () => {
    const dir = path.join(tmp, 'out-hand');
    const doc: SweepDocument = {
      version: 1,
      grid: { file: 'hand.json', ...grid },
      out: dir,
      summary: { points: 6, ok: 4, failed: 1, pending: 1, cached: 1, ran: 4, floatRuns: 1, executor: 'local', jobs: 1, wallSeconds: 9, pointSeconds: 7.5 },
      points: entries,
      floats: [FLOAT],
      pareto: { area: {}, power: {} },
    };
    writeTables(dir, doc);
    writeTables(dir, doc); // over the old files
    expect(fs.readdirSync(dir).sort()).toEqual(['sweep.csv', 'sweep.json']);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'sweep.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(doc)));
    expect(fs.readFileSync(path.join(dir, 'sweep.csv'), 'utf8')).toBe(renderCsv(entries.map(rowOf)));
  });

  it('plots area and power against test error: dots by variant, the front as a step line', () => {
    const rows = entries.map(rowOf);
    const withPower: SweepRow[] = rows.map((r, i) => ({ ...r, totalPowerMw: r.status === 'ok' ? [3, 5, 1, 9][i]! : null }));
    const plots = paretoPlots(withPower, ['iris']);
    // trained ok points only: the inference and the failed point are left out
    expect(plots.area.match(/<circle class="point"/g)).toHaveLength(3);
    expect(plots.area).toContain('data-variant="dedicated"');
    expect(plots.area).not.toContain('data-variant="inference"');
    expect(plots.area).toContain('3 of 5 points shown');
    // area: taxonn P2 (0.25 mm², 6 %) and P4 (0.36 mm², 4 %) on the front; dedicated (0.9 mm², 6 %) is not
    expect(plots.fronts.area).toEqual({ iris: [entries[0]!.key, entries[1]!.key] });
    expect(plots.fronts.power).toEqual({ iris: [entries[0]!.key, entries[1]!.key] });
    expect(plots.area).toContain(`class="pareto-front" data-keys="${entries[0]!.key} ${entries[1]!.key}"`);
    for (const svg of [plots.area, plots.power]) {
      expect(svg.startsWith('<?xml')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      expect(svg.match(/<svg /g)).toHaveLength(1);
      expect(svg).not.toMatch(/NaN|undefined|Infinity/);
    }
    const none = paretoPlots(
      rows.map((r) => ({ ...r, testError: null })),
      ['iris'],
    );
    expect(none.area).toContain('no point with a test error and an area');
    expect(none.fronts.area).toEqual({ iris: [] });
  });

  it('draws estimates filled and, where the sweep measured them, the measured values hollow beside them on the same row', () => {
    const rows = entries
      .map(rowOf)
      .map(
        (r, i): SweepRow => ({ ...r, estLogicAreaUm2: r.status === 'ok' ? 200000 + 10000 * i : null, estEnergyPerSampleNj: r.status === 'ok' ? 40 + i : null }),
      );
    // the first trained point was measured (a two-stage front): 250,000 µm² by synth
    const area = paretoPlots(rows, ['iris']).estimate!;
    expect(area).toContain('ESTIMATED area');
    expect(area.match(/<circle class="point"/g)).toHaveLength(3);
    const measured = [...area.matchAll(/<circle class="measured" data-key="([^"]+)" cx="([\d.]+)" cy="([\d.]+)"/g)];
    expect(measured.length).toBeGreaterThan(0);
    expect(measured.map((m) => m[1])).toEqual(
      rows.filter((r) => r.status === 'ok' && typeof r.testError === 'number' && typeof r.logicAreaUm2 === 'number').map((r) => r.key),
    );
    for (const m of measured) {
      const est = new RegExp(`<circle class="point" data-key="${m[1]}"[^>]* cx="([\\d.]+)" cy="([\\d.]+)"`).exec(area)!;
      expect(est[2]).toBe(m[3]); // same test error
      expect(est[1]).not.toBe(m[2]); // a different cost
    }
    expect(area).toContain('measured (synth)');
    // the energy front's plot: no point has a measured energy here, so no hollow dots and no legend entry
    const energy = paretoPlots(rows, ['iris'], 'energy').estimate!;
    expect(energy).toContain('ESTIMATED energy');
    expect(energy).not.toContain('class="measured"');
    expect(energy).not.toContain('measured (power)');
    for (const svg of [area, energy]) expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  });
});

// ---- real sweeps through the CLI --------------------------------------------------------------

const pointFiles = (dir: string) =>
  Object.fromEntries(
    fs
      .readdirSync(path.join(dir, 'points'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => {
        const file = path.join(dir, 'points', f);
        return [f, { text: fs.readFileSync(file, 'utf8'), mtimeMs: fs.statSync(file).mtimeMs }];
      }),
  );

describe('taxonn sweep', () => {
  it('two stages: estimate and train every point, then verify only the estimated front; a rerun runs nothing', async () => {
    const grid = writeJson('two-stage.json', {
      variants: ['taxonn', 'inference'],
      pes: [1, 2, 4],
      formats: ['default', { weight: { bits: 8 } }],
      datasets: ['iris'],
      layers: { iris: [4, 8, 3] },
      train: { epochs: 20 },
      verify: { samples: 4 },
      steps: ['verify'],
      twoStage: { front: 'area' },
    });
    const out = path.join(tmp, 'two-stage');
    const r = await runTaxonnAsync(['sweep', '--grid', grid, '--out', out, '--jobs', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('sweep, stage 1 of 2 (estimate and train every point): 12 points (0 cached, 12 to run)');
    const doc = JSON.parse(fs.readFileSync(path.join(out, 'sweep.json'), 'utf8')) as SweepDocument;
    expect(doc.points).toHaveLength(12);
    const measured = doc.points.filter((p) => p.results.verify);
    expect(measured.length).toBeGreaterThan(0);
    expect(measured.length).toBeLessThan(6); // only the front of the 6 trained points
    const n = `${measured.length} point${measured.length === 1 ? '' : 's'}`;
    expect(r.stdout).toContain(`sweep, stage 2 of 2 (the estimated front): ${n} (0 cached, ${measured.length} to run)`);
    const trained = doc.points.filter((p) => p.results.train?.testError !== null && p.results.train !== undefined);
    const front = paretoFront(
      trained,
      (p) => p.results.estimate!.logicAreaUm2!,
      (p) => p.results.train!.testError!,
    );
    expect(measured.map((p) => p.key).sort()).toEqual(front.map((p) => p.key).sort());
    for (const p of measured) expect(p.results.verify!.equivalent).toBe(true);
    for (const p of doc.points) expect(p.results.estimate!.estimate).toBe(true);
    // the estimates have a plot of their own: every trained point, labelled as estimated
    const svg = fs.readFileSync(path.join(out, 'pareto-estimate.svg'), 'utf8');
    expect(svg).toContain('ESTIMATED');
    expect(svg.match(/<circle class="point"/g)).toHaveLength(trained.length);
    const again = await runTaxonnAsync(['sweep', '--grid', grid, '--out', out, '--jobs', '2']);
    expect(again.stdout).toContain('stage 1 of 2 (estimate and train every point): 12 points (12 cached, 0 to run)');
    expect(again.stdout).toContain(`stage 2 of 2 (the estimated front): ${n} (${measured.length} cached, 0 to run)`);
  });

  it('takes a network with convolution: its three variants are verified and synthesised', async () => {
    const grid = writeJson('cnn.json', {
      variants: ['taxonn', 'inference', 'dedicated'],
      pes: [2],
      datasets: ['iris'],
      layers: { iris: [{ input: [2, 2, 1] }, { conv: { filters: 3, kernel: 1 } }, { dense: 3 }] },
      train: { epochs: 20 },
      verify: { samples: 4 },
      steps: ['verify', 'train', 'synth'],
    });
    const out = path.join(tmp, 'cnn');
    const r = await runTaxonnAsync(['sweep', '--grid', grid, '--out', out, '--jobs', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as SweepDocument;
    const at = (variant: string) => doc.points.find((p) => p.params.variant === variant)!;
    const [inf, taxonn, dedicated] = [at('inference'), at('taxonn'), at('dedicated')];
    for (const p of [inf, taxonn, dedicated]) {
      expect(p.status).toBe('ok');
      expect(p.config!.layers).toEqual([4, 12, 3]);
      expect(p.results.verify!.equivalent).toBe(true);
    }
    expect(inf.results.synth!.logicAreaUm2).toBeGreaterThan(10_000);
    // training adds the backward tree, the update units and the error banks
    expect(taxonn.results.synth!.logicAreaUm2).toBeGreaterThan(inf.results.synth!.logicAreaUm2);
    // a multiplier per SGD element, 16-bit formats and the learning-rate multiplier
    expect(dedicated.results.synth!.logicAreaUm2).toBeGreaterThan(taxonn.results.synth!.logicAreaUm2);
  });

  it('an estimate-only grid runs in its own process: model figures in their own columns, for every variant', async () => {
    const grid = writeJson('estimate.json', {
      variants: ['taxonn', 'inference', 'dedicated'],
      pes: [1, 2, 4, 8],
      datasets: ['iris', 'mnist'],
      steps: ['estimate'],
    });
    const out = path.join(tmp, 'estimate');
    const r = await runTaxonnAsync(['sweep', '--grid', grid, '--out', out, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as SweepDocument;
    expect(doc.summary).toMatchObject({ points: 24, ok: 24, ran: 24, floatRuns: 0 });
    const csv = fs.readFileSync(path.join(out, 'sweep.csv'), 'utf8').trimEnd().split('\n');
    const col = (name: string) => CSV_COLUMNS.indexOf(name as (typeof CSV_COLUMNS)[number]);
    for (const line of csv.slice(1)) {
      const f = line.split(',');
      expect(f[col('cyclesPerSample')]).toBe(''); // nothing measured
      expect(f[col('logicAreaUm2')]).toBe('');
      for (const c of ['estCyclesPerSample', 'estLogicAreaUm2', 'estEnergyPerSampleNj']) expect(Number(f[col(c)]), c).toBeGreaterThan(0);
    }
    // the dedicated PE's three multipliers: more area than taxonn's at the same P, the same schedule
    const at = (variant: string) =>
      doc.points.find((p) => p.params.variant === variant && p.params.pes === 4 && p.params.dataset === 'iris')!.results.estimate!;
    expect(at('dedicated').logicAreaUm2).toBeGreaterThan(at('taxonn').logicAreaUm2);
    const mnist = doc.points.find((p) => p.params.dataset === 'mnist' && p.params.variant === 'taxonn')!;
    expect(mnist.results.estimate!.inputZeros).toBeGreaterThan(0.5); // MNIST's zero inputs, from the calibration
  });

  it('runs a tiny Iris grid (verify, train, synth) on two workers, then resumes without running anything', async () => {
    const out = path.join(tmp, 'tiny');
    const grid = path.join(FIXTURES, 'tiny.json');
    let t0 = performance.now();
    const first = await runTaxonnAsync(['sweep', '--grid', grid, '--out', out, '--jobs', '2']);
    const firstSeconds = (performance.now() - t0) / 1000;
    expect(first.stderr.split('\n').filter((l) => l.startsWith('taxonn:'))).toEqual([]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('sweep: 4 points (0 cached, 4 to run) and 1 float32 reference (0 cached, 1 to run) on 2 workers');
    expect(first.stdout).toContain('sweep: 4 ok, 0 failed of 4 points');
    expect(first.stderr + first.stdout).not.toContain('\x1b[K'); // no progress bar: stdout is not a terminal
    for (const f of ['sweep.csv', 'sweep.json', 'pareto-area.svg', 'pareto-power.svg']) expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    expect(Object.keys(pointFiles(out))).toHaveLength(5); // 4 points + the float32 reference

    const doc = JSON.parse(fs.readFileSync(path.join(out, 'sweep.json'), 'utf8')) as SweepDocument;
    expect(doc.summary).toMatchObject({ points: 4, ok: 4, failed: 0, pending: 0, cached: 0, ran: 4, floatRuns: 1 });
    const at = (variant: string, pes: number) => doc.points.find((p) => p.params.variant === variant && p.params.pes === pes)!;
    for (const pes of [2, 4]) {
      const t = at('taxonn', pes);
      const inf = at('inference', pes);
      for (const p of [t, inf]) {
        expect(p.status).toBe('ok');
        expect(p.config!.layers).toEqual([4, 8, 3]);
        expect(p.results.verify!.equivalent).toBe(true);
        expect(p.results.verify!.cyclesPerSample).toBeGreaterThan(0);
        expect(p.results.verify!.utilization).toBeGreaterThan(0);
        expect(p.results.verify!.utilization).toBeLessThanOrEqual(1);
        expect(p.results.synth!.logicAreaUm2).toBeGreaterThan(10_000);
      }
      expect(inf.results.synth!.logicAreaUm2).toBeLessThan(t.results.synth!.logicAreaUm2);
      expect(inf.results.verify!.cyclesPerSample).toBeLessThan(t.results.verify!.cyclesPerSample);
      expect(t.results.train!.testError).toBeGreaterThanOrEqual(0);
      expect(t.results.train!.testError).toBeLessThanOrEqual(1);
      expect(t.floatTestError).toBeGreaterThanOrEqual(0);
      expect(t.floatTestError).toBeLessThanOrEqual(1);
      expect(t.gapPp).toBeCloseTo(100 * (t.results.train!.testError! - t.floatTestError!), 6);
      expect(inf.results.train!.testError).toBeNull();
      expect(inf.floatTestError).toBeNull();
    }
    expect(at('taxonn', 4).results.verify!.cyclesPerSample).toBeLessThan(at('taxonn', 2).results.verify!.cyclesPerSample);
    const csv = fs.readFileSync(path.join(out, 'sweep.csv'), 'utf8').trimEnd().split('\n');
    expect(csv).toHaveLength(5);
    expect(csv.slice(1).every((l) => l.includes(',iris,ok,true,'))).toBe(true);
    expect(fs.readFileSync(path.join(out, 'pareto-area.svg'), 'utf8').match(/<circle class="point"/g)).toHaveLength(2); // taxonn only

    // the rerun: everything cached, no point runs again, the point files are untouched
    const before = pointFiles(out);
    t0 = performance.now();
    const again = await runTaxonnAsync(['sweep', '--grid', grid, '--out', out, '--jobs', '2']);
    const againSeconds = (performance.now() - t0) / 1000;
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('sweep: 4 points (4 cached, 0 to run) and 1 float32 reference (1 cached, 0 to run);');
    expect(again.stdout).toContain('sweep: 4 ok, 0 failed of 4 points (4 cached, 0 run)');
    const doc2 = JSON.parse(fs.readFileSync(path.join(out, 'sweep.json'), 'utf8')) as SweepDocument;
    expect(doc2.summary).toMatchObject({ points: 4, ok: 4, cached: 4, ran: 0, floatRuns: 0, pending: 0 });
    expect(doc2.points.every((p) => p.cached)).toBe(true);
    expect(doc2.points.map((p) => p.results)).toEqual(doc.points.map((p) => p.results));
    expect(pointFiles(out)).toEqual(before);
    expect(againSeconds).toBeLessThan(firstSeconds / 3);
  });

  it('records a point that fails (a format invalid for the dedicated variant) and runs only the new points of a changed grid', async () => {
    const out = path.join(tmp, 'changed');
    const bad = { weight: { bits: 12, frac: 10 }, act: { bits: 8, frac: 4 }, error: { bits: 8, frac: 4 } }; // dedicated: weight.frac > act.frac + error.frac
    const base = { pes: [2], datasets: ['iris'], formats: ['default', bad], layers: { iris: [4, 8, 3] }, train: { epochs: 3 }, steps: ['train'] };
    const g1 = writeJson('changed-1.json', { ...base, variants: ['taxonn'] });
    const g2 = writeJson('changed-2.json', { ...base, variants: ['taxonn', 'dedicated'] });
    const r1 = await runTaxonnAsync(['sweep', '--grid', g1, '--out', out]);
    expect(r1.code).toBe(0);
    expect(r1.stdout).toContain('sweep: 2 points (0 cached, 2 to run)');
    const before = pointFiles(out);
    const r2 = await runTaxonnAsync(['sweep', '--grid', g2, '--out', out]);
    expect(r2.code).toBe(1);
    expect(r2.stdout).toContain('sweep: 4 points (2 cached, 2 to run)');
    expect(r2.stdout).toContain('sweep: 3 ok, 1 failed of 4 points (2 cached, 2 run)');
    const message =
      'config: weight.frac must be at most error.frac + act.frac = 8 for the dedicated variant (its learning-rate product is shifted right by error.frac + act.frac − weight.frac + 16 ≥ 16), got 10 (from formats: w12q10-a8q4-e8q4)';
    expect(r2.stdout).toContain(`  failed: iris dedicated P=2 w12q10-a8q4-e8q4: ${message}`);
    const after = pointFiles(out);
    for (const [f, v] of Object.entries(before)) expect(after[f], f).toEqual(v); // the old points were not run again
    const doc = JSON.parse(fs.readFileSync(path.join(out, 'sweep.json'), 'utf8')) as SweepDocument;
    const failed = doc.points.filter((p) => p.status === 'failed');
    expect(failed.map((p) => [p.label, p.failedStep, p.error, p.config])).toEqual([['iris dedicated P=2 w12q10-a8q4-e8q4', 'config', message, null]]);
    expect(doc.points.filter((p) => p.status === 'ok').map((p) => p.label)).toEqual([
      'iris taxonn P=2 default formats',
      'iris taxonn P=2 w12q10-a8q4-e8q4',
      'iris dedicated P=2 default formats',
    ]);
    const csv = fs.readFileSync(path.join(out, 'sweep.csv'), 'utf8');
    expect(csv).toContain(`dedicated,2,s12q10,u8q4,s8q4,iris,failed,,,,,,,,,,,"${message}",,config,`);
    // a failed point counts as done; --retry-failed runs it again (and it fails again)
    const r3 = await runTaxonnAsync(['sweep', '--grid', g2, '--out', out, '--retry-failed']);
    expect(r3.code).toBe(1);
    expect(r3.stdout).toContain('sweep: 4 points (3 cached, 1 to run)');
    // bad input is exit code 2 with one line
    const r4 = await runTaxonnAsync(['sweep', '--grid', writeJson('bad-cli.json', { ...base, variants: [] }), '--out', out]);
    expect(r4.code).toBe(2);
    expect(r4.stderr.trim()).toBe(
      `taxonn: sweep: variants must be a non-empty list of variants ("taxonn", "inference", "dedicated"), got [] (in ${path.join(tmp, 'bad-cli.json')})`,
    );
  });

  it('measures power on one tiny point (the power step alone)', async () => {
    const out = path.join(tmp, 'power');
    const r = await runTaxonnAsync(['sweep', '--grid', path.join(FIXTURES, 'power.json'), '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as SweepDocument;
    const p = doc.points[0]!;
    expect(p.status).toBe('ok');
    expect(Object.keys(p.results)).toEqual(['power']);
    const w = p.results.power!;
    expect(w.totalPowerMw).toBeGreaterThan(0);
    expect(w.energyPerSampleNj).toBeGreaterThan(0);
    expect(w.cyclesPerSample).toBeGreaterThan(0);
    // energy = power × cycles / clock
    expect(w.energyPerSampleNj).toBeCloseTo((w.totalPowerMw * w.cyclesPerSample) / w.clockMHz, 1);
    const row = fs.readFileSync(path.join(out, 'sweep.csv'), 'utf8').trimEnd().split('\n')[1]!.split(',');
    expect(Number(row[CSV_COLUMNS.indexOf('totalPowerMw')])).toBeCloseTo(w.totalPowerMw, 3);
    expect(fs.readFileSync(path.join(out, 'pareto-power.svg'), 'utf8')).toContain('no point with a test error and a power');
  });
});
