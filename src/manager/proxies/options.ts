/**
 * The proxies' options, checked at the caller's boundary with the thread primitives' message shape and turned
 * into what the channel carries: a timeout in milliseconds (undefined: for ever; 0: only try) and a signal.
 */
import { InvalidArgumentError } from '../../errors.ts';
import type { GetOptions, PutOptions } from '../../channels/queue-options.ts';
import type { AcquireOptions, AsyncWaitOptions, HoldOptions } from '../../sync/options.ts';
import { describe } from '../../sync/options.ts';
import type { ChannelCallOptions } from '../types.ts';
import { rejectUnknownOptions } from '../../core/known-options.ts';

function checkObject(options: unknown): void {
  if (options !== undefined && (typeof options !== 'object' || options === null))
    throw new InvalidArgumentError(`Expected \`options\` to be an object, got ${describe(options)}`);
}

/** A timeout in ms: undefined (and Infinity) wait for ever. */
export function checkTimeout(timeout: unknown, name = 'timeout'): number | undefined {
  if (timeout === undefined || timeout === Infinity) return undefined;
  if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0)
    throw new InvalidArgumentError(
      `Expected \`${name}\` to be a number of milliseconds from 0 up (or Infinity), got ${describe(timeout)}`,
    );
  return timeout;
}

/** `acquire(options)`: `blocking: false` is a timeout of 0 (and may not come with a timeout, as in Python). */
export function acquireTimeout(options: AcquireOptions | undefined): number | undefined {
  if (options === undefined) return undefined;
  checkObject(options);
  rejectUnknownOptions(options, ['blocking', 'timeout'], 'acquire(options)');
  const { blocking = true, timeout } = options;
  if (typeof blocking !== 'boolean')
    throw new InvalidArgumentError(`Expected \`blocking\` to be a boolean, got ${describe(blocking)}`);
  if (blocking) return checkTimeout(timeout);
  if (timeout !== undefined)
    throw new InvalidArgumentError(
      `Expected no \`timeout\` with \`blocking: false\` (a call that does not wait has nothing to time out), got ${describe(timeout)}`,
    );
  return 0;
}

/** `hold(options)`. */
export function holdTimeout(options: HoldOptions | undefined): number | undefined {
  checkObject(options);
  if (options !== undefined) rejectUnknownOptions(options, ['timeout'], 'hold(options)');
  return checkTimeout(options?.timeout);
}

/**
 * A queue's `put` / `get` options: `block: false` is a timeout of 0 (any `timeout` is then ignored, as in Python).
 * @param extra options the call takes besides these (a priority queue's `priority`)
 */
export function queueTimeout(
  options: PutOptions | GetOptions | undefined,
  extra: readonly string[] = [],
): number | undefined {
  checkObject(options);
  if (options !== undefined) rejectUnknownOptions(options, ['block', 'timeout', ...extra], '`options`');
  const block = options?.block ?? true;
  if (typeof block !== 'boolean')
    throw new InvalidArgumentError(`Expected \`block\` to be a boolean, got ${describe(block)}`);
  return block ? checkTimeout(options?.timeout) : 0;
}

/** An async form's `{ timeout, signal }`, as the channel takes them; `extra`: as for {@link queueTimeout}. */
export function asyncOptions(
  options: AsyncWaitOptions | undefined,
  extra: readonly string[] = [],
): ChannelCallOptions | undefined {
  if (options === undefined) return undefined;
  checkObject(options);
  rejectUnknownOptions(options, ['timeout', 'signal', ...extra], '`options`');
  const timeout = checkTimeout(options.timeout);
  const { signal } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw new InvalidArgumentError(`Expected \`signal\` to be an AbortSignal, got ${describe(signal)}`);
  return { timeout, signal };
}

/** An integer argument from `min` up (to 2^31 - 1), as the thread primitives check `n`. */
export function checkCount(value: unknown, name: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 0x7fff_ffff)
    throw new InvalidArgumentError(
      `Expected \`${name}\` to be an integer from ${min} to ${0x7fff_ffff}, got ${describe(value)}`,
    );
  return value;
}

/** A list index (Python's: negative counts from the end). */
export function checkIndex(value: unknown, name = 'index'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new InvalidArgumentError(`Expected \`${name}\` to be an integer, got ${describe(value)}`);
  return value;
}
