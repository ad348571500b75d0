/** How the CLI reports failures: one line on stderr, no stack trace, exit 2 for bad input. */

/** Bad input from the user (a flag, a file, a value): exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * The errors that mean bad input (by class name, so that this module loads none of the flows
 * that define them): a flag, a configuration, a file, a data set, a missing tool.
 */
const USER_ERRORS = new Set([
  'UsageError',
  'DesignErrors',
  'ConfigError',
  'DatasetError',
  'TrainUsageError',
  'SweepError',
  'PowerUsageError',
  'OutputError',
  'WeightsFileError',
  'LibertyError',
  'ToolMissingError',
  'ToolVersionError',
  'EstimateError',
  'SlurmError',
  'SerialPortError',
  'BoardLinkError',
]);

export function reportAndExit(err: unknown): never {
  if (err instanceof Error && USER_ERRORS.has(err.name)) {
    process.stderr.write(`taxonn: ${err.message}\n`);
    process.exit(2);
  }
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`taxonn: internal error: ${msg.split('\n')[0]}\n`);
  if (process.env.TAXONN_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  process.exit(3);
}
