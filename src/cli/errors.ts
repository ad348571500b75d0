/** How the CLI reports failures: one line on stderr, no stack trace, exit 2 for bad input. */
import { DesignErrors } from '../hdl/index.js';
import { ToolMissingError, ToolVersionError } from '../tools/index.js';
import { ConfigError } from '../config/index.js';
import { OutputError } from '../flows/generate.js';
import { LibertyError } from '../flows/liberty.js';
import { WeightsFileError } from '../flows/weights-file.js';
import { TrainUsageError } from '../flows/train.js';
import { PowerUsageError } from '../flows/power.js';
import { DatasetError } from '../model/datasets/index.js';
import { SweepError } from '../flows/sweep-grid.js';

/** Bad input from the user (a flag, a file, a value): exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function reportAndExit(err: unknown): never {
  if (err instanceof DesignErrors) {
    process.stderr.write(`taxonn: ${err.message}\n`);
    process.exit(2);
  }
  if (
    err instanceof UsageError ||
    err instanceof ConfigError ||
    err instanceof DatasetError ||
    err instanceof TrainUsageError ||
    err instanceof SweepError ||
    err instanceof PowerUsageError ||
    err instanceof OutputError || err instanceof WeightsFileError ||
    err instanceof LibertyError ||
    err instanceof ToolMissingError ||
    err instanceof ToolVersionError
  ) {
    process.stderr.write(`taxonn: ${err.message}\n`);
    process.exit(2);
  }
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`taxonn: internal error: ${msg.split('\n')[0]}\n`);
  if (process.env.TAXONN_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  process.exit(3);
}
