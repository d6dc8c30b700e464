/**
 * The executor contract shared by every backend, and everything written once on top of it.
 *
 * A backend implements three things: `schedule` (take a job whose future is pending), `onCancel` (a job's
 * future was cancelled, queued or running) and `close` (shutdown). Validation, signals, `map`/`starmap`,
 * shutdown bookkeeping, disposal and stats live here, so every backend behaves the same at the surface.
 */
import { CancelledError, ExecutorShutdownError, InvalidArgumentError, type TimeoutError } from '../errors.ts';
import type { Percentiles } from '../metrics/histogram.ts';
import { StatsRecorder } from '../metrics/stats-recorder.ts';
import type { CallOptions } from './call-options.ts';
import { validateCallOptions } from './call-options.ts';
import { rejectUnknownOptions } from './known-options.ts';
import { monotonicMs } from './clock.ts';
import type { CancelHandler } from './future.ts';
import { Future, kCancelWith } from './future.ts';
import { mapLazily } from './map.ts';
import type { AnyTask, TaskArgs, TaskLike, TaskResult } from './task.ts';
import { isTask } from './task.ts';

/** Options of `map`, `mapUnordered` and `starmap`. */
export interface MapOptions extends Omit<CallOptions, 'transfer'> {
  /**
   * Most tasks in flight at once; input is pulled only as results are consumed, so an endless generator runs
   * in constant memory.
   * @default 4 × the executor's capacity, and at least 256
   */
  readonly concurrency?: number;
}

export interface ShutdownOptions {
  /** Wait for queued and running tasks to finish (and workers to exit) before resolving. @default true */
  readonly wait?: boolean;
  /** Cancel every task still queued; running tasks finish. @default false */
  readonly cancelFutures?: boolean;
}

/** A point-in-time snapshot of an executor; all durations in microseconds. */
export interface ExecutorStats {
  readonly workers: { readonly total: number; readonly busy: number; readonly idle: number };
  /** Tasks waiting for a worker or a concurrency slot. */
  readonly queued: number;
  /** Tasks started and not yet done. */
  readonly running: number;
  readonly completed: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly timedOut: number;
  /** Workers replaced after a crash, a cancellation, a timeout or recycling. */
  readonly workerRestarts: number;
  /** How long tasks ran (from start to result). */
  readonly runTime: Percentiles;
  /** How long tasks waited in the queue before they started. */
  readonly waitTime: Percentiles;
}

/** @internal What a backend receives for each submitted task (a pool copies it into a record of its own). */
export interface Job {
  readonly future: Future<unknown>;
  /** A task handle, or (AsyncExecutor only) a plain function. */
  readonly task: AnyTask | ((...args: never[]) => unknown);
  readonly args: readonly unknown[];
  readonly options: CallOptions;
  readonly enqueuedAt: number;
}

/** @internal Live numbers only the backend knows. */
export interface BackendLoad {
  readonly workers: { readonly total: number; readonly busy: number; readonly idle: number };
  readonly queued: number;
  readonly running: number;
}

/**
 * Base class of every executor. Use a concrete one: `AsyncExecutor`, `ThreadPoolExecutor` or
 * `ProcessPoolExecutor`. Switching backend is a one-line change: they share this API.
 */
export abstract class Executor implements CancelHandler, AsyncDisposable {
  #shutdown: Promise<void> | undefined;
  /** @internal */
  protected readonly recorder = new StatsRecorder();

  /** True once `shutdown()` has been called. */
  get isShutdown(): boolean {
    return this.#shutdown !== undefined;
  }

  /**
   * Runs `task(...args)` on this executor. Argument and result types come from the task.
   * Per-call options ride on the task: `executor.submit(square.with({ timeout: 500, signal }), 7)`.
   * @throws ExecutorShutdownError after `shutdown()`; NotATaskError (thread/process pools) for a plain function.
   * @example
   * ```ts
   * const future = pool.submit(square, 7);
   * console.log(await future); // 49
   * ```
   */
  submit<T extends TaskLike<never[], unknown>>(task: T, ...args: TaskArgs<T>): Future<TaskResult<T>> {
    return this.#submit(task, args, undefined) as Future<TaskResult<T>>;
  }

  /**
   * Applies `task` to every item, yielding results in input order. Input (sync or async iterable) is pulled
   * lazily and at most `concurrency` tasks are in flight. The first failure is thrown where it is reached and
   * every task still in flight is cancelled; so is everything when the loop exits early (`break`).
   * @example
   * ```ts
   * for await (const y of pool.map(square, [1, 2, 3])) console.log(y); // 1 4 9
   * ```
   */
  map<A, R>(
    task: TaskLike<[A], R>,
    items: Iterable<A> | AsyncIterable<A>,
    options: MapOptions = {},
  ): AsyncIterableIterator<Awaited<R>> {
    return this.#map<R>(task, items, options, true, false);
  }

  /** Like {@link Executor.map}, but yields each result as soon as it is ready, in completion order. */
  mapUnordered<A, R>(
    task: TaskLike<[A], R>,
    items: Iterable<A> | AsyncIterable<A>,
    options: MapOptions = {},
  ): AsyncIterableIterator<Awaited<R>> {
    return this.#map<R>(task, items, options, false, false);
  }

  /** Like {@link Executor.map}, but each item is the argument list: `starmap(add, [[1, 2], [3, 4]])`. */
  starmap<A extends readonly unknown[], R>(
    task: TaskLike<A, R>,
    argLists: Iterable<A> | AsyncIterable<A>,
    options: MapOptions = {},
  ): AsyncIterableIterator<Awaited<R>> {
    return this.#map<R>(task, argLists, options, true, true);
  }

  /**
   * Stops accepting tasks and releases the workers. With `wait` (the default) resolves once queued and running
   * tasks are done and every worker has exited; a worker that does not exit in time is killed, so this never
   * hangs on a worker. Calling it again returns the same promise.
   */
  shutdown(options: ShutdownOptions = {}): Promise<void> {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError(`Expected \`options\` to be an object, got \`${String(options)}\``);
    }
    rejectUnknownOptions(options, ['wait', 'cancelFutures'], 'shutdown(options)');
    const { wait = true, cancelFutures = false } = options;
    for (const [name, value] of [
      ['wait', wait],
      ['cancelFutures', cancelFutures],
    ] as const) {
      if (typeof value !== 'boolean')
        throw new InvalidArgumentError(
          `Expected \`${name}\` in shutdown(options) to be a boolean, got ${typeof value}`,
        );
    }
    if (this.#shutdown === undefined) {
      this.#shutdown = this.close(cancelFutures);
      // Shutdown without waiting must not surface as an unhandled rejection later.
      this.#shutdown.catch(() => undefined);
    }
    return wait ? this.#shutdown : Promise.resolve();
  }

  /** `await using pool = new ThreadPoolExecutor()` shuts the pool down, waiting, at scope exit. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true });
  }

  /** A snapshot of the executor's workers, queue, counters and timing percentiles (µs). */
  stats(): ExecutorStats {
    return Object.freeze({ ...this.load(), ...this.recorder.snapshot() });
  }

  /** @internal Called by a future when it is cancelled. */
  onCancel(future: Future<unknown>, wasRunning: boolean, reason: CancelledError | TimeoutError): void {
    this.recorder.cancelledOrTimedOut(reason);
    this.cancelJob(future, wasRunning, reason);
  }

  /** @internal Capacity used to size `map`'s default window. */
  protected abstract get capacity(): number;
  /** @internal Rejects task kinds the backend cannot run (pools need task handles). */
  protected abstract checkTask(task: unknown): void;
  /** @internal Takes a new job; its future is pending. */
  protected abstract schedule(job: Job): void;
  /** @internal Stops a cancelled job: drops it from the queue, or stops it if running. */
  protected abstract cancelJob(future: Future<unknown>, wasRunning: boolean, reason: Error): void;
  /** @internal Shuts down; resolves when every worker has exited. */
  protected abstract close(cancelFutures: boolean): Promise<void>;
  /** @internal */
  protected abstract load(): BackendLoad;

  #submit(task: unknown, args: readonly unknown[], mapOptions: CallOptions | undefined): Future<unknown> {
    if (this.#shutdown !== undefined) throw new ExecutorShutdownError();
    this.checkTask(task);
    let options: CallOptions = isTask(task) ? task.callOptions : {};
    if (mapOptions !== undefined) options = { ...mapOptions, ...options };
    const future = new Future<unknown>(this);
    const { signal } = options;
    if (signal !== undefined) {
      if (signal.aborted) {
        future[kCancelWith](abortError(signal));
        return future;
      }
      const onAbort = (): void => void future[kCancelWith](abortError(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      future.addDoneCallback(() => signal.removeEventListener('abort', onAbort));
    }
    this.schedule({ future, task: task as Job['task'], args, options, enqueuedAt: monotonicMs() });
    return future;
  }

  #map<R>(
    task: unknown,
    items: Iterable<unknown> | AsyncIterable<unknown>,
    options: MapOptions,
    ordered: boolean,
    spread: boolean,
  ): AsyncIterableIterator<Awaited<R>> {
    if (this.#shutdown !== undefined) throw new ExecutorShutdownError();
    this.checkTask(task);
    if (
      items === null ||
      typeof items !== 'object' ||
      !(Symbol.iterator in items || Symbol.asyncIterator in items)
    ) {
      throw new InvalidArgumentError(
        `Expected \`items\` to be an iterable or async iterable, got ${typeof items}`,
      );
    }
    validateCallOptions(options, 'map options', ['signal', 'timeout', 'concurrency']);
    const { concurrency = Math.max(256, this.capacity * 4), ...callOptions } = options;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new InvalidArgumentError(
        `Expected \`concurrency\` to be an integer from 1 and up, got \`${String(concurrency)}\` (${typeof concurrency})`,
      );
    }
    const submitOne = (item: unknown): Future<unknown> => {
      if (spread && !Array.isArray(item)) {
        throw new InvalidArgumentError(
          `Expected each item of starmap to be an array of arguments, got ${typeof item}`,
        );
      }
      return this.#submit(task, spread ? (item as unknown[]) : [item], callOptions);
    };
    return mapLazily(items, submitOne, concurrency, ordered) as AsyncIterableIterator<Awaited<R>>;
  }
}

function abortError(signal: AbortSignal): CancelledError {
  return new CancelledError('The task was cancelled: its signal was aborted', { cause: signal.reason });
}
