/**
 * `Semaphore` and `BoundedSemaphore`: Python's counting semaphores over three cells of shared memory. Their
 * counting and methods are CountingSemaphore's (counting-semaphore.ts), shared with ProcessSemaphore; this file
 * gives them memory of their own, has waiters sleep with `Atomics.wait`, and shares them with worker threads.
 */
import type { Shareable, ShareTarget, SharedWireForm } from '../core/shareable.ts';
import { kShare, registerShareable } from '../core/shareable.ts';
import { callNames } from './call-names.ts';
import { allocateCells, refuseProcess } from './cells.ts';
import type { PermitWaits } from './counting-semaphore.ts';
import {
  checkCount,
  CountingSemaphore,
  initPermits,
  isBounded,
  PERMIT_CELLS,
  semaphoreType,
} from './counting-semaphore.ts';
import { waitSlice, waitSliceAsync, wake } from './futex.ts';

const NAMES = callNames('Semaphore');
// BlockingCallError has always named a BoundedSemaphore's blocking calls `Semaphore.acquire()` / `.hold()`.
const BOUNDED_NAMES = callNames('BoundedSemaphore', 'Semaphore');

/** Only threads of this process ever wait on these cells: `Atomics.wait` on VALUE, their first. */
const THREAD_WAITS: PermitWaits = {
  wait: (permits, deadline) => waitSlice(permits, 0, 0, deadline),
  waitAsync: (permits, deadline, signal) => waitSliceAsync(permits, 0, 0, deadline, signal),
  wake: (permits, count) => wake(permits, 0, count),
};

let adopted: Int32Array | undefined;

/**
 * A counting semaphore shared by the main thread and worker threads (Python's `threading.Semaphore`):
 * `acquire()` takes a permit, waiting while there is none; `release(n)` gives permits back.
 *
 * - In a worker, `acquire()` / `hold()` block the thread; on the main thread they throw BlockingCallError
 *   (except `{ blocking: false }` / `{ timeout: 0 }`): use `acquireAsync()` / `holdAsync()`.
 * - Passes to thread workers as itself (task argument, `Thread`, nested in objects); not to process pools.
 *
 * Abandonment: permits have no owner (any thread may release, as in Python), so a permit taken by a thread
 * that then dies is simply never returned: the semaphore keeps one permit fewer. Tracking permits per thread
 * would cost every acquire a shared table; bound your waits with a timeout where workers may crash.
 * @example
 * ```ts
 * const slots = new Semaphore(3); // at most 3 workers in the section at once
 * // in a task:
 * using _ = slots.hold();
 * await download();
 * ```
 */
export class Semaphore extends CountingSemaphore implements Shareable {
  readonly #cells: Int32Array;

  /**
   * @param value the permits available at first, an integer from 0 up.
   * @default 1
   */
  constructor(value = 1) {
    let cells = adopted;
    adopted = undefined;
    if (cells === undefined) {
      checkCount(value, 'value', 0);
      cells = allocateCells(PERMIT_CELLS);
      initPermits(cells, value, new.target === BoundedSemaphore);
    }
    super(cells, THREAD_WAITS, isBounded(cells) ? BOUNDED_NAMES : NAMES);
    this.#cells = cells;
  }

  /** @internal How the semaphore crosses to a worker thread. Refuses process workers. */
  [kShare](target: ShareTarget): SharedWireForm {
    const type = semaphoreType(this);
    refuseProcess(target, type);
    return { kind: `spindle.${type}`, state: this.#cells.buffer };
  }
}

/**
 * A semaphore that refuses to be released above its initial value (Python's `threading.BoundedSemaphore`):
 * an over-release, which is almost always a bug (a permit released twice), throws InvalidStateError instead
 * of silently raising the limit. Everything else is as {@link Semaphore}.
 * @example
 * ```ts
 * const pool = new BoundedSemaphore(2);
 * pool.release(); // InvalidStateError: released too many times
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  /**
   * @param value the permits available at first, and the most it may ever hold; an integer from 0 up.
   * @default 1
   */
  constructor(value = 1) {
    super(value);
  }
}

/** @internal A Semaphore or BoundedSemaphore over existing shared memory (received from another thread). */
function revive(buffer: SharedArrayBuffer): Semaphore {
  adopted = new Int32Array(buffer);
  return isBounded(adopted) ? new BoundedSemaphore() : new Semaphore();
}

registerShareable('spindle.Semaphore', revive);
registerShareable('spindle.BoundedSemaphore', revive);
