/**
 * `Barrier`: Python's `threading.Barrier` for the main thread and worker threads: `parties` threads each call
 * `wait()`, and all are released together once the last arrives. Python's state machine, in shared memory:
 *
 *   FILLING ──last party arrives──▶ (action? ACTION ──owner runs it──▶ RUNNING ──▶) DRAINING
 *      ▲                                                                              │ last party leaves
 *      └──────────────────────────────────────────────────────────────────────────────┘
 *   a wait times out / is aborted / a party's thread dies / the action throws / abort() ──▶ BROKEN
 *   reset() ──▶ RESETTING (parties still inside leave with BrokenBarrierError) ──last leaves──▶ FILLING
 *
 * New arrivals wait while the previous trip drains, so generations never overlap and one state word tells each
 * party how its own generation ended. Every change happens under a small mutex and bumps SEQ, which sleepers
 * wait on; no user code runs under that mutex (the action runs outside it, in the RUNNING state).
 *
 * The action is a function and cannot cross threads, so it belongs to the thread that constructed the barrier
 * (the owner). When the barrier trips: if the owner is waiting as a party (or is the last to arrive) it runs the
 * action itself; otherwise the owner's event loop runs it, watching SEQ with Atomics.waitAsync. Either way the
 * action runs exactly once per trip, before any party is released, as in Python.
 *
 * One protocol (a generator, holding the mutex whenever it runs) serves the blocking and the async forms; a
 * driver releases the mutex around what the protocol asks for: a slice of sleep, or running the action.
 */
import { BrokenBarrierError, InvalidArgumentError } from '../errors.ts';
import { currentThreadId, isThreadGone } from '../backends/thread/thread-liveness.ts';
import { assertMayBlock } from '../core/may-block.ts';
import type { Shareable, ShareTarget, SharedWireForm } from '../core/shareable.ts';
import { kShare, registerShareable } from '../core/shareable.ts';
import { allocateCells, refuseProcess } from './cells.ts';
import { deadlineAfter, waitSlice, waitSliceAsync, wake } from './futex.ts';
import { Mutex, MUTEX_CELLS } from './mutex.ts';
import type { AsyncWaitOptions } from './options.ts';
import { asyncWait, describe } from './options.ts';
import { rejectUnknownOptions } from '../core/known-options.ts';

const KIND = 'spindle.Barrier';

// Cells after the mutex's.
const SEQ = MUTEX_CELLS;
const STATE = SEQ + 1;
const COUNT = STATE + 1;
const REASON = COUNT + 1;
/** One cell per arrival index: threadId + 1 of the party waiting there, so a dead party can be noticed. */
const PARTY = REASON + 1;

const FILLING = 0;
const DRAINING = 1;
const ACTION = 2;
const RUNNING = 3;
const RESETTING = -1;
const BROKEN = -2;

const BY_ABORT = 1;
const BY_TIMEOUT = 2;
const BY_SIGNAL = 3;
const BY_ACTION = 4;
const BY_ACTION_OWNER_GONE = 5;
const BY_PARTY_GONE = 6;

const REASONS: Record<number, string> = {
  [BY_ABORT]: 'abort() was called',
  [BY_TIMEOUT]: 'a party’s wait timed out',
  [BY_SIGNAL]: 'a party’s wait was aborted by its signal',
  [BY_ACTION]: 'the barrier’s action threw',
  [BY_ACTION_OWNER_GONE]: 'the thread that owns the barrier’s action exited',
  [BY_PARTY_GONE]: 'a waiting party’s thread exited',
};

/** What a driver is asked to do with the mutex released: sleep until this deadline (one slice), or run the action. */
const RUN_ACTION = -1;
const MAX_PARTIES = 0xffff;

/** Options of a new Barrier. */
export interface BarrierOptions {
  /**
   * Runs once each time the barrier trips, before any party is released, on the thread that constructed the
   * barrier (see the class). If it throws, the barrier breaks.
   */
  readonly action?: () => void;
  /**
   * The default timeout (ms) of `wait()` / `waitAsync()` when a call gives none.
   * @default Infinity
   */
  readonly timeout?: number;
}

interface BarrierState {
  readonly cells: SharedArrayBuffer;
  readonly parties: number;
  readonly timeout: number | undefined;
  /** threadId of the thread owning the action, -1 if none. */
  readonly actionOwner: number;
}

/** How an action run ended, sent back into the protocol. */
interface ActionEnd {
  readonly threw: boolean;
  readonly error: unknown;
}

type Protocol = Generator<number, number, boolean | ActionEnd>;

let adopted: BarrierState | undefined;

/**
 * A barrier shared by the main thread and worker threads (Python's `threading.Barrier`): each of `parties`
 * threads calls `wait()`, which returns once all have arrived, with a distinct arrival index from 0 to
 * `parties - 1`. Reusable: the next `wait()`s form the next group.
 *
 * - In a worker, `wait(timeout)` blocks the thread; on the main thread it throws BlockingCallError: use
 *   `await barrier.waitAsync()` there (the main thread may be a party).
 * - A wait that times out or whose signal aborts, `abort()`, an action that throws, or a waiting party whose
 *   thread dies breaks the barrier: every waiter gets BrokenBarrierError, as do later waits until `reset()`.
 * - Passes to thread workers as itself (task argument, `Thread`, nested in objects); not to process pools.
 *
 * The action: functions cannot cross threads, so `action` stays with the thread that constructed the barrier.
 * If that thread is a party, it runs the action when the barrier trips (whether it arrived last or is waiting);
 * if not (say, the main thread creates the barrier and workers wait on it), its event loop runs the action
 * when the last party arrives. Either way: exactly once per trip, before any party is released. The owner
 * thread must therefore be a party or keep its event loop turning; a worker that owns an action and sits in
 * synchronous code delays the trip (until the parties' timeouts). An action that throws in a party rejects that
 * party's wait with its error (the others get BrokenBarrierError); run from the event loop, the error is
 * reported with `process.emitWarning`.
 * @example
 * ```ts
 * const barrier = new Barrier(4, { action: () => console.log('round done') });
 * // each of 4 workers:
 * for (let round = 0; round < 10; round++) {
 *   step(round);
 *   barrier.wait(5_000);
 * }
 * ```
 */
export class Barrier implements Shareable {
  readonly #cells: Int32Array;
  readonly #mutex: Mutex;
  readonly #parties: number;
  readonly #timeout: number | undefined;
  readonly #action: (() => void) | undefined;
  readonly #actionOwner: number;
  #watching = false;
  /** Parties of this thread (this object) in the current trip: while there are any, they run the action. */
  #arrivedHere = 0;

  /**
   * @param parties how many threads must call `wait()` to trip it: an integer from 1 up.
   */
  constructor(parties: number, options?: BarrierOptions) {
    const state = adopted;
    adopted = undefined;
    if (state !== undefined) {
      this.#cells = new Int32Array(state.cells);
      this.#parties = state.parties;
      this.#timeout = state.timeout;
      this.#actionOwner = state.actionOwner;
      this.#action = undefined;
    } else {
      if (typeof parties !== 'number' || !Number.isInteger(parties) || parties < 1 || parties > MAX_PARTIES)
        throw new InvalidArgumentError(
          `Expected \`parties\` to be an integer from 1 to ${MAX_PARTIES}, got ${describe(parties)}`,
        );
      if (options !== undefined && (typeof options !== 'object' || options === null))
        throw new InvalidArgumentError(`Expected \`options\` to be an object, got ${describe(options)}`);
      if (options !== undefined)
        rejectUnknownOptions(options, ['action', 'timeout'], 'new Barrier(parties, options)');
      const action = options?.action;
      if (action !== undefined && typeof action !== 'function')
        throw new InvalidArgumentError(`Expected \`action\` to be a function, got ${describe(action)}`);
      deadlineAfter(options?.timeout);
      this.#cells = allocateCells(PARTY + parties);
      this.#parties = parties;
      this.#timeout = options?.timeout;
      this.#action = action;
      this.#actionOwner = action === undefined ? -1 : currentThreadId();
    }
    this.#mutex = new Mutex(this.#cells, 0, 'Barrier');
  }

  /** How many threads must call `wait()` to trip the barrier. */
  get parties(): number {
    return this.#parties;
  }

  /** How many parties are waiting for the current group to fill (a snapshot). */
  get nWaiting(): number {
    return Atomics.load(this.#cells, STATE) === FILLING ? Atomics.load(this.#cells, COUNT) : 0;
  }

  /** True if the barrier is broken (until `reset()`). */
  get broken(): boolean {
    return Atomics.load(this.#cells, STATE) === BROKEN;
  }

  /**
   * Blocks this worker thread until `parties` threads have called `wait()`, then returns this thread's arrival
   * index (0 for the first to arrive, `parties - 1` for the last), as Python's.
   *
   * Throws BrokenBarrierError if the barrier is or becomes broken while waiting; a wait that times out breaks
   * it. On the main thread throws BlockingCallError naming `waitAsync()`.
   * @param timeout ms to wait; the constructor's `timeout` if not given.
   * @example
   * ```ts
   * if (barrier.wait() === 0) console.log('first to arrive');
   * ```
   */
  wait(timeout?: number): number {
    const deadline = deadlineAfter(timeout ?? this.#timeout);
    assertMayBlock('Barrier.wait()', 'await barrier.waitAsync()');
    const mutex = this.#mutex;
    const cells = this.#cells;
    mutex.lock(Infinity);
    try {
      const protocol = this.#arrive(deadline, undefined);
      let step = protocol.next(false);
      while (step.done !== true) {
        let resume: boolean | ActionEnd;
        if (step.value === RUN_ACTION) {
          mutex.unlock();
          try {
            resume = this.#runAction();
          } finally {
            mutex.lock(Infinity);
          }
        } else {
          const seq = Atomics.load(cells, SEQ);
          mutex.unlock();
          try {
            resume = waitSlice(cells, SEQ, seq, step.value) === 'timed-out';
          } finally {
            mutex.lock(Infinity);
          }
        }
        step = protocol.next(resume);
      }
      return step.value;
    } finally {
      mutex.unlock();
    }
  }

  /**
   * Waits at the barrier without blocking the thread: the main thread's form (allowed on every thread).
   * Resolves to the arrival index; rejects with BrokenBarrierError if the barrier is or becomes broken, and
   * with `signal.reason` if `signal` aborts (which, like a timeout, breaks the barrier for the others).
   * @example
   * ```ts
   * const index = await barrier.waitAsync({ timeout: 5_000 });
   * ```
   */
  waitAsync(options?: AsyncWaitOptions): Promise<number> {
    const { signal } = asyncWait(options);
    return this.#waitAsync(deadlineAfter(options?.timeout ?? this.#timeout), signal);
  }

  /**
   * Returns the barrier to its empty, unbroken state (Python's `reset()`): parties waiting now get
   * BrokenBarrierError; the next `wait()`s start a new group (once those parties have left).
   *
   * Allowed on the main thread: it only takes the barrier's internal lock for a few instructions (no user
   * code runs under it).
   */
  reset(): void {
    const cells = this.#cells;
    this.#mutex.lock(Infinity);
    try {
      if (cells[COUNT]! > 0) {
        const state = cells[STATE]!;
        if (state !== DRAINING) Atomics.store(cells, STATE, RESETTING);
      } else Atomics.store(cells, STATE, FILLING);
      cells[REASON] = 0;
      this.#changed();
    } finally {
      this.#mutex.unlock();
    }
  }

  /**
   * Breaks the barrier (Python's `abort()`): every waiting party, and every later `wait()` until `reset()`,
   * gets BrokenBarrierError. Use it to release the others when a party cannot come.
   */
  abort(): void {
    this.#mutex.lock(Infinity);
    try {
      this.#break(BY_ABORT);
    } finally {
      this.#mutex.unlock();
    }
  }

  /** @internal How the barrier crosses to a worker thread (its action stays here). Refuses process workers. */
  [kShare](target: ShareTarget): SharedWireForm {
    refuseProcess(target, 'Barrier');
    if (this.#action !== undefined) this.#watch();
    const state: BarrierState = {
      cells: this.#cells.buffer as SharedArrayBuffer,
      parties: this.#parties,
      timeout: this.#timeout,
      actionOwner: this.#actionOwner,
    };
    return { kind: KIND, state };
  }

  async #waitAsync(deadline: number, signal: AbortSignal | undefined): Promise<number> {
    signal?.throwIfAborted();
    const mutex = this.#mutex;
    const cells = this.#cells;
    await mutex.lockAsync(Infinity);
    try {
      const protocol = this.#arrive(deadline, signal);
      let step = protocol.next(false);
      while (step.done !== true) {
        let resume: boolean | ActionEnd;
        if (step.value === RUN_ACTION) {
          mutex.unlock();
          try {
            resume = this.#runAction();
          } finally {
            await mutex.lockAsync(Infinity);
          }
        } else {
          const seq = Atomics.load(cells, SEQ);
          mutex.unlock();
          try {
            resume = (await waitSliceAsync(cells, SEQ, seq, step.value, signal)) === 'timed-out';
          } finally {
            await mutex.lockAsync(Infinity);
          }
        }
        step = protocol.next(resume);
      }
      return step.value;
    } finally {
      mutex.unlock();
    }
  }

  /**
   * One party's passage through the barrier, Python's `wait` step by step. Runs holding the mutex; yields a
   * deadline to sleep one slice with the mutex released (resumed with whether time ran out), or RUN_ACTION to
   * have the action run with the mutex released (resumed with how it ended).
   */
  *#arrive(deadline: number, signal: AbortSignal | undefined): Protocol {
    const cells = this.#cells;
    // Python's _enter: wait until the previous group has drained (or a reset has been honoured).
    let timedOut = false;
    for (;;) {
      const state = cells[STATE]!;
      if (state === FILLING) break;
      if (state === BROKEN) throw this.#brokenError();
      signal?.throwIfAborted();
      this.#reapDeadParties();
      if (timedOut) {
        this.#break(BY_TIMEOUT);
        throw this.#brokenError();
      }
      timedOut = (yield deadline) as boolean;
    }
    const index = cells[COUNT]!;
    cells[COUNT] = index + 1;
    cells[PARTY + index] = currentThreadId() + 1;
    this.#arrivedHere++;
    try {
      if (index + 1 === this.#parties) {
        Atomics.store(cells, STATE, this.#actionOwner < 0 ? DRAINING : ACTION);
        this.#changed();
      }
      timedOut = false;
      for (;;) {
        const state = cells[STATE]!;
        if (state === DRAINING) return index;
        if (state === BROKEN || state === RESETTING) throw this.#brokenError();
        if (state === ACTION && this.#action !== undefined) {
          Atomics.store(cells, STATE, RUNNING);
          const end = (yield RUN_ACTION) as ActionEnd;
          this.#actionEnded(end);
          if (end.threw) throw end.error;
          continue;
        }
        if (signal?.aborted === true) {
          this.#break(BY_SIGNAL);
          signal.throwIfAborted();
        }
        if (this.#reapDeadParties()) this.#break(BY_PARTY_GONE);
        else if (state === ACTION && isThreadGone(this.#actionOwner)) this.#break(BY_ACTION_OWNER_GONE);
        else if (timedOut) this.#break(BY_TIMEOUT);
        else {
          timedOut = (yield deadline) as boolean;
          continue;
        }
        throw this.#brokenError();
      }
    } finally {
      this.#arrivedHere--;
      this.#leave(index);
    }
  }

  /** Runs the action (the mutex released); never throws: the protocol decides what an error means. */
  #runAction(): ActionEnd {
    try {
      this.#action!();
      return { threw: false, error: undefined };
    } catch (error) {
      return { threw: true, error };
    }
  }

  /** After the action ran (mutex held): release the parties, or break the barrier if it threw. */
  #actionEnded(end: ActionEnd): void {
    // A reset() or abort() while the action ran wins: its state stands.
    if (this.#cells[STATE] !== RUNNING) return;
    if (end.threw) this.#break(BY_ACTION);
    else {
      Atomics.store(this.#cells, STATE, DRAINING);
      this.#changed();
    }
  }

  /**
   * The owner's event loop runs the action when no waiting party of this thread can: started when the barrier
   * is first sent to another thread. A pending Atomics.waitAsync does not keep the process alive, so a
   * program does not linger for a barrier it no longer uses.
   */
  #watch(): void {
    if (this.#watching) return;
    this.#watching = true;
    const cells = this.#cells;
    const mutex = this.#mutex;
    const loop = async (): Promise<void> => {
      for (;;) {
        const seq = Atomics.load(cells, SEQ);
        // A party of this thread waiting in this trip runs the action itself, so that its wait gets the error.
        if (Atomics.load(cells, STATE) === ACTION && this.#arrivedHere === 0) {
          await mutex.lockAsync(Infinity);
          let end: ActionEnd | undefined;
          try {
            if (cells[STATE] === ACTION && this.#arrivedHere === 0) {
              Atomics.store(cells, STATE, RUNNING);
              mutex.unlock();
              end = this.#runAction();
              await mutex.lockAsync(Infinity);
              this.#actionEnded(end);
            }
          } finally {
            mutex.unlock();
          }
          if (end?.threw === true) process.emitWarning(end.error as Error);
          continue;
        }
        const wait = Atomics.waitAsync(cells, SEQ, seq);
        if (wait.async) await wait.value;
      }
    };
    // The only way out is the barrier's internal lock being abandoned; the parties report that themselves.
    loop().catch(() => {});
  }

  /** A party leaves (Python's _exit): the last to leave a trip or a reset opens the barrier to the next group. */
  #leave(index: number): void {
    const cells = this.#cells;
    if (cells[PARTY + index] !== 0) {
      cells[PARTY + index] = 0;
      cells[COUNT]!--;
    }
    this.#reopenIfEmpty();
  }

  #reopenIfEmpty(): void {
    const cells = this.#cells;
    const state = cells[STATE]!;
    if (cells[COUNT] === 0 && (state === DRAINING || state === RESETTING)) {
      Atomics.store(cells, STATE, FILLING);
      this.#changed();
    }
  }

  /**
   * Takes parties whose threads have exited off the barrier (mutex held), so a crashed or cancelled worker
   * neither counts as arrived nor keeps a trip draining for ever. Returns true if any was found.
   */
  #reapDeadParties(): boolean {
    const cells = this.#cells;
    let found = false;
    for (let i = 0; i < this.#parties; i++) {
      const party = cells[PARTY + i]!;
      if (party === 0 || !isThreadGone(party - 1)) continue;
      cells[PARTY + i] = 0;
      cells[COUNT]!--;
      found = true;
    }
    if (found) this.#reopenIfEmpty();
    return found;
  }

  #break(reason: number): void {
    const cells = this.#cells;
    Atomics.store(cells, STATE, BROKEN);
    cells[REASON] = reason;
    this.#changed();
  }

  #changed(): void {
    Atomics.add(this.#cells, SEQ, 1);
    wake(this.#cells, SEQ);
  }

  #brokenError(): BrokenBarrierError {
    const cells = this.#cells;
    const why = cells[STATE] === RESETTING ? 'reset() was called' : REASONS[cells[REASON]!];
    return new BrokenBarrierError(
      why === undefined ? 'The barrier is broken' : `The barrier is broken: ${why}`,
    );
  }
}

function revive(state: BarrierState): Barrier {
  adopted = state;
  return new Barrier(state.parties);
}

registerShareable(KIND, revive);
