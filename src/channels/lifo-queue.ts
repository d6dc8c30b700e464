/** `LifoQueue<T>`: Python's `queue.LifoQueue` between threads; the newest item comes out first. */
import { registerShareable } from '../core/shareable.ts';
import type { StoreState } from './item-store.ts';
import { LIFO } from './item-store.ts';
import type { QueueKind } from './queue.ts';
import { Queue, kQueueKind, reviveQueue } from './queue.ts';

/**
 * A last-in, first-out queue (a stack) between threads: `get` returns the most recently `put` item. Everything
 * else is {@link Queue}'s: options, blocking forms for workers, async forms for the main thread, `close()`.
 * @example
 * ```ts
 * const stack = new LifoQueue<string>();
 * stack.putNowait('a');
 * stack.putNowait('b');
 * stack.getNowait(); // 'b'
 * ```
 */
export class LifoQueue<T = unknown> extends Queue<T> {
  static override readonly [kQueueKind]: QueueKind = { kind: 'LifoQueue', discipline: LIFO };
}

registerShareable('spindle.LifoQueue', (state: StoreState) => reviveQueue(() => new LifoQueue(), state));
