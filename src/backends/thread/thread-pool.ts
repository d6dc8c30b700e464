/**
 * ThreadPoolExecutor: tasks run on worker threads (`node:worker_threads`), in parallel with each other and
 * with the main thread. On Node there is no GIL: this is the backend for CPU-bound JavaScript.
 */
import type { ResourceLimits } from 'node:worker_threads';
import { InvalidArgumentError } from '../../errors.ts';
import { describe } from '../../core/task.ts';
import { PoolExecutor } from '../pool/pool-executor.ts';
import type { PoolOptions } from '../pool/pool-options.ts';
import { fillPoolOptions } from '../pool/pool-options.ts';
import type { WorkerEvents, WorkerHandle } from '../pool/worker-handle.ts';
import { ThreadWorker } from './thread-worker.ts';

export interface ThreadPoolOptions extends PoolOptions {
  /** V8 heap limits per worker thread; a task that exceeds them fails with WorkerCrashedError. */
  readonly resourceLimits?: ResourceLimits;
}

/**
 * A pool of worker threads.
 * @example
 * ```ts
 * await using pool = new ThreadPoolExecutor({ maxWorkers: 4 });
 * console.log(await pool.submit(square, 7)); // 49
 * ```
 */
export class ThreadPoolExecutor extends PoolExecutor {
  readonly #resourceLimits: ResourceLimits | undefined;

  constructor(options: ThreadPoolOptions = {}) {
    const filled = fillPoolOptions(options, 'ThreadPoolExecutor', ['resourceLimits']);
    const { resourceLimits } = options;
    if (resourceLimits !== undefined && (typeof resourceLimits !== 'object' || resourceLimits === null)) {
      throw new InvalidArgumentError(
        `Expected \`resourceLimits\` to be an object, got ${describe(resourceLimits)}`,
      );
    }
    super(filled, 'thread');
    this.#resourceLimits = resourceLimits;
    this.startMinWorkers();
  }

  protected createWorker(id: number, events: WorkerEvents): WorkerHandle {
    const options = this.poolOptions;
    return new ThreadWorker(
      id,
      {
        concurrency: options.concurrencyPerWorker,
        memoryReportMs: this.memoryReportMs,
        spinMicros: options.spinMicros,
        resourceLimits: this.#resourceLimits,
        execArgv: options.execArgv,
        env: options.env as Record<string, string | undefined> | undefined,
        name: `${options.name}-thread-${id}`,
      },
      events,
    );
  }
}
