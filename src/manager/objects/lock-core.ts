/**
 * The ownership core shared by the managed Lock and RLock (and, through them, Condition): who holds it, who
 * waits for it, and abandonment.
 *
 *   free ──acquire──▶ held by session S ──release──▶ handed to the first waiter, or free
 *                          │
 *                          └─ S's session closes ──▶ ABANDONED ──recover()──▶ free
 *
 * Release hands the lock straight to the first waiter (first come, first served), so a lock that is free has
 * nobody waiting for it: an acquire that finds it free takes it without jumping a queue. Abandoned is the
 * thread Mutex's state for the same event (its holder died): every waiter and every later acquire gets
 * LockAbandonedError until `recover()`, because what the lock guarded may be half-updated.
 */
import { LockAbandonedError } from '../../errors.ts';
import type { Session } from '../types.ts';
import type { WaitSpec } from './waiters.ts';
import { WaiterList } from './waiters.ts';

export class LockCore {
  readonly #name: string;
  readonly #waiters = new WaiterList<boolean>();
  readonly #abandonListeners = new Set<() => void>();
  #holder: Session | undefined;
  #abandoned = false;

  /** @param name how errors name the lock: `'Lock'` or `'RLock'` */
  constructor(name: string) {
    this.#name = name;
  }

  /** The session holding it, undefined while free or abandoned. */
  get holder(): Session | undefined {
    return this.#holder;
  }

  get abandoned(): boolean {
    return this.#abandoned;
  }

  /** True if held (or abandoned), as the thread locks' `locked()`. */
  get locked(): boolean {
    return this.#holder !== undefined || this.#abandoned;
  }

  /**
   * Takes the lock for `spec.session`: true at once if it is free, else a promise of true once handed over or
   * false when the timeout runs out (at once for timeout 0). Throws LockAbandonedError if abandoned.
   */
  acquire(spec: WaitSpec): boolean | Promise<boolean> {
    if (this.#abandoned) throw this.abandonedError();
    if (this.#holder === undefined) {
      this.#holder = spec.session;
      return true;
    }
    return this.#waiters.park(spec, undefined, { onTimeout: () => false });
  }

  /** Lets go: the first waiter holds it now, or it is free. The caller has checked that it may. */
  release(): void {
    const next = this.#waiters.first();
    this.#holder = next?.session;
    if (next !== undefined) this.#waiters.grant(next, true);
  }

  /** Makes an abandoned lock free again; false (changing nothing) if it was not abandoned. */
  recover(): boolean {
    if (!this.#abandoned) return false;
    this.#abandoned = false;
    return true;
  }

  /** Runs `listener` whenever the lock becomes abandoned (a Condition wakes its waiters so). */
  onAbandoned(listener: () => void): void {
    this.#abandonListeners.add(listener);
  }

  /** The session is gone: its waiters leave; if it held the lock, the lock is abandoned. */
  sessionClosed(session: Session): void {
    this.#waiters.dropSession(session);
    if (this.#holder !== session) return;
    this.#holder = undefined;
    this.#abandoned = true;
    this.#waiters.failAll(() => this.abandonedError());
    for (const listener of this.#abandonListeners) listener();
  }

  abandonedError(): LockAbandonedError {
    return new LockAbandonedError(
      `This managed ${this.#name} was abandoned: the session holding it closed (its thread or process exited, ` +
        'or lost its connection) without releasing it, so what it guards may be half-updated. Check that ' +
        'data, then call recover() to use it again.',
    );
  }
}

/**
 * What a Condition needs of its lock: to let go of the caller's hold entirely while it waits, and to take it
 * back at the same depth afterwards. Implemented by the managed Lock and RLock.
 */
export interface ConditionLock {
  readonly type: 'Lock' | 'RLock';
  readonly core: LockCore;
  /** Throws InvalidStateError unless `session` holds the lock (LockAbandonedError if abandoned). */
  assertHeldBy(session: Session, what: string): void;
  /** Lets go of the session's hold entirely; returns the depth to restore (1 for a Lock). */
  releaseAll(session: Session): number;
  /** Records the depth restored once the core has handed the lock back to `session`. */
  restoreDepth(depth: number): void;
}
