/**
 * A board that is not there: the board's top for `cfg` in Verilator behind a simulated serial
 * line with faults (sim-line.ts), reset and ready, as the LinkPort the host driver talks to
 * (`verify --board`, and `board train --port sim`).
 */
import type { Config } from '../../config/index.js';
import { accelerator } from '../../../generators/accelerator/top.js';
import { POWER_ON_CYCLES, boardTop } from '../../../generators/board/board-top.js';
import { simulate, type Simulator } from '../../sim/index.js';
import { BOARDS, type BoardName } from './boards.js';
import { SimLine } from './sim-line.js';

/** Cycles the simulated host waits for an answer before it sends again. */
export const SIM_TIMEOUT_CYCLES = 200_000;

export interface SimBoard {
  readonly line: SimLine;
  readonly sim: Simulator;
  readonly top: string;
  close(): void;
}

export async function openSimBoard(cfg: Config, board: BoardName, opts: { faultRate: number; seed: number }): Promise<SimBoard> {
  const b = BOARDS[board];
  const top = boardTop(accelerator(cfg), { clocksPerBit: b.clocksPerBit });
  const sim = await simulate(top);
  // the line idles high, the button is not pressed; the board's power-on reset runs first
  sim.poke('uart_rx', 1);
  sim.poke('btn_n', 1);
  sim.step(POWER_ON_CYCLES + 4);
  const line = new SimLine(sim, { clocksPerBit: b.clocksPerBit, faultRate: opts.faultRate, seed: opts.seed, timeoutCycles: SIM_TIMEOUT_CYCLES });
  return { line, sim, top: top.name, close: () => sim.close() };
}
