// Written by scripts/estimate-calibrate.ts --write (src/flows/estimate/calibrate.ts on test/fixtures/estimate/measurements.json): do not edit.
import type { Calibration } from './estimate.js';

export const CALIBRATION: Calibration = {
  version: 1,
  note: 'fitted by scripts/estimate-calibrate.ts on 34 configurations (inference, taxonn, dedicated; Iris- and MNIST-shaped), checked on 30 others; OSU018 for area and power',
  cycles: {
    training: {
      drainWait: 1,
      overhead: [-11.697452063734477, 5.873379177796114, 0.8541333267921344, 1.2310412571663305, 0.5674034573692718],
    },
    inference: {
      drainWait: 2,
      overhead: [4.156040952867432, 7.180927974026812, 0.1788446846715436, -0.36077993210882636, -0.8780554918834601],
    },
  },
  asicAreaUm2: [
    68870.34463932386, 38810.73213859359, 279.269963355897, 92.23879578404787, 781.8265538768164, 181.9386816708004, 187.75603478925194, 184.80373892004002,
    1371.7095470695049, 210.6223923023927,
  ],
  ice40Luts: [
    -295.8846868602376, 651.989338105014, -0.5554426640946869, 11.458568758976122, 2.262980612452848, -0.00703557267360886, -4.453016104307838,
    0.9061102607952826, 22.190630852912424, 0.04749751387923948,
  ],
  powerMw: [
    10.918624125534926, 9.061626378614399, 0.017003275280621562, 0.09140974582048267, 0.009495867928167173, 0.01967750573651109, -0.09753727632864628,
    0.020671102528900847, 0.002690861103004471, 0.001864310636895908,
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
      meanAbsPct: 4.2,
      maxAbsPct: 16.6,
    },
    cyclesWithSkipZeroErrors: {
      configurations: 30,
      meanAbsPct: 17.5,
      maxAbsPct: 68.9,
    },
    asicArea: {
      configurations: 30,
      meanAbsPct: 3.3,
      maxAbsPct: 7.8,
    },
    ice40Luts: {
      configurations: 30,
      meanAbsPct: 10.7,
      maxAbsPct: 65,
    },
    ice40BlockRams: {
      configurations: 30,
      meanAbsPct: 0.2,
      maxAbsPct: 4.3,
    },
    energy: {
      configurations: 29,
      meanAbsPct: 8.3,
      maxAbsPct: 22.5,
    },
  },
};
