/** `PriorityQueue<T>`: Python's `queue.PriorityQueue` between threads, with the priority beside the item. */
import { registerShareable } from '../core/shareable.ts';
import type { StoreState } from './item-store.ts';
import { PRIORITY } from './item-store.ts';
import type { QueueKind } from './queue.ts';
import type { AsyncWaitOptions, PutOptions } from './queue-options.ts';
import { Queue, kQueueKind, reviveQueue } from './queue.ts';
import { optionsObject } from './channel-options.ts';

/** The priority of an item: lower comes out first. */
export interface PriorityOption {
  /** Any number but NaN (`-Infinity` and `Infinity` included); lower is served first. @default 0 */
  readonly priority?: number;
}

/**
 * A queue that returns the item with the lowest `priority` first, and items of equal priority in the order they
 * were put (FIFO), so it is stable, unlike Python's heap of tuples. The priority is a number passed beside the
 * item rather than compared out of it: items are stored as bytes in shared memory, where no comparison function
 * of the caller's can run, and a number keeps ordering the same on every thread.
 *
 * Everything else is {@link Queue}'s. Each item costs 24 bytes of index against `capacityBytes` (8 in a Queue).
 * @example
 * ```ts
 * const jobs = new PriorityQueue<string>();
 * jobs.putNowait('later', { priority: 10 });
 * jobs.putNowait('urgent', { priority: -1 });
 * jobs.getNowait(); // 'urgent'
 * ```
 */
export class PriorityQueue<T = unknown> extends Queue<T> {
  static override readonly [kQueueKind]: QueueKind = { kind: 'PriorityQueue', discipline: PRIORITY };

  /**
   * {@link Queue.put} with a priority (blocking: workers only).
   * @throws InvalidArgumentError for a NaN or non-number `priority`.
   */
  override put(item: T, options?: PutOptions & PriorityOption): void {
    super.put(item, options);
  }

  /** {@link Queue.putNowait} with a priority; allowed on every thread. */
  override putNowait(item: T, options?: PriorityOption): void {
    const { priority } = optionsObject('options', options, ['priority'], 'PriorityQueue.putNowait(options)');
    super.put(item, { block: false, priority } as PutOptions);
  }

  /** {@link Queue.putAsync} with a priority. */
  override putAsync(item: T, options?: AsyncWaitOptions & PriorityOption): Promise<void> {
    return super.putAsync(item, options);
  }
}

registerShareable('spindle.PriorityQueue', (state: StoreState) =>
  reviveQueue(() => new PriorityQueue(), state),
);
