/** `LockProxy`: a managed Lock (Python's `Manager().Lock()`) from any thread or process. */
import { registerShareable } from '../../core/shareable.ts';
import { channelFor } from '../channels.ts';
import type { ManagerChannel } from '../types.ts';
import { LockLikeProxy } from './acquirable.ts';
import type { ProxyState } from './managed-proxy.ts';
import { proxyKind } from './managed-proxy.ts';

registerShareable(
  proxyKind('Lock'),
  (state: ProxyState) => new LockProxy(channelFor(state.endpoint), state.id),
);

/**
 * A lock held on a manager, so threads of different processes can exclude each other (Python's
 * `multiprocessing.Manager().Lock()`). The surface of the thread `Lock`: `acquire`, `release`, `locked`,
 * `hold` for `using`, `recover`, each with an `...Async` form.
 *
 * - Blocking forms are for workers (threads and processes): each is a round trip to the manager that blocks the
 *   calling thread. The main thread uses `acquireAsync`, `holdAsync`, `releaseAsync`, ...
 * - Not re-entrant: a session that acquires a lock it holds waits for itself. Any session may release it.
 * - Abandonment: the holder is the calling thread's session. If it closes while holding the lock (the thread or
 *   process exits, crashes or loses its connection), the lock is abandoned: every waiter and later acquire
 *   gets LockAbandonedError until `recover()`.
 * - Pass it to a task (thread or process) as an argument: the worker gets a proxy of the same lock.
 * @example
 * ```ts
 * const lock = await manager.Lock();
 * // in a worker process:
 * using _ = lock.hold();
 * fs.appendFileSync(log, line);
 * ```
 */
export class LockProxy extends LockLikeProxy {
  protected get what(): string {
    return 'managed Lock';
  }

  /** @internal Made by `manager.Lock()`, or revived from a task argument. */
  constructor(channel: ManagerChannel, id: number) {
    super(channel, id, 'Lock', 'lock');
  }
}
