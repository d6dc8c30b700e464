/**
 * What `Lock` (threads, over a Mutex) and `ProcessLock` (processes too, over a ProcessMutex) share: their whole
 * public face, written once over the small core interface both mutexes satisfy. Options are validated and
 * turned into deadlines here, the main-thread rule is enforced here, and guards are made here; a subclass
 * only says where its mutex lives and how it crosses to a worker.
 *
 * The hot path stays as short as it was with the methods written out per class: one call into the core, and
 * the message names come ready-made from a per-class constant (call-names.ts), so no call allocates.
 */
import { assertMayBlock } from '../core/may-block.ts';
import type { CallNames } from './call-names.ts';
import { Guard, holdTimeout } from './guard.ts';
import type { AcquireOptions, AsyncWaitOptions, HoldOptions } from './options.ts';
import { acquireDeadline, asyncWait, holdDeadline, NO_WAIT } from './options.ts';

/** The mutual-exclusion core under a lock: Mutex (mutex.ts) and ProcessMutex (shm/process-mutex.ts). */
export interface MutexCore {
  /** True if someone holds it (or it was abandoned). */
  readonly locked: boolean;
  /** Takes the mutex if it is free. Throws LockAbandonedError if it was abandoned. */
  tryLock(): boolean;
  /** Blocks this thread until the mutex is taken (true) or `deadline` passes (false). */
  lock(deadline: number): boolean;
  /** The promise form of `lock`; an abort of `signal` rejects with `signal.reason`. */
  lockAsync(deadline: number, signal?: AbortSignal): Promise<boolean>;
  /** Releases the mutex, waking a waiter if any. Throws InvalidStateError if it is not locked. */
  unlock(): void;
  /** Makes an abandoned mutex usable again. Returns false if it was not abandoned. */
  recover(): boolean;
}

/** The BlockingCallError hints: every lock's docs call their variable `lock`. */
const ACQUIRE_ASYNC = 'await lock.acquireAsync()';
const HOLD_ASYNC = 'await using _ = await lock.holdAsync()';

/**
 * A mutual-exclusion lock over a {@link MutexCore}: the methods of `Lock` and `ProcessLock`. Not exported from
 * the package: neither kind is the other, and users name the one they hold.
 */
export abstract class MutexLock {
  readonly #mutex: MutexCore;
  readonly #names: CallNames;

  /**
   * @param mutex the core, already placed in its memory
   * @param names how messages name the subclass (`callNames('Lock')`)
   */
  protected constructor(mutex: MutexCore, names: CallNames) {
    this.#mutex = mutex;
    this.#names = names;
  }

  /**
   * Acquires the lock, blocking this thread (a worker thread, or a process worker for a ProcessLock) until it
   * is free, like Python's `acquire(blocking, timeout)`. Returns true if acquired, false if `blocking` was false
   * or `timeout` ran out first. A Lock's acquire does not allocate.
   *
   * Caveats: on the main thread only the forms that never wait are allowed (`{ blocking: false }`,
   * `{ timeout: 0 }`); anything else throws BlockingCallError naming `acquireAsync()`. Not re-entrant: a
   * thread that acquires a lock it holds waits for itself (until the timeout); use an RLock for that.
   * Throws LockAbandonedError if the holder died (see the class).
   * @example
   * ```ts
   * if (lock.acquire({ timeout: 500 })) {
   *   try { update(); } finally { lock.release(); }
   * }
   * ```
   */
  acquire(options?: AcquireOptions): boolean {
    const deadline = acquireDeadline(options);
    if (deadline === NO_WAIT) return this.#mutex.tryLock();
    assertMayBlock(this.#names.acquire, ACQUIRE_ASYNC);
    return this.#mutex.lock(deadline);
  }

  /**
   * Acquires the lock without blocking the thread: the event loop runs while it waits. Resolves to true once
   * acquired, false if `timeout` ran out; rejects with `signal.reason` if `signal` aborts (the lock is then not
   * taken). Allowed on every thread.
   *
   * Caveat: the lock has no notion of which async function holds it; every async function on a thread is that
   * thread.
   * @example
   * ```ts
   * if (await lock.acquireAsync({ timeout: 1_000 })) {
   *   try { update(); } finally { lock.release(); }
   * }
   * ```
   */
  acquireAsync(options?: AsyncWaitOptions): Promise<boolean> {
    const { deadline, signal } = asyncWait(options);
    return this.#mutex.lockAsync(deadline, signal);
  }

  /**
   * Releases the lock. As in Python, any thread (or, for a ProcessLock, any process) may release it, not only
   * the one that acquired it. Throws InvalidStateError if it is not locked, LockAbandonedError if it was
   * abandoned.
   */
  release(): void {
    this.#mutex.unlock();
  }

  /** True if someone holds the lock (or it was abandoned). A snapshot: it may change at once. */
  locked(): boolean {
    return this.#mutex.locked;
  }

  /**
   * Acquires the lock (blocking, like `acquire()`) and returns a guard that releases it at the end of a
   * `using` scope. Throws TimeoutError if `timeout` runs out first, BlockingCallError on the main thread
   * (unless `timeout: 0`).
   * @example
   * ```ts
   * {
   *   using _ = lock.hold({ timeout: 1_000 });
   *   counter[0]++;
   * } // released here
   * ```
   */
  hold(options?: HoldOptions): Guard {
    const deadline = holdDeadline(options);
    if (deadline === NO_WAIT) {
      if (!this.#mutex.tryLock()) throw holdTimeout(this.#names.type, 0);
    } else {
      assertMayBlock(this.#names.hold, HOLD_ASYNC);
      if (!this.#mutex.lock(deadline)) throw holdTimeout(this.#names.type, options?.timeout);
    }
    return new Guard(this);
  }

  /**
   * The async form of {@link hold}, for the main thread (and any other): resolves to a guard for
   * `await using`, rejects with TimeoutError if `timeout` runs out, with `signal.reason` on abort.
   * @example
   * ```ts
   * {
   *   await using _ = await lock.holdAsync({ timeout: 1_000 });
   *   counter[0]++;
   * }
   * ```
   */
  holdAsync(options?: AsyncWaitOptions): Promise<Guard> {
    const { deadline, signal } = asyncWait(options);
    return this.#mutex.lockAsync(deadline, signal).then((acquired) => {
      if (!acquired) throw holdTimeout(this.#names.type, options?.timeout);
      return new Guard(this);
    });
  }

  /**
   * Makes an abandoned lock usable again (unlocked), once the program has checked or repaired the data it
   * guards. Returns true if it was abandoned, false (changing nothing) otherwise.
   */
  recover(): boolean {
    return this.#mutex.recover();
  }
}
