/**
 * `Condition`: Python's `threading.Condition`, bound to a Lock or RLock, over three cells of shared memory.
 *
 *   SEQ      bumped by every notify; a waiter reads it while holding the lock and sleeps while it is unchanged,
 *            so a notify between its release of the lock and its sleep is never lost
 *   WAITERS  waiters not yet notified
 *   TOKENS   wake-ups granted by notify and not yet claimed
 *
 *   wait:   [lock held] WAITERS++, seq = SEQ, release ─▶ sleep while SEQ === seq ─▶ reacquire
 *           ─▶ claim a token? return true : timed out? WAITERS--, return false : seq = SEQ, release, sleep again
 *   notify(n): [lock held] k = min(n, WAITERS); WAITERS -= k; TOKENS += k; SEQ++; wake k sleepers
 *
 * Tokens make `notify(n)` wake at most n waiters, as in Python, rather than every waiter that happens to see
 * SEQ move. They are anonymous, so any notified-era waiter may claim one; a waiter that leaves without being
 * notified (abort, abandoned lock) takes itself off WAITERS, or else claims a token, keeping the count exact.
 * A waiter whose thread dies stays counted: a later notify may spend a token on it, which the next waiter to
 * wake claims as a spurious wake-up, never a lost one (always wait in a loop, or use waitFor).
 */
import { InvalidArgumentError, InvalidStateError } from '../errors.ts';
import { assertMayBlock } from '../core/may-block.ts';
import type { Shareable, ShareTarget, SharedWireForm } from '../core/shareable.ts';
import { kShare, registerShareable } from '../core/shareable.ts';
import { allocateCells, refuseProcess } from './cells.ts';
import { deadlineAfter, remaining, waitSlice, waitSliceAsync, wake } from './futex.ts';
import type { Guard } from './guard.ts';
import { Lock, lockMutex, reviveLock } from './lock.ts';
import type { Mutex } from './mutex.ts';
import type { AcquireOptions, AsyncWaitOptions, HoldOptions } from './options.ts';
import { asyncWait, describe, timeoutDeadline } from './options.ts';
import { RLOCK_COUNT, RLock, reviveRLock, rlockParts } from './rlock.ts';

const KIND = 'spindle.Condition';
const SEQ = 0;
const WAITERS = 1;
const TOKENS = 2;

interface ConditionState {
  readonly reentrant: boolean;
  readonly lock: SharedArrayBuffer;
  readonly cells: SharedArrayBuffer;
}

let adopted: Int32Array | undefined;

/**
 * A condition variable shared by the main thread and worker threads (Python's `threading.Condition`): threads
 * holding its lock `wait()` until another thread, holding the lock, calls `notify()` / `notifyAll()`.
 *
 * - `wait` releases the lock (fully, for an RLock acquired several times), sleeps, and reacquires it (at the
 *   same depth) before returning, whether notified or timed out.
 * - In a worker, `wait` / `waitFor` block the thread; on the main thread they throw BlockingCallError: use
 *   `waitAsync` / `waitForAsync` there (and `acquireAsync` / `holdAsync` to take the lock).
 * - Passes to thread workers as itself, with its lock (task argument, `Thread`, nested in objects).
 *
 * Abandonment: the condition's lock carries it. A thread that dies holding the lock abandons it: `acquire`
 * and a `wait` that must reacquire throw LockAbandonedError until `recover()` (which recovers the lock).
 * @example
 * ```ts
 * // consumer (worker): wait for an item
 * using _ = cond.hold();
 * cond.waitFor(() => Atomics.load(items, 0) > 0);
 * Atomics.sub(items, 0, 1);
 * // producer (main thread)
 * await using _ = await cond.holdAsync();
 * Atomics.add(items, 0, 1);
 * cond.notify();
 * ```
 */
export class Condition implements Shareable {
  readonly #lock: Lock | RLock;
  readonly #mutex: Mutex;
  /** The RLock's cells (its count at RLOCK_COUNT), or undefined for a Lock. */
  readonly #rlockCells: Int32Array | undefined;
  readonly #cells: Int32Array;

  /**
   * @param lock the lock to bind, shared with whoever else uses it; Python's default is a new RLock.
   * @default new RLock()
   */
  constructor(lock: Lock | RLock = new RLock()) {
    const cells = adopted;
    adopted = undefined;
    if (!(lock instanceof Lock) && !(lock instanceof RLock))
      throw new InvalidArgumentError(`Expected \`lock\` to be a Lock or an RLock, got ${describe(lock)}`);
    this.#lock = lock;
    if (lock instanceof RLock) {
      const parts = rlockParts(lock);
      this.#mutex = parts.mutex;
      this.#rlockCells = parts.cells;
    } else {
      this.#mutex = lockMutex(lock);
      this.#rlockCells = undefined;
    }
    this.#cells = cells ?? allocateCells(3);
  }

  /** Acquires the condition's lock: `lock.acquire(options)`. */
  acquire(options?: AcquireOptions): boolean {
    return this.#lock.acquire(options);
  }

  /** Acquires the condition's lock without blocking the thread: `lock.acquireAsync(options)`. */
  acquireAsync(options?: AsyncWaitOptions): Promise<boolean> {
    return this.#lock.acquireAsync(options);
  }

  /** Releases the condition's lock: `lock.release()`. */
  release(): void {
    this.#lock.release();
  }

  /** Holds the condition's lock for a `using` scope: `lock.hold(options)`. */
  hold(options?: HoldOptions): Guard {
    return this.#lock.hold(options);
  }

  /** Holds the condition's lock for an `await using` scope: `lock.holdAsync(options)`. */
  holdAsync(options?: AsyncWaitOptions): Promise<Guard> {
    return this.#lock.holdAsync(options);
  }

  /** Makes the condition's abandoned lock usable again: `lock.recover()`. */
  recover(): boolean {
    return this.#lock.recover();
  }

  /**
   * Releases the lock, blocks this worker thread until notified or until `timeout` (ms) runs out, and
   * reacquires the lock. Returns true if notified, false on timeout. The lock must be held by this thread.
   *
   * Caveats: as in Python, a return does not prove the awaited state holds (another thread may have changed
   * it first): check it in a loop, or use `waitFor`. On the main thread throws BlockingCallError naming
   * `waitAsync()`; without the lock, InvalidStateError.
   * @example
   * ```ts
   * using _ = cond.hold();
   * while (Atomics.load(items, 0) === 0) cond.wait();
   * ```
   */
  wait(timeout?: number): boolean {
    const deadline = timeoutDeadline(timeout);
    assertMayBlock('Condition.wait()', 'await condition.waitAsync()');
    return this.#wait(deadline);
  }

  /**
   * Waits until `predicate()` returns a truthy value or `timeout` (ms, over the whole call) runs out, and
   * returns the predicate's last value (Python's `wait_for`). The predicate runs with the lock held; it is
   * called first, so a state that already holds returns at once without waiting.
   *
   * Caveat: on the main thread throws BlockingCallError naming `waitForAsync()`.
   * @example
   * ```ts
   * using _ = cond.hold();
   * if (!cond.waitFor(() => Atomics.load(items, 0) > 0, 1_000)) throw new Error('no item within 1 s');
   * ```
   */
  waitFor<T>(predicate: () => T, timeout?: number): T {
    checkPredicate(predicate);
    const deadline = deadlineAfter(timeout);
    assertMayBlock('Condition.waitFor()', 'await condition.waitForAsync()');
    this.#assertOwned('wait on');
    let result = predicate();
    while (!result && remaining(deadline) > 0) {
      this.#wait(deadline);
      result = predicate();
    }
    return result;
  }

  /**
   * The async form of {@link wait}, for the main thread (and any other): resolves to true if notified, false
   * on timeout; rejects with `signal.reason` on abort. However it settles, the lock is held again by then.
   * Must be called holding the lock (InvalidStateError otherwise, synchronously).
   * @example
   * ```ts
   * await using _ = await cond.holdAsync();
   * while (Atomics.load(items, 0) === 0) await cond.waitAsync({ timeout: 1_000 });
   * ```
   */
  waitAsync(options?: AsyncWaitOptions): Promise<boolean> {
    const { deadline, signal } = asyncWait(options);
    this.#assertOwned('wait on');
    return this.#waitAsync(deadline, signal);
  }

  /**
   * The async form of {@link waitFor}: resolves to the predicate's last value; rejects with `signal.reason` on
   * abort (holding the lock again by then).
   * @example
   * ```ts
   * await using _ = await cond.holdAsync();
   * await cond.waitForAsync(() => Atomics.load(items, 0) > 0, { timeout: 1_000 });
   * ```
   */
  waitForAsync<T>(predicate: () => T, options?: AsyncWaitOptions): Promise<T> {
    checkPredicate(predicate);
    const { deadline, signal } = asyncWait(options);
    this.#assertOwned('wait on');
    return this.#waitForAsync(predicate, deadline, signal);
  }

  /**
   * Wakes up to `n` threads waiting on this condition (none if none wait). The lock must be held by this
   * thread (InvalidStateError otherwise); the woken threads return from `wait` once they reacquire it, so
   * after this thread releases it.
   * @param n how many waiters to wake, an integer from 0 up (or Infinity).
   * @default 1
   */
  notify(n = 1): void {
    if (n !== 1 && !(n === Infinity || (Number.isInteger(n) && n >= 0)))
      throw new InvalidArgumentError(
        `Expected \`n\` to be an integer from 0 up (or Infinity), got ${describe(n)}`,
      );
    this.#assertOwned('notify');
    const cells = this.#cells;
    const woken = Math.min(n, Atomics.load(cells, WAITERS));
    if (woken === 0) return;
    Atomics.sub(cells, WAITERS, woken);
    Atomics.add(cells, TOKENS, woken);
    Atomics.add(cells, SEQ, 1);
    wake(cells, SEQ, woken);
  }

  /** Wakes every thread waiting on this condition. The lock must be held by this thread. */
  notifyAll(): void {
    this.notify(Infinity);
  }

  /** @internal How the condition crosses to a worker thread, with its lock. Refuses process workers. */
  [kShare](target: ShareTarget): SharedWireForm {
    refuseProcess(target, 'Condition');
    const lock = this.#lock[kShare](target).state as SharedArrayBuffer;
    const state: ConditionState = {
      reentrant: this.#rlockCells !== undefined,
      lock,
      cells: this.#cells.buffer as SharedArrayBuffer,
    };
    return { kind: KIND, state };
  }

  #assertOwned(what: string): void {
    if (!this.#mutex.heldByMe)
      throw new InvalidStateError(`Cannot ${what} a Condition without holding its lock (acquire it first)`);
  }

  /**
   * Whether the lock was abandoned while this waiter slept (its holder died): then no notify may ever come, so
   * the waiter stops sleeping and its reacquire reports the abandonment instead of hanging.
   */
  #lockAbandoned(): boolean {
    return this.#mutex.locked && this.#mutex.detectAbandoned();
  }

  /** Lets go of the lock entirely; returns the RLock depth to restore (1 for a Lock). */
  #releaseAll(): number {
    const rlock = this.#rlockCells;
    const depth = rlock === undefined ? 1 : rlock[RLOCK_COUNT]!;
    if (rlock !== undefined) rlock[RLOCK_COUNT] = 0;
    this.#mutex.unlock();
    return depth;
  }

  #restore(depth: number): void {
    if (this.#rlockCells !== undefined) this.#rlockCells[RLOCK_COUNT] = depth;
  }

  #wait(deadline: number): boolean {
    this.#assertOwned('wait on');
    const cells = this.#cells;
    Atomics.add(cells, WAITERS, 1);
    let seq = Atomics.load(cells, SEQ);
    const depth = this.#releaseAll();
    for (;;) {
      let timedOut = false;
      while (Atomics.load(cells, SEQ) === seq && !this.#lockAbandoned()) {
        if (waitSlice(cells, SEQ, seq, deadline) === 'timed-out') {
          timedOut = true;
          break;
        }
      }
      try {
        this.#mutex.lock(Infinity);
      } catch (error) {
        this.#leave();
        throw error;
      }
      this.#restore(depth);
      if (claimToken(cells)) return true;
      if (timedOut) {
        this.#leave();
        return false;
      }
      seq = Atomics.load(cells, SEQ);
      this.#releaseAll();
    }
  }

  async #waitAsync(deadline: number, signal: AbortSignal | undefined): Promise<boolean> {
    const cells = this.#cells;
    Atomics.add(cells, WAITERS, 1);
    let seq = Atomics.load(cells, SEQ);
    const depth = this.#releaseAll();
    for (;;) {
      let ended = false;
      while (Atomics.load(cells, SEQ) === seq && signal?.aborted !== true && !this.#lockAbandoned()) {
        if ((await waitSliceAsync(cells, SEQ, seq, deadline, signal)) === 'timed-out') {
          ended = true;
          break;
        }
      }
      try {
        // Reacquired whatever happens (Python's contract: wait returns holding the lock); not abortable.
        await this.#mutex.lockAsync(Infinity);
      } catch (error) {
        this.#leave();
        throw error;
      }
      this.#restore(depth);
      if (signal?.aborted === true) {
        this.#leave();
        signal.throwIfAborted();
      }
      if (claimToken(cells)) return true;
      if (ended) {
        this.#leave();
        return false;
      }
      seq = Atomics.load(cells, SEQ);
      this.#releaseAll();
    }
  }

  async #waitForAsync<T>(predicate: () => T, deadline: number, signal: AbortSignal | undefined): Promise<T> {
    let result = predicate();
    while (!result && remaining(deadline) > 0) {
      await this.#waitAsync(deadline, signal);
      result = predicate();
    }
    return result;
  }

  /**
   * A waiter leaving without a notify: off WAITERS if it is still counted there; if a notify already moved it
   * to TOKENS, it takes its token (else that token would wake a later waiter for nothing). Atomic, because a
   * waiter whose lock was abandoned leaves without holding it.
   */
  #leave(): void {
    const cells = this.#cells;
    for (;;) {
      const waiters = Atomics.load(cells, WAITERS);
      if (waiters === 0) {
        claimToken(cells);
        return;
      }
      if (Atomics.compareExchange(cells, WAITERS, waiters, waiters - 1) === waiters) return;
    }
  }
}

function claimToken(cells: Int32Array): boolean {
  for (;;) {
    const tokens = Atomics.load(cells, TOKENS);
    if (tokens === 0) return false;
    if (Atomics.compareExchange(cells, TOKENS, tokens, tokens - 1) === tokens) return true;
  }
}

function checkPredicate(predicate: unknown): void {
  if (typeof predicate !== 'function')
    throw new InvalidArgumentError(`Expected \`predicate\` to be a function, got ${describe(predicate)}`);
}

function revive(state: ConditionState): Condition {
  const lock = state.reentrant ? reviveRLock(state.lock) : reviveLock(state.lock);
  adopted = new Int32Array(state.cells);
  return new Condition(lock);
}

registerShareable(KIND, revive);
