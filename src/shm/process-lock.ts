/**
 * `ProcessLock`: Python's `multiprocessing.Lock`, a Lock (sync/lock.ts) that also works between processes,
 * over 8 bytes of POSIX shared memory (the ProcessMutex core, process-mutex.ts). It crosses to process and
 * thread workers as itself: pass it as a task argument.
 */
import { assertMayBlock } from '../core/may-block.ts';
import type { Shareable, ShareTarget, SharedWireForm } from '../core/shareable.ts';
import { kShare, registerShareable } from '../core/shareable.ts';
import { Guard, holdTimeout } from '../sync/guard.ts';
import type { AcquireOptions, AsyncWaitOptions, HoldOptions } from '../sync/options.ts';
import { acquireDeadline, asyncWait, holdDeadline, NO_WAIT } from '../sync/options.ts';
import type { Placement, PlacementOptions } from './placement.ts';
import { place } from './placement.ts';
import { PROCESS_MUTEX_BYTES, ProcessMutex } from './process-mutex.ts';
import type { SharedMemory, SharedMemoryState } from './shared-memory.ts';
import { reviveSharedMemory } from './shared-memory.ts';

const KIND = 'spindle.ProcessLock';

/** Options of `new ProcessLock()`. */
export type ProcessLockOptions = PlacementOptions;

interface ProcessLockState {
  readonly memory: SharedMemoryState;
  readonly byteOffset: number;
}

/** The placement a revived lock adopts (set just around `new ProcessLock()` in {@link revive}). */
let adopted: Placement | undefined;

/**
 * A mutual-exclusion lock shared by processes and threads (Python's `multiprocessing.Lock`): the main thread,
 * worker threads and other processes, all at once. It lives in shared memory, a small block of its own or 8
 * bytes at `byteOffset` of a {@link SharedMemory} you pass.
 *
 * - Blocking `acquire()` / `hold()` sleep in the kernel (a process-shared futex) while it is taken; on the main
 *   thread they throw BlockingCallError (except `{ blocking: false }` / `{ timeout: 0 }`): use
 *   `acquireAsync()` / `holdAsync()` there. A process worker's tasks may block.
 * - An uncontended acquire and release are one atomic compare-and-swap each, with no system call.
 * - Pass it to a task (`ProcessPoolExecutor`, `Process`, a thread pool): the worker gets the same lock. An
 *   unrelated process gets it with `new ProcessLock({ memory: SharedMemory.attach(name), byteOffset })`.
 *
 * Abandonment: the thread that acquired the lock is its holder. If its process dies (a crash,
 * `process.exit()`, SIGKILL) or, seen from its own process, its worker thread exits while holding the lock,
 * the waiters notice within ~100 ms: the lock is marked abandoned and every waiter, and every later
 * `acquire`, throws LockAbandonedError until `recover()` is called, since the data it guarded may be
 * half-updated. A thread of another process that exits while its process lives on is not seen from here (only
 * from its own process), nor are threads Spindle did not start: their waiters wait until their timeout.
 *
 * Caveat: Linux only (the native addon; NativeUnavailableError elsewhere or if it did not build).
 * @example
 * ```ts
 * // tasks.ts
 * export const bump = task(import.meta.url, (shm: SharedMemory, lock: ProcessLock, n: number) => {
 *   const counter = new Int32Array(shm.buffer);
 *   for (let i = 0; i < n; i++) {
 *     using _ = lock.hold();
 *     counter[0]++;
 *   }
 * });
 * // main.ts
 * const shm = new SharedMemory({ size: 64 });
 * const lock = new ProcessLock({ memory: shm, byteOffset: 8 });
 * await Promise.all(Array.from({ length: 4 }, () => processes.submit(bump, shm, lock, 100_000)));
 * ```
 */
export class ProcessLock implements Shareable {
  /** The bytes a ProcessLock occupies in its block (at a multiple of 8). */
  static readonly BYTES = PROCESS_MUTEX_BYTES;

  readonly #memory: SharedMemory;
  readonly #byteOffset: number;
  readonly #mutex: ProcessMutex;

  /**
   * The lock at `byteOffset` of `memory`, or a new lock in a block of its own. Making one at a place where a
   * lock already is (in this or another process) gives that same lock: the memory is its state, and fresh,
   * zero-filled memory is a free lock.
   * @throws InvalidArgumentError for bad options; NativeUnavailableError without the native addon.
   */
  constructor(options?: ProcessLockOptions) {
    const placement = adopted ?? place(options, ProcessLock.BYTES, 'ProcessLock');
    adopted = undefined;
    this.#memory = placement.memory;
    this.#byteOffset = placement.byteOffset;
    this.#mutex = new ProcessMutex(placement.memory.buffer, placement.byteOffset, 'ProcessLock');
  }

  /** The block the lock lives in. */
  get memory(): SharedMemory {
    return this.#memory;
  }

  /** Where in {@link memory} the lock lives, in bytes. */
  get byteOffset(): number {
    return this.#byteOffset;
  }

  /**
   * Acquires the lock, blocking this thread (a worker thread or process) until it is free. Returns true if
   * acquired, false if `blocking` was false or `timeout` ran out first.
   *
   * Caveats: on the main thread only the forms that never wait are allowed (`{ blocking: false }`,
   * `{ timeout: 0 }`); anything else throws BlockingCallError naming `acquireAsync()`. Not re-entrant.
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
    assertMayBlock('ProcessLock.acquire()', 'await lock.acquireAsync()');
    return this.#mutex.lock(deadline);
  }

  /**
   * Acquires the lock without blocking the thread: the event loop runs while it waits. Resolves to true once
   * acquired, false if `timeout` ran out; rejects with `signal.reason` if `signal` aborts (the lock is then not
   * taken). Allowed on every thread.
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
   * Releases the lock. As in Python, any thread or process may release it, not only the one that acquired it.
   * Throws InvalidStateError if it is not locked, LockAbandonedError if it was abandoned.
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
      if (!this.#mutex.tryLock()) throw holdTimeout('ProcessLock', 0);
    } else {
      assertMayBlock('ProcessLock.hold()', 'await using _ = await lock.holdAsync()');
      if (!this.#mutex.lock(deadline)) throw holdTimeout('ProcessLock', options?.timeout);
    }
    return new Guard(this);
  }

  /**
   * The async form of {@link hold}: resolves to a guard for `await using`, rejects with TimeoutError if
   * `timeout` runs out, with `signal.reason` on abort.
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
      if (!acquired) throw holdTimeout('ProcessLock', options?.timeout);
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

  /** @internal How the lock crosses to a worker: its block (by name, for a process) and its offset. */
  [kShare](target: ShareTarget): SharedWireForm {
    const state: ProcessLockState = {
      memory: this.#memory[kShare](target).state as SharedMemoryState,
      byteOffset: this.#byteOffset,
    };
    return { kind: KIND, state };
  }
}

function revive(state: ProcessLockState): ProcessLock {
  adopted = { memory: reviveSharedMemory(state.memory), byteOffset: state.byteOffset };
  return new ProcessLock();
}

registerShareable(KIND, revive);
