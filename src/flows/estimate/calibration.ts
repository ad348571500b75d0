// Written by scripts/estimate-calibrate.ts --write (src/flows/estimate/calibrate.ts on test/fixtures/estimate/measurements.json): do not edit.
import type { Calibration } from './estimate.js';

export const CALIBRATION: Calibration = {
  version: 1,
  note: 'fitted by scripts/estimate-calibrate.ts on 23 configurations (taxonn and inference; Iris- and MNIST-shaped), checked on 21 others; OSU018 for area and power',
  cycles: {
    training: {
      drainWait: 8,
      overhead: [36.1747351152511, 7.234947563342506, -3.665428591011766, 3.788200423171355, -2.0062619933005057],
    },
    inference: {
      drainWait: 1,
      overhead: [10.992332630231157, 5.332419674858632, 0.8958596961359956, 0.7834651002453973, -1.4933713476686734],
    },
  },
  asicAreaUm2: [
    82871.52856353861, 29349.970152129095, 250.97413181835444, 311.1626088669716, 939.5475502176513, 72.41464454975656, -378.703675111823, 151.69797399658157,
    957.5447164685306,
  ],
  ice40Luts: [
    -234.51826373278246, 734.3526957449163, -0.043663316836952355, 11.702890718175311, 5.5198132356836735, -1.2726887516459744, -10.6676762617376,
    1.2503252980892745, 22.544084188593185,
  ],
  powerMw: [
    9.696033214548333, 8.034007752552421, 0.020495819486554462, 0.1471838003982702, 0.026956356081757636, 0.02849830307483091, -0.2544172206313606,
    0.016554925865134008, -0.02484872174313651,
  ],
  inputZeros: {
    iris: 0.02,
    mnist: 0.808,
  },
  range: {
    maxPes: 8,
    maxHidden: 32,
    maxLayers: 4,
  },
  heldOut: {
    cycles: {
      configurations: 42,
      meanAbsPct: 7.1,
      maxAbsPct: 17.5,
    },
    cyclesWithSkipZeroErrors: {
      configurations: 16,
      meanAbsPct: 16.6,
      maxAbsPct: 69.6,
    },
    asicArea: {
      configurations: 21,
      meanAbsPct: 3.1,
      maxAbsPct: 14.4,
    },
    ice40Luts: {
      configurations: 21,
      meanAbsPct: 11.8,
      maxAbsPct: 53.6,
    },
    ice40BlockRams: {
      configurations: 21,
      meanAbsPct: 0.2,
      maxAbsPct: 3.2,
    },
    energy: {
      configurations: 21,
      meanAbsPct: 7.9,
      maxAbsPct: 28.4,
    },
  },
};
