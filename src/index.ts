/**
 * Spindle: threads, processes and async execution for TypeScript on Node.js behind one typed executor API.
 * Everything public is exported here, and only here.
 */

// Tasks and futures
export { task, isTask } from './core/task.ts';
export type { Task, TaskLike, TaskArgs, TaskResult, TaskDefinitionOptions } from './core/task.ts';
export type { CallOptions, TransferItem } from './core/call-options.ts';
export { Future, isFuture } from './core/future.ts';
export type { FutureState, DoneCallback } from './core/future.ts';
export { wait } from './core/wait.ts';
export type { WaitOptions, WaitResult, ReturnWhen } from './core/wait.ts';
export { asCompleted } from './core/as-completed.ts';
export type { AsCompletedOptions } from './core/as-completed.ts';
export { currentSignal } from './core/current.ts';

// Executors
export { Executor } from './core/executor.ts';
export type { MapOptions, ShutdownOptions, ExecutorStats } from './core/executor.ts';
export type { Percentiles } from './metrics/histogram.ts';
export { AsyncExecutor } from './backends/async/async-executor.ts';
export type { AsyncExecutorOptions } from './backends/async/async-executor.ts';
export type { PoolOptions } from './backends/pool/pool-options.ts';
export { ThreadPoolExecutor } from './backends/thread/thread-pool.ts';
export type { ThreadPoolOptions } from './backends/thread/thread-pool.ts';
export { ProcessPoolExecutor } from './backends/process/process-pool.ts';
export type { ProcessPoolOptions } from './backends/process/process-pool.ts';

// The seeds' raw style
export { Thread } from './raw/thread.ts';
export { Process } from './raw/process.ts';

// Errors
export { registerErrorClass } from './backends/common/remote-error.ts';
export * from './errors.ts';
