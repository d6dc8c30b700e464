/** Options for one task call, attached with `task.with(options)` or given to `map` for every call. */
import type { MessagePort } from 'node:worker_threads';
import { InvalidArgumentError } from '../errors.ts';
import { rejectUnknownOptions } from './known-options.ts';

/** Values whose ownership can be moved to a thread worker instead of copied. */
export type TransferItem = ArrayBuffer | MessagePort;

export interface CallOptions {
  /** Aborting the signal cancels the task: removed if queued, stopped (worker replaced) if running. */
  readonly signal?: AbortSignal;
  /**
   * Milliseconds the task may run before it is stopped and its future rejects with `TimeoutError`. Time spent
   * queued does not count.
   * @default no limit
   */
  readonly timeout?: number;
  /**
   * `ArrayBuffer`s (or ports) to move to a thread worker without copying; they are detached in the caller.
   * Ignored by process workers (which must copy) and `AsyncExecutor` (which shares memory anyway).
   */
  readonly transfer?: readonly TransferItem[];
}

const CALL_OPTIONS: readonly string[] = ['signal', 'timeout', 'transfer'];

/**
 * @internal Validates call options at the public boundary; one message shape for every option.
 * @param known the option names allowed there (`map` takes `concurrency` and no `transfer`)
 */
export function validateCallOptions(
  options: unknown,
  where: string,
  known: readonly string[] = CALL_OPTIONS,
): asserts options is CallOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`Expected ${where} to be an object, got \`${String(options)}\``);
  }
  rejectUnknownOptions(options, known, where);
  const { signal, timeout, transfer } = options as Record<string, unknown>;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidArgumentError(
      `Expected \`signal\` in ${where} to be an AbortSignal, got ${typeof signal}`,
    );
  }
  validateTimeout(timeout, `\`timeout\` in ${where}`);
  if (transfer !== undefined && !Array.isArray(transfer)) {
    throw new InvalidArgumentError(
      `Expected \`transfer\` in ${where} to be an array, got ${typeof transfer}`,
    );
  }
}

/** @internal */
export function validateTimeout(timeout: unknown, what: string): asserts timeout is number | undefined {
  if (timeout === undefined || timeout === Infinity) return;
  if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0 || timeout > MAX_TIMEOUT_MS) {
    throw new InvalidArgumentError(
      `Expected ${what} to be a number of milliseconds from 0 to ${MAX_TIMEOUT_MS} (or Infinity for no limit), ` +
        `got \`${String(timeout)}\` (${typeof timeout})`,
    );
  }
}

/** The longest delay Node's timers honour; a longer one would fire after 1 ms. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** @internal A validated timeout as a timer delay, or undefined for "no limit". */
export function timerDelay(timeout: number | undefined): number | undefined {
  return timeout === undefined || timeout === Infinity ? undefined : timeout;
}
