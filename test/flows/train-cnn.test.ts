/**
 * `taxonn train` on networks with convolution (docs/ARCHITECTURE.md §17): the golden and float
 * engines learn a small CNN on MNIST and stay close, a saved network round-trips (and its
 * predictions on the inference variant's RTL equal the golden model's), the rtl engine trains it
 * in lock step with the golden model, and what does not run these networks yet (the estimate,
 * --save-mem) says so in one line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTaxonnAsync } from '../support/cli.js';
import { entryOf } from '../../src/config/index.js';
import { epochOrders, resolveTrainConfig, trainNetwork, trainOnDataset } from '../../src/flows/train.js';
import { GoldenConvNetwork } from '../../src/model/cnn/golden.js';
import { loadDataset, quantizeInputs } from '../../src/model/datasets/index.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'taxonn-train-cnn-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const mnist = loadDataset('mnist');
const layers = [{ input: [28, 28, 1] }, { conv: { filters: 4, kernel: 3, stride: 2, padding: 'same' } }, { pool: { kind: 'max', size: 2 } }, { dense: 10 }];
const cfgFile = path.join(tmp, 'cnn.json');
fs.writeFileSync(cfgFile, JSON.stringify({ layers, lrShift: 5 }));

describe('training a CNN on MNIST', () => {
  it('golden and float engines learn it (600 samples, 2 epochs) and stay close', async () => {
    const cfg = resolveTrainConfig('mnist', { file: cfgFile });
    expect(cfg.network?.layers.map((l) => l.kind)).toEqual(['conv', 'pool', 'dense']);
    const golden = await trainOnDataset({ dataset: mnist, engine: 'golden', config: cfg, epochs: 2, limit: 600 });
    const float = await trainOnDataset({ dataset: mnist, engine: 'float', config: cfg, epochs: 2, limit: 600 });
    for (const r of [golden, float]) {
      expect(r.testError!).toBeLessThan(0.3);
      expect(r.perEpoch[1]!.trainLoss).toBeLessThan(r.perEpoch[0]!.trainLoss);
    }
    expect(Math.abs(golden.testError! - float.testError!)).toBeLessThan(0.05);
  });

  it('the golden engine is GoldenConvNetwork from its initial weights, through the epoch orders', async () => {
    const cfg = resolveTrainConfig('mnist', { file: cfgFile });
    const run = await trainNetwork({ dataset: mnist, engine: 'golden', config: cfg, epochs: 1, limit: 50 });
    const g = new GoldenConvNetwork(cfg);
    g.loadWeights(GoldenConvNetwork.initialWeights(cfg, cfg.seed));
    const codes = quantizeInputs(mnist.train.x.subarray(0, 50 * 784), entryOf(cfg.act, 0));
    for (const i of epochOrders(50, 1, cfg.seed)[0]!) g.train(codes.subarray(i * 784, (i + 1) * 784), mnist.train.y[i]!);
    expect(Array.from(run.weights!)).toEqual(Array.from(g.readWeights()));
  });

  it('--save-weights writes the layer objects and the filters; --weights trains on from them', async () => {
    const file = path.join(tmp, 'net.json');
    const save = await runTaxonnAsync(['train', '--dataset', 'mnist', '--config', cfgFile, '--limit', '40', '--epochs', '1', '--save-weights', file]);
    expect(save.code, save.stderr).toBe(0);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(doc.config.layers[1]).toEqual(layers[1]);
    expect(doc.layers.map((l: { inputs: number; outputs: number }) => [l.inputs, l.outputs])).toEqual([
      [9, 4],
      [7 * 7 * 4, 10],
    ]);
    const again = await runTaxonnAsync(['train', '--dataset', 'mnist', '--weights', file, '--limit', '40', '--epochs', '1', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).epochs).toBe(1);
    // the trained network on the inference variant's RTL, on real samples; another field than the variant must still agree
    const rtl = await runTaxonnAsync(['verify', '--weights', file, '--variant', 'inference', '--dataset', 'mnist', '--samples', '30', '--stalls', '--json']);
    expect(rtl.code, rtl.stderr).toBe(0);
    const report = JSON.parse(rtl.stdout);
    expect([report.equivalent, report.samples, report.config.variant]).toEqual([true, 30, 'inference']);
    const other = await runTaxonnAsync(['verify', '--weights', file, '--variant', 'inference', '--pes', '3']);
    expect(other.code).toBe(2);
    expect(other.stderr.trimEnd()).toMatch(
      /^taxonn: config: pes 3 \(from --pes\) differs from the network in .*net\.json, trained with 16; drop it, or train a network with it$/,
    );
  });

  it('the rtl engine trains it in lock step with the golden model: the same weights', async () => {
    const cfg = resolveTrainConfig('mnist', { file: cfgFile });
    const [rtl, golden] = await Promise.all(
      (['rtl', 'golden'] as const).map((engine) => trainNetwork({ dataset: mnist, engine, config: cfg, epochs: 1, limit: 30, chunk: 12 })),
    );
    expect(rtl.report.equivalent).toBe(true);
    expect(rtl.report.cyclesPerSample).toBeGreaterThan(0);
    expect(Array.from(rtl.weights!)).toEqual(Array.from(golden.weights!));
  });

  it('what does not run convolution yet refuses it in one line, naming the layer (exit 2)', async () => {
    const cases: [string[], RegExp][] = [
      [['estimate', '--config', cfgFile], /^taxonn: config: layers\[1\] is a convolution layer, which the estimate does not model yet/],
      [
        ['train', '--dataset', 'mnist', '--config', cfgFile, '--save-mem', path.join(tmp, 'mem')],
        /^taxonn: config: layers\[1\] is a convolution layer, which --save-mem \(the weight banks of the RTL\) does not write yet/,
      ],
      [
        ['train', '--dataset', 'iris', '--config', cfgFile],
        /^taxonn: train: layers with input 28×28×1 and 10 outputs do not fit iris: the network needs 4 inputs and 3 outputs/,
      ],
    ];
    const results = await Promise.all(cases.map(([args]) => runTaxonnAsync(args)));
    for (const [k, [args, message]] of cases.entries()) {
      const r = results[k]!;
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr.trimEnd(), args.join(' ')).toMatch(message);
    }
    expect(fs.existsSync(path.join(tmp, 'rtl'))).toBe(false);
    expect(fs.existsSync(path.join(tmp, 'mem'))).toBe(false);
  });
});
