/**
 * `Event`: Python's `threading.Event`, a flag in shared memory that threads wait on until some thread sets it.
 *
 *   FLAG  1 while set
 *   SETS  bumped by every set() that changes the flag: waiters sleep on it, so a waiter woken by a set()
 *         returns true even if another thread clear()ed the flag before it ran (as in Python)
 */
import { assertMayBlock } from '../core/may-block.ts';
import type { Shareable, ShareTarget, SharedWireForm } from '../core/shareable.ts';
import { kShare, registerShareable } from '../core/shareable.ts';
import { allocateCells, refuseProcess } from './cells.ts';
import { waitSlice, waitSliceAsync, wake } from './futex.ts';
import type { AsyncWaitOptions } from './options.ts';
import { asyncWait, NO_WAIT, timeoutDeadline } from './options.ts';

const KIND = 'spindle.Event';
const FLAG = 0;
const SETS = 1;

let adopted: Int32Array | undefined;

/**
 * A flag shared by the main thread and worker threads (Python's `threading.Event`): `wait()` returns once some
 * thread has called `set()`, until someone calls `clear()`.
 *
 * - In a worker, `wait(timeout)` blocks the thread; on the main thread it throws BlockingCallError (except
 *   `wait(0)`, which only reads the flag): use `await event.waitAsync()` there.
 * - Passes to thread workers as itself (task argument, `Thread`, nested in objects); not to process pools.
 *
 * Abandonment does not apply: nobody holds an event.
 * @example
 * ```ts
 * const ready = new Event();
 * pool.submit(consumer, ready); // the task calls ready.wait() before it starts
 * await loadConfig();
 * ready.set();
 * ```
 */
export class Event implements Shareable {
  readonly #cells: Int32Array;

  /** A new event, not set. Any thread may create one. */
  constructor() {
    this.#cells = adopted ?? allocateCells(2);
    adopted = undefined;
  }

  /** True if the flag is set. */
  isSet(): boolean {
    return Atomics.load(this.#cells, FLAG) !== 0;
  }

  /** Sets the flag and wakes every thread waiting on it; waits that start from now on return at once. */
  set(): void {
    const cells = this.#cells;
    if (Atomics.exchange(cells, FLAG, 1) !== 0) return;
    Atomics.add(cells, SETS, 1);
    wake(cells, SETS);
  }

  /** Clears the flag: later waits block until the next `set()`. */
  clear(): void {
    Atomics.store(this.#cells, FLAG, 0);
  }

  /**
   * Blocks this worker thread until the flag is set or `timeout` (ms) runs out. Returns true if it was set
   * (even if cleared again since), false on timeout, as Python's. `wait(0)` only reads the flag.
   *
   * Caveat: on the main thread (other than `wait(0)`) throws BlockingCallError naming `waitAsync()`.
   * @example
   * ```ts
   * if (!stop.wait(100)) doMoreWork();
   * ```
   */
  wait(timeout?: number): boolean {
    const deadline = timeoutDeadline(timeout);
    if (deadline !== NO_WAIT) assertMayBlock('Event.wait()', 'await event.waitAsync()');
    const cells = this.#cells;
    const sets = Atomics.load(cells, SETS);
    while (!this.#signalled(sets)) {
      if (waitSlice(cells, SETS, sets, deadline) === 'timed-out') return this.#signalled(sets);
    }
    return true;
  }

  /**
   * Waits for the flag without blocking the thread. Resolves to true once set, false if `timeout` ran out;
   * rejects with `signal.reason` on abort. Allowed on every thread.
   * @example
   * ```ts
   * await ready.waitAsync({ timeout: 5_000 });
   * ```
   */
  waitAsync(options?: AsyncWaitOptions): Promise<boolean> {
    const { deadline, signal } = asyncWait(options);
    return this.#waitAsync(deadline, signal);
  }

  /** @internal How the event crosses to a worker thread. Refuses process workers. */
  [kShare](target: ShareTarget): SharedWireForm {
    refuseProcess(target, 'Event');
    return { kind: KIND, state: this.#cells.buffer };
  }

  async #waitAsync(deadline: number, signal: AbortSignal | undefined): Promise<boolean> {
    const cells = this.#cells;
    const sets = Atomics.load(cells, SETS);
    for (;;) {
      signal?.throwIfAborted();
      if (this.#signalled(sets)) return true;
      if ((await waitSliceAsync(cells, SETS, sets, deadline, signal)) === 'timed-out')
        return this.#signalled(sets);
    }
  }

  /** Set now, or set (and maybe cleared) since the waiter read `sets`. */
  #signalled(sets: number): boolean {
    return Atomics.load(this.#cells, FLAG) !== 0 || Atomics.load(this.#cells, SETS) !== sets;
  }
}

function revive(buffer: SharedArrayBuffer): Event {
  adopted = new Int32Array(buffer);
  return new Event();
}

registerShareable(KIND, revive);
