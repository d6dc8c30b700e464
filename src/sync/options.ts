/**
 * The options of the synchronisation primitives, validated once at the public boundary and turned into a
 * deadline on `performance.now()`'s clock (see futex.ts): internals only ever see deadlines.
 */
import { InvalidArgumentError } from '../errors.ts';
import { deadlineAfter } from './futex.ts';
import { rejectUnknownOptions } from '../core/known-options.ts';

/** Options of the blocking `acquire()` of a lock or semaphore (Python's `acquire(blocking, timeout)`). */
export interface AcquireOptions {
  /**
   * Wait until acquired (`true`) or only try once (`false`, allowed on the main thread too).
   * @default true
   */
  readonly blocking?: boolean;
  /**
   * The longest wait, in milliseconds; `Infinity` waits for ever and `0` only tries (which the main thread may do).
   * Not allowed with `blocking: false`, as in Python.
   * @default Infinity
   */
  readonly timeout?: number;
}

/** Options of the blocking `hold()` of a lock or semaphore. */
export interface HoldOptions {
  /**
   * The longest wait, in milliseconds, before `hold()` throws TimeoutError; `0` only tries.
   * @default Infinity
   */
  readonly timeout?: number;
}

/** Options of every async form (`acquireAsync`, `holdAsync`, `waitAsync`, ...), the ones the main thread uses. */
export interface AsyncWaitOptions {
  /**
   * The longest wait, in milliseconds; `Infinity` waits for ever.
   * @default Infinity
   */
  readonly timeout?: number;
  /** Aborting it ends the wait at once: the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}

/** The deadline of a call that must not wait at all (`blocking: false`, `timeout: 0`): it only tries. */
export const NO_WAIT = -Infinity;

/** Describes a bad value the way every Spindle error message does: `` `x` (type) ``. */
export function describe(value: unknown): string {
  let shown: string;
  try {
    shown = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  } catch {
    shown = Object.prototype.toString.call(value);
  }
  return `\`${shown}\` (${value === null ? 'null' : typeof value})`;
}

function checkObject(options: unknown): asserts options is Record<string, unknown> | undefined {
  if (options !== undefined && (typeof options !== 'object' || options === null))
    throw new InvalidArgumentError(`Expected \`options\` to be an object, got ${describe(options)}`);
}

/** A `timeout` given on its own (`wait(timeout)`): the deadline, NO_WAIT for 0. */
export function timeoutDeadline(timeout: number | undefined): number {
  const deadline = deadlineAfter(timeout);
  return timeout === 0 ? NO_WAIT : deadline;
}

/** `acquire(options)`: the deadline, or NO_WAIT for a call that only tries. */
export function acquireDeadline(options: AcquireOptions | undefined): number {
  if (options === undefined) return Infinity;
  checkObject(options);
  rejectUnknownOptions(options, ['blocking', 'timeout'], 'acquire(options)');
  const { blocking = true, timeout } = options;
  if (typeof blocking !== 'boolean')
    throw new InvalidArgumentError(`Expected \`blocking\` to be a boolean, got ${describe(blocking)}`);
  if (blocking) return timeoutDeadline(timeout);
  if (timeout !== undefined)
    throw new InvalidArgumentError(
      `Expected no \`timeout\` with \`blocking: false\` (a call that does not wait has nothing to time out), got ${describe(timeout)}`,
    );
  return NO_WAIT;
}

/** `hold(options)`: the deadline, or NO_WAIT for `timeout: 0`. */
export function holdDeadline(options: HoldOptions | undefined): number {
  if (options === undefined) return Infinity;
  checkObject(options);
  rejectUnknownOptions(options, ['timeout'], 'hold(options)');
  return timeoutDeadline(options.timeout);
}

/** The validated `{ timeout, signal }` of an async form. */
export interface AsyncWait {
  readonly deadline: number;
  readonly signal: AbortSignal | undefined;
}

const FOREVER: AsyncWait = { deadline: Infinity, signal: undefined };

export function asyncWait(options: AsyncWaitOptions | undefined): AsyncWait {
  if (options === undefined) return FOREVER;
  checkObject(options);
  rejectUnknownOptions(options, ['timeout', 'signal'], 'the options of an async wait');
  const { timeout, signal } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw new InvalidArgumentError(`Expected \`signal\` to be an AbortSignal, got ${describe(signal)}`);
  return { deadline: deadlineAfter(timeout), signal };
}
