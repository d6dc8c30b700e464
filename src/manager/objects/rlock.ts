/**
 * The managed RLock: Python's `threading.RLock` owned by a session. The owning session may acquire it again
 * without waiting and must release it as many times; only the owner may release it. Unlike the thread RLock
 * on the main thread (where every async function is one thread), each client thread has its own session, so
 * two worker threads never share an ownership by accident.
 */
import { InvalidStateError } from '../../errors.ts';
import type { Invocation, Session } from '../types.ts';
import type { Hosted } from './hosted.ts';
import { arity, dispatch, methodTable } from './hosted.ts';
import type { ConditionLock } from './lock-core.ts';
import { LockCore } from './lock-core.ts';

const METHODS = methodTable<HostRLock>({
  /** → boolean; again at once for the owner; else waits up to the invocation's timeout. */
  acquire: (lock, args, inv) => {
    arity(args, 0, 0, 'RLock.acquire');
    return lock.acquire(inv);
  },
  release: (lock, args, inv) => {
    arity(args, 0, 0, 'RLock.release');
    lock.release(inv.session);
  },
  locked: (lock, args) => {
    arity(args, 0, 0, 'RLock.locked');
    return lock.core.locked;
  },
  recover: (lock, args) => {
    arity(args, 0, 0, 'RLock.recover');
    return lock.recover();
  },
});

export class HostRLock implements Hosted, ConditionLock {
  readonly type = 'RLock';
  readonly core = new LockCore('RLock');
  /** How many times the holder has acquired it. */
  #count = 0;

  /** Managed RLock: no constructor arguments. */
  static create(args: readonly unknown[]): HostRLock {
    arity(args, 0, 0, 'RLock()');
    return new HostRLock();
  }

  invoke(method: string, args: readonly unknown[], invocation: Invocation): unknown {
    return dispatch(this, METHODS, method, args, invocation);
  }

  acquire(inv: Invocation): boolean | Promise<boolean> {
    const core = this.core;
    if (core.abandoned) throw core.abandonedError();
    if (core.holder === inv.session) {
      this.#count++;
      return true;
    }
    const taken = core.acquire(inv);
    if (taken === true) this.#count = 1;
    if (typeof taken === 'boolean') return taken;
    // Handed over later: the new owner starts at depth 1 (a stale count of an abandoned owner is overwritten).
    return taken.then((acquired) => {
      if (acquired) this.#count = 1;
      return acquired;
    });
  }

  release(session: Session): void {
    const core = this.core;
    if (core.abandoned) throw core.abandonedError();
    if (core.holder === undefined) throw new InvalidStateError('Cannot release an RLock that is not held');
    if (core.holder !== session)
      throw new InvalidStateError(
        'Cannot release an RLock owned by another session: only the thread (or process) that acquired it may',
      );
    if (--this.#count === 0) core.release();
  }

  recover(): boolean {
    const recovered = this.core.recover();
    if (recovered) this.#count = 0;
    return recovered;
  }

  assertHeldBy(session: Session, what: string): void {
    const core = this.core;
    if (core.abandoned) throw core.abandonedError();
    if (core.holder !== session)
      throw new InvalidStateError(`Cannot ${what} a Condition without holding its lock (acquire it first)`);
  }

  releaseAll(_session: Session): number {
    const depth = this.#count;
    this.#count = 0;
    this.core.release();
    return depth;
  }

  restoreDepth(depth: number): void {
    this.#count = depth;
  }

  sessionClosed(session: Session): void {
    this.core.sessionClosed(session);
  }
}
