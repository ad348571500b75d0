/**
 * `taxonn verify --board icebreaker`: the board's top (the accelerator behind its UART link,
 * generators/board/board-top.ts) in Verilator, driven by the host driver (driver.ts) over a
 * simulated serial line with faults (sim-line.ts), against the golden model: every sample's
 * prediction and the weights read back at the end must be equal, whatever the line did.
 */
import { paramCount, type Config } from '../../config/index.js';
import { GoldenAccelerator } from '../../model/accelerator.js';
import { randomWorkload, stimulusSeed } from '../rtl/verify.js';
import { BoardDriver, type LinkStats } from './driver.js';
import type { FaultCounts } from './sim-line.js';
import { openSimBoard } from './sim-board.js';
import { BOARDS, type BoardName } from './boards.js';
import { RESULT_BATCH } from './link-rate.js';

export interface VerifyBoardOptions {
  readonly board: BoardName;
  readonly samples: number;
  /** The user's stimulus seed (combined with the configuration's, as in verify). */
  readonly seed: number;
  /** The fraction of frames, each direction, with one fault on the line. */
  readonly faultRate: number;
  readonly sparsity?: number;
  /** Negative control for tests: the golden model runs this configuration instead. */
  readonly goldenConfig?: Config;
}

export interface VerifyBoardReport {
  readonly equivalent: boolean;
  readonly board: BoardName;
  readonly samples: number;
  /** The first sample whose prediction differs (-1: none), and the first differing weight (-1: none). */
  readonly firstWrongPrediction: number;
  readonly firstWrongWeight: number;
  readonly link: LinkStats;
  readonly faults: FaultCounts;
  readonly cycles: number;
  readonly clocksPerBit: number;
  readonly top: string;
}

export async function verifyBoard(cfg: Config, opts: VerifyBoardOptions): Promise<VerifyBoardReport> {
  const board = BOARDS[opts.board];
  const seed = stimulusSeed(cfg.seed, opts.seed);
  const { weights, samples } = randomWorkload(cfg, { samples: opts.samples, seed, stallPermille: 0, sparsity: opts.sparsity ?? 0.8 });
  const simBoard = await openSimBoard(cfg, opts.board, { faultRate: opts.faultRate, seed: seed ^ 0x2545f491 });
  const { line } = simBoard;
  try {
    const driver = new BoardDriver(line, cfg);
    await driver.loadWeights(weights);
    const predicted: number[] = [];
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i]!;
      await driver.sendSample(s.input, s.label, s.train);
      if ((i + 1) % RESULT_BATCH === 0 || i + 1 === samples.length) predicted.push(...(await driver.results(i + 1 - predicted.length)));
    }
    const readBack = await driver.readWeights(paramCount(cfg.layers));
    const golden = new GoldenAccelerator(opts.goldenConfig ?? cfg);
    golden.loadWeights(weights);
    const want = samples.map((s) => golden.sample(s.input, s.label, s.train).predicted);
    const final = golden.readWeights();
    const firstWrongPrediction = want.findIndex((p, i) => p !== predicted[i]);
    const firstWrongWeight = Array.from(final).findIndex((w, i) => w !== readBack[i]);
    return {
      equivalent: firstWrongPrediction < 0 && firstWrongWeight < 0,
      board: opts.board,
      samples: samples.length,
      firstWrongPrediction,
      firstWrongWeight,
      link: driver.stats,
      faults: line.faults,
      cycles: simBoard.sim.cycle,
      clocksPerBit: board.clocksPerBit,
      top: simBoard.top,
    };
  } finally {
    simBoard.close();
  }
}
