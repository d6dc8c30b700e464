/** `JoinableQueueProxy`: a managed JoinableQueue (Python's `Manager().JoinableQueue()`). */
import { registerShareable } from '../../core/shareable.ts';
import type { AsyncWaitOptions } from '../../channels/queue-options.ts';
import { channelFor } from '../channels.ts';
import type { ManagerChannel } from '../types.ts';
import type { ProxyState } from './managed-proxy.ts';
import { proxyKind } from './managed-proxy.ts';
import { asyncOptions, checkTimeout } from './options.ts';
import { QueueProxy } from './queue.ts';

registerShareable(
  proxyKind('JoinableQueue'),
  (state: ProxyState) => new JoinableQueueProxy(channelFor(state.endpoint), state.id),
);

/**
 * A managed {@link QueueProxy} whose consumers report each item done, so a producer can wait until all are
 * (Python's `task_done` / `join`): every accepted put adds one unfinished item, every `taskDone()` one fewer.
 * @example
 * ```ts
 * // in each worker: for (;;) { handle(jobs.get()); jobs.taskDone(); }
 * for (const job of batch) await jobs.putAsync(job);
 * await jobs.joinAsync(); // every job was taken and reported done
 * ```
 */
export class JoinableQueueProxy<T = unknown> extends QueueProxy<T> {
  /** @internal Made by `manager.JoinableQueue()`, or revived from a task argument. */
  constructor(channel: ManagerChannel, id: number) {
    super(channel, id, 'JoinableQueue');
  }

  /**
   * Reports one item taken with `get` as done. Blocking (the round trip): workers.
   * @throws InvalidStateError if called more times than items were put.
   */
  taskDone(): void {
    this.callSync('taskDone', []);
  }

  /** The async form of {@link taskDone}. */
  taskDoneAsync(): Promise<void> {
    return this.callVoid('taskDone', []);
  }

  /**
   * Blocks this worker until every item put has been reported done.
   * @throws TimeoutError if items are still unfinished after `timeout` (ms).
   */
  join(timeout?: number): void {
    this.callSync('join', [], checkTimeout(timeout));
  }

  /** Waits asynchronously until every item put has been reported done; rejects with TimeoutError, or on abort. */
  joinAsync(options?: AsyncWaitOptions): Promise<void> {
    return this.callVoid('join', [], asyncOptions(options));
  }

  /** Items put and not yet reported done (a snapshot). Blocking: workers. */
  unfinishedTasks(): number {
    return this.callSync('unfinishedTasks', []) as number;
  }

  /** The async form of {@link unfinishedTasks}. */
  unfinishedTasksAsync(): Promise<number> {
    return this.callAsync('unfinishedTasks', []) as Promise<number>;
  }
}
