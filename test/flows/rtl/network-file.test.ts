/** Saved networks: the JSON document round-trips, every malformed part is refused by name, and the $readmemh images hold what the RTL's banks hold. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bitsOf, resolveConfig } from '../../../src/config/index.js';
import { AcceleratorSim } from '../../../src/flows/rtl/harness/accelerator-sim.js';
import { bankImages, networkDocument, parseNetwork, readNetworkFile, writeNetworkFile } from '../../../src/flows/rtl/network-file.js';
import { initialWeights } from '../../../src/model/accelerator.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'taxonn-net-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// 5-4-2 at P = 3: layer 1 has 2 groups of rows 6 long, layer 2 starts at bank address 12.
const cfg = resolveConfig({ overrides: { layers: [5, 4, 2], pes: 3 } });
const codes = Int32Array.from({ length: 4 * 6 + 2 * 5 }, (_, q) => q - 30);

describe('saved networks', () => {
  it('round-trip: the file holds the configuration and each layer as rows and biases', () => {
    const file = path.join(tmp, 'net.json');
    writeNetworkFile(file, cfg, codes);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(doc.format).toBe('taxonn-network');
    expect(doc.layers[0].weights[1]).toEqual([-24, -23, -22, -21, -20]);
    expect(doc.layers[0].bias[1]).toBe(-19);
    expect(doc.layers[1].bias).toEqual([-2, 3]);
    const back = readNetworkFile(file);
    expect(back.config).toEqual(cfg);
    expect([...back.weights]).toEqual([...codes]);
  });

  /** The document as parsed JSON, to break. */
  interface Doc {
    format: unknown;
    version: unknown;
    config: { pes: unknown };
    layers: { inputs: unknown; weights: unknown[][]; bias: unknown[] }[];
  }
  const broken: [string, (d: Doc) => void, RegExp][] = [
    ['another format', (d) => (d.format = 'keras'), /format must be "taxonn-network", got "keras"/],
    ['another version', (d) => (d.version = 2), /version must be 1/],
    ['an invalid configuration', (d) => (d.config.pes = 0), /config is not a valid configuration: pes must be an integer in 1\.\.1024, got 0/],
    ['a layer missing', (d) => d.layers.pop(), /layers must be a list of 2 weight layers \(the config's 5-4-2\)/],
    ['a layer of another shape', (d) => (d.layers[1].inputs = 3), /layers\[1\] must have 4 inputs and 2 outputs/],
    ['a short row', (d) => d.layers[0].weights[2].pop(), /layers\[0\]\.weights\[2\] must be a list of 5 codes/],
    ['a bias missing', (d) => d.layers[1].bias.pop(), /layers\[1\]\.bias must be a list of 2 codes/],
    ['a fraction', (d) => (d.layers[0].weights[0][0] = 0.5), /layers\[0\]\.weights\[0\]\[0\] must be an integer code, got 0\.5/],
    ['a code outside the format', (d) => (d.layers[1].weights[0][3] = 5000), /code 5000 .* outside the weight format s12q11/],
  ];
  for (const [what, edit, says] of broken) {
    it(`refuses ${what}, naming it`, () => {
      const d = JSON.parse(JSON.stringify(networkDocument(cfg, codes))) as Doc;
      edit(d);
      expect(() => parseNetwork(d, 'n.json')).toThrow(says);
    });
  }

  it('bank images: output j of a layer in bank j mod P at its row, two’s complement hex', () => {
    const images = bankImages(cfg, codes);
    expect(images.map((i) => i.file)).toEqual(['wbank0.hex', 'wbank1.hex', 'wbank2.hex']);
    const words = images.map((i) => i.text.trimEnd().split('\n'));
    // Layer 1, output 3 (bank 0, group 1): stream codes 18..23 at addresses 6..11.
    expect(words[0]!.slice(6, 12)).toEqual(['ff4', 'ff5', 'ff6', 'ff7', 'ff8', 'ff9']);
    // Layer 2, output 1 (bank 1, group 0): stream codes 29..33 at addresses 12..16.
    expect(words[1]!.slice(12, 17)).toEqual(['fff', '000', '001', '002', '003']);
    // Bank 2 holds no output of layer 2: zeros there.
    expect(words[2]!.slice(12)).toEqual(['000', '000', '000', '000', '000']);
  });

  it('bank images hold what the RTL banks hold after a weight load', async () => {
    const w = initialWeights(cfg, 7);
    const sim = await AcceleratorSim.create(cfg);
    try {
      sim.run(w, []);
      const words = bankImages(cfg, w).map((i) => i.text.trimEnd().split('\n'));
      const mask = 2 ** bitsOf(cfg.weight);
      words.forEach((bank, q) =>
        bank.forEach((hex, addr) => {
          const rtl = sim.mem(0, q, addr);
          expect(((rtl % mask) + mask) % mask, `bank ${q} address ${addr}`).toBe(Number.parseInt(hex, 16));
        }),
      );
    } finally {
      sim.close();
    }
  });
});
