/**
 * `Semaphore` and `BoundedSemaphore`: Python's counting semaphores over three cells of shared memory.
 *
 *   VALUE    permits available; acquirers futex-wait on it while it is 0
 *   WAITERS  acquirers inside the slow path, so release() only makes the wake-up system call when one may sleep
 *   BOUND    the most permits a BoundedSemaphore may hold, -1 for a plain Semaphore
 *
 * A waiter counts itself in WAITERS before it checks VALUE, and release() adds to VALUE before it reads
 * WAITERS (both sequentially consistent): either the waiter sees the permit or the releaser sees the waiter,
 * and `Atomics.wait` re-checks VALUE atomically before sleeping, so no wake-up is lost.
 */
import { InvalidArgumentError, InvalidStateError } from '../errors.ts';
import { assertMayBlock } from '../core/may-block.ts';
import type { Shareable, ShareTarget, SharedWireForm } from '../core/shareable.ts';
import { kShare, registerShareable } from '../core/shareable.ts';
import { allocateCells, refuseProcess } from './cells.ts';
import { waitSlice, waitSliceAsync, wake } from './futex.ts';
import { Guard, holdTimeout } from './guard.ts';
import type { AcquireOptions, AsyncWaitOptions, HoldOptions } from './options.ts';
import { acquireDeadline, asyncWait, describe, holdDeadline, NO_WAIT } from './options.ts';

const VALUE = 0;
const WAITERS = 1;
const BOUND = 2;
const CELLS = 3;
const UNBOUNDED = -1;
const MAX_VALUE = 0x7fff_ffff;

let adopted: Int32Array | undefined;

function checkCount(value: unknown, what: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_VALUE)
    throw new InvalidArgumentError(
      `Expected \`${what}\` to be an integer from ${min} to ${MAX_VALUE}, got ${describe(value)}`,
    );
  return value;
}

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
export class Semaphore implements Shareable {
  readonly #cells: Int32Array;

  /**
   * @param value the permits available at first, an integer from 0 up.
   * @default 1
   */
  constructor(value = 1) {
    const cells = adopted;
    adopted = undefined;
    if (cells !== undefined) {
      this.#cells = cells;
      return;
    }
    checkCount(value, 'value', 0);
    this.#cells = allocateCells(CELLS);
    this.#cells[VALUE] = value;
    this.#cells[BOUND] = new.target === BoundedSemaphore ? value : UNBOUNDED;
  }

  /** Permits available right now (a snapshot: other threads may take or give some at any moment). */
  get value(): number {
    return Atomics.load(this.#cells, VALUE);
  }

  /**
   * Takes one permit, blocking this worker thread while there is none. Returns false if `blocking` was false or
   * `timeout` ran out first. Does not allocate.
   *
   * Caveat: on the main thread only `{ blocking: false }` / `{ timeout: 0 }` are allowed; otherwise
   * BlockingCallError names `acquireAsync()`.
   * @example
   * ```ts
   * if (slots.acquire({ timeout: 1_000 })) {
   *   try { work(); } finally { slots.release(); }
   * }
   * ```
   */
  acquire(options?: AcquireOptions): boolean {
    const deadline = acquireDeadline(options);
    if (deadline !== NO_WAIT) assertMayBlock('Semaphore.acquire()', 'await semaphore.acquireAsync()');
    return this.#take(deadline);
  }

  #take(deadline: number): boolean {
    if (this.#tryTake()) return true;
    if (deadline === NO_WAIT) return false;
    const cells = this.#cells;
    Atomics.add(cells, WAITERS, 1);
    try {
      for (;;) {
        if (this.#tryTake()) return true;
        if (waitSlice(cells, VALUE, 0, deadline) === 'timed-out') return this.#tryTake();
      }
    } finally {
      Atomics.sub(cells, WAITERS, 1);
    }
  }

  /**
   * Takes one permit without blocking the thread. Resolves to false if `timeout` ran out; rejects with
   * `signal.reason` on abort (no permit taken then). Allowed on every thread.
   * @example
   * ```ts
   * if (await slots.acquireAsync({ timeout: 1_000 })) {
   *   try { await work(); } finally { slots.release(); }
   * }
   * ```
   */
  acquireAsync(options?: AsyncWaitOptions): Promise<boolean> {
    const { deadline, signal } = asyncWait(options);
    return this.#takeAsync(deadline, signal);
  }

  /**
   * Gives back `n` permits and wakes up to `n` waiters. Any thread may release, as in Python.
   * Throws InvalidArgumentError for a bad `n`; InvalidStateError if a BoundedSemaphore would go above its
   * initial value (released more often than acquired).
   * @param n permits to give back, an integer from 1 up.
   * @default 1
   */
  release(n = 1): void {
    if (n !== 1) checkCount(n, 'n', 1);
    const cells = this.#cells;
    const bound = cells[BOUND]!;
    const limit = bound === UNBOUNDED ? MAX_VALUE : bound;
    for (;;) {
      const value = Atomics.load(cells, VALUE);
      if (value > limit - n) throw this.#overRelease(value, n, bound);
      if (Atomics.compareExchange(cells, VALUE, value, value + n) === value) break;
    }
    if (Atomics.load(cells, WAITERS) > 0) wake(cells, VALUE, n);
  }

  /**
   * Takes a permit (blocking, like `acquire()`) and returns a guard that gives it back at the end of a `using`
   * scope. Throws TimeoutError if `timeout` runs out, BlockingCallError on the main thread (unless
   * `timeout: 0`).
   * @example
   * ```ts
   * using _ = slots.hold({ timeout: 5_000 });
   * ```
   */
  hold(options?: HoldOptions): Guard {
    const deadline = holdDeadline(options);
    if (deadline !== NO_WAIT)
      assertMayBlock('Semaphore.hold()', 'await using _ = await semaphore.holdAsync()');
    if (!this.#take(deadline)) throw holdTimeout(this.#name(), options?.timeout);
    return new Guard(this);
  }

  /**
   * The async form of {@link hold}: a guard for `await using`; rejects with TimeoutError if `timeout` runs out,
   * with `signal.reason` on abort.
   * @example
   * ```ts
   * await using _ = await slots.holdAsync();
   * ```
   */
  holdAsync(options?: AsyncWaitOptions): Promise<Guard> {
    return this.acquireAsync(options).then((acquired) => {
      if (!acquired) throw holdTimeout(this.#name(), options?.timeout);
      return new Guard(this);
    });
  }

  /** @internal How the semaphore crosses to a worker thread. Refuses process workers. */
  [kShare](target: ShareTarget): SharedWireForm {
    const name = this.#name();
    refuseProcess(target, name);
    return { kind: `spindle.${name}`, state: this.#cells.buffer };
  }

  #name(): string {
    return this.#cells[BOUND] === UNBOUNDED ? 'Semaphore' : 'BoundedSemaphore';
  }

  #tryTake(): boolean {
    const cells = this.#cells;
    for (;;) {
      const value = Atomics.load(cells, VALUE);
      if (value === 0) return false;
      if (Atomics.compareExchange(cells, VALUE, value, value - 1) === value) return true;
    }
  }

  async #takeAsync(deadline: number, signal: AbortSignal | undefined): Promise<boolean> {
    signal?.throwIfAborted();
    if (this.#tryTake()) return true;
    const cells = this.#cells;
    Atomics.add(cells, WAITERS, 1);
    try {
      for (;;) {
        if (this.#tryTake()) return true;
        if ((await waitSliceAsync(cells, VALUE, 0, deadline, signal)) === 'timed-out') return this.#tryTake();
        signal?.throwIfAborted();
      }
    } finally {
      Atomics.sub(cells, WAITERS, 1);
    }
  }

  #overRelease(value: number, n: number, bound: number): InvalidStateError {
    if (bound === UNBOUNDED)
      return new InvalidStateError(
        `Cannot release ${n} permit(s): the Semaphore holds ${value} and cannot hold more than ${MAX_VALUE}`,
      );
    return new InvalidStateError(
      `BoundedSemaphore released too many times: it holds ${value} of at most ${bound} permit(s), so ` +
        `releasing ${n} more would exceed its initial value (every release must match an acquire)`,
    );
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
  return adopted[BOUND] === UNBOUNDED ? new Semaphore() : new BoundedSemaphore();
}

registerShareable('spindle.Semaphore', revive);
registerShareable('spindle.BoundedSemaphore', revive);
