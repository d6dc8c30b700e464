/** `Process`: one task in its own child process, in the seeds' `multiprocessing.Process` style. */
import { ProcessPoolExecutor } from '../backends/process/process-pool.ts';
import type { PoolExecutor } from '../backends/pool/pool-executor.ts';
import type { Task } from '../core/task.ts';
import { RawWorker } from './raw-worker.ts';

let serial = 0;

/**
 * Runs one task in a new child process.
 * @example
 * ```ts
 * const p = new Process(heavyCompute, 0, 10_000_000);
 * p.start();
 * await p.join();
 * console.log(await p.result());
 * ```
 */
export class Process<A extends readonly unknown[], R> extends RawWorker<A, R> {
  constructor(task: Task<A, R>, ...args: A) {
    super('Process', ++serial, task, args);
  }

  protected createPool(): PoolExecutor {
    return new ProcessPoolExecutor({ maxWorkers: 1, name: this.name });
  }
}
