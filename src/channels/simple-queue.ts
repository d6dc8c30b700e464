/** `SimpleQueue<T>`: Python's `queue.SimpleQueue` between threads; unbounded, FIFO, no item limit. */
import { registerShareable } from '../core/shareable.ts';
import type { StoreState } from './item-store.ts';
import { optionsObject } from './channel-options.ts';
import { FIFO } from './item-store.ts';
import type { QueueKind } from './queue.ts';
import type { QueueOptions } from './queue-options.ts';
import { Queue, kQueueKind, reviveQueue } from './queue.ts';

/** Options of `new SimpleQueue()`: no `maxsize`, as in Python. */
export interface SimpleQueueOptions {
  /** The most bytes held at once (see {@link QueueOptions.capacityBytes}). @default 67108864 (64 MiB) */
  readonly capacityBytes?: QueueOptions['capacityBytes'];
}

/**
 * An unbounded first-in, first-out queue between threads (Python's `queue.SimpleQueue`): a {@link Queue} without
 * `maxsize`. Only its `capacityBytes` (64 MiB by default) can make a `put` wait.
 * @example
 * ```ts
 * const results = new SimpleQueue<number>();
 * pool.submit(worker, results); // in the worker: results.put(42)
 * await results.getAsync(); // 42
 * ```
 */
export class SimpleQueue<T = unknown> extends Queue<T> {
  static override readonly [kQueueKind]: QueueKind = { kind: 'SimpleQueue', discipline: FIFO };

  /** @throws InvalidArgumentError for a bad `capacityBytes`. */
  constructor(options?: SimpleQueueOptions) {
    super({
      capacityBytes: optionsObject('options', options, ['capacityBytes'], 'new SimpleQueue(options)')
        .capacityBytes,
    });
  }
}

registerShareable('spindle.SimpleQueue', (state: StoreState) => reviveQueue(() => new SimpleQueue(), state));
