/**
 * `ProcessLock`: Python's `multiprocessing.Lock`, a Lock (sync/lock.ts) that also works between processes,
 * over 8 bytes of POSIX shared memory (the ProcessMutex core, process-mutex.ts). It crosses to process and
 * thread workers as itself: pass it as a task argument. Its methods are MutexLock's (sync/mutex-lock.ts),
 * shared with Lock; this file places the mutex in shared memory and shares it.
 */
import type { Shareable, ShareTarget, SharedWireForm } from '../core/shareable.ts';
import { kShare, registerShareable } from '../core/shareable.ts';
import { callNames } from '../sync/call-names.ts';
import { MutexLock } from '../sync/mutex-lock.ts';
import type { Placement, PlacementOptions, PlacementState } from './placement.ts';
import { place, placementState, revivePlacement } from './placement.ts';
import { PROCESS_MUTEX_BYTES, ProcessMutex } from './process-mutex.ts';
import type { SharedMemory } from './shared-memory.ts';

const KIND = 'spindle.ProcessLock';
const NAMES = callNames('ProcessLock');

/** Options of `new ProcessLock()`. */
export type ProcessLockOptions = PlacementOptions;

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
export class ProcessLock extends MutexLock implements Shareable {
  /** The bytes a ProcessLock occupies in its block (at a multiple of 8). */
  static readonly BYTES = PROCESS_MUTEX_BYTES;

  readonly #placement: Placement;

  /**
   * The lock at `byteOffset` of `memory`, or a new lock in a block of its own. Making one at a place where a
   * lock already is (in this or another process) gives that same lock: the memory is its state, and fresh,
   * zero-filled memory is a free lock.
   * @throws InvalidArgumentError for bad options; NativeUnavailableError without the native addon.
   */
  constructor(options?: ProcessLockOptions) {
    const placement = adopted ?? place(options, ProcessLock.BYTES, 'ProcessLock');
    adopted = undefined;
    super(new ProcessMutex(placement.memory.buffer, placement.byteOffset, 'ProcessLock'), NAMES);
    this.#placement = placement;
  }

  /** The block the lock lives in. */
  get memory(): SharedMemory {
    return this.#placement.memory;
  }

  /** Where in {@link memory} the lock lives, in bytes. */
  get byteOffset(): number {
    return this.#placement.byteOffset;
  }

  /** @internal How the lock crosses to a worker: its block (by name, for a process) and its offset. */
  [kShare](target: ShareTarget): SharedWireForm {
    return { kind: KIND, state: placementState(this.#placement, target) };
  }
}

function revive(state: PlacementState): ProcessLock {
  adopted = revivePlacement(state);
  return new ProcessLock();
}

registerShareable(KIND, revive);
