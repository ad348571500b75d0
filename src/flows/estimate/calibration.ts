// Written by scripts/estimate-calibrate.ts --write (src/flows/estimate/calibrate.ts on test/fixtures/estimate/measurements.json): do not edit.
import type { Calibration } from './estimate.js';

export const CALIBRATION: Calibration = {
  version: 1,
  note: 'fitted by scripts/estimate-calibrate.ts on 34 configurations (inference, taxonn, dedicated; Iris- and MNIST-shaped), checked on 30 others; OSU018 for area and power',
  cycles: {
    training: {
      drainWait: 2,
      overhead: [-3.3672047061760306, 5.310809538366464, 0.5276620411536576, 2.316025890314308, 0.17568983444012065],
    },
    inference: {
      drainWait: 2,
      overhead: [4.156040952867432, 7.180927974026812, 0.1788446846715436, -0.36077993210882636, -0.8780554918834601],
    },
  },
  asicAreaUm2: [
    66624.86395105714, 37987.51395817991, 280.95060696340647, 77.0662491793774, 802.6364467507148, 159.18306864724875, 240.356124748914, 183.2563315022848,
    1436.5276221081363, 203.19851673246205,
  ],
  ice40Luts: [
    -283.7827431678132, 646.8881243708023, -0.5869162308389281, 11.580919794207682, 2.3451531281322007, 0.01541643312054631, -4.6753898351322105,
    0.8899312214152946, 22.004641279338934, -0.0019552967911361544,
  ],
  powerMw: [
    9.817686741433418, 9.63575203420225, 0.016392311825658954, 0.08844142951850964, 0.0012350452089161165, 0.020564073259644648, -0.06636636309944689,
    0.021592197465081463, 0.0227526098902903, -0.0004472821137158392,
  ],
  inputZeros: {
    iris: 0.02,
    mnist: 0.808,
  },
  range: {
    maxPes: 8,
    maxHidden: 32,
    maxLayers: 4,
    maxBits: {
      weight: 16,
      act: 8,
      error: 10,
    },
  },
  heldOut: {
    cycles: {
      configurations: 60,
      meanAbsPct: 4,
      maxAbsPct: 16.6,
    },
    cyclesWithSkipZeroErrors: {
      configurations: 30,
      meanAbsPct: 17,
      maxAbsPct: 69.6,
    },
    asicArea: {
      configurations: 30,
      meanAbsPct: 3.3,
      maxAbsPct: 7.4,
    },
    ice40Luts: {
      configurations: 30,
      meanAbsPct: 11.1,
      maxAbsPct: 64.3,
    },
    ice40BlockRams: {
      configurations: 30,
      meanAbsPct: 0.2,
      maxAbsPct: 4.3,
    },
    energy: {
      configurations: 29,
      meanAbsPct: 8.8,
      maxAbsPct: 19.7,
    },
  },
};
