/** `ConditionProxy`: a managed Condition (Python's `Manager().Condition()`) from any thread or process. */
import { registerShareable } from '../../core/shareable.ts';
import { InvalidArgumentError } from '../../errors.ts';
import type { AsyncWaitOptions } from '../../sync/options.ts';
import { describe } from '../../sync/options.ts';
import { channelFor } from '../channels.ts';
import type { ManagerChannel } from '../types.ts';
import { LockLikeProxy } from './acquirable.ts';
import type { ProxyState } from './managed-proxy.ts';
import { proxyKind } from './managed-proxy.ts';
import { asyncOptions, checkTimeout } from './options.ts';

registerShareable(
  proxyKind('Condition'),
  (state: ProxyState) => new ConditionProxy(channelFor(state.endpoint), state.id),
);

function checkPredicate(predicate: unknown): void {
  if (typeof predicate !== 'function')
    throw new InvalidArgumentError(`Expected \`predicate\` to be a function, got ${describe(predicate)}`);
}

function checkN(n: unknown): number {
  if (n !== Infinity && !(typeof n === 'number' && Number.isInteger(n) && n >= 0))
    throw new InvalidArgumentError(
      `Expected \`n\` to be an integer from 0 up (or Infinity), got ${describe(n)}`,
    );
  return n as number;
}

/** Milliseconds left until `deadline` (performance.now() clock), never negative. */
function left(deadline: number): number {
  return deadline === Infinity ? Infinity : Math.max(0, deadline - performance.now());
}

/**
 * A condition variable on a manager (Python's `Manager().Condition(lock)`), bound to a managed Lock or RLock
 * (a new RLock of its own by default). The surface of the thread `Condition`: `acquire` / `release` / `hold`
 * take its lock, `wait` releases it while waiting for a `notify`, and takes it back before returning, whether
 * notified, timed out or (async form) aborted.
 *
 * `waitFor(predicate)` runs the predicate here, in the calling thread, holding the lock: it loops wait and check
 * as Python's `wait_for` does, so the predicate may read anything (other managed objects included).
 * Abandonment is carried by the lock, as with the thread Condition.
 * @example
 * ```ts
 * // consumer (worker):
 * using _ = cond.hold();
 * cond.waitFor(() => items.length() > 0);
 * const item = items.pop(0);
 * // producer (main thread):
 * await using _ = await cond.holdAsync();
 * await items.appendAsync(job);
 * await cond.notifyAsync();
 * ```
 */
export class ConditionProxy extends LockLikeProxy {
  protected get what(): string {
    return 'managed Condition’s lock';
  }

  /** @internal Made by `manager.Condition()`, or revived from a task argument. */
  constructor(channel: ManagerChannel, id: number) {
    super(channel, id, 'Condition', 'condition');
  }

  /**
   * Releases the lock, blocks this worker until notified or until `timeout` (ms) runs out, and takes the lock
   * back. Returns true if notified, false on timeout. Throws InvalidStateError without the lock.
   * @example
   * ```ts
   * using _ = cond.hold();
   * while (!ready.get()) cond.wait();
   * ```
   */
  wait(timeout?: number): boolean {
    return this.callSync('wait', [], checkTimeout(timeout)) as boolean;
  }

  /**
   * The async form of {@link wait}: resolves to true if notified, false on timeout; rejects with
   * `signal.reason` on abort. However it settles, the lock is held again by then.
   */
  waitAsync(options?: AsyncWaitOptions): Promise<boolean> {
    return this.callAsync('wait', [], asyncOptions(options)) as Promise<boolean>;
  }

  /**
   * Waits until `predicate()` returns a truthy value or `timeout` (ms, over the whole call) runs out, and
   * returns its last value (Python's `wait_for`). Called first, so a state that already holds returns at once.
   * Blocking: workers.
   * @example
   * ```ts
   * using _ = cond.hold();
   * if (!cond.waitFor(() => queue.qsize() > 0, 1_000)) throw new Error('nothing within 1 s');
   * ```
   */
  waitFor<T>(predicate: () => T, timeout?: number): T {
    checkPredicate(predicate);
    const ms = checkTimeout(timeout);
    const deadline = ms === undefined ? Infinity : performance.now() + ms;
    let result = predicate();
    while (!result && left(deadline) > 0) {
      this.wait(deadline === Infinity ? undefined : left(deadline));
      result = predicate();
    }
    return result;
  }

  /**
   * The async form of {@link waitFor}. The predicate may be async (it may read other managed objects with
   * their `...Async` forms). Rejects with `signal.reason` on abort, holding the lock again by then.
   * @example
   * ```ts
   * await using _ = await cond.holdAsync();
   * await cond.waitForAsync(async () => (await items.lengthAsync()) > 0, { timeout: 1_000 });
   * ```
   */
  waitForAsync<T>(predicate: () => T | PromiseLike<T>, options?: AsyncWaitOptions): Promise<T> {
    checkPredicate(predicate);
    const checked = asyncOptions(options);
    const deadline = checked?.timeout === undefined ? Infinity : performance.now() + checked.timeout;
    return this.#waitForAsync(predicate, deadline, checked?.signal);
  }

  /**
   * Wakes up to `n` sessions waiting on this condition; they return from `wait` once they get the lock back,
   * so after this caller releases it. The lock must be held (InvalidStateError otherwise). Blocking: workers.
   * @param n how many waiters to wake, an integer from 0 up (or Infinity).
   * @default 1
   */
  notify(n = 1): void {
    this.callSync('notify', [checkN(n)]);
  }

  /** The async form of {@link notify}. */
  notifyAsync(n = 1): Promise<void> {
    return this.callVoid('notify', [checkN(n)]);
  }

  /** Wakes every waiter. The lock must be held. Blocking: workers. */
  notifyAll(): void {
    this.callSync('notifyAll', []);
  }

  /** The async form of {@link notifyAll}. */
  notifyAllAsync(): Promise<void> {
    return this.callVoid('notifyAll', []);
  }

  async #waitForAsync<T>(
    predicate: () => T | PromiseLike<T>,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    let result = await predicate();
    while (!result && left(deadline) > 0) {
      await this.waitAsync({ timeout: left(deadline), signal });
      result = await predicate();
    }
    return result;
  }
}
