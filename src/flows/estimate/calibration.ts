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
    67582.88010742134, 35541.49025877463, 262.9422346256932, 163.08671278300812, 822.0234873140406, 110.7182205321525, 107.99121236878884, 175.79479416115865,
    1254.4077327073073, 202.03554834498192,
  ],
  ice40Luts: [
    -114.91213088546876, 685.5709422634959, -0.7773273711658673, 10.727886602171878, 6.234239768065113, -0.9745885536935694, -3.2294270283959925,
    1.305187860710968, 20.854933938875195, -0.005911098372099076,
  ],
  powerMw: [
    9.637734492953177, 8.012642077987246, 0.013924910092129306, 0.09781963516451846, 0.014124314211082602, 0.018509422927235796, -0.08054704727313149,
    0.0193197450626001, 0.005702392750621426, -0.0006849066979221492,
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
      maxAbsPct: 8.5,
    },
    ice40Luts: {
      configurations: 30,
      meanAbsPct: 8.2,
      maxAbsPct: 42.2,
    },
    ice40BlockRams: {
      configurations: 30,
      meanAbsPct: 0.3,
      maxAbsPct: 4.3,
    },
    energy: {
      configurations: 29,
      meanAbsPct: 8.7,
      maxAbsPct: 22.4,
    },
  },
};
