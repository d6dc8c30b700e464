/**
 * `ProcessSemaphore` and `ProcessBoundedSemaphore`: Python's `multiprocessing.Semaphore` and
 * `BoundedSemaphore`, sync/semaphore.ts over 16 bytes of POSIX shared memory, with process-shared futex waits.
 * Their counting and methods are CountingSemaphore's (sync/counting-semaphore.ts); this file places them in
 * shared memory, sets that memory up once, and has waiters sleep on the native futex.
 *
 *   STATE    0 = fresh memory   1 = being initialised   2 = ready (a plain semaphore)   3 = ready (bounded)
 *   then the counting cells (VALUE, WAITERS, BOUND), as counting-semaphore.ts describes them
 *
 * The first object made over fresh memory initialises it (STATE 0 → 1, writes the counting cells, → ready);
 * every later one, in any process, joins the semaphore already there.
 */
import type { Shareable, ShareTarget, SharedWireForm } from '../core/shareable.ts';
import { kShare, registerShareable } from '../core/shareable.ts';
import { InvalidArgumentError, InvalidStateError } from '../errors.ts';
import { callNames } from '../sync/call-names.ts';
import type { PermitWaits } from '../sync/counting-semaphore.ts';
import {
  checkCount,
  CountingSemaphore,
  initPermits,
  PERMIT_CELLS,
  semaphoreType,
} from '../sync/counting-semaphore.ts';
import type { Placement, PlacementOptions, PlacementState } from './placement.ts';
import { place, placementState, revivePlacement } from './placement.ts';
import { waitSlice, waitSliceAsync, wake } from './shared-futex.ts';
import type { SharedMemory } from './shared-memory.ts';

const STATE = 0;
/** The first counting cell (VALUE). */
const PERMITS = 1;
const CELLS = PERMITS + PERMIT_CELLS;

const FRESH = 0;
const INITIALISING = 1;
const READY = 2;
const READY_BOUNDED = 3;

/** How long a constructor waits for another process to finish initialising the same memory. */
const INIT_WAIT_MS = 1_000;

const NAMES = callNames('ProcessSemaphore');
const BOUNDED_NAMES = callNames('ProcessBoundedSemaphore');

/** Waiters may be in any process: they sleep on VALUE, the first counting cell, in the native futex. */
const PROCESS_WAITS: PermitWaits = {
  wait: (permits, deadline) =>
    waitSlice(permits.buffer as SharedArrayBuffer, permits.byteOffset, 0, deadline),
  waitAsync: (permits, deadline, signal) =>
    waitSliceAsync(permits.buffer as SharedArrayBuffer, permits.byteOffset, 0, deadline, signal),
  wake: (permits, count) => wake(permits.buffer as SharedArrayBuffer, permits.byteOffset, count),
};

/** Options of `new ProcessSemaphore()` and `new ProcessBoundedSemaphore()`. */
export type ProcessSemaphoreOptions = PlacementOptions;

let adopted: Placement | undefined;

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
export class ProcessSemaphore extends CountingSemaphore implements Shareable {
  /** The bytes a semaphore occupies in its block (at a multiple of 8). */
  static readonly BYTES = CELLS * Int32Array.BYTES_PER_ELEMENT;

  readonly #placement: Placement;

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
    const bounded = new.target === ProcessBoundedSemaphore;
    super(setUp(placement, value, bounded), PROCESS_WAITS, bounded ? BOUNDED_NAMES : NAMES);
    this.#placement = placement;
  }

  /** The block the semaphore lives in. */
  get memory(): SharedMemory {
    return this.#placement.memory;
  }

  /** Where in {@link memory} the semaphore lives, in bytes. */
  get byteOffset(): number {
    return this.#placement.byteOffset;
  }

  /** @internal How the semaphore crosses to a worker: its block (by name, for a process) and its offset. */
  [kShare](target: ShareTarget): SharedWireForm {
    return { kind: `spindle.${semaphoreType(this)}`, state: placementState(this.#placement, target) };
  }
}

/**
 * Initialises fresh memory, or checks that the memory holds a semaphore of this kind. Returns the counting
 * cells.
 */
function setUp({ memory, byteOffset }: Placement, value: number, bounded: boolean): Int32Array {
  const buffer = memory.buffer;
  const cells = new Int32Array(buffer, byteOffset, CELLS);
  const permits = cells.subarray(PERMITS);
  const ready = bounded ? READY_BOUNDED : READY;
  if (Atomics.compareExchange(cells, STATE, FRESH, INITIALISING) === FRESH) {
    initPermits(permits, value, bounded);
    Atomics.store(cells, STATE, ready);
    wake(buffer, byteOffset + STATE * 4);
    return permits;
  }
  const deadline = performance.now() + INIT_WAIT_MS;
  let state = Atomics.load(cells, STATE);
  // Another process is between its two stores above: a matter of microseconds unless it died there.
  while (state === INITIALISING && waitSlice(buffer, byteOffset, INITIALISING, deadline) !== 'timed-out')
    state = Atomics.load(cells, STATE);
  if (state === ready) return permits;
  const where = `byteOffset ${byteOffset} of the SharedMemory "${memory.name}"`;
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

function revive(state: PlacementState, bounded: boolean): ProcessSemaphore {
  adopted = revivePlacement(state);
  return bounded ? new ProcessBoundedSemaphore() : new ProcessSemaphore();
}

registerShareable('spindle.ProcessSemaphore', (state: PlacementState) => revive(state, false));
registerShareable('spindle.ProcessBoundedSemaphore', (state: PlacementState) => revive(state, true));
