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

/** An integer ≥ min (undefined passes through, for flags without a default); `what` names the rule. */
const intAtLeast =
  (name: string, min: number, what: string) =>
  (raw: unknown): number => {
    const v = last(raw);
    if (v === undefined) return undefined as unknown as number;
    const n = typeof v === 'string' && v.trim() === '' ? NaN : Number(v);
    if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be ${what}, got ${String(v)}`);
    return n;
  };

/** A positive integer (undefined passes through, for flags without a default). */
export const positiveInt = (name: string) => intAtLeast(name, 1, 'a positive integer');

/** A non-negative integer (undefined passes through). */
export const nonNegativeInt = (name: string) => intAtLeast(name, 0, 'a non-negative integer');

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

/** A fraction in 0..1 (e.g. --faults). */
export const fraction =
  (name: string) =>
  (raw: unknown): number => {
    const v = last(raw);
    const n = typeof v === 'string' && v.trim() === '' ? NaN : Number(v);
    if (typeof v === 'boolean' || !Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`--${name} must be a fraction in 0..1, got ${String(v)}`);
    return n;
  };
