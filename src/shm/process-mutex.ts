/**
 * The mutual-exclusion core under ProcessLock: sync/mutex.ts for memory shared between processes. One
 * 64-bit word names its holder, process and thread, so a waiter can tell when the holder has died.
 *
 *   the word:  0 = FREE
 *              pid << 32 | (threadId + 1) << 1 = held by that thread of that process   … | 1 = and waited for
 *              -1 = ABANDONED
 *
 *   FREE ──tryLock (CAS)──▶ held ──a waiter arrives (CAS sets bit 0)──▶ held|1 (unlock must wake one)
 *    ▲                        │                                         │
 *    └──────── unlock ────────┴─────────────────────────────────────────┘
 *   held / held|1 ──the holder's process (or thread) died──▶ ABANDONED ──recover()──▶ FREE
 *
 * The uncontended path is one 64-bit compare-and-swap each way in JavaScript, no call into the addon. Only
 * waiting and waking go native, to a futex on the low half of the word: that half changes whenever the word
 * goes FREE or gains the waited-for bit, which is all a sleeper has to hear about. With the holder inside the
 * word, marking the mutex abandoned is a swap that only succeeds while the dead holder still holds it.
 *
 * Waiters sleep in slices and, after each, look whether the holder is alive (process-liveness.ts): another
 * process by its pid, a thread of their own process by the thread-liveness table. The first to find it dead
 * marks the mutex ABANDONED and wakes everyone; from then on every acquire throws LockAbandonedError until
 * someone calls `recover()`, because the data it guarded may be half-updated.
 */
import { InvalidStateError, LockAbandonedError } from '../errors.ts';
import { nodeWorkerThreads } from '../core/lazy-builtins.ts';
import { isHolderGone } from './process-liveness.ts';
import { waitSlice, waitSliceAsync, wake } from './shared-futex.ts';

const FREE = 0n;
const ABANDONED = -1n;
const CONTENDED = 1n;
const LOW = 0xffff_ffffn;

/** Bytes one mutex occupies; its offset must be a multiple of this. */
export const PROCESS_MUTEX_BYTES = 8;

/** Where the low 32 bits of a 64-bit word sit, in bytes from its start: the half the futex watches. */
const LOW_HALF = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 4;

/** The low half of a word, as the signed int32 the futex compares. */
const low32 = (word: bigint): number => Number(BigInt.asIntN(32, word));

export class ProcessMutex {
  readonly #word: BigInt64Array;
  readonly #buffer: SharedArrayBuffer;
  /** Byte offset of the word's low half in #buffer. */
  readonly #futex: number;
  readonly #name: string;
  /** This thread's holder word, uncontended. */
  readonly #mine =
    (BigInt(process.pid) << 32n) | (BigInt.asUintN(31, BigInt(nodeWorkerThreads().threadId + 1)) << 1n);

  /**
   * @param buffer shared memory holding the mutex at `byteOffset` (8 bytes, 8-aligned, zero = free)
   * @param name how errors name the object this mutex guards, e.g. `'ProcessLock'`
   */
  constructor(buffer: SharedArrayBuffer, byteOffset: number, name: string) {
    this.#buffer = buffer;
    this.#word = new BigInt64Array(buffer, byteOffset, 1);
    this.#futex = byteOffset + LOW_HALF;
    this.#name = name;
  }

  /** True if someone holds it (or it was abandoned). */
  get locked(): boolean {
    return Atomics.load(this.#word, 0) !== FREE;
  }

  get abandoned(): boolean {
    return Atomics.load(this.#word, 0) === ABANDONED;
  }

  /** The holder's pid, or -1 while free or abandoned. */
  get ownerPid(): number {
    const c = Atomics.load(this.#word, 0);
    return c > FREE ? Number(c >> 32n) : -1;
  }

  /** Takes the mutex if it is free. Throws LockAbandonedError if it was abandoned. */
  tryLock(): boolean {
    const c = Atomics.compareExchange(this.#word, 0, FREE, this.#mine);
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
      if (waitSlice(this.#buffer, this.#futex, low32(c), deadline) === 'timed-out') return this.#lastTry();
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
      const outcome = await waitSliceAsync(this.#buffer, this.#futex, low32(c), deadline, signal);
      if (outcome === 'timed-out') return this.#lastTry();
      signal?.throwIfAborted();
      this.#checkOwner();
    }
  }

  /**
   * Releases the mutex and wakes one waiter if any. Like Python's `Lock`, anyone may release it.
   * Throws InvalidStateError if it is not locked, LockAbandonedError if it was abandoned.
   */
  unlock(): void {
    const word = this.#word;
    if (Atomics.compareExchange(word, 0, this.#mine, FREE) === this.#mine) return;
    for (;;) {
      const c = Atomics.load(word, 0);
      if (c === ABANDONED) throw this.#abandonedError();
      if (c === FREE) throw new InvalidStateError(`Cannot release a ${this.#name} that is not held`);
      if (Atomics.compareExchange(word, 0, c, FREE) !== c) continue;
      if ((c & CONTENDED) !== FREE) wake(this.#buffer, this.#futex, 1);
      return;
    }
  }

  /** Makes an abandoned mutex usable again (free). Returns false if it was not abandoned. */
  recover(): boolean {
    return Atomics.compareExchange(this.#word, 0, ABANDONED, FREE) === ABANDONED;
  }

  /**
   * Marks the mutex as wanted, taking it if it turns out to be free. Returns FREE if taken, else the contended
   * holder word to sleep on. Taking it here marks it contended (other waiters may sleep), which costs at most
   * one spare wake-up.
   */
  #contend(): bigint {
    const word = this.#word;
    for (;;) {
      const c = Atomics.load(word, 0);
      if (c === ABANDONED) throw this.#abandonedError();
      if (c !== FREE && (c & CONTENDED) !== FREE) return c;
      const next = c === FREE ? this.#mine | CONTENDED : c | CONTENDED;
      if (Atomics.compareExchange(word, 0, c, next) !== c) continue;
      return c === FREE ? FREE : next;
    }
  }

  /** At the deadline: one more try, as a waiter (so other sleepers are still woken when it is released). */
  #lastTry(): boolean {
    const c = Atomics.load(this.#word, 0);
    if (c === ABANDONED) throw this.#abandonedError();
    return c === FREE && this.#contend() === FREE;
  }

  /** After a slice: if the holder has died, the mutex is abandoned; wake everyone to say so. */
  #checkOwner(): void {
    const word = this.#word;
    for (;;) {
      const c = Atomics.load(word, 0);
      if (c <= FREE) return;
      if (!isHolderGone(Number(c >> 32n), Number((c & LOW) >> 1n) - 1)) return;
      if (Atomics.compareExchange(word, 0, c, ABANDONED) === c) break;
    }
    wake(this.#buffer, this.#futex);
  }

  #abandonedError(): LockAbandonedError {
    return new LockAbandonedError(
      `This ${this.#name} was abandoned: the process (or thread) holding it exited without releasing it, so ` +
        'what it guards may be half-updated. Check that data, then call recover() to use it again.',
    );
  }
}
