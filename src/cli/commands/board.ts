/**
 * `npx taxonn board train`: training on a board over its host link (docs/HARDWARE.md "Train MNIST
 * on an iCEBreaker"): the training command's flags and output, with the board engine, on a serial
 * device (`--port /dev/ttyUSB1`) or on the board's top in Verilator over a simulated serial line
 * (`--port sim`, with `--faults`).
 */
import type { Argv, CommandModule } from 'yargs';
import { BOARDS, BOARD_NAMES, baudOf, type BoardName } from '../../flows/board/boards.js';
import { openSerialLink } from '../../flows/board/serial-port.js';
import { openSimBoard } from '../../flows/board/sim-board.js';
import { fraction, oneOf } from '../coerce.js';
import { UsageError } from '../errors.js';
import { runTrainCommand, trainOptions, type TrainArgs } from './train.js';

interface BoardTrainArgs extends TrainArgs {
  port: string;
  board: BoardName;
  faults: number;
}

const trainOnBoard: CommandModule<object, BoardTrainArgs> = {
  command: 'train',
  describe: 'Train on a board over its UART host link (the golden model in lock step checks every prediction and the final weights)',
  builder: (y) =>
    (trainOptions(y) as unknown as Argv<BoardTrainArgs>)
      .option('port', {
        type: 'string',
        demandOption: true,
        describe:
          "the board's serial device (e.g. /dev/ttyUSB1, the FT2232H's second channel), or sim: the board's top in Verilator over a simulated serial line",
      })
      .option('board', { type: 'string', default: 'icebreaker', describe: 'the board: icebreaker', coerce: oneOf('board', BOARD_NAMES) })
      .option('faults', {
        type: 'string',
        default: 0,
        describe: 'with --port sim: the fraction of frames (each way) with a fault on the line (a flipped bit, a dropped or a duplicated byte)',
        coerce: fraction('faults'),
      })
      .example('$0 board train --port /dev/ttyUSB1 --dataset mnist --epochs 1', 'MNIST on an iCEBreaker programmed with fpga --board icebreaker --bitstream')
      .example(
        '$0 board train --port sim --dataset iris --epochs 2 --faults 0.1',
        "the board's top in simulation, with line faults",
      ) as unknown as Argv<BoardTrainArgs>,
  handler: async (args) => {
    if (args.engine !== 'golden') throw new UsageError('board train: the engine is the board; leave out --engine');
    if (args.faults && args.port !== 'sim') throw new UsageError('board train: --faults is for the simulated line of --port sim');
    const b = BOARDS[args.board];
    const sim = args.port === 'sim';
    await runTrainCommand(args, {
      describe: `board ${args.board} ${sim ? `(its top in Verilator, a simulated line${args.faults ? ` with faults in ${Math.round(100 * args.faults)} % of the frames` : ''})` : `over ${args.port} at ${baudOf(b)} baud`}`,
      openPort: async (cfg) => {
        if (cfg.variant === 'dedicated')
          throw new UsageError("board train: the board's top drives the taxonn variant; the dedicated variant's learning_rate input has no frame yet");
        if (!sim) return openSerialLink(args.port, baudOf(b));
        const s = await openSimBoard(cfg, args.board, { faultRate: args.faults, seed: cfg.seed });
        return { exchange: (o, onByte, onGap) => s.line.exchange(o, onByte, onGap), close: () => s.close() };
      },
    });
  },
};

export const command: CommandModule<object, { action?: string }> = {
  command: 'board',
  describe: 'Work with a board: train over its host link (board train)',
  builder: (y) => y.command(trainOnBoard as unknown as CommandModule<object, { action?: string }>).demandCommand(1, 'board: give an action: train'),
  handler: () => {},
};
