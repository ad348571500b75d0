/**
 * The catalogue of bad inputs: each gets one clear line on stderr naming the problem (the
 * field, file or flag), exit code 2, no stack trace, and nothing partly written.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.js';
import { networkDocument } from '../../src/flows/rtl/network-file.js';
import { initialWeights } from '../../src/model/accelerator.js';
import { runTaxonnAsync } from '../support/cli.js';
import { idxImages, idxLabels, writeFashionFolder } from '../support/idx.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'taxonn-bad-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
// A PATH with node and nothing else: every external tool is missing.
const bareBin = path.join(tmp, 'bin');
fs.mkdirSync(bareBin);
fs.symlinkSync(process.execPath, path.join(bareBin, 'node'));
// node and yosys only: OpenSTA (sta) is missing.
const noStaBin = path.join(tmp, 'bin-nosta');
fs.mkdirSync(noStaBin);
fs.symlinkSync(process.execPath, path.join(noStaBin, 'node'));
fs.symlinkSync('/usr/bin/yosys', path.join(noStaBin, 'yosys'));
const file = (name: string, text: string) => {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, text);
  return p;
};

const taxonn = (args: string[], env?: NodeJS.ProcessEnv) => runTaxonnAsync(args, env);
/** A saved 3-2 network at P = 1 (as train --save-weights writes it), changed by `edit`. */
interface NetworkDoc {
  format: unknown;
  layers: { weights: unknown[][]; bias: unknown[] }[];
}
const network = (name: string, edit: (d: NetworkDoc) => void = () => {}) => {
  const cfg = resolveConfig({ overrides: { layers: [3, 2], pes: 1 } });
  const d = JSON.parse(JSON.stringify(networkDocument(cfg, initialWeights(cfg, 1)))) as NetworkDoc;
  edit(d);
  return file(name, JSON.stringify(d));
};

interface Case {
  readonly name: string;
  readonly args: string[];
  /** What the one line must say. */
  readonly says: RegExp;
  readonly env?: NodeJS.ProcessEnv;
  /** A file the command was asked to write, which must not exist afterwards. */
  readonly writes?: string;
}

const out = () => path.join(tmp, `out-${Math.random().toString(36).slice(2)}`);
const gen = (...flags: string[]) => ['generate', ...flags];

const cases: Case[] = [
  // Invalid configurations
  { name: 'too few layers', args: gen('--layers', '784'), says: /layers.*at least 2/i },
  { name: 'a zero layer size', args: gen('--layers', '0,10'), says: /layers\[0\].*1\.\.65536.*got 0/ },
  { name: 'a negative layer size', args: gen('--layers=-5,10'), says: /layers\[0\].*got -5/ },
  { name: 'an absurd layer size', args: gen('--layers', '100000,10'), says: /layers\[0\].*65536.*100000/ },
  { name: 'a fractional layer size', args: gen('--layers', '3.5,2'), says: /layers/ },
  { name: 'zero PEs', args: gen('--pes', '0'), says: /pes.*1\.\.1024.*got 0/ },
  { name: 'more PEs than any chip', args: gen('--pes', '5000'), says: /pes.*1\.\.1024.*5000/ },
  { name: 'frac > bits', args: gen('--weight', '8:9'), says: /weight\.frac.*got 9/ },
  { name: 'activation frac = bits (1.0 not representable)', args: gen('--act', '8:8'), says: /act\.frac.*got 8/ },
  { name: 'an accumulator too narrow', args: gen('--acc-bits', '12'), says: /accBits.*got 12/ },
  { name: 'an accumulator too wide', args: gen('--acc-bits', '60'), says: /accBits.*got 60/ },
  { name: 'a negative learning-rate shift', args: gen('--lr-shift', '-1'), says: /lr-shift|lrShift/ },
  {
    name: 'an update shift below zero',
    args: gen('--weight', '16:15', '--act', '8:2', '--error', '8:2', '--lr-shift', '0', '--acc-bits', '40'),
    says: /lrShift/,
  },
  { name: 'an unknown rounding', args: gen('--rounding', 'banana'), says: /rounding.*banana/ },
  { name: 'an unknown activation', args: gen('--hidden', 'tanh'), says: /hidden.*tanh/ },
  { name: 'the LFSR seed 0', args: gen('--seed', '0'), says: /seed.*got 0/ },
  { name: 'an LFSR seed over 16 bits', args: gen('--seed', '70000'), says: /seed.*70000/ },
  { name: 'zero inputs per beat', args: gen('--inputs-per-beat', '0'), says: /inputsPerBeat|inputs-per-beat/ },
  { name: 'a non-boolean zero skipping', args: gen('--skip-zero-inputs', 'yes'), says: /skip-zero-inputs must be true or false, got "yes"/ },
  {
    name: 'a non-boolean zero skipping in the file',
    args: gen('--config', file('skip.json', '{"skipZeroInputs": 1}')),
    says: /skipZeroInputs must be true or false/,
  },
  { name: 'a non-boolean error skipping', args: gen('--skip-zero-errors', '1'), says: /skip-zero-errors must be true or false, got "1"/ },
  {
    name: 'a non-boolean error skipping in the file',
    args: gen('--config', file('skip-errors.json', '{"skipZeroErrors": "no"}')),
    says: /skipZeroErrors must be true or false/,
  },
  { name: 'an unknown key in the file', args: gen('--config', file('unknown.json', '{"layerz": [4, 2]}')), says: /layerz/ },
  { name: 'a wrong type in the file', args: gen('--config', file('type.json', '{"layers": "abc"}')), says: /layers/ },
  { name: 'malformed JSON', args: gen('--config', file('bad.json', '{"layers": [4, 2],}')), says: /bad\.json.*not valid JSON/ },
  { name: 'a missing config file', args: gen('--config', path.join(tmp, 'nope.json')), says: /nope\.json/ },
  { name: 'a config file that is a folder', args: gen('--config', tmp), says: /config/ },
  // CLI misuse
  { name: 'an unknown command', args: ['frobnicate'], says: /frobnicate|Unknown/i },
  { name: 'an unknown flag', args: ['verify', '--bogus-flag'], says: /bogus-flag/ },
  { name: 'a negative sample count', args: ['verify', '--samples', '-3'], says: /--samples must be a positive integer, got -3/ },
  { name: 'a sample count that is not a number', args: ['verify', '--samples', 'many'], says: /--samples/ },
  { name: 'generate without --out', args: ['generate'], says: /out/ },
  { name: 'an unwritable output folder', args: ['generate', '--out', '/proc/taxonn/rtl'], says: /cannot write \/proc\/taxonn\/rtl/ },
  { name: 'an output path that is a file', args: ['generate', '--out', file('plain.txt', 'x')], says: /plain\.txt.*is a file/ },
  { name: 'demo with zero vectors', args: ['demo', '--vectors', '0'], says: /--vectors must be a positive integer/ },
  { name: 'no command at all', args: [], says: /command/ },
  // Weight files (layers 3,2: 2 × 4 = 8 weights)
  {
    name: 'a weight file of the wrong length',
    args: ['verify', '--layers', '3,2', '--weights', file('short.txt', '1 2 3')],
    says: /short\.txt holds 3 weights, the network 3-2 has 8/,
  },
  { name: 'a weight code out of range', args: ['verify', '--layers', '3,2', '--weights', file('big.json', '[1,2,3,4,5,6,7,99999]')], says: /big\.json/ },
  {
    name: 'a weight file that is not numbers',
    args: ['verify', '--layers', '3,2', '--weights', file('words.txt', '1 2 x 4 5 6 7 8')],
    says: /words\.txt: entry 2 is not an integer/,
  },
  { name: 'a missing weight file', args: ['verify', '--layers', '3,2', '--weights', path.join(tmp, 'none.txt')], says: /none\.txt: no such file/ },
  // Saved networks (train --save-weights): a 3-2 network at P = 1, then broken copies of it
  {
    name: 'a flag that differs from the saved network',
    args: ['verify', '--weights', network('net.json'), '--pes', '2'],
    says: /pes 2 \(from --pes\) differs from the network in .*net\.json, trained with 1/,
  },
  {
    name: 'a saved network of another shape',
    args: ['verify', '--weights', network('short-row.json', (d) => d.layers[0].weights[1].pop())],
    says: /short-row\.json: layers\[0\]\.weights\[1\] must be a list of 3 codes/,
  },
  {
    name: 'a saved network of another format',
    args: ['verify', '--weights', network('keras.json', (d) => (d.format = 'keras'))],
    says: /format must be "taxonn-network"/,
  },
  {
    name: 'a saved network with a code out of range',
    args: ['verify', '--weights', network('big-code.json', (d) => (d.layers[0].bias[0] = 99999))],
    says: /big-code\.json: .*99999.*outside the weight format/,
  },
  {
    name: 'train --save-weights into a missing folder',
    args: ['train', '--dataset', 'iris', '--epochs', '1', '--save-weights', path.join(tmp, 'no-such-dir', 'n.json')],
    says: /--save-weights .*n\.json: the folder .*no-such-dir does not exist/,
  },
  {
    name: 'train --save-weights with the float32 reference',
    args: ['train', '--dataset', 'iris', '--epochs', '1', '--engine', 'float', '--save-weights', path.join(tmp, 'f.json')],
    says: /--save-weights and --save-mem need --engine golden or rtl/,
  },
  {
    name: 'train --compare without --plot',
    args: ['train', '--dataset', 'iris', '--compare', 'float'],
    says: /--compare draws into the plot: give --plot F\.svg too/,
  },
  {
    name: 'train --compare float with the float engine',
    args: ['train', '--dataset', 'iris', '--engine', 'float', '--plot', path.join(tmp, 'p.svg'), '--compare', 'float'],
    says: /would compare a run with itself/,
  },
  {
    name: 'train --plot into a missing folder',
    args: ['train', '--dataset', 'iris', '--plot', path.join(tmp, 'no-such-dir', 'p.svg')],
    says: /--plot .*p\.svg: the folder .*no-such-dir does not exist/,
  },
  {
    name: 'train --compare with an unknown engine',
    args: ['train', '--dataset', 'iris', '--plot', path.join(tmp, 'q.svg'), '--compare', 'gpu'],
    says: /--compare must be one of float, got "gpu"/,
  },
  // A user's own data (train --dataset PATH)
  {
    name: 'own data with a ragged row',
    args: ['train', '--dataset', file('ragged.csv', 'a,b,label\n1,2,0\n3,4\n'), '--save-weights', path.join(tmp, 'ragged.json')],
    says: /ragged\.csv: line 3: 2 columns, the header has 3$/,
    writes: path.join(tmp, 'ragged.json'),
  },
  {
    name: 'own data that does not fit the layers given',
    args: ['train', '--dataset', file('two.csv', 'a,b,label\n1,2,0\n3,4,1\n2,2,1\n'), '--layers', '4,8,2'],
    says: /layers 4,8,2 do not fit two\.csv: the network needs 2 inputs and 2 outputs, it has 4 and 2/,
  },
  {
    name: '--test with a built-in data set',
    args: ['train', '--dataset', 'iris', '--test', file('t.csv', 'a\n')],
    says: /--test is for your own data; iris has its own/,
  },
  {
    name: '--data-dir with own data',
    args: ['train', '--dataset', file('dd.csv', 'a,label\n1,0\n2,1\n'), '--data-dir', tmp],
    says: /--data-dir is for the built-in data sets/,
  },
  // Malformed data files (a synthetic Fashion-MNIST folder with one bad file each)
  {
    name: 'a truncated IDX file',
    args: ['train', '--dataset', 'fashion-mnist', '--data-dir', writeFashionFolder(path.join(tmp, 'fm-trunc'), { trainImages: idxImages(4).subarray(0, 100) })],
    says: /train-images-idx3-ubyte\.gz/,
  },
  {
    name: 'an IDX file with the wrong magic number',
    args: [
      'train',
      '--dataset',
      'fashion-mnist',
      '--data-dir',
      writeFashionFolder(path.join(tmp, 'fm-magic'), { testLabels: idxLabels([1, 2, 3], { magic: 0x803 }) }),
    ],
    says: /t10k-labels-idx1-ubyte\.gz.*magic/,
  },
  {
    name: 'a label out of range',
    args: ['train', '--dataset', 'fashion-mnist', '--data-dir', writeFashionFolder(path.join(tmp, 'fm-label'), { trainLabels: idxLabels([3, 0, 12, 1]) })],
    says: /train-labels-idx1-ubyte\.gz.*12/,
  },
  {
    name: 'a missing data file',
    args: ['train', '--dataset', 'fashion-mnist', '--data-dir', writeFashionFolder(path.join(tmp, 'fm-missing'), { testImages: null })],
    says: /t10k-images-idx3-ubyte\.gz/,
  },
  { name: 'an unknown data set', args: ['train', '--dataset', 'cifar'], says: /cifar/ },
  { name: 'an unknown engine', args: ['train', '--dataset', 'iris', '--engine', 'gpu'], says: /gpu/ },
  // The power flow (power --dataset iris: the 4-16-3 network)
  {
    name: 'power: zero samples',
    args: ['power', '--dataset', 'iris', '--samples', '0', '--clock', '100'],
    says: /--samples must be a positive integer, got 0$/,
  },
  {
    name: 'power: a negative --after',
    args: ['power', '--dataset', 'iris', '--samples', '2', '--clock', '100', '--after', '-1'],
    says: /--after must be a non-negative integer, got -1$/,
  },
  {
    name: 'power: --after past the training set',
    args: ['power', '--dataset', 'iris', '--samples', '2', '--clock', '100', '--after', '99'],
    says: /after \+ samples must be at most 100 \(the training samples of iris\), got 99 \+ 2$/,
  },
  {
    name: 'power: a clock of 0 MHz',
    args: ['power', '--dataset', 'iris', '--samples', '2', '--clock', '0'],
    says: /--clock must be a positive number, got 0$/,
  },
  {
    name: 'power: a data set that does not fit the first layer',
    args: ['power', '--dataset', 'iris', '--samples', '2', '--clock', '100', '--layers', '784,64,10'],
    says: /data set iris has 4 inputs per sample, the configuration's first layer has 784/,
  },
  {
    name: 'power: sta (OpenSTA) missing from PATH',
    args: ['power', '--dataset', 'iris', '--samples', '2', '--clock', '100'],
    says: /sta not found on PATH: run `make setup` \(or: sudo apt-get install -y opensta\)$/,
    env: { ...process.env, PATH: noStaBin },
  },
  // A missing external tool
  {
    name: 'verilator missing from PATH',
    args: ['verify', '--layers', '3,2', '--pes', '1', '--samples', '1'],
    says: /verilator not found on PATH.*make setup/,
    env: { ...process.env, PATH: bareBin },
  },
];

describe('bad inputs', () => {
  it(`has a catalogue of at least 30 (${cases.length})`, () => expect(cases.length).toBeGreaterThanOrEqual(30));

  for (const c of cases) {
    it(`${c.name}: one line, exit 2, nothing written`, async () => {
      const dir = out();
      const args = c.args[0] === 'generate' && !c.args.includes('--out') && c.name !== 'generate without --out' ? [...c.args, '--out', dir] : c.args;
      const r = await taxonn(args, c.env);
      expect(r.code, r.stderr).toBe(2);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^taxonn: /);
      expect(lines[0]).toMatch(c.says);
      expect(r.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
      expect(fs.existsSync(dir)).toBe(false);
      if (c.writes) expect(fs.existsSync(c.writes)).toBe(false);
    });
  }
});
