/**
 * `RLock`: Python's `threading.RLock`, a lock its owning thread may acquire again; it is free once released as
 * many times as acquired. Built on the Mutex core (mutex.ts) plus one cell for the recursion count, which only
 * the owner touches (the mutex's atomic hand-over orders it between owners).
 */
import { InvalidStateError, LockAbandonedError } from '../errors.ts';
import { assertMayBlock } from '../core/may-block.ts';
import type { Shareable, ShareTarget, SharedWireForm } from '../core/shareable.ts';
import { kShare, registerShareable } from '../core/shareable.ts';
import { allocateCells, refuseProcess } from './cells.ts';
import { Guard, holdTimeout } from './guard.ts';
import { Mutex, MUTEX_CELLS } from './mutex.ts';
import type { AcquireOptions, AsyncWaitOptions, HoldOptions } from './options.ts';
import { acquireDeadline, asyncWait, holdDeadline, NO_WAIT } from './options.ts';

const KIND = 'spindle.RLock';
/** The cell after the mutex's two: how many times the owner has acquired it. */
export const RLOCK_COUNT = MUTEX_CELLS;

let adopted: Int32Array | undefined;
let partsOf: (lock: RLock) => RLockParts;

/** @internal What Condition needs to release an RLock fully and restore it. */
export interface RLockParts {
  readonly mutex: Mutex;
  readonly cells: Int32Array;
}

/**
 * A re-entrant lock shared by the main thread and worker threads (Python's `threading.RLock`): the thread that
 * holds it may acquire it again, and must release it as many times.
 *
 * Same surface and rules as {@link Lock} (blocking forms in workers, async forms on the main thread, passes to
 * thread workers as itself), with two differences: the owner is a thread, and only the owner may release
 * (another thread gets InvalidStateError).
 *
 * Abandonment: as for Lock. If the owning thread exits while holding it (at any depth), the RLock is
 * abandoned: every waiter and later acquire throws LockAbandonedError until `recover()`, which frees it with
 * its count back to zero.
 *
 * Caveat for async code: on the main thread every async function is the same thread, so a second
 * `await rlock.acquireAsync()` from another async function succeeds at once (re-entry) instead of waiting.
 * To exclude async functions of one thread from each other, use a Lock.
 * @example
 * ```ts
 * const rlock = new RLock();
 * // in a worker:
 * using _outer = rlock.hold();
 * using _inner = rlock.hold(); // same thread: does not wait
 * ```
 */
export class RLock implements Shareable {
  readonly #cells: Int32Array;
  readonly #mutex: Mutex;

  /** A new, unlocked re-entrant lock. Any thread may create one. */
  constructor() {
    this.#cells = adopted ?? allocateCells(MUTEX_CELLS + 1);
    adopted = undefined;
    this.#mutex = new Mutex(this.#cells, 0, 'RLock');
  }

  static {
    partsOf = (lock) => ({ mutex: lock.#mutex, cells: lock.#cells });
  }

  /**
   * Acquires the lock (again, if this thread owns it: that never waits). Blocks this worker thread until
   * acquired; returns false if `blocking` was false or `timeout` ran out. Does not allocate.
   *
   * Caveat: on the main thread only `{ blocking: false }` / `{ timeout: 0 }` are allowed; otherwise
   * BlockingCallError names `acquireAsync()`. Throws LockAbandonedError if the owner's thread died.
   * @example
   * ```ts
   * if (rlock.acquire({ timeout: 500 })) {
   *   try { update(); } finally { rlock.release(); }
   * }
   * ```
   */
  acquire(options?: AcquireOptions): boolean {
    const deadline = acquireDeadline(options);
    // Checked even when re-entry would not wait, so a main-thread caller learns on the first run, not under load.
    if (deadline !== NO_WAIT) assertMayBlock('RLock.acquire()', 'await rlock.acquireAsync()');
    if (this.#reenter()) return true;
    return this.#took(deadline === NO_WAIT ? this.#mutex.tryLock() : this.#mutex.lock(deadline));
  }

  /**
   * Acquires the lock without blocking the thread (again at once if this thread owns it). Resolves to false if
   * `timeout` ran out; rejects with `signal.reason` on abort (not acquired then). Allowed on every thread.
   * @example
   * ```ts
   * if (await rlock.acquireAsync({ timeout: 1_000 })) {
   *   try { update(); } finally { rlock.release(); }
   * }
   * ```
   */
  acquireAsync(options?: AsyncWaitOptions): Promise<boolean> {
    const { deadline, signal } = asyncWait(options);
    if (signal?.aborted !== true && this.#reenter()) return Promise.resolve(true);
    return this.#mutex.lockAsync(deadline, signal).then((acquired) => this.#took(acquired));
  }

  /**
   * Releases one level; the lock is free once released as many times as it was acquired. Throws
   * InvalidStateError if it is not held, or held by another thread; LockAbandonedError if it was abandoned.
   */
  release(): void {
    const mutex = this.#mutex;
    if (!mutex.heldByMe) throw this.#notOwner();
    const count = this.#cells[RLOCK_COUNT]! - 1;
    this.#cells[RLOCK_COUNT] = count;
    if (count === 0) mutex.unlock();
  }

  /** True if some thread holds the lock (or it was abandoned). A snapshot. */
  locked(): boolean {
    return this.#mutex.locked;
  }

  /**
   * Acquires (like `acquire()`) and returns a guard that releases one level at the end of a `using` scope.
   * Throws TimeoutError if `timeout` runs out, BlockingCallError on the main thread (unless `timeout: 0`).
   * @example
   * ```ts
   * using _ = rlock.hold();
   * ```
   */
  hold(options?: HoldOptions): Guard {
    const deadline = holdDeadline(options);
    if (deadline !== NO_WAIT) assertMayBlock('RLock.hold()', 'await using _ = await rlock.holdAsync()');
    if (this.#reenter()) return new Guard(this);
    const acquired = deadline === NO_WAIT ? this.#mutex.tryLock() : this.#mutex.lock(deadline);
    if (!this.#took(acquired)) throw holdTimeout('RLock', options?.timeout);
    return new Guard(this);
  }

  /**
   * The async form of {@link hold}: a guard for `await using`; rejects with TimeoutError if `timeout` runs out,
   * with `signal.reason` on abort.
   * @example
   * ```ts
   * await using _ = await rlock.holdAsync();
   * ```
   */
  holdAsync(options?: AsyncWaitOptions): Promise<Guard> {
    return this.acquireAsync(options).then((acquired) => {
      if (!acquired) throw holdTimeout('RLock', options?.timeout);
      return new Guard(this);
    });
  }

  /**
   * Makes an abandoned RLock usable again: free, count zero. Returns true if it was abandoned, false (changing
   * nothing) otherwise.
   */
  recover(): boolean {
    return this.#mutex.recover();
  }

  /** @internal How the lock crosses to a worker thread. Refuses process workers. */
  [kShare](target: ShareTarget): SharedWireForm {
    refuseProcess(target, 'RLock');
    return { kind: KIND, state: this.#cells.buffer };
  }

  /** If this thread owns the lock: one level deeper. */
  #reenter(): boolean {
    if (!this.#mutex.heldByMe) return false;
    this.#cells[RLOCK_COUNT]!++;
    return true;
  }

  /** After taking the mutex afresh: the first level. (A stale count from an abandoned owner is overwritten.) */
  #took(acquired: boolean): boolean {
    if (acquired) this.#cells[RLOCK_COUNT] = 1;
    return acquired;
  }

  #notOwner(): Error {
    const mutex = this.#mutex;
    if (mutex.abandoned)
      return new LockAbandonedError(
        'This RLock was abandoned: its owning thread exited without releasing it, so what it guards may be ' +
          'half-updated. Check that data, then call recover() to use it again.',
      );
    const owner = mutex.ownerThreadId;
    if (owner < 0) return new InvalidStateError('Cannot release an RLock that is not held');
    return new InvalidStateError(
      `Cannot release an RLock owned by another thread (thread ${owner}): only the thread that acquired it may`,
    );
  }
}

/** @internal An RLock over existing shared memory (received from another thread). */
export function reviveRLock(buffer: SharedArrayBuffer): RLock {
  adopted = new Int32Array(buffer);
  return new RLock();
}

/** @internal The mutex and cells under an RLock, for Condition. */
export function rlockParts(lock: RLock): RLockParts {
  return partsOf(lock);
}

registerShareable(KIND, reviveRLock);
