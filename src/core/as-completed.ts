/** `asCompleted(futures, { timeout })`: Python's `concurrent.futures.as_completed`, as an async iterator. */
import { TimeoutError } from '../errors.ts';
import { timerDelay, validateTimeout } from './call-options.ts';
import type { Future } from './future.ts';
import { futureSet } from './future-set.ts';
import { Fifo } from './fifo.ts';

export interface AsCompletedOptions {
  /**
   * Milliseconds from the call until every future must be done; past it the iterator throws `TimeoutError`.
   * @default no limit
   */
  readonly timeout?: number;
}

/**
 * Yields each future as it completes (finished or cancelled), those already done first; duplicates once.
 * It yields the futures themselves, never their results, and does not throw for a failed task: await the
 * future to get its value or error.
 *
 * (Not an `async function*`: a generator's `yield` awaits what it yields, which would unwrap the futures.)
 * @example
 * ```ts
 * for await (const f of asCompleted(futures, { timeout: 5000 })) console.log(await f);
 * ```
 */
export function asCompleted<F extends Future<unknown>>(
  futures: Iterable<F>,
  options: AsCompletedOptions = {},
): AsyncIterableIterator<F> {
  const all = futureSet(futures, options, ['timeout'], 'asCompleted(futures, options)');
  const { timeout } = options;
  validateTimeout(timeout, '`timeout` in asCompleted(futures, options)');
  return new CompletionIterator(all, timerDelay(timeout));
}

class CompletionIterator<F extends Future<unknown>> implements AsyncIterableIterator<F> {
  readonly #ready = new Fifo<F>();
  readonly #deadline: number | undefined;
  readonly #timeout: number | undefined;
  #remaining: number;
  #wake: (() => void) | undefined;
  #closed = false;

  constructor(futures: Set<F>, timeout: number | undefined) {
    this.#timeout = timeout;
    this.#deadline = timeout === undefined ? undefined : performance.now() + timeout;
    this.#remaining = futures.size;
    for (const f of futures) if (f.done()) this.#ready.push(f);
    for (const f of futures) {
      if (f.done()) continue;
      f.addDoneCallback(() => {
        if (this.#closed) return;
        this.#ready.push(f);
        this.#wake?.();
      });
    }
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<F, undefined>> {
    if (this.#closed || this.#remaining === 0) return this.#finish();
    if (this.#ready.size === 0) await this.#arrival();
    this.#remaining--;
    return { value: this.#ready.shift()!, done: false };
  }

  async return(): Promise<IteratorResult<F, undefined>> {
    return this.#finish();
  }

  #finish(): IteratorResult<F, undefined> {
    this.#closed = true;
    return { value: undefined, done: true };
  }

  #arrival(): Promise<void> {
    const left = this.#deadline === undefined ? undefined : this.#deadline - performance.now();
    if (left !== undefined && left <= 0) {
      this.#closed = true;
      return Promise.reject(this.#timeoutError());
    }
    return new Promise<void>((resolve, reject) => {
      const timer =
        left === undefined
          ? undefined
          : setTimeout(() => {
              this.#wake = undefined;
              this.#closed = true;
              reject(this.#timeoutError());
            }, left);
      this.#wake = () => {
        this.#wake = undefined;
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
    });
  }

  #timeoutError(): TimeoutError {
    return new TimeoutError(`${this.#remaining} of the futures did not complete within ${this.#timeout} ms`);
  }
}
