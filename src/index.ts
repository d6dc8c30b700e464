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

// Synchronisation between threads (main thread and worker threads)
export { Lock } from './sync/lock.ts';
export { RLock } from './sync/rlock.ts';
export { Semaphore, BoundedSemaphore } from './sync/semaphore.ts';
export { Condition } from './sync/condition.ts';
export { Event } from './sync/event.ts';
export { Barrier } from './sync/barrier.ts';
export type { BarrierOptions } from './sync/barrier.ts';
export type { Guard } from './sync/guard.ts';
export type { AcquireOptions, AsyncWaitOptions, HoldOptions } from './sync/options.ts';

// Channels and shared data between threads
export { Queue } from './channels/queue.ts';
export type { QueueOptions, PutOptions, GetOptions } from './channels/queue-options.ts';
export { LifoQueue } from './channels/lifo-queue.ts';
export { PriorityQueue } from './channels/priority-queue.ts';
export type { PriorityOption } from './channels/priority-queue.ts';
export { SimpleQueue } from './channels/simple-queue.ts';
export type { SimpleQueueOptions } from './channels/simple-queue.ts';
export { JoinableQueue } from './channels/joinable-queue.ts';
export { Pipe, Connection } from './channels/pipe.ts';
export type { PipeOptions, SendOptions, RecvOptions } from './channels/pipe.ts';
export { sharedArray, SharedArray } from './shared/shared-array.ts';
export type { SharedArrayOptions } from './shared/shared-array.ts';
export { Value } from './shared/value.ts';
export type { ValueType, ValueOptions } from './shared/value.ts';
export type { ElementType, ElementOf, TypedArrayOf } from './shared/element-types.ts';

// Sharing between processes: named shared memory, and locks that live in it (the native addon)
export { SharedMemory } from './shm/shared-memory.ts';
export type { SharedMemoryOptions } from './shm/shared-memory.ts';
export { ProcessLock } from './shm/process-lock.ts';
export type { ProcessLockOptions } from './shm/process-lock.ts';
export { ProcessSemaphore, ProcessBoundedSemaphore } from './shm/process-semaphore.ts';
export type { ProcessSemaphoreOptions } from './shm/process-semaphore.ts';
export type { PlacementOptions } from './shm/placement.ts';

// Sharing between processes: a manager of shared objects, and its proxies
export { Manager } from './manager/manager.ts';
export type {
  ManagerStartOptions,
  ManagerConnectOptions,
  ManagedBarrierOptions,
  ManagedQueueOptions,
  ManagedPipeOptions,
} from './manager/manager.ts';
export type { ManagerAddress } from './manager/types.ts';
export type { ListenAddress } from './manager/server.ts';
export { ManagedProxy } from './manager/proxies/managed-proxy.ts';
export { DictProxy } from './manager/proxies/dict.ts';
export type { DictKey, DictEntries } from './manager/proxies/dict.ts';
export { ListProxy } from './manager/proxies/list.ts';
export { NamespaceProxy } from './manager/proxies/namespace.ts';
export { ValueProxy } from './manager/proxies/value.ts';
export { LockProxy } from './manager/proxies/lock.ts';
export { RLockProxy } from './manager/proxies/rlock.ts';
export { SemaphoreProxy, BoundedSemaphoreProxy } from './manager/proxies/semaphore.ts';
export { ConditionProxy } from './manager/proxies/condition.ts';
export { EventProxy } from './manager/proxies/event.ts';
export { BarrierProxy } from './manager/proxies/barrier.ts';
export { QueueProxy } from './manager/proxies/queue.ts';
export { JoinableQueueProxy } from './manager/proxies/joinable-queue.ts';
export { LifoQueueProxy } from './manager/proxies/lifo-queue.ts';
export { PriorityQueueProxy } from './manager/proxies/priority-queue.ts';
export { SimpleQueueProxy } from './manager/proxies/simple-queue.ts';
export { ConnectionProxy } from './manager/proxies/pipe.ts';
export type { ProxyGuard } from './manager/proxies/guard.ts';

// Errors
export { registerErrorClass } from './backends/common/remote-error.ts';
export * from './errors.ts';
