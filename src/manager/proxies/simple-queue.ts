/** `SimpleQueueProxy`: a managed SimpleQueue (Python's `queue.SimpleQueue`, served by a manager). */
import { registerShareable } from '../../core/shareable.ts';
import { channelFor } from '../channels.ts';
import type { ManagerChannel } from '../types.ts';
import type { ProxyState } from './managed-proxy.ts';
import { proxyKind } from './managed-proxy.ts';
import { QueueProxy } from './queue.ts';

registerShareable(
  proxyKind('SimpleQueue'),
  (state: ProxyState) => new SimpleQueueProxy(channelFor(state.endpoint), state.id),
);

/**
 * An unbounded first-in, first-out queue on a manager (Python's `queue.SimpleQueue`): a {@link QueueProxy} with
 * no `maxsize`, as the thread `SimpleQueue` is a `Queue` without one. Its `put` never waits for room, so
 * `full()` is always false and `maxsize()` 0; it keeps the rest of the thread class's surface (`close()`,
 * `for await`, the async forms).
 * @example
 * ```ts
 * const results = await manager.SimpleQueue<number>();
 * pool.submit(worker, results); // in the worker: results.put(42)
 * await results.getAsync(); // 42
 * ```
 */
export class SimpleQueueProxy<T = unknown> extends QueueProxy<T> {
  /** @internal Made by `manager.SimpleQueue()`, or revived from a task argument. */
  constructor(channel: ManagerChannel, id: number) {
    super(channel, id, 'SimpleQueue');
  }
}
