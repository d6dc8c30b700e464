/**
 * `JoinableQueue<T>`: a Queue that counts unfinished items (Python's `queue.Queue.task_done`/`join`, the
 * `multiprocessing.JoinableQueue` shape). Every put adds one (under the queue's lock, in item-store.ts); every
 * `taskDone()` takes one away; `join` sleeps on the ALL_DONE sequence word until the count is zero, woken by the
 * `taskDone()` that brings it there only if JOINERS says someone sleeps.
 */
import { assertMayBlock } from '../core/may-block.ts';
import { registerShareable } from '../core/shareable.ts';
import { InvalidStateError, TimeoutError } from '../errors.ts';
import { deadlineAfter, remaining, waitSlice, waitSliceAsync, wake } from '../sync/futex.ts';
import { optionsObject, signalOption } from './channel-options.ts';
import type { ItemStore, StoreState } from './item-store.ts';
import { ALL_DONE, FIFO, JOINERS, UNFINISHED } from './item-store.ts';
import type { QueueKind } from './queue.ts';
import type { AsyncWaitOptions } from './queue-options.ts';
import { Queue, kQueueKind, reviveQueue, storeOf } from './queue.ts';

/**
 * A FIFO {@link Queue} whose consumers report each item done, so a producer can wait until all of them are:
 * the unfinished count rises with every `put` and falls with every `taskDone()`.
 * @example
 * ```ts
 * const jobs = new JoinableQueue<Job>();
 * pool.submit(worker, jobs); // in the worker: for (;;) { handle(jobs.get()); jobs.taskDone(); }
 * for (const job of batch) await jobs.putAsync(job);
 * await jobs.joinAsync(); // every job was taken and reported done
 * ```
 */
export class JoinableQueue<T = unknown> extends Queue<T> {
  static override readonly [kQueueKind]: QueueKind = { kind: 'JoinableQueue', discipline: FIFO };

  /** Items put and not yet reported done with `taskDone()` (a snapshot). */
  get unfinishedTasks(): number {
    return Atomics.load(this.#store().cells, UNFINISHED);
  }

  /**
   * Reports one item taken with `get` as done. When every item put so far is done, `join` calls return.
   * @throws InvalidStateError if called more times than items were put.
   */
  taskDone(): void {
    const store = this.#store();
    const cells = store.cells;
    store.mutex.lock(Infinity);
    const unfinished = cells[UNFINISHED]!;
    if (unfinished === 0) {
      store.mutex.unlock();
      throw new InvalidStateError('taskDone() was called more times than there were items put');
    }
    Atomics.store(cells, UNFINISHED, unfinished - 1);
    store.mutex.unlock();
    if (unfinished === 1 && Atomics.load(cells, JOINERS) > 0) {
      Atomics.add(cells, ALL_DONE, 1);
      wake(cells, ALL_DONE);
    }
  }

  /**
   * Blocks until every item put has been reported done (returns at once if none is pending). Workers only.
   * @param timeout the most milliseconds to wait. @default Infinity
   * @throws TimeoutError if items are still unfinished after `timeout`.
   * @throws BlockingCallError on the main thread: use `joinAsync`.
   */
  join(timeout?: number): void {
    assertMayBlock('JoinableQueue.join()', 'await queue.joinAsync()');
    const deadline = deadlineAfter(timeout);
    const store = this.#store();
    for (;;) {
      const seq = this.#doneOrRegister(store, deadline, timeout);
      if (seq === undefined) return;
      waitSlice(store.cells, ALL_DONE, seq, deadline);
      Atomics.sub(store.cells, JOINERS, 1);
    }
  }

  /**
   * Waits asynchronously until every item put has been reported done: the form for the main thread.
   * @throws (rejects) TimeoutError after `timeout`; `signal.reason` if `signal` aborts.
   * @example
   * ```ts
   * await jobs.joinAsync({ timeout: 30_000 });
   * ```
   */
  async joinAsync(options?: AsyncWaitOptions): Promise<void> {
    const o = optionsObject('options', options, ['timeout', 'signal'], 'JoinableQueue.joinAsync(options)');
    const deadline = deadlineAfter(o.timeout);
    const signal = signalOption(o.signal);
    const store = this.#store();
    for (;;) {
      signal?.throwIfAborted();
      const seq = this.#doneOrRegister(store, deadline, o.timeout);
      if (seq === undefined) return;
      try {
        await waitSliceAsync(store.cells, ALL_DONE, seq, deadline, signal);
      } finally {
        Atomics.sub(store.cells, JOINERS, 1);
      }
    }
  }

  #store(): ItemStore {
    return storeOf(this as Queue<unknown>);
  }

  /** Undefined if nothing is unfinished; else registers a joiner and returns the ALL_DONE word to sleep on. */
  #doneOrRegister(store: ItemStore, deadline: number, timeout: number | undefined): number | undefined {
    const cells = store.cells;
    store.mutex.lock(Infinity);
    const unfinished = cells[UNFINISHED]!;
    if (unfinished === 0) {
      store.mutex.unlock();
      return undefined;
    }
    if (remaining(deadline) === 0) {
      store.mutex.unlock();
      throw new TimeoutError(
        `${unfinished} item(s) of the JoinableQueue were still unfinished after ${timeout} ms`,
      );
    }
    const seq = Atomics.load(cells, ALL_DONE);
    Atomics.add(cells, JOINERS, 1);
    store.mutex.unlock();
    return seq;
  }
}

registerShareable('spindle.JoinableQueue', (state: StoreState) =>
  reviveQueue(() => new JoinableQueue(), state),
);
