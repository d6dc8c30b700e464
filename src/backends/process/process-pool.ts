/**
 * ProcessPoolExecutor: tasks run in child processes, in parallel with each other and with the parent. Slower
 * to start than threads and every value is copied, but a worker that segfaults, runs out of memory, calls
 * `process.exit()` or is killed takes down only itself and the task it was running: the parent and every
 * other task carry on, and the worker is replaced.
 */
import { PoolExecutor } from '../pool/pool-executor.ts';
import type { PoolOptions } from '../pool/pool-options.ts';
import { fillPoolOptions } from '../pool/pool-options.ts';
import type { WorkerEvents, WorkerHandle } from '../pool/worker-handle.ts';
import { ProcessWorker } from './process-worker.ts';

/**
 * Options of {@link ProcessPoolExecutor}: those every pool has. Workers inherit the parent's stdout and
 * stderr, and `execArgv` defaults to the parent's (so a parent run under `tsx` loads TypeScript tasks in
 * its workers too). `maxWorkerMemoryMb` is checked against each worker's resident set size.
 */
// A type of its own, so process-only options can be added without renaming anything users import.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ProcessPoolOptions extends PoolOptions {}

/**
 * A pool of worker processes, for CPU-bound tasks that must not take the parent down with them.
 *
 * Arguments and results are copied: plain data through a compact encoding, anything else (Map, Date, typed
 * arrays, class instances as plain objects) by `v8.serialize`, with structured clone's fidelity. `transfer`
 * lists are ignored. POSIX only (Linux, macOS): jobs and results travel over extra pipes at fds 3 and 4.
 * @example
 * ```ts
 * await using pool = new ProcessPoolExecutor({ maxWorkers: 4 });
 * console.log(await pool.submit(square, 7)); // 49
 * ```
 */
export class ProcessPoolExecutor extends PoolExecutor {
  constructor(options: ProcessPoolOptions = {}) {
    super(fillPoolOptions(options, 'ProcessPoolExecutor'), 'process');
    this.startMinWorkers();
  }

  protected createWorker(id: number, events: WorkerEvents): WorkerHandle {
    const options = this.poolOptions;
    return new ProcessWorker(
      id,
      {
        concurrency: options.concurrencyPerWorker,
        memoryReportMs: this.memoryReportMs,
        spinMicros: options.spinMicros,
        execArgv: options.execArgv,
        env: options.env as Record<string, string | undefined> | undefined,
        name: `${options.name}-process-${id}`,
      },
      events,
    );
  }
}
