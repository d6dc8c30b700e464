/** `QueueProxy`: a managed Queue (Python's `Manager().Queue(maxsize)`) from any thread or process. */
import { registerShareable } from '../../core/shareable.ts';
import { ChannelClosedError } from '../../errors.ts';
import type { AsyncWaitOptions, GetOptions, PutOptions } from '../../channels/queue-options.ts';
import { channelFor } from '../channels.ts';
import type { ManagedType, ManagerChannel } from '../types.ts';
import type { ProxyState } from './managed-proxy.ts';
import { ManagedProxy, proxyKind } from './managed-proxy.ts';
import { asyncOptions, queueTimeout } from './options.ts';

/** The managed types a QueueProxy (or a subclass) stands for. */
export type QueueType = Extract<
  ManagedType,
  'Queue' | 'JoinableQueue' | 'LifoQueue' | 'PriorityQueue' | 'SimpleQueue'
>;

registerShareable(
  proxyKind('Queue'),
  (state: ProxyState) => new QueueProxy(channelFor(state.endpoint), state.id),
);

/**
 * A first-in, first-out queue on a manager (Python's `Manager().Queue(maxsize)`), for any structured-cloneable
 * value (proxies of other managed objects included). The surface of the thread `Queue`: workers `put` / `get`
 * (blocking), any thread `putAsync` / `getAsync` / `for await`. Back-pressure: with a `maxsize`, puts wait for
 * room. A waiting `get` that is cancelled (its `signal` aborts, its timeout runs out) takes no item.
 *
 * Unlike the thread Queue, the non-waiting forms `putNowait` / `getNowait` are round trips too, so they block
 * (workers only); on the main thread use `putAsync(item, { timeout: 0 })` / `getAsync({ timeout: 0 })`.
 * @example
 * ```ts
 * const jobs = await manager.Queue<Job>({ maxsize: 100 });
 * await Promise.all(workers.map(() => pool.submit(consume, jobs))); // in the task: for (;;) handle(jobs.get())
 * for (const job of batch) await jobs.putAsync(job);
 * await jobs.closeAsync();
 * ```
 */
export class QueueProxy<T = unknown> extends ManagedProxy implements AsyncIterable<T> {
  /**
   * @internal Made by `manager.Queue()`, or revived from a task argument. A subclass for another kind of queue
   * passes its `type`.
   */
  constructor(channel: ManagerChannel, id: number, type: QueueType = 'Queue') {
    super(channel, id, type, 'queue');
  }

  /**
   * Adds an item, blocking this worker while the queue is full.
   * @throws QueueFullError if there is no room (at once with `block: false`, else after `timeout`).
   * @throws ChannelClosedError after `close()`.
   */
  put(item: T, options?: PutOptions): void {
    this.callSync('put', [item], queueTimeout(options));
  }

  /** Adds an item if there is room now (Python's `put_nowait`); a round trip, so workers only. */
  putNowait(item: T): void {
    this.callSync('put', [item], 0, 'putNowait', 'await queue.putAsync(item, { timeout: 0 })');
  }

  /**
   * Adds an item, waiting asynchronously for room. Rejects with QueueFullError after `timeout` (`0`: only
   * tries), `signal.reason` on abort (nothing added), ChannelClosedError after `close()`.
   */
  putAsync(item: T, options?: AsyncWaitOptions): Promise<void> {
    return this.callVoid('put', [item], asyncOptions(options));
  }

  /**
   * Removes and returns the next item, blocking this worker while the queue is empty.
   * @throws QueueEmptyError if there is none (at once with `block: false`, else after `timeout`).
   * @throws ChannelClosedError once the queue is closed and drained.
   */
  get(options?: GetOptions): T {
    return this.callSync('get', [], queueTimeout(options)) as T;
  }

  /** Removes and returns the next item if there is one now (Python's `get_nowait`); workers only. */
  getNowait(): T {
    return this.callSync('get', [], 0, 'getNowait', 'await queue.getAsync({ timeout: 0 })') as T;
  }

  /**
   * Removes and returns the next item, waiting asynchronously. Rejects with QueueEmptyError after `timeout`
   * (`0`: only looks), `signal.reason` on abort (no item taken), ChannelClosedError once closed and drained.
   */
  getAsync(options?: AsyncWaitOptions): Promise<T> {
    return this.callAsync('get', [], asyncOptions(options)) as Promise<T>;
  }

  /** The number of items held now (a snapshot). Blocking: workers. */
  qsize(): number {
    return this.callSync('qsize', []) as number;
  }

  /** The async form of {@link qsize}. */
  qsizeAsync(): Promise<number> {
    return this.callAsync('qsize', []) as Promise<number>;
  }

  /** True if no item is held now (a snapshot). Blocking: workers. */
  empty(): boolean {
    return this.callSync('empty', []) as boolean;
  }

  /** The async form of {@link empty}. */
  emptyAsync(): Promise<boolean> {
    return this.callAsync('empty', []) as Promise<boolean>;
  }

  /** True if `maxsize` items are held now (a snapshot). Blocking: workers. */
  full(): boolean {
    return this.callSync('full', []) as boolean;
  }

  /** The async form of {@link full}. */
  fullAsync(): Promise<boolean> {
    return this.callAsync('full', []) as Promise<boolean>;
  }

  /** The item limit given at creation (0 = none). Blocking: workers. */
  maxsize(): number {
    return this.callSync('maxsize', []) as number;
  }

  /** The async form of {@link maxsize}. */
  maxsizeAsync(): Promise<number> {
    return this.callAsync('maxsize', []) as Promise<number>;
  }

  /**
   * Closes the queue for everyone (Python 3.13's `shutdown()`): puts fail with ChannelClosedError, gets return
   * what is left and then fail likewise, `for await` loops end. Idempotent. Blocking: workers.
   */
  close(): void {
    this.callSync('close', []);
  }

  /** The async form of {@link close}. */
  closeAsync(): Promise<void> {
    return this.callVoid('close', []);
  }

  /** True once closed. Blocking: workers. */
  closed(): boolean {
    return this.callSync('closed', []) as boolean;
  }

  /** The async form of {@link closed}. */
  closedAsync(): Promise<boolean> {
    return this.callAsync('closed', []) as Promise<boolean>;
  }

  /**
   * Yields items as they arrive (via `getAsync`) until the queue is closed and drained. Several loops, in any
   * threads or processes, may consume one queue: each item goes to exactly one of them.
   * @example
   * ```ts
   * for await (const item of queue) handle(item);
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      let item: T;
      try {
        item = await this.getAsync();
      } catch (error) {
        if (error instanceof ChannelClosedError) return;
        throw error;
      }
      yield item;
    }
  }
}
