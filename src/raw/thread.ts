/** `Thread`: one task on its own worker thread, in the seeds' `threading.Thread` style. */
import { ThreadPoolExecutor } from '../backends/thread/thread-pool.ts';
import type { PoolExecutor } from '../backends/pool/pool-executor.ts';
import type { Task } from '../core/task.ts';
import { RawWorker } from './raw-worker.ts';

let serial = 0;

/**
 * Runs one task on a new worker thread.
 * @example
 * ```ts
 * const t = new Thread(increment, counter, lock);
 * t.start();
 * await t.join();
 * console.log(t.isAlive(), await t.result());
 * ```
 */
export class Thread<A extends readonly unknown[], R> extends RawWorker<A, R> {
  constructor(task: Task<A, R>, ...args: A) {
    super('Thread', ++serial, task, args);
  }

  protected createPool(): PoolExecutor {
    return new ThreadPoolExecutor({ maxWorkers: 1, name: this.name });
  }
}
