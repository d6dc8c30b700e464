/** `LifoQueueProxy`: a managed LifoQueue (Python's `queue.LifoQueue`, served by a manager). */
import { registerShareable } from '../../core/shareable.ts';
import { channelFor } from '../channels.ts';
import type { ManagerChannel } from '../types.ts';
import type { ProxyState } from './managed-proxy.ts';
import { proxyKind } from './managed-proxy.ts';
import { QueueProxy } from './queue.ts';

registerShareable(
  proxyKind('LifoQueue'),
  (state: ProxyState) => new LifoQueueProxy(channelFor(state.endpoint), state.id),
);

/**
 * A last-in, first-out queue (a stack) on a manager: `get` returns the most recently put item. Everything else is
 * {@link QueueProxy}'s: `maxsize` back-pressure, blocking forms for workers, async forms and `for await` for any
 * thread, `close()`.
 * @example
 * ```ts
 * const stack = await manager.LifoQueue<string>();
 * await stack.putAsync('a');
 * await stack.putAsync('b');
 * await stack.getAsync(); // 'b'
 * ```
 */
export class LifoQueueProxy<T = unknown> extends QueueProxy<T> {
  /** @internal Made by `manager.LifoQueue()`, or revived from a task argument. */
  constructor(channel: ManagerChannel, id: number) {
    super(channel, id, 'LifoQueue');
  }
}
