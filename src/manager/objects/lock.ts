/**
 * The managed Lock: Python's `threading.Lock` held by sessions (one per client thread) instead of threads.
 * Any session may release it, as in Python; the session that took it is the one whose death abandons it.
 */
import { InvalidStateError } from '../../errors.ts';
import type { Invocation, Session } from '../types.ts';
import type { Hosted } from './hosted.ts';
import { arity, dispatch, methodTable } from './hosted.ts';
import type { ConditionLock } from './lock-core.ts';
import { LockCore } from './lock-core.ts';

const METHODS = methodTable<HostLock>({
  /** → boolean; waits up to the invocation's timeout (0: only tries). */
  acquire: (lock, args, inv) => {
    arity(args, 0, 0, 'Lock.acquire');
    return lock.core.acquire(inv);
  },
  release: (lock, args) => {
    arity(args, 0, 0, 'Lock.release');
    lock.release();
  },
  locked: (lock, args) => {
    arity(args, 0, 0, 'Lock.locked');
    return lock.core.locked;
  },
  recover: (lock, args) => {
    arity(args, 0, 0, 'Lock.recover');
    return lock.core.recover();
  },
});

export class HostLock implements Hosted, ConditionLock {
  readonly type = 'Lock';
  readonly core = new LockCore('Lock');

  /** Managed Lock: no constructor arguments. */
  static create(args: readonly unknown[]): HostLock {
    arity(args, 0, 0, 'Lock()');
    return new HostLock();
  }

  invoke(method: string, args: readonly unknown[], invocation: Invocation): unknown {
    return dispatch(this, METHODS, method, args, invocation);
  }

  release(): void {
    const core = this.core;
    if (core.abandoned) throw core.abandonedError();
    if (core.holder === undefined) throw new InvalidStateError('Cannot release a Lock that is not held');
    core.release();
  }

  assertHeldBy(session: Session, what: string): void {
    if (this.core.abandoned) throw this.core.abandonedError();
    if (this.core.holder !== session)
      throw new InvalidStateError(`Cannot ${what} a Condition without holding its lock (acquire it first)`);
  }

  releaseAll(_session: Session): number {
    this.core.release();
    return 1;
  }

  restoreDepth(_depth: number): void {}

  sessionClosed(session: Session): void {
    this.core.sessionClosed(session);
  }
}
