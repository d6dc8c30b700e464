/**
 * What a proxy's `hold()` and `holdAsync()` return: a guard that gives the lock (or permit) back once, at the
 * end of a `using` scope (blocking: workers) or an `await using` scope (a round trip awaited: any thread).
 */

/** What a guard gives back: a managed lock, RLock, Condition's lock or one semaphore permit. */
export interface ProxyReleasable {
  release(): void;
  releaseAsync(): Promise<void>;
}

/**
 * Holds a managed lock (or one semaphore permit) until the end of a `using` / `await using` scope, or until
 * `release()` / `releaseAsync()`. Only the first release gives it back.
 *
 * Caveat: `using` releases with a blocking call, so on the main thread take the guard with `await using` (a
 * plain `using` there throws BlockingCallError at the end of the scope).
 * @example
 * ```ts
 * {
 *   await using _ = await lock.holdAsync({ timeout: 1_000 }); // main thread
 *   await counter.setAsync((await counter.getAsync()) + 1);
 * } // released here, even if the block throws
 * ```
 */
export class ProxyGuard implements Disposable, AsyncDisposable {
  #held: ProxyReleasable | undefined;

  /** @internal made by `hold()` / `holdAsync()` once the lock is taken. */
  constructor(held: ProxyReleasable) {
    this.#held = held;
  }

  /** True until released. */
  get held(): boolean {
    return this.#held !== undefined;
  }

  /** Releases now, blocking (workers only); later calls do nothing. */
  release(): void {
    const held = this.#take();
    held?.release();
  }

  /** Releases now without blocking the thread; later calls do nothing. */
  async releaseAsync(): Promise<void> {
    const held = this.#take();
    await held?.releaseAsync();
  }

  /** Called by `using` at scope end. */
  [Symbol.dispose](): void {
    this.release();
  }

  /** Called by `await using` at scope end. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.releaseAsync();
  }

  #take(): ProxyReleasable | undefined {
    const held = this.#held;
    this.#held = undefined;
    return held;
  }
}
