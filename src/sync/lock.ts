/**
 * `Lock`: Python's `threading.Lock` for the main thread and any number of worker threads, over two cells of
 * shared memory (the Mutex core, mutex.ts). It crosses to a thread worker as itself: pass it as a task argument.
 */
import { assertMayBlock } from '../core/may-block.ts';
import type { Shareable, ShareTarget, SharedWireForm } from '../core/shareable.ts';
import { kShare, registerShareable } from '../core/shareable.ts';
import { allocateCells, refuseProcess } from './cells.ts';
import { Guard, holdTimeout } from './guard.ts';
import { Mutex, MUTEX_CELLS } from './mutex.ts';
import type { AcquireOptions, AsyncWaitOptions, HoldOptions } from './options.ts';
import { acquireDeadline, asyncWait, holdDeadline, NO_WAIT } from './options.ts';

const KIND = 'spindle.Lock';

/** Memory a revived Lock adopts instead of allocating (set just around `new Lock()` in {@link reviveLock}). */
let adopted: Int32Array | undefined;
let mutexOf: (lock: Lock) => Mutex;

/**
 * A mutual-exclusion lock shared by the main thread and worker threads (Python's `threading.Lock`).
 *
 * - In a worker, `acquire()` / `hold()` block the thread until the lock is free, like Python's.
 * - On the main thread, blocking would freeze the event loop, so the blocking forms throw BlockingCallError
 *   (except `acquire({ blocking: false })` and `timeout: 0`, which never wait): use `acquireAsync()` /
 *   `holdAsync()` there.
 * - Pass it to a task like any argument (`pool.submit(bump, counter, lock)`, `new Thread(bump, lock)`, or
 *   nested in an object or array): the worker gets the same lock, not a copy. It cannot go to a process pool.
 *
 * Abandonment: the thread that acquired the lock is its holder. If that thread exits (a crash,
 * `process.exit()`, a terminated or cancelled worker) while holding it, the lock is marked abandoned and
 * every waiter, and every later `acquire`, throws LockAbandonedError (within ~100 ms) until `recover()` is
 * called: the data it guarded may be half-updated. Only threads Spindle started are watched; a task that
 * returns without releasing leaves its worker alive, and the lock held.
 *
 * @example
 * ```ts
 * // tasks.ts
 * export const bump = task(import.meta.url, (counter: Int32Array, lock: Lock, n: number) => {
 *   for (let i = 0; i < n; i++) {
 *     using _ = lock.hold();
 *     counter[0]++;
 *   }
 * });
 * // main.ts
 * const lock = new Lock();
 * const counter = new Int32Array(new SharedArrayBuffer(4));
 * await Promise.all(Array.from({ length: 10 }, () => pool.submit(bump, counter, lock, 100_000)));
 * ```
 */
export class Lock implements Shareable {
  readonly #cells: Int32Array;
  readonly #mutex: Mutex;

  /** A new, unlocked lock. Any thread may create one. */
  constructor() {
    this.#cells = adopted ?? allocateCells(MUTEX_CELLS);
    adopted = undefined;
    this.#mutex = new Mutex(this.#cells, 0, 'Lock');
  }

  static {
    mutexOf = (lock) => lock.#mutex;
  }

  /**
   * Acquires the lock, blocking this worker thread until it is free (Python's `acquire(blocking, timeout)`).
   * Returns true if acquired, false if `blocking` was false or `timeout` ran out first. Does not allocate.
   *
   * Caveats: on the main thread only the forms that never wait are allowed (`{ blocking: false }`,
   * `{ timeout: 0 }`); anything else throws BlockingCallError naming `acquireAsync()`. Not re-entrant: a
   * thread that acquires a lock it holds waits for itself (until the timeout); use an RLock for that.
   * Throws LockAbandonedError if the holder's thread died (see the class).
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
    assertMayBlock('Lock.acquire()', 'await lock.acquireAsync()');
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
   * Releases the lock. As in Python, any thread may release it, not only the one that acquired it.
   * Throws InvalidStateError if it is not locked, LockAbandonedError if it was abandoned.
   */
  release(): void {
    this.#mutex.unlock();
  }

  /** True if some thread holds the lock (or it was abandoned). A snapshot: it may change at once. */
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
      if (!this.#mutex.tryLock()) throw holdTimeout('Lock', 0);
    } else {
      assertMayBlock('Lock.hold()', 'await using _ = await lock.holdAsync()');
      if (!this.#mutex.lock(deadline)) throw holdTimeout('Lock', options?.timeout);
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
      if (!acquired) throw holdTimeout('Lock', options?.timeout);
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

  /** @internal How the lock crosses to a worker thread: its shared memory. Refuses process workers. */
  [kShare](target: ShareTarget): SharedWireForm {
    refuseProcess(target, 'Lock');
    return { kind: KIND, state: this.#cells.buffer };
  }
}

/** @internal A Lock over existing shared memory (a lock received from another thread). */
export function reviveLock(buffer: SharedArrayBuffer): Lock {
  adopted = new Int32Array(buffer);
  return new Lock();
}

/** @internal The Mutex under a Lock, for Condition. */
export function lockMutex(lock: Lock): Mutex {
  return mutexOf(lock);
}

registerShareable(KIND, reviveLock);
