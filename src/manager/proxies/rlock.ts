/** `RLockProxy`: a managed RLock (Python's `Manager().RLock()`) from any thread or process. */
import { registerShareable } from '../../core/shareable.ts';
import { channelFor } from '../channels.ts';
import type { ManagerChannel } from '../types.ts';
import { LockLikeProxy } from './acquirable.ts';
import type { ProxyState } from './managed-proxy.ts';
import { proxyKind } from './managed-proxy.ts';

registerShareable(
  proxyKind('RLock'),
  (state: ProxyState) => new RLockProxy(channelFor(state.endpoint), state.id),
);

/**
 * A re-entrant lock held on a manager (Python's `Manager().RLock()`): the session that holds it may acquire it
 * again without waiting and must release it as many times; only it may release (others get
 * InvalidStateError). The surface of the thread `RLock`, with an `...Async` form of each method.
 *
 * The owner is the calling thread's session: two worker threads of one process are two owners. Abandonment as
 * {@link LockProxy}: `recover()` frees it with its count back to zero.
 * @example
 * ```ts
 * using _outer = rlock.hold(); // in a worker
 * using _inner = rlock.hold(); // same session: does not wait
 * ```
 */
export class RLockProxy extends LockLikeProxy {
  protected get what(): string {
    return 'managed RLock';
  }

  /** @internal Made by `manager.RLock()`, or revived from a task argument. */
  constructor(channel: ManagerChannel, id: number) {
    super(channel, id, 'RLock', 'rlock');
  }
}
