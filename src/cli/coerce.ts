/**
 * Flag coercions shared by the commands: each turns a raw yargs value into a checked one or
 * throws a UsageError naming the flag (one line, exit 2). A repeated flag arrives as an array:
 * the last one wins (as for the configuration flags).
 */
import { UsageError } from './errors.js';

export const last = (v: unknown): unknown => (Array.isArray(v) ? v[v.length - 1] : v);

export const oneOf =
  <T extends string>(name: string, allowed: readonly T[]) =>
  (raw: unknown): T => {
    const v = last(raw);
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  };

/** A positive integer (undefined passes through, for flags without a default). */
export const positiveInt =
  (name: string) =>
  (raw: unknown): number => {
    const v = last(raw);
    if (v === undefined) return undefined as unknown as number;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got ${String(v)}`);
    return n;
  };

/** A positive number (undefined passes through). */
export const positiveNumber =
  (name: string) =>
  (raw: unknown): number | undefined => {
    const v = last(raw);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got ${String(v)}`);
    return n;
  };
