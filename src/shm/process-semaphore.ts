/**
 * `ProcessSemaphore` and `ProcessBoundedSemaphore`: Python's `multiprocessing.Semaphore` and
 * `BoundedSemaphore`, sync/semaphore.ts over 16 bytes of POSIX shared memory, with process-shared futex waits.
 *
 *   STATE    0 = fresh memory   1 = being initialised   2 = ready (a plain semaphore)   3 = ready (bounded)
 *   VALUE    permits available; acquirers futex-wait on it while it is 0
 *   WAITERS  acquirers inside the slow path, so release() only makes the wake-up system call when one may sleep
 *   BOUND    the most permits a bounded semaphore may hold, -1 for a plain one
 *
 * The first object made over fresh memory initialises it (STATE 0 → 1, writes VALUE and BOUND, → ready);
 * every later one, in any process, joins the semaphore already there. A waiter counts itself in WAITERS before
 * it checks VALUE, and release() adds to VALUE before it reads WAITERS (both sequentially consistent), and the
 * futex re-checks VALUE atomically before sleeping, so no wake-up is lost.
 */
import { assertMayBlock } from '../core/may-block.ts';
import type { Shareable, ShareTarget, SharedWireForm } from '../core/shareable.ts';
import { kShare, registerShareable } from '../core/shareable.ts';
import { InvalidArgumentError, InvalidStateError } from '../errors.ts';
import { Guard, holdTimeout } from '../sync/guard.ts';
import type { AcquireOptions, AsyncWaitOptions, HoldOptions } from '../sync/options.ts';
import { acquireDeadline, asyncWait, describe, holdDeadline, NO_WAIT } from '../sync/options.ts';
import type { Placement, PlacementOptions } from './placement.ts';
import { place } from './placement.ts';
import { waitSlice, waitSliceAsync, wake } from './shared-futex.ts';
import type { SharedMemory, SharedMemoryState } from './shared-memory.ts';
import { reviveSharedMemory } from './shared-memory.ts';

const STATE = 0;
const VALUE = 1;
const WAITERS = 2;
const BOUND = 3;
const CELLS = 4;

const FRESH = 0;
const INITIALISING = 1;
const READY = 2;
const READY_BOUNDED = 3;

const UNBOUNDED = -1;
const MAX_VALUE = 0x7fff_ffff;
/** How long a constructor waits for another process to finish initialising the same memory. */
const INIT_WAIT_MS = 1_000;

/** Options of `new ProcessSemaphore()` and `new ProcessBoundedSemaphore()`. */
export type ProcessSemaphoreOptions = PlacementOptions;

interface ProcessSemaphoreState {
  readonly memory: SharedMemoryState;
  readonly byteOffset: number;
}

let adopted: Placement | undefined;

function checkCount(value: unknown, what: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_VALUE)
    throw new InvalidArgumentError(
      `Expected \`${what}\` to be an integer from ${min} to ${MAX_VALUE}, got ${describe(value)}`,
    );
  return value;
}

/**
 * A counting semaphore shared by processes and threads (Python's `multiprocessing.Semaphore`): `acquire()`
 * takes a permit, waiting while there is none; `release(n)` gives permits back. It lives in shared memory: a
 * small block of its own, or 16 bytes at `byteOffset` of a {@link SharedMemory} you pass.
 *
 * - Blocking `acquire()` / `hold()` sleep in the kernel; on the main thread they throw BlockingCallError
 *   (except `{ blocking: false }` / `{ timeout: 0 }`): use `acquireAsync()` / `holdAsync()`.
 * - Pass it to process and thread workers as a task argument: they get the same semaphore.
 *
 * Dead holders: permits have no owner (anyone may release, as in Python), so a permit taken by a process or
 * thread that then dies is never returned: the semaphore keeps one permit fewer. A waiter that dies while
 * waiting leaves only a count behind that makes later releases call into the kernel needlessly. Bound your
 * waits with a timeout where workers may crash.
 *
 * Caveat: Linux only (the native addon; NativeUnavailableError elsewhere or if it did not build).
 * @example
 * ```ts
 * const slots = new ProcessSemaphore(3); // at most 3 processes download at once
 * // in a task:
 * using _ = slots.hold();
 * await download();
 * ```
 */
export class ProcessSemaphore implements Shareable {
  /** The bytes a semaphore occupies in its block (at a multiple of 8). */
  static readonly BYTES = CELLS * Int32Array.BYTES_PER_ELEMENT;

  readonly #memory: SharedMemory;
  readonly #byteOffset: number;
  readonly #buffer: SharedArrayBuffer;
  readonly #cells: Int32Array;

  /**
   * The semaphore at `byteOffset` of `memory`, or a new one in a block of its own. The first one made over
   * fresh (zero-filled) memory sets it up with `value` permits; one made where a semaphore already is, in any
   * process, joins it and ignores `value`.
   * @param value the permits available at first, an integer from 0 up.
   * @default 1
   * @throws InvalidArgumentError for a bad value or placement, or a placement that holds the other kind of
   * semaphore; NativeUnavailableError without the native addon.
   */
  constructor(value = 1, options?: ProcessSemaphoreOptions) {
    const revived = adopted;
    adopted = undefined;
    if (revived === undefined) checkCount(value, 'value', 0);
    const placement = revived ?? place(options, ProcessSemaphore.BYTES, new.target.name);
    this.#memory = placement.memory;
    this.#byteOffset = placement.byteOffset;
    this.#buffer = placement.memory.buffer;
    this.#cells = new Int32Array(this.#buffer, placement.byteOffset, CELLS);
    this.#setUp(value, new.target === ProcessBoundedSemaphore);
  }

  /** The block the semaphore lives in. */
  get memory(): SharedMemory {
    return this.#memory;
  }

  /** Where in {@link memory} the semaphore lives, in bytes. */
  get byteOffset(): number {
    return this.#byteOffset;
  }

  /** Permits available right now (a snapshot: other processes may take or give some at any moment). */
  get value(): number {
    return Atomics.load(this.#cells, VALUE);
  }

  /**
   * Takes one permit, blocking this thread (a worker thread or process) while there is none. Returns false if
   * `blocking` was false or `timeout` ran out first.
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
    if (deadline !== NO_WAIT) assertMayBlock(`${this.#name()}.acquire()`, 'await semaphore.acquireAsync()');
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
   * Gives back `n` permits and wakes up to `n` waiters, in any process. Anyone may release, as in Python.
   * Throws InvalidArgumentError for a bad `n`; InvalidStateError if a bounded semaphore would go above its
   * initial value (released more often than acquired).
   * @param n permits to give back, an integer from 1 up.
   * @default 1
   */
  release(n = 1): void {
    if (n !== 1) checkCount(n, 'n', 1);
    const cells = this.#cells;
    const bound = Atomics.load(cells, BOUND);
    const limit = bound === UNBOUNDED ? MAX_VALUE : bound;
    for (;;) {
      const value = Atomics.load(cells, VALUE);
      if (value > limit - n) throw this.#overRelease(value, n, bound);
      if (Atomics.compareExchange(cells, VALUE, value, value + n) === value) break;
    }
    if (Atomics.load(cells, WAITERS) > 0) wake(this.#buffer, this.#valueOffset(), n);
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
      assertMayBlock(`${this.#name()}.hold()`, 'await using _ = await semaphore.holdAsync()');
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

  /** @internal How the semaphore crosses to a worker: its block (by name, for a process) and its offset. */
  [kShare](target: ShareTarget): SharedWireForm {
    const state: ProcessSemaphoreState = {
      memory: this.#memory[kShare](target).state as SharedMemoryState,
      byteOffset: this.#byteOffset,
    };
    return { kind: `spindle.${this.#name()}`, state };
  }

  /** Initialises fresh memory, or checks that the memory holds a semaphore of this kind. */
  #setUp(value: number, bounded: boolean): void {
    const cells = this.#cells;
    const ready = bounded ? READY_BOUNDED : READY;
    if (Atomics.compareExchange(cells, STATE, FRESH, INITIALISING) === FRESH) {
      Atomics.store(cells, VALUE, value);
      Atomics.store(cells, WAITERS, 0);
      Atomics.store(cells, BOUND, bounded ? value : UNBOUNDED);
      Atomics.store(cells, STATE, ready);
      wake(this.#buffer, this.#byteOffset + STATE * 4);
      return;
    }
    const deadline = performance.now() + INIT_WAIT_MS;
    let state = Atomics.load(cells, STATE);
    // Another process is between its two stores above: a matter of microseconds unless it died there.
    while (
      state === INITIALISING &&
      waitSlice(this.#buffer, this.#byteOffset, INITIALISING, deadline) !== 'timed-out'
    )
      state = Atomics.load(cells, STATE);
    if (state === ready) return;
    const where = `byteOffset ${this.#byteOffset} of the SharedMemory "${this.#memory.name}"`;
    if (state === READY || state === READY_BOUNDED)
      throw new InvalidArgumentError(
        `The memory at ${where} holds a ${state === READY ? 'ProcessSemaphore' : 'ProcessBoundedSemaphore'}, ` +
          `not a ${bounded ? 'ProcessBoundedSemaphore' : 'ProcessSemaphore'}`,
      );
    throw new InvalidStateError(
      state === INITIALISING
        ? `The semaphore at ${where} was never finished: the process setting it up stopped half-way`
        : `The memory at ${where} does not hold a semaphore (it is neither zero-filled nor set up as one)`,
    );
  }

  #valueOffset(): number {
    return this.#byteOffset + VALUE * Int32Array.BYTES_PER_ELEMENT;
  }

  #name(): string {
    return Atomics.load(this.#cells, STATE) === READY_BOUNDED
      ? 'ProcessBoundedSemaphore'
      : 'ProcessSemaphore';
  }

  #tryTake(): boolean {
    const cells = this.#cells;
    for (;;) {
      const value = Atomics.load(cells, VALUE);
      if (value === 0) return false;
      if (Atomics.compareExchange(cells, VALUE, value, value - 1) === value) return true;
    }
  }

  #take(deadline: number): boolean {
    if (this.#tryTake()) return true;
    if (deadline === NO_WAIT) return false;
    const cells = this.#cells;
    Atomics.add(cells, WAITERS, 1);
    try {
      for (;;) {
        if (this.#tryTake()) return true;
        if (waitSlice(this.#buffer, this.#valueOffset(), 0, deadline) === 'timed-out') return this.#tryTake();
      }
    } finally {
      Atomics.sub(cells, WAITERS, 1);
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
        const outcome = await waitSliceAsync(this.#buffer, this.#valueOffset(), 0, deadline, signal);
        if (outcome === 'timed-out') return this.#tryTake();
        signal?.throwIfAborted();
      }
    } finally {
      Atomics.sub(cells, WAITERS, 1);
    }
  }

  #overRelease(value: number, n: number, bound: number): InvalidStateError {
    if (bound === UNBOUNDED)
      return new InvalidStateError(
        `Cannot release ${n} permit(s): the ProcessSemaphore holds ${value} and cannot hold more than ${MAX_VALUE}`,
      );
    return new InvalidStateError(
      `ProcessBoundedSemaphore released too many times: it holds ${value} of at most ${bound} permit(s), so ` +
        `releasing ${n} more would exceed its initial value (every release must match an acquire)`,
    );
  }
}

/**
 * A process-shared semaphore that refuses to be released above its initial value (Python's
 * `multiprocessing.BoundedSemaphore`): an over-release, almost always a bug, throws InvalidStateError instead
 * of silently raising the limit. Everything else is as {@link ProcessSemaphore}.
 * @example
 * ```ts
 * const slots = new ProcessBoundedSemaphore(2);
 * slots.release(); // InvalidStateError: released too many times
 * ```
 */
export class ProcessBoundedSemaphore extends ProcessSemaphore {
  /**
   * @param value the permits available at first, and the most it may ever hold; an integer from 0 up.
   * @default 1
   */
  constructor(value = 1, options?: ProcessSemaphoreOptions) {
    super(value, options);
  }
}

function revive(state: ProcessSemaphoreState, bounded: boolean): ProcessSemaphore {
  adopted = { memory: reviveSharedMemory(state.memory), byteOffset: state.byteOffset };
  return bounded ? new ProcessBoundedSemaphore() : new ProcessSemaphore();
}

registerShareable('spindle.ProcessSemaphore', (state: ProcessSemaphoreState) => revive(state, false));
registerShareable('spindle.ProcessBoundedSemaphore', (state: ProcessSemaphoreState) => revive(state, true));
