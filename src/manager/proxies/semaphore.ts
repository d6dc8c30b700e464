/** `SemaphoreProxy` and `BoundedSemaphoreProxy`: managed counting semaphores from any thread or process. */
import { registerShareable } from '../../core/shareable.ts';
import { channelFor } from '../channels.ts';
import type { ManagerChannel } from '../types.ts';
import { AcquirableProxy } from './acquirable.ts';
import type { ProxyState } from './managed-proxy.ts';
import { proxyKind } from './managed-proxy.ts';
import { checkCount } from './options.ts';

registerShareable(
  proxyKind('Semaphore'),
  (state: ProxyState) => new SemaphoreProxy(channelFor(state.endpoint), state.id),
);
registerShareable(
  proxyKind('BoundedSemaphore'),
  (state: ProxyState) => new BoundedSemaphoreProxy(channelFor(state.endpoint), state.id),
);

/**
 * A counting semaphore on a manager (Python's `Manager().Semaphore(value)`): `acquire` takes one permit,
 * waiting while there is none (first come, first served); `release(n)` gives permits back. The surface of the
 * thread `Semaphore`, with an `...Async` form of each method.
 *
 * Permits have no owner (any session may release one), so a session that closes does not give back what it
 * took, as with the thread Semaphore when a thread dies: bound your waits with a `timeout` where workers may
 * crash.
 * @example
 * ```ts
 * const slots = await manager.BoundedSemaphore(3); // at most 3 processes inside at once
 * // in a task:
 * using _ = slots.hold();
 * await download();
 * ```
 */
export class SemaphoreProxy extends AcquirableProxy {
  /** @internal Made by `manager.Semaphore()`, or revived from a task argument. */
  constructor(channel: ManagerChannel, id: number) {
    const type = new.target === BoundedSemaphoreProxy ? 'BoundedSemaphore' : 'Semaphore';
    super(channel, id, type, 'semaphore');
  }

  protected get what(): string {
    return this instanceof BoundedSemaphoreProxy ? 'managed BoundedSemaphore' : 'managed Semaphore';
  }

  /**
   * Gives back `n` permits, waking up to `n` waiters. Blocking (the round trip): workers. Throws
   * InvalidStateError if a BoundedSemaphore would go above its initial value.
   * @param n permits to give back, an integer from 1 up.
   * @default 1
   */
  override release(n = 1): void {
    this.callSync('release', n === 1 ? [] : [checkCount(n, 'n', 1)]);
  }

  /** The async form of {@link release}. */
  override releaseAsync(n = 1): Promise<void> {
    return this.callVoid('release', n === 1 ? [] : [checkCount(n, 'n', 1)]);
  }

  /** Permits available now (a snapshot). Blocking: workers. */
  value(): number {
    return this.callSync('value', []) as number;
  }

  /** The async form of {@link value}. */
  valueAsync(): Promise<number> {
    return this.callAsync('value', []) as Promise<number>;
  }
}

/**
 * A managed semaphore that refuses to be released above its initial value (Python's
 * `Manager().BoundedSemaphore(value)`): an over-release throws InvalidStateError. Otherwise as
 * {@link SemaphoreProxy}.
 */
export class BoundedSemaphoreProxy extends SemaphoreProxy {}
