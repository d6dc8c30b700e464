/**
 * Every error Spindle raises, in one place.
 *
 * Each class has a stable `code` (string constants users can switch on) and a `Symbol.for` brand, so
 * `instanceof` keeps working when two copies of the package are loaded (a task module that resolves its
 * own copy of `spindle`, say). `cause` follows the standard `ErrorOptions` shape.
 */

const kBrand = Symbol.for('spindle.error');

export type SpindleErrorCode =
  | 'SPINDLE_ERR_INVALID_ARGUMENT'
  | 'SPINDLE_ERR_INVALID_STATE'
  | 'SPINDLE_ERR_CANCELLED'
  | 'SPINDLE_ERR_TIMEOUT'
  | 'SPINDLE_ERR_WORKER_CRASHED'
  | 'SPINDLE_ERR_WORKER_START'
  | 'SPINDLE_ERR_EXECUTOR_SHUTDOWN'
  | 'SPINDLE_ERR_NOT_A_TASK'
  | 'SPINDLE_ERR_TASK_NOT_FOUND'
  | 'SPINDLE_ERR_UNSERIALIZABLE'
  | 'SPINDLE_ERR_NO_CURRENT_TASK'
  | 'SPINDLE_ERR_BLOCKING_CALL'
  | 'SPINDLE_ERR_LOCK_ABANDONED'
  | 'SPINDLE_ERR_BROKEN_BARRIER'
  | 'SPINDLE_ERR_QUEUE_FULL'
  | 'SPINDLE_ERR_QUEUE_EMPTY'
  | 'SPINDLE_ERR_CHANNEL_CLOSED'
  | 'SPINDLE_ERR_MANAGER_UNAVAILABLE'
  | 'SPINDLE_ERR_AUTHENTICATION'
  | 'SPINDLE_ERR_PROTOCOL'
  | 'SPINDLE_ERR_NATIVE_UNAVAILABLE'
  | 'SPINDLE_ERR_SHARED_MEMORY_EXISTS'
  | 'SPINDLE_ERR_SHARED_MEMORY_NOT_FOUND';

/** Base class of every error Spindle throws or rejects with. */
export class SpindleError extends Error {
  readonly code: SpindleErrorCode;

  constructor(code: SpindleErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    Object.defineProperty(this, kBrand, { value: code });
  }

  override get name(): string {
    return this.constructor.name;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null || !(kBrand in value)) return false;
    // On the base class any branded error matches; on a subclass only its own code does.
    if (this === SpindleError) return true;
    const own = (this as unknown as { readonly CODE?: string }).CODE;
    return own !== undefined && (value as Record<symbol, unknown>)[kBrand] === own;
  }
}

function brandedClass<C extends SpindleErrorCode>(code: C) {
  return class extends SpindleError {
    static readonly CODE: C = code;
    declare readonly code: C;
  };
}

/** An argument or option has the wrong type or value. Thrown synchronously at the public boundary. */
export class InvalidArgumentError extends brandedClass('SPINDLE_ERR_INVALID_ARGUMENT') {
  constructor(message: string, options?: ErrorOptions) {
    super('SPINDLE_ERR_INVALID_ARGUMENT', message, options);
  }
}

/** An operation is not allowed in the object's current state (e.g. setting the result of a finished future). */
export class InvalidStateError extends brandedClass('SPINDLE_ERR_INVALID_STATE') {
  constructor(message: string, options?: ErrorOptions) {
    super('SPINDLE_ERR_INVALID_STATE', message, options);
  }
}

/** The future was cancelled, by `cancel()`, an aborted `signal`, `shutdown({ cancelFutures: true })` or a failed `map`. */
export class CancelledError extends brandedClass('SPINDLE_ERR_CANCELLED') {
  constructor(message = 'The task was cancelled', options?: ErrorOptions) {
    super('SPINDLE_ERR_CANCELLED', message, options);
  }
}

/** A task ran past its `timeout`, or a wait (`result(ms)`, `asCompleted`, `join`) ran out of time. */
export class TimeoutError extends brandedClass('SPINDLE_ERR_TIMEOUT') {
  constructor(message: string, options?: ErrorOptions) {
    super('SPINDLE_ERR_TIMEOUT', message, options);
  }
}

/** How a worker died, as far as the parent could tell. */
export interface WorkerExit {
  /** Exit code, when the worker exited (thread or process). */
  readonly exitCode?: number | null;
  /** Signal name, when a process worker was killed by a signal. */
  readonly signal?: string | null;
  /** The error the worker died of (uncaught exception, out of memory), when known. */
  readonly error?: unknown;
}

/**
 * The worker running this task died: it called `process.exit()`, threw from a timer or callback, ran out of
 * memory, or was killed by a signal. The pool has already replaced the worker; other tasks are unaffected.
 */
export class WorkerCrashedError extends brandedClass('SPINDLE_ERR_WORKER_CRASHED') {
  readonly exitCode: number | null;
  readonly signal: string | null;

  constructor(message: string, exit: WorkerExit = {}) {
    super(
      'SPINDLE_ERR_WORKER_CRASHED',
      message,
      exit.error === undefined ? undefined : { cause: exit.error },
    );
    this.exitCode = exit.exitCode ?? null;
    this.signal = exit.signal ?? null;
  }
}

/** A worker could not start: its task module failed to load or threw while being imported. */
export class WorkerStartError extends brandedClass('SPINDLE_ERR_WORKER_START') {
  constructor(message: string, options?: ErrorOptions) {
    super('SPINDLE_ERR_WORKER_START', message, options);
  }
}

/** `submit` or `map` was called after `shutdown()`. */
export class ExecutorShutdownError extends brandedClass('SPINDLE_ERR_EXECUTOR_SHUTDOWN') {
  constructor(message = 'Cannot submit a task: the executor has been shut down', options?: ErrorOptions) {
    super('SPINDLE_ERR_EXECUTOR_SHUTDOWN', message, options);
  }
}

/** A thread or process executor was given something that is not a task handle made by `task()`. */
export class NotATaskError extends brandedClass('SPINDLE_ERR_NOT_A_TASK') {
  constructor(message: string, options?: ErrorOptions) {
    super('SPINDLE_ERR_NOT_A_TASK', message, options);
  }
}

/** The task's module or export could not be found (by the parent resolving it, or by a worker loading it). */
export class TaskNotFoundError extends brandedClass('SPINDLE_ERR_TASK_NOT_FOUND') {
  constructor(message: string, options?: ErrorOptions) {
    super('SPINDLE_ERR_TASK_NOT_FOUND', message, options);
  }
}

/** An argument or result cannot cross to or from a worker; `path` says where the bad value sits (`args[1].user.socket`). */
export class UnserializableError extends brandedClass('SPINDLE_ERR_UNSERIALIZABLE') {
  readonly path: string;

  constructor(message: string, path: string, options?: ErrorOptions) {
    super('SPINDLE_ERR_UNSERIALIZABLE', message, options);
    this.path = path;
  }
}

/** `currentSignal()` was called outside a running task. */
export class NoCurrentTaskError extends brandedClass('SPINDLE_ERR_NO_CURRENT_TASK') {
  constructor(message = 'currentSignal() was called outside a running task', options?: ErrorOptions) {
    super('SPINDLE_ERR_NO_CURRENT_TASK', message, options);
  }
}

/**
 * A blocking call (`lock.acquire()`, `queue.get()`, `event.wait()`, ...) was made on the main thread, where it
 * would freeze the event loop. Use the async form there (`acquireAsync()`, `getAsync()`, `waitAsync()`).
 */
export class BlockingCallError extends brandedClass('SPINDLE_ERR_BLOCKING_CALL') {
  constructor(message: string, options?: ErrorOptions) {
    super('SPINDLE_ERR_BLOCKING_CALL', message, options);
  }
}

/**
 * The thread that held this lock (or semaphore permit, or condition) exited without releasing it, so the data
 * it guarded may be half-updated. The lock stays unusable, failing every acquire, until `recover()` is called.
 */
export class LockAbandonedError extends brandedClass('SPINDLE_ERR_LOCK_ABANDONED') {
  constructor(message: string, options?: ErrorOptions) {
    super('SPINDLE_ERR_LOCK_ABANDONED', message, options);
  }
}

/** A `Barrier` was aborted or reset, or a wait on it timed out, while parties were waiting (Python's `BrokenBarrierError`). */
export class BrokenBarrierError extends brandedClass('SPINDLE_ERR_BROKEN_BARRIER') {
  constructor(message = 'The barrier is broken', options?: ErrorOptions) {
    super('SPINDLE_ERR_BROKEN_BARRIER', message, options);
  }
}

/** A non-blocking or timed `put` found the queue full (Python's `queue.Full`). */
export class QueueFullError extends brandedClass('SPINDLE_ERR_QUEUE_FULL') {
  constructor(message = 'The queue is full', options?: ErrorOptions) {
    super('SPINDLE_ERR_QUEUE_FULL', message, options);
  }
}

/** A non-blocking or timed `get` found the queue empty (Python's `queue.Empty`). */
export class QueueEmptyError extends brandedClass('SPINDLE_ERR_QUEUE_EMPTY') {
  constructor(message = 'The queue is empty', options?: ErrorOptions) {
    super('SPINDLE_ERR_QUEUE_EMPTY', message, options);
  }
}

/** The other end of a pipe (or a queue) was closed: nothing more will arrive, or nothing more may be sent. */
export class ChannelClosedError extends brandedClass('SPINDLE_ERR_CHANNEL_CLOSED') {
  constructor(message = 'The channel is closed', options?: ErrorOptions) {
    super('SPINDLE_ERR_CHANNEL_CLOSED', message, options);
  }
}

/**
 * A manager could not be reached, or its connection was lost (the server process died, was shut down, or the
 * network failed). Every call in flight on that connection rejects with it; none is left hanging.
 */
export class ManagerUnavailableError extends brandedClass('SPINDLE_ERR_MANAGER_UNAVAILABLE') {
  constructor(message = 'The manager is not reachable', options?: ErrorOptions) {
    super('SPINDLE_ERR_MANAGER_UNAVAILABLE', message, options);
  }
}

/** A manager refused a peer whose auth key did not match (or a client found the server's proof wrong). */
export class AuthenticationError extends brandedClass('SPINDLE_ERR_AUTHENTICATION') {
  constructor(message = 'Authentication with the manager failed', options?: ErrorOptions) {
    super('SPINDLE_ERR_AUTHENTICATION', message, options);
  }
}

/** A peer sent bytes that are not a valid frame of the manager protocol (malformed, oversized, out of order). */
export class ProtocolError extends brandedClass('SPINDLE_ERR_PROTOCOL') {
  constructor(message: string, options?: ErrorOptions) {
    super('SPINDLE_ERR_PROTOCOL', message, options);
  }
}

/**
 * Spindle's native addon (POSIX shared memory and process-shared futexes) is not available: it did not build
 * when the package was installed, or this platform has no POSIX shared memory. The message says why and how to
 * rebuild it; everything that does not need the addon keeps working.
 */
export class NativeUnavailableError extends brandedClass('SPINDLE_ERR_NATIVE_UNAVAILABLE') {
  constructor(message: string, options?: ErrorOptions) {
    super('SPINDLE_ERR_NATIVE_UNAVAILABLE', message, options);
  }
}

/** `new SharedMemory({ name })` found a block of that name already there (Python's `FileExistsError`). */
export class SharedMemoryExistsError extends brandedClass('SPINDLE_ERR_SHARED_MEMORY_EXISTS') {
  constructor(message: string, options?: ErrorOptions) {
    super('SPINDLE_ERR_SHARED_MEMORY_EXISTS', message, options);
  }
}

/** `SharedMemory.attach(name)` found no block of that name (Python's `FileNotFoundError`). */
export class SharedMemoryNotFoundError extends brandedClass('SPINDLE_ERR_SHARED_MEMORY_NOT_FOUND') {
  constructor(message: string, options?: ErrorOptions) {
    super('SPINDLE_ERR_SHARED_MEMORY_NOT_FOUND', message, options);
  }
}
