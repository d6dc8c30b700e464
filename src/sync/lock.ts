/**
 * `Lock`: Python's `threading.Lock` for the main thread and any number of worker threads, over one cell of
 * shared memory (the Mutex core, mutex.ts). It crosses to a thread worker as itself: pass it as a task argument.
 * Its methods are MutexLock's (mutex-lock.ts), shared with ProcessLock; this file places the mutex and shares it.
 */
import type { Shareable, ShareTarget, SharedWireForm } from '../core/shareable.ts';
import { kShare, registerShareable } from '../core/shareable.ts';
import { callNames } from './call-names.ts';
import { allocateCells, refuseProcess } from './cells.ts';
import { Mutex, MUTEX_CELLS } from './mutex.ts';
import { MutexLock } from './mutex-lock.ts';

const KIND = 'spindle.Lock';
const NAMES = callNames('Lock');

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
export class Lock extends MutexLock implements Shareable {
  readonly #cells: Int32Array;
  readonly #mutex: Mutex;

  /** A new, unlocked lock. Any thread may create one. */
  constructor() {
    const cells = adopted ?? allocateCells(MUTEX_CELLS);
    adopted = undefined;
    const mutex = new Mutex(cells, 0, 'Lock');
    super(mutex, NAMES);
    this.#cells = cells;
    this.#mutex = mutex;
  }

  static {
    mutexOf = (lock) => lock.#mutex;
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
