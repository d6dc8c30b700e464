/** `asCompleted(futures, { timeout })`: Python's `concurrent.futures.as_completed`, as an async iterator. */
import { TimeoutError } from '../errors.ts';
import { validateTimeout } from './call-options.ts';
import type { Future } from './future.ts';

export interface AsCompletedOptions {
  /**
   * Milliseconds from the call until every future must be done; past it the iterator throws `TimeoutError`.
   * @default no limit
   */
  readonly timeout?: number;
}

/**
 * Yields each future as it completes (finished or cancelled), those already done first. Duplicates are
 * yielded once. The iterator does not throw for a failed task: await the yielded future to get its error.
 * @example
 * ```ts
 * for await (const f of asCompleted(futures, { timeout: 5000 })) console.log(await f);
 * ```
 */
export async function* asCompleted<F extends Future<unknown>>(
  futures: Iterable<F>,
  options: AsCompletedOptions = {},
): AsyncGenerator<F, void, undefined> {
  const { timeout } = options;
  validateTimeout(timeout, '`timeout` in asCompleted(futures, options)');
  const deadline = timeout === undefined ? undefined : performance.now() + timeout;
  const pending = new Set(futures);
  const ready: F[] = [];
  let wake: (() => void) | undefined;

  for (const f of pending) {
    if (f.done()) ready.push(f);
  }
  for (const f of ready) pending.delete(f);
  for (const f of pending) {
    f.addDoneCallback(() => {
      if (!pending.delete(f)) return;
      ready.push(f);
      wake?.();
    });
  }

  let yielded = 0;
  const total = ready.length + pending.size;
  while (yielded < total) {
    if (ready.length === 0) {
      const remaining = deadline === undefined ? undefined : deadline - performance.now();
      if (remaining !== undefined && remaining <= 0) throw timeoutError(total - yielded, timeout!);
      await new Promise<void>((resolve, reject) => {
        const timer =
          remaining === undefined
            ? undefined
            : setTimeout(() => reject(timeoutError(total - yielded, timeout!)), remaining);
        wake = () => {
          wake = undefined;
          if (timer !== undefined) clearTimeout(timer);
          resolve();
        };
      });
    }
    while (ready.length > 0) {
      yielded++;
      yield ready.shift()!;
    }
  }
}

function timeoutError(unfinished: number, timeout: number): TimeoutError {
  return new TimeoutError(`${unfinished} of the futures did not complete within ${timeout} ms`);
}
