/**
 * The managed Condition: Python's `threading.Condition` over a managed Lock or RLock (its own new RLock by
 * default, as Python's), with sessions in place of threads.
 *
 *   wait:   [S holds the lock] depth = let go entirely ─▶ in line ─notify──▶ take the lock back at depth ─▶ true
 *                                                              ├─timeout─▶ take the lock back at depth ─▶ false
 *                                                              ├─abort───▶ take the lock back at depth ─▶ signal.reason
 *                                                              └─lock abandoned ─▶ LockAbandonedError
 *
 * Whatever ends a wait, the waiter holds the lock again before its reply, as Python's contract says, with one
 * exception: a waiter whose session has closed takes nothing back (it could never release it, and the lock
 * would be abandoned for a peer that was only waiting). A session's requests are aborted when it closes, and
 * the transport may do that just before or just after calling `sessionClosed`, so an aborted waiter looks one
 * turn of the event loop later whether its session is gone before it takes the lock back.
 */
import { InvalidArgumentError } from '../../errors.ts';
import { describe } from '../../sync/options.ts';
import type { Invocation, Session } from '../types.ts';
import type { CreateContext } from './host.ts';
import type { Hosted } from './hosted.ts';
import { arity, dispatch, methodTable } from './hosted.ts';
import type { ConditionLock } from './lock-core.ts';
import { HostLock } from './lock.ts';
import { HostRLock } from './rlock.ts';
import { WaiterList } from './waiters.ts';

/** A waiter's way back to the lock, run once its wait ends. */
type Reacquire = () => Promise<void>;

const METHODS = methodTable<HostCondition>({
  acquire: (condition, args, inv) => condition.lock.invoke('acquire', args, inv),
  release: (condition, args, inv) => condition.lock.invoke('release', args, inv),
  locked: (condition, args, inv) => condition.lock.invoke('locked', args, inv),
  recover: (condition, args, inv) => condition.lock.invoke('recover', args, inv),
  /** → true if notified, false when the invocation's timeout runs out; the lock held again either way. */
  wait: (condition, args, inv) => {
    arity(args, 0, 0, 'Condition.wait');
    return condition.wait(inv);
  },
  /** [n = 1]: an integer from 0 up, or Infinity. */
  notify: (condition, args, inv) => {
    arity(args, 0, 1, 'Condition.notify');
    const n = args[0] ?? 1;
    if (n !== Infinity && !(typeof n === 'number' && Number.isInteger(n) && n >= 0))
      throw new InvalidArgumentError(
        `Expected \`n\` to be an integer from 0 up (or Infinity), got ${describe(n)}`,
      );
    condition.notify(inv.session, n as number);
  },
  notifyAll: (condition, args, inv) => {
    arity(args, 0, 0, 'Condition.notifyAll');
    condition.notify(inv.session, Infinity);
  },
});

export class HostCondition implements Hosted {
  readonly type = 'Condition';
  readonly lock: ConditionLock & Hosted;
  /** True if the lock is the condition's own (no other object id reaches it, so the host never closes it). */
  readonly #ownsLock: boolean;
  readonly #waiters = new WaiterList<boolean, Reacquire>();
  readonly #context: CreateContext;

  /** `[lock?]`: the object id of a managed Lock or RLock; a new RLock of its own if absent. */
  static create(args: readonly unknown[], context: CreateContext): HostCondition {
    arity(args, 0, 1, 'Condition()');
    const id = args[0];
    if (id === undefined) return new HostCondition(new HostRLock(), true, context);
    const lock = typeof id === 'number' ? context.lookup(id) : undefined;
    if (!(lock instanceof HostLock) && !(lock instanceof HostRLock))
      throw new InvalidArgumentError(
        `Expected \`lock\` to be the id of a managed Lock or RLock, got ${describe(id)}` +
          (lock === undefined ? '' : ` (a ${lock.type})`),
      );
    return new HostCondition(lock, false, context);
  }

  private constructor(lock: ConditionLock & Hosted, ownsLock: boolean, context: CreateContext) {
    this.lock = lock;
    this.#ownsLock = ownsLock;
    this.#context = context;
    // An abandoned lock can never be notified under: its waiters stop waiting and hear why.
    lock.core.onAbandoned(() => this.#waiters.failAll(() => lock.core.abandonedError()));
  }

  invoke(method: string, args: readonly unknown[], invocation: Invocation): unknown {
    return dispatch(this, METHODS, method, args, invocation);
  }

  wait(inv: Invocation): Promise<boolean> {
    const { session } = inv;
    const lock = this.lock;
    lock.assertHeldBy(session, 'wait on');
    const depth = lock.releaseAll(session);
    const reacquire: Reacquire = async () => {
      const taken = lock.core.acquire({ session });
      if (taken !== true) await taken;
      lock.restoreDepth(depth);
    };
    return this.#waiters.park(inv, reacquire, {
      onTimeout: () => reacquire().then(() => false),
      onAbort: (reason) => this.#afterAbort(session, reacquire).then(() => Promise.reject(reason as Error)),
    });
  }

  notify(session: Session, n: number): void {
    this.lock.assertHeldBy(session, 'notify');
    for (const waiter of this.#waiters.waiters().slice(0, n))
      this.#waiters.grant(
        waiter,
        waiter.data().then(() => true),
      );
  }

  sessionClosed(session: Session): void {
    this.#waiters.dropSession(session);
    if (this.#ownsLock) this.lock.sessionClosed(session);
  }

  async #afterAbort(session: Session, reacquire: Reacquire): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (!this.#context.isClosed(session)) await reacquire();
  }
}
