/**
 * What `Semaphore` (threads) and `ProcessSemaphore` (processes too), and their bounded kinds, share: the
 * counting itself and the whole public face, over three int32 cells wherever the subclass keeps them.
 *
 *   VALUE    permits available; acquirers futex-wait on it while it is 0
 *   WAITERS  acquirers inside the slow path, so release() only makes the wake-up system call when one may sleep
 *   BOUND    the most permits a bounded semaphore may hold, -1 for a plain one
 *
 * A waiter counts itself in WAITERS before it checks VALUE, and release() adds to VALUE before it reads
 * WAITERS (both sequentially consistent): either the waiter sees the permit or the releaser sees the waiter,
 * and the futex re-checks VALUE atomically before sleeping, so no wake-up is lost.
 *
 * The two kinds differ only in how a waiter sleeps on VALUE ({@link PermitWaits}: `Atomics.wait` for threads,
 * the native process-shared futex for processes, which never hear each other) and in where the cells live and
 * how they cross to a worker, which the subclass brings. The per-kind sleeping is a module constant, so a
 * semaphore costs no extra object, and the uncontended acquire and release never reach it.
 */
import { assertMayBlock } from '../core/may-block.ts';
import { InvalidArgumentError, InvalidStateError } from '../errors.ts';
import type { CallNames } from './call-names.ts';
import type { WaitOutcome } from './futex.ts';
import { Guard, holdTimeout } from './guard.ts';
import type { AcquireOptions, AsyncWaitOptions, HoldOptions } from './options.ts';
import { acquireDeadline, asyncWait, describe, holdDeadline, NO_WAIT } from './options.ts';

const VALUE = 0;
const WAITERS = 1;
const BOUND = 2;
/** Int32 cells of a semaphore's counting state, VALUE first. */
export const PERMIT_CELLS = 3;

const UNBOUNDED = -1;
const MAX_VALUE = 0x7fff_ffff;

/** The BlockingCallError hints: every semaphore's docs call their variable `semaphore`. */
const ACQUIRE_ASYNC = 'await semaphore.acquireAsync()';
const HOLD_ASYNC = 'await using _ = await semaphore.holdAsync()';

/**
 * How waiters sleep on VALUE, the first of `permits` (the semaphore's {@link PERMIT_CELLS} cells), and how
 * release() wakes them: one slice at most, as futex.ts's `waitSlice`, while VALUE is 0.
 */
export interface PermitWaits {
  wait(permits: Int32Array, deadline: number): WaitOutcome;
  waitAsync(permits: Int32Array, deadline: number, signal: AbortSignal | undefined): Promise<WaitOutcome>;
  wake(permits: Int32Array, count: number): void;
}

/** Validates a count of permits: the constructor's `value`, release()'s `n`. */
export function checkCount(value: unknown, what: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_VALUE)
    throw new InvalidArgumentError(
      `Expected \`${what}\` to be an integer from ${min} to ${MAX_VALUE}, got ${describe(value)}`,
    );
  return value;
}

/** Sets up fresh cells with `value` permits; a bounded semaphore may never hold more than that. */
export function initPermits(permits: Int32Array, value: number, bounded: boolean): void {
  Atomics.store(permits, VALUE, value);
  Atomics.store(permits, WAITERS, 0);
  Atomics.store(permits, BOUND, bounded ? value : UNBOUNDED);
}

/** True if the cells hold a bounded semaphore. */
export function isBounded(permits: Int32Array): boolean {
  return Atomics.load(permits, BOUND) !== UNBOUNDED;
}

let typeOf: (semaphore: CountingSemaphore) => string;

/**
 * A counting semaphore over {@link PERMIT_CELLS} cells: the methods of `Semaphore` and `ProcessSemaphore`. Not
 * exported from the package: neither kind is the other, and users name the one they hold.
 */
export abstract class CountingSemaphore {
  readonly #permits: Int32Array;
  readonly #waits: PermitWaits;
  readonly #names: CallNames;

  /**
   * @param permits the cells, set up ({@link initPermits}), VALUE at index 0
   * @param waits how this kind sleeps on VALUE
   * @param names how messages name the subclass
   */
  protected constructor(permits: Int32Array, waits: PermitWaits, names: CallNames) {
    this.#permits = permits;
    this.#waits = waits;
    this.#names = names;
  }

  static {
    typeOf = (semaphore) => semaphore.#names.type;
  }

  /** Permits available right now (a snapshot: others may take or give some at any moment). */
  get value(): number {
    return Atomics.load(this.#permits, VALUE);
  }

  /**
   * Takes one permit, blocking this thread (a worker thread, or a process worker for a ProcessSemaphore) while
   * there is none. Returns false if `blocking` was false or `timeout` ran out first. Does not allocate.
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
    if (deadline !== NO_WAIT) assertMayBlock(this.#names.acquire, ACQUIRE_ASYNC);
    return this.#take(deadline);
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
   * Gives back `n` permits and wakes up to `n` waiters (in any process, for a ProcessSemaphore). Anyone may
   * release, as in Python, not only who acquired. Throws InvalidArgumentError for a bad `n`; InvalidStateError
   * if a bounded semaphore would go above its initial value (released more often than acquired).
   * @param n permits to give back, an integer from 1 up.
   * @default 1
   */
  release(n = 1): void {
    if (n !== 1) checkCount(n, 'n', 1);
    const permits = this.#permits;
    // A plain read: BOUND is written once, before the set-up is published (every constructor reads that
    // with an atomic), and never again; an Atomics.load here cost ~5 ns on every release.
    const bound = permits[BOUND]!;
    const limit = bound === UNBOUNDED ? MAX_VALUE : bound;
    for (;;) {
      const value = Atomics.load(permits, VALUE);
      if (value > limit - n) throw this.#overRelease(value, n, bound);
      if (Atomics.compareExchange(permits, VALUE, value, value + n) === value) break;
    }
    if (Atomics.load(permits, WAITERS) > 0) this.#waits.wake(permits, n);
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
    if (deadline !== NO_WAIT) assertMayBlock(this.#names.hold, HOLD_ASYNC);
    if (!this.#take(deadline)) throw holdTimeout(this.#names.type, options?.timeout);
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
      if (!acquired) throw holdTimeout(this.#names.type, options?.timeout);
      return new Guard(this);
    });
  }

  #tryTake(): boolean {
    const permits = this.#permits;
    for (;;) {
      const value = Atomics.load(permits, VALUE);
      if (value === 0) return false;
      if (Atomics.compareExchange(permits, VALUE, value, value - 1) === value) return true;
    }
  }

  #take(deadline: number): boolean {
    if (this.#tryTake()) return true;
    if (deadline === NO_WAIT) return false;
    const permits = this.#permits;
    Atomics.add(permits, WAITERS, 1);
    try {
      for (;;) {
        if (this.#tryTake()) return true;
        if (this.#waits.wait(permits, deadline) === 'timed-out') return this.#tryTake();
      }
    } finally {
      Atomics.sub(permits, WAITERS, 1);
    }
  }

  async #takeAsync(deadline: number, signal: AbortSignal | undefined): Promise<boolean> {
    signal?.throwIfAborted();
    if (this.#tryTake()) return true;
    const permits = this.#permits;
    Atomics.add(permits, WAITERS, 1);
    try {
      for (;;) {
        if (this.#tryTake()) return true;
        if ((await this.#waits.waitAsync(permits, deadline, signal)) === 'timed-out') return this.#tryTake();
        signal?.throwIfAborted();
      }
    } finally {
      Atomics.sub(permits, WAITERS, 1);
    }
  }

  #overRelease(value: number, n: number, bound: number): InvalidStateError {
    const type = this.#names.type;
    if (bound === UNBOUNDED)
      return new InvalidStateError(
        `Cannot release ${n} permit(s): the ${type} holds ${value} and cannot hold more than ${MAX_VALUE}`,
      );
    return new InvalidStateError(
      `${type} released too many times: it holds ${value} of at most ${bound} permit(s), so ` +
        `releasing ${n} more would exceed its initial value (every release must match an acquire)`,
    );
  }
}

/** @internal The class name a semaphore's messages and wire form use, e.g. `'BoundedSemaphore'`. */
export function semaphoreType(semaphore: CountingSemaphore): string {
  return typeOf(semaphore);
}
