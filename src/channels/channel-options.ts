/** Validation of channel and shared-data options at the public boundary, with the project's one message shape. */
import { InvalidArgumentError } from '../errors.ts';
import { rejectUnknownOptions } from '../core/known-options.ts';

/** The default hard cap on the bytes a queue or pipe direction holds at once. */
export const DEFAULT_CAPACITY_BYTES = 64 * 1024 * 1024;
export const MIN_CAPACITY_BYTES = 1024;
export const MAX_CAPACITY_BYTES = 1024 * 1024 * 1024;

/** How a rejected value reads in a message: `` `x` (type) ``. */
export function shown(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'bigint') text = `${value}n`;
  else if (typeof value === 'symbol' || typeof value === 'function') text = String(value);
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return `\`${text}\` (${value === null ? 'null' : typeof value})`;
}

/** Throws InvalidArgumentError unless `value` is an integer in [min, max]; `undefined` gives `fallback`. */
export function integerOption(
  name: string,
  value: unknown,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new InvalidArgumentError(
      `Expected \`${name}\` to be an integer from ${min} to ${max}, got ${shown(value)}`,
    );
  return value;
}

/**
 * Throws InvalidArgumentError unless `value` is an options object (or undefined) naming only `known` options.
 * @param where the call, for the message about an unknown option: `Queue.get(options)`
 */
export function optionsObject<O extends object>(
  name: string,
  value: O | undefined,
  known: readonly string[],
  where: string,
): Partial<O> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null)
    throw new InvalidArgumentError(`Expected \`${name}\` to be an object, got ${shown(value)}`);
  rejectUnknownOptions(value, known, where);
  return value;
}

/** Throws InvalidArgumentError unless `value` is a boolean; `undefined` gives `fallback`. */
export function booleanOption(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw new InvalidArgumentError(`Expected \`${name}\` to be a boolean, got ${shown(value)}`);
  return value;
}

/** Throws InvalidArgumentError unless `signal` is an AbortSignal (or undefined). */
export function signalOption(signal: unknown): AbortSignal | undefined {
  if (signal === undefined || signal instanceof AbortSignal) return signal;
  throw new InvalidArgumentError(`Expected \`signal\` to be an AbortSignal, got ${shown(signal)}`);
}
