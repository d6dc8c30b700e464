/**
 * The mutual-exclusion core under `Lock`, `RLock`, `Condition` and the queues: one 32-bit word of shared
 * memory that any thread can lock, with a blocking form for workers and a promise form for the main thread.
 *
 *   the word:  0 = FREE   (threadId + 1) << 1 = held by that thread   … | 1 = held, and waited for
 *              -1 = ABANDONED
 *
 *   FREE ──tryLock (CAS)──▶ held ──a waiter arrives (CAS sets bit 0)──▶ held|1 (unlock must wake one)
 *    ▲                        │                                         │
 *    └──────── unlock ────────┴─────────────────────────────────────────┘
 *   held / held|1 ──the holder's thread exited──▶ ABANDONED ──recover()──▶ FREE
 *
 * The holder lives in the same word as the state, so the uncontended path is one compare-and-swap each way,
 * with no system call (the futex pattern of Drepper's "Futexes Are Tricky", mutex #2), and marking a mutex
 * abandoned is a swap that only succeeds while the dead thread is still the holder.
 *
 * A holder's thread that exits (a crash, a terminated worker, a task that returned without releasing) is
 * noticed by the waiters, who wake at least every futex slice and look the holder up in the thread-liveness
 * table; the first to see it marks the mutex ABANDONED and wakes everyone, and from then on every acquire
 * throws LockAbandonedError until someone calls `recover()`. The data the lock guarded may be half-updated,
 * and only the program can judge it: failing loudly beats handing it over silently.
 */
import { InvalidStateError, LockAbandonedError } from '../errors.ts';
import { currentThreadId, isThreadGone } from '../backends/thread/thread-liveness.ts';
import { waitSlice, waitSliceAsync, wake } from './futex.ts';

const FREE = 0;
/** Not a valid holder word (holder words are positive): the holder's thread died holding it. */
const ABANDONED = -1;
/** Low bit of a holder word: some thread waits, so unlock must wake one. */
const CONTENDED = 1;

/** Int32 cells one mutex occupies. */
export const MUTEX_CELLS = 1;

export class Mutex {
  readonly #cells: Int32Array;
  readonly #state: number;
  readonly #name: string;
  /** This thread's holder word: (threadId + 1) << 1, uncontended. */
  readonly #mine = (currentThreadId() + 1) << 1;

  /**
   * @param cells shared memory holding the mutex at `base` (1 cell, zero = free)
   * @param name how errors name the object this mutex guards, e.g. `'Lock'` or `'Queue'`
   */
  constructor(cells: Int32Array, base: number, name: string) {
    this.#cells = cells;
    this.#state = base;
    this.#name = name;
  }

  /** True if some thread holds it (or it was abandoned). */
  get locked(): boolean {
    return Atomics.load(this.#cells, this.#state) !== FREE;
  }

  /** True if this thread holds it. */
  get heldByMe(): boolean {
    return (Atomics.load(this.#cells, this.#state) & ~CONTENDED) === this.#mine;
  }

  /** The thread id of the holder, or -1 while free or abandoned. */
  get ownerThreadId(): number {
    const c = Atomics.load(this.#cells, this.#state);
    return c > 0 ? (c >> 1) - 1 : -1;
  }

  get abandoned(): boolean {
    return Atomics.load(this.#cells, this.#state) === ABANDONED;
  }

  /** Takes the mutex if it is free. Throws LockAbandonedError if it was abandoned. */
  tryLock(): boolean {
    const c = Atomics.compareExchange(this.#cells, this.#state, FREE, this.#mine);
    if (c === FREE) return true;
    if (c === ABANDONED) throw this.#abandonedError();
    return false;
  }

  /** Blocks this thread until the mutex is taken (true) or `deadline` passes (false). */
  lock(deadline: number): boolean {
    if (this.tryLock()) return true;
    for (;;) {
      const c = this.#contend();
      if (c === FREE) return true;
      if (waitSlice(this.#cells, this.#state, c, deadline) === 'timed-out') return this.tryLock();
      this.#checkOwner();
    }
  }

  /**
   * The promise form of {@link lock}: the event loop runs while it waits. An abort of `signal` rejects with
   * `signal.reason` (already aborted: at once, without trying), and never leaves the mutex taken.
   */
  async lockAsync(deadline: number, signal?: AbortSignal): Promise<boolean> {
    signal?.throwIfAborted();
    if (this.tryLock()) return true;
    for (;;) {
      const c = this.#contend();
      if (c === FREE) return true;
      if ((await waitSliceAsync(this.#cells, this.#state, c, deadline, signal)) === 'timed-out')
        return this.tryLock();
      signal?.throwIfAborted();
      this.#checkOwner();
    }
  }

  /**
   * Releases the mutex and wakes one waiter if any. Like Python's `Lock`, any thread may release it.
   * Throws InvalidStateError if it is not locked.
   */
  unlock(): void {
    const cells = this.#cells;
    // The common case in one instruction: this thread's own, uncontended hold.
    if (Atomics.compareExchange(cells, this.#state, this.#mine, FREE) === this.#mine) return;
    for (;;) {
      const c = Atomics.load(cells, this.#state);
      if (c === ABANDONED) throw this.#abandonedError();
      if (c === FREE) throw new InvalidStateError(`Cannot release a ${this.#name} that is not held`);
      if (Atomics.compareExchange(cells, this.#state, c, FREE) !== c) continue;
      if ((c & CONTENDED) !== 0) wake(cells, this.#state, 1);
      return;
    }
  }

  /**
   * For threads that sleep on something else while another thread holds the mutex (a Condition's waiters, a
   * Barrier's parties): looks whether the holder's thread has exited, marking the mutex abandoned if so (and
   * waking its waiters). Returns true if the mutex is abandoned.
   */
  detectAbandoned(): boolean {
    this.#checkOwner();
    return this.abandoned;
  }

  /** Makes an abandoned mutex usable again (free). Returns false if it was not abandoned. */
  recover(): boolean {
    return Atomics.compareExchange(this.#cells, this.#state, ABANDONED, FREE) === ABANDONED;
  }

  /**
   * Marks the mutex as wanted, taking it if it turns out to be free. Returns FREE if taken, else the contended
   * holder word to sleep on. Taking it here marks it contended (other waiters may exist), which costs at most
   * one spare wake-up.
   */
  #contend(): number {
    const cells = this.#cells;
    for (;;) {
      const c = Atomics.load(cells, this.#state);
      if (c === ABANDONED) throw this.#abandonedError();
      if (c !== FREE && (c & CONTENDED) !== 0) return c;
      const next = c === FREE ? this.#mine | CONTENDED : c | CONTENDED;
      if (Atomics.compareExchange(cells, this.#state, c, next) !== c) continue;
      return c === FREE ? FREE : next;
    }
  }

  /** After a slice: if the holder's thread has exited, the mutex is abandoned; wake everyone to say so. */
  #checkOwner(): void {
    const cells = this.#cells;
    for (;;) {
      const c = Atomics.load(cells, this.#state);
      if (c <= FREE || !isThreadGone((c >> 1) - 1)) return;
      // The holder is part of the word, so this swap cannot mark a live thread's newer hold.
      if (Atomics.compareExchange(cells, this.#state, c, ABANDONED) === c) break;
    }
    wake(cells, this.#state);
  }

  #abandonedError(): LockAbandonedError {
    return new LockAbandonedError(
      `This ${this.#name} was abandoned: the thread holding it exited without releasing it, so what it guards ` +
        'may be half-updated. Check that data, then call recover() to use it again.',
    );
  }
}
