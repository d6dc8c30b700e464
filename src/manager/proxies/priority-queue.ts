/** `PriorityQueueProxy`: a managed PriorityQueue (Python's `queue.PriorityQueue`, served by a manager). */
import { registerShareable } from '../../core/shareable.ts';
import { InvalidArgumentError } from '../../errors.ts';
import { rejectUnknownOptions } from '../../core/known-options.ts';
import type { PriorityOption } from '../../channels/priority-queue.ts';
import type { AsyncWaitOptions, PutOptions } from '../../channels/queue-options.ts';
import { describe } from '../../sync/options.ts';
import { channelFor } from '../channels.ts';
import type { ManagerChannel } from '../types.ts';
import type { ProxyState } from './managed-proxy.ts';
import { proxyKind } from './managed-proxy.ts';
import { asyncOptions, queueTimeout } from './options.ts';
import { QueueProxy } from './queue.ts';

registerShareable(
  proxyKind('PriorityQueue'),
  (state: ProxyState) => new PriorityQueueProxy(channelFor(state.endpoint), state.id),
);

/**
 * A queue on a manager that returns the item with the lowest `priority` first, and items of equal priority in
 * the order they were put, as the thread `PriorityQueue` does: the priority is a number passed beside the item
 * (`{ priority }`, default 0), never compared out of the item. A put that waits for room in a full queue keeps
 * its priority: once in, its item takes its place by it. Everything else is {@link QueueProxy}'s.
 * @example
 * ```ts
 * const jobs = await manager.PriorityQueue<string>();
 * await jobs.putAsync('later', { priority: 10 });
 * await jobs.putAsync('urgent', { priority: -1 });
 * await jobs.getAsync(); // 'urgent'
 * ```
 */
export class PriorityQueueProxy<T = unknown> extends QueueProxy<T> {
  /** @internal Made by `manager.PriorityQueue()`, or revived from a task argument. */
  constructor(channel: ManagerChannel, id: number) {
    super(channel, id, 'PriorityQueue');
  }

  /**
   * {@link QueueProxy.put} with a priority (blocking: workers only).
   * @throws InvalidArgumentError for a NaN or non-number `priority`.
   */
  override put(item: T, options?: PutOptions & PriorityOption): void {
    const timeout = queueTimeout(options, ['priority']);
    this.callSync('put', [item, priorityOf(options)], timeout);
  }

  /** {@link QueueProxy.putNowait} with a priority; a round trip, so workers only. */
  override putNowait(item: T, options?: PriorityOption): void {
    if (typeof options === 'object' && options !== null)
      rejectUnknownOptions(options, ['priority'], 'PriorityQueue.putNowait(options)');
    this.callSync(
      'put',
      [item, priorityOf(options)],
      0,
      'putNowait',
      'await queue.putAsync(item, { timeout: 0, priority })',
    );
  }

  /** {@link QueueProxy.putAsync} with a priority. */
  override putAsync(item: T, options?: AsyncWaitOptions & PriorityOption): Promise<void> {
    const priority = priorityOf(options);
    return this.callVoid('put', [item, priority], asyncOptions(options, ['priority']));
  }
}

/** The thread PriorityQueue's rule: any number but NaN (`±Infinity` included); absent is 0. */
function priorityOf(options: PriorityOption | undefined): number {
  if (options === undefined) return 0;
  if (typeof options !== 'object' || options === null)
    throw new InvalidArgumentError(`Expected \`options\` to be an object, got ${describe(options)}`);
  const { priority = 0 } = options;
  if (typeof priority !== 'number' || Number.isNaN(priority))
    throw new InvalidArgumentError(
      `Expected \`priority\` to be a number (not NaN), got ${describe(priority)}`,
    );
  return priority;
}
