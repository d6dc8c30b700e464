/**
 * The acquire / release / hold surface shared by the lock-like proxies (Lock, RLock, Condition, the
 * semaphores), mirroring the thread primitives' (sync/lock.ts): the same names, options and guards, with the
 * blocking forms for workers and the `...Async` forms for every thread.
 */
import { holdTimeout as holdTimeoutError } from '../../sync/guard.ts';
import type { AcquireOptions, AsyncWaitOptions, HoldOptions } from '../../sync/options.ts';
import { ProxyGuard } from './guard.ts';
import { ManagedProxy } from './managed-proxy.ts';
import { acquireTimeout, asyncOptions, holdTimeout } from './options.ts';

export abstract class AcquirableProxy extends ManagedProxy {
  /** How TimeoutError names what `hold()` could not take, e.g. `'managed Lock'`. */
  protected abstract get what(): string;

  /**
   * Acquires, blocking this worker until acquired (Python's `acquire(blocking, timeout)`). Returns false if
   * `blocking` was false or `timeout` ran out first.
   *
   * Caveat: every call is a round trip to the manager, so on the main thread even `{ blocking: false }` throws
   * BlockingCallError: use `acquireAsync()` there. Throws LockAbandonedError if the lock was abandoned.
   * @example
   * ```ts
   * if (lock.acquire({ timeout: 500 })) {
   *   try { update(); } finally { lock.release(); }
   * }
   * ```
   */
  acquire(options?: AcquireOptions): boolean {
    return this.callSync('acquire', [], acquireTimeout(options)) as boolean;
  }

  /**
   * Acquires without blocking the thread. Resolves to true once acquired, false if `timeout` ran out (`0`: only
   * tries); rejects with `signal.reason` if `signal` aborts first, having taken nothing. Any thread.
   * @example
   * ```ts
   * if (await lock.acquireAsync({ timeout: 1_000 })) {
   *   try { await update(); } finally { await lock.releaseAsync(); }
   * }
   * ```
   */
  acquireAsync(options?: AsyncWaitOptions): Promise<boolean> {
    return this.callAsync('acquire', [], asyncOptions(options)) as Promise<boolean>;
  }

  /** Releases, blocking this worker for the round trip. Throws as the thread primitive's `release()` does. */
  release(): void {
    this.callSync('release', []);
  }

  /** Releases without blocking the thread; rejects as `release()` throws. */
  releaseAsync(): Promise<void> {
    return this.callVoid('release', []);
  }

  /**
   * Acquires (blocking, like `acquire()`) and returns a guard that releases at the end of a `using` scope.
   * Throws TimeoutError if `timeout` runs out first.
   * @example
   * ```ts
   * using _ = lock.hold({ timeout: 1_000 }); // in a worker
   * ```
   */
  hold(options?: HoldOptions): ProxyGuard {
    if (!(this.callSync('acquire', [], holdTimeout(options), 'hold') as boolean))
      throw holdTimeoutError(this.what, options?.timeout);
    return new ProxyGuard(this);
  }

  /**
   * The async form of {@link hold}: resolves to a guard for `await using`; rejects with TimeoutError if
   * `timeout` runs out, with `signal.reason` on abort.
   * @example
   * ```ts
   * await using _ = await lock.holdAsync({ timeout: 1_000 }); // main thread
   * ```
   */
  holdAsync(options?: AsyncWaitOptions): Promise<ProxyGuard> {
    return this.acquireAsync(options).then((acquired) => {
      if (!acquired) throw holdTimeoutError(this.what, options?.timeout);
      return new ProxyGuard(this);
    });
  }
}

/** Lock, RLock and Condition: an owner, and abandonment when the owner's session closes. */
export abstract class LockLikeProxy extends AcquirableProxy {
  /** True if some session holds the lock (or it was abandoned). A snapshot. Blocking: workers. */
  locked(): boolean {
    return this.callSync('locked', []) as boolean;
  }

  /** The async form of {@link locked}. */
  lockedAsync(): Promise<boolean> {
    return this.callAsync('locked', []) as Promise<boolean>;
  }

  /**
   * Makes an abandoned lock usable again (free), once the program has checked the data it guards. Returns true
   * if it was abandoned, false (changing nothing) otherwise. Blocking: workers.
   */
  recover(): boolean {
    return this.callSync('recover', []) as boolean;
  }

  /** The async form of {@link recover}. */
  recoverAsync(): Promise<boolean> {
    return this.callAsync('recover', []) as Promise<boolean>;
  }
}
