/** What `hold()` and `holdAsync()` return: a handle that releases what it holds exactly once. */
import { TimeoutError } from '../errors.ts';

/** Anything a guard can give back: a lock, or one permit of a semaphore. */
export interface Releasable {
  release(): void;
}

/**
 * Holds a lock (or one semaphore permit) until the end of a `using` / `await using` scope, or until
 * `release()`. Releasing twice is harmless: only the first call releases.
 * @example
 * ```ts
 * {
 *   using _ = lock.hold();
 *   counter[0]++;
 * } // released here, even if the block throws
 * ```
 */
export class Guard implements Disposable, AsyncDisposable {
  #held: Releasable | undefined;

  /** @internal made by `hold()` / `holdAsync()` once the lock is taken. */
  constructor(held: Releasable) {
    this.#held = held;
  }

  /** True until released. */
  get held(): boolean {
    return this.#held !== undefined;
  }

  /** Releases now (once; later calls do nothing). */
  release(): void {
    const held = this.#held;
    if (held === undefined) return;
    this.#held = undefined;
    held.release();
  }

  /** Called by `using` at scope end. */
  [Symbol.dispose](): void {
    this.release();
  }

  /** Called by `await using` at scope end; releasing never waits. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.release();
  }
}

/** The TimeoutError of a `hold()` that did not acquire in time. */
export function holdTimeout(what: string, timeout: number | undefined): TimeoutError {
  return new TimeoutError(`Could not acquire the ${what} within ${String(timeout ?? 0)} ms`);
}
