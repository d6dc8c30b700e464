/**
 * AsyncExecutor: runs tasks on this thread's event loop with bounded concurrency, like asyncio with a
 * semaphore (or p-limit), behind the executor API.
 *
 * This is the right backend for I/O: Node's I/O is already concurrent on the event loop, so threads add
 * nothing but copying. It accepts plain functions as well as task handles. A cancelled or timed-out task
 * cannot be stopped from outside (JavaScript on one thread cannot be interrupted): its signal is aborted,
 * its future rejects at once, and its concurrency slot is freed at once.
 */
import { TimeoutError } from '../../errors.ts';
import type { BackendLoad, Job } from '../../core/executor.ts';
import { Executor } from '../../core/executor.ts';
import { TaskScope, runInScope } from '../../core/current.ts';
import { Fifo } from '../../core/fifo.ts';
import { timerDelay } from '../../core/call-options.ts';
import { monotonicMs } from '../../core/clock.ts';
import type { Future } from '../../core/future.ts';
import { kCancelWith, kReject, kResolve, kSetRunning, kSlot } from '../../core/future.ts';
import { describe, isTask } from '../../core/task.ts';
import { InvalidArgumentError } from '../../errors.ts';
import { rejectUnknownOptions } from '../../core/known-options.ts';

export interface AsyncExecutorOptions {
  /**
   * Most tasks running at once.
   * @default 64
   */
  readonly maxConcurrency?: number;
}

/** A running task: its scope (signal), its timer and its start time, reachable from its future's slot. */
class Run extends TaskScope {
  readonly future: Future<unknown>;
  readonly startedAt: number;
  timer: NodeJS.Timeout | undefined = undefined;

  constructor(future: Future<unknown>, startedAt: number) {
    super();
    this.future = future;
    this.startedAt = startedAt;
  }
}

export class AsyncExecutor extends Executor {
  readonly maxConcurrency: number;
  #queue = new Fifo<Job>();
  #running = 0;
  #drainScheduled = false;
  #filling = false;
  #idleWaiters: (() => void)[] = [];

  constructor(options: AsyncExecutorOptions = {}) {
    super();
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError(`Expected \`options\` to be an object, got ${describe(options)}`);
    }
    rejectUnknownOptions(options, ['maxConcurrency'], 'new AsyncExecutor(options)');
    const { maxConcurrency = 64 } = options;
    if (maxConcurrency !== Infinity && (!Number.isInteger(maxConcurrency) || maxConcurrency < 1)) {
      throw new InvalidArgumentError(
        `Expected \`maxConcurrency\` to be an integer from 1 and up (or Infinity), got ${describe(maxConcurrency)}`,
      );
    }
    this.maxConcurrency = maxConcurrency;
  }

  protected get capacity(): number {
    return Number.isFinite(this.maxConcurrency) ? this.maxConcurrency : 1024;
  }

  protected checkTask(task: unknown): void {
    if (typeof task !== 'function' && !isTask(task)) {
      throw new InvalidArgumentError(
        `AsyncExecutor expects a function or a task handle, got ${describe(task)}`,
      );
    }
  }

  protected schedule(job: Job): void {
    this.#queue.push(job);
    // Start in a microtask, never inside submit(): a task must not run (or block) in its caller's frame.
    this.#scheduleDrain();
  }

  #scheduleDrain(): void {
    if (this.#drainScheduled) return;
    this.#drainScheduled = true;
    queueMicrotask(this.#drain);
  }

  protected cancelJob(future: Future<unknown>, wasRunning: boolean, reason: Error): void {
    if (!wasRunning) return; // left in the queue; #fill skips it because setRunning fails
    const running = future[kSlot] as Run | undefined;
    if (running === undefined) return;
    running.abort(reason);
    // Free the slot now, but start the next task later: cancel() must not run other tasks in its caller's
    // frame (map cancels everything in flight in submission order when it exits).
    this.#finish(running, false);
  }

  protected close(cancelFutures: boolean): Promise<void> {
    if (cancelFutures) for (const job of this.#queue) job.future.cancel();
    if (this.#queue.size === 0 && this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  protected load(): BackendLoad {
    let queued = 0;
    for (const job of this.#queue) if (!job.future.done()) queued++;
    return { workers: { total: 0, busy: 0, idle: 0 }, queued, running: this.#running };
  }

  #drain = (): void => {
    this.#drainScheduled = false;
    this.#fill();
  };

  /** Starts queued jobs while slots are free. Not re-entrant: a task that settles synchronously inside
   *  #start would otherwise recurse once per queued job. */
  #fill(): void {
    if (this.#filling) return;
    this.#filling = true;
    while (this.#running < this.maxConcurrency) {
      const job = this.#queue.shift();
      if (job === undefined) break;
      this.#start(job);
    }
    this.#filling = false;
    this.#notifyIfIdle();
  }

  #start(job: Job): void {
    const { future } = job;
    if (!future[kSetRunning]()) return; // cancelled while queued
    const run = new Run(future, monotonicMs());
    this.recorder.waitTime.record((run.startedAt - job.enqueuedAt) * 1000);
    const timeout = timerDelay(job.options.timeout);
    if (timeout !== undefined) {
      run.timer = setTimeout(
        () =>
          future[kCancelWith](new TimeoutError(`The task did not finish within its ${timeout} ms timeout`)),
        timeout,
      );
    }
    future[kSlot] = run;
    this.#running++;
    const fn = (isTask(job.task) ? job.task.fn : job.task) as (...args: readonly unknown[]) => unknown;
    let outcome: unknown;
    try {
      outcome = runInScope(run, fn, job.args);
    } catch (error) {
      this.#settle(run, false, error);
      return;
    }
    if (outcome !== null && typeof (outcome as PromiseLike<unknown>)?.then === 'function') {
      (outcome as PromiseLike<unknown>).then(
        (value) => this.#settle(run, true, value),
        (error: unknown) => this.#settle(run, false, error),
      );
    } else {
      this.#settle(run, true, outcome);
    }
  }

  #settle(run: Run, ok: boolean, value: unknown): void {
    const { future } = run;
    if (future[kSlot] !== run) return; // cancelled or timed out already
    this.#finish(run, true);
    this.recorder.runTime.record((monotonicMs() - run.startedAt) * 1000);
    if (ok) {
      future[kResolve](value);
      this.recorder.completed++;
    } else {
      future[kReject](value);
      this.recorder.failed++;
    }
  }

  /** Frees the run's slot and starts the next queued job, now or in a microtask. */
  #finish(run: Run, fillNow: boolean): void {
    run.future[kSlot] = undefined;
    this.#running--;
    if (run.timer !== undefined) clearTimeout(run.timer);
    if (fillNow) this.#fill();
    else this.#scheduleDrain();
  }

  #notifyIfIdle(): void {
    if (this.#idleWaiters.length === 0 || this.#running > 0 || this.#queue.size > 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
