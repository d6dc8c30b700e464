/**
 * ThreadPoolExecutor: tasks run on worker threads (`node:worker_threads`), in parallel with each other and
 * with the main thread. On Node there is no GIL: this is the backend for CPU-bound JavaScript.
 */
import type { ResourceLimits } from 'node:worker_threads';
import { InvalidArgumentError } from '../../errors.ts';
import { describe } from '../../core/task.ts';
import { PoolExecutor } from '../pool/pool-executor.ts';
import type { PoolOptions } from '../pool/pool-options.ts';
import { fillPoolOptions, nonNegative } from '../pool/pool-options.ts';
import type { WorkerEvents, WorkerHandle } from '../pool/worker-handle.ts';
import { ThreadWorker } from './thread-worker.ts';

export interface ThreadPoolOptions extends PoolOptions {
  /** V8 heap limits per worker thread; a task that exceeds them fails with WorkerCrashedError. */
  readonly resourceLimits?: ResourceLimits;
  /**
   * After a batch, an idle worker watches for the next job this long before it sleeps: a sequential caller
   * then gets its answer without a thread wake-up (~25 µs). Costs that much CPU per idle moment; 0 disables.
   * @default 50
   */
  readonly spinMicros?: number;
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
  readonly #spinMicros: number;
  readonly #memoryReportMs: number;
  readonly #execArgv: readonly string[] | undefined;
  readonly #env: Record<string, string | undefined> | undefined;
  readonly #name: string;
  readonly #concurrency: number;

  constructor(options: ThreadPoolOptions = {}) {
    const filled = fillPoolOptions(options, 'ThreadPoolExecutor');
    const { resourceLimits, spinMicros = 50 } = options;
    if (resourceLimits !== undefined && (typeof resourceLimits !== 'object' || resourceLimits === null)) {
      throw new InvalidArgumentError(
        `Expected \`resourceLimits\` to be an object, got ${describe(resourceLimits)}`,
      );
    }
    nonNegative(spinMicros, 'spinMicros');
    super(filled, 'thread');
    this.#resourceLimits = resourceLimits;
    this.#spinMicros = spinMicros;
    this.#memoryReportMs = Number.isFinite(filled.maxWorkerMemoryMb) ? 100 : 0;
    this.#execArgv = filled.execArgv;
    this.#env = filled.env as Record<string, string | undefined> | undefined;
    this.#name = filled.name;
    this.#concurrency = filled.concurrencyPerWorker;
    this.startMinWorkers();
  }

  protected createWorker(id: number, events: WorkerEvents): WorkerHandle {
    return new ThreadWorker(
      id,
      {
        concurrency: this.#concurrency,
        memoryReportMs: this.#memoryReportMs,
        spinMicros: this.#spinMicros,
        resourceLimits: this.#resourceLimits,
        execArgv: this.#execArgv,
        env: this.#env,
        name: `${this.#name}-thread-${id}`,
      },
      events,
    );
  }
}
