/**
 * AutoExecutor: `spindle profile` at run time. The first calls of each task try every candidate backend in
 * turn, measured; the rest go to the backend whose measured throughput won, and `stats().decisions` says
 * what was chosen, why (the figures) and when.
 *
 *   submit ──▶ plain function ───────────────────────────────────────▶ AsyncExecutor
 *          └─▶ task handle ─▶ decided? ──yes──────────────────────────▶ the chosen backend
 *                                 └no─▶ held ─▶ phase: async ─▶ phase: threads ─▶ (processes)
 *                                               (calls, maxMs)   (warm-up, calls)        │
 *                                                        chooseBackend (auto-decision.ts) ◀┘
 *
 * It is an Executor subclass whose "workers" are other executors. Subclassing, rather than a separate class
 * that forwards each method, gives it `map`/`mapUnordered`/`starmap`, signals, shutdown bookkeeping and
 * `await using` from the base unchanged, and makes its futures its own: a future is handed out before the
 * backend is known (calls wait while a task explores), so it cannot be the inner executor's future. Each
 * call is then submitted to the chosen inner executor and its outcome copied across: a result, an error (as
 * it is), or a cancellation (a timeout stays a `TimeoutError`). Cancelling the outer future cancels the
 * inner one, which stops a running pool task as usual. The cost is one more future and one microtask per
 * call, a few microseconds: AutoExecutor is for tasks that take longer than that.
 *
 * Per-call options pass through: `timeout` and `transfer` ride on the inner call (`task.with`); the
 * `signal` stays with the outer future (the base listens to it and cancels the inner call), so it is not
 * listened to twice. A plain function given a timeout (by `map`) is wrapped in a private task handle so
 * AsyncExecutor enforces it the same way.
 *
 * Tasks are keyed by their root handle (one per export, shared by `task.with()` copies) and reported as
 * `moduleUrl#exportName`. A call a pool cannot carry (arguments that cannot be copied, a task its module
 * does not export) never ran: during exploration it marks that candidate unusable for the task and waits
 * for the next one; after a decision it falls back to AsyncExecutor.
 *
 * Re-exploration: only by count (`explore.every`, off by default). Detecting "a large change" from routed
 * calls alone is not reliable (their latency moves with the caller's concurrency and queueing, not only with
 * the task), so it is left to that knob and to a new AutoExecutor.
 */
import { AsyncExecutor } from '../backends/async/async-executor.ts';
import { ProcessPoolExecutor } from '../backends/process/process-pool.ts';
import { ThreadPoolExecutor } from '../backends/thread/thread-pool.ts';
import type { BackendLoad, ExecutorStats, Job } from '../core/executor.ts';
import { Executor } from '../core/executor.ts';
import { monotonicMs } from '../core/clock.ts';
import { Fifo } from '../core/fifo.ts';
import type { Future } from '../core/future.ts';
import { kCancelWith, kReject, kResolve, kSetRunning, kSlot } from '../core/future.ts';
import type { AnyTask } from '../core/task.ts';
import { describe, isTask, resolveExportName, task, taskRoot } from '../core/task.ts';
import {
  InvalidArgumentError,
  TaskNotFoundError,
  UnserializableError,
  type CancelledError,
  type TimeoutError,
} from '../errors.ts';
import type { AutoBackend, ExploreMeasurement } from './auto-decision.ts';
import { chooseBackend } from './auto-decision.ts';
import type { AutoExecutorOptions, FilledAutoOptions } from './auto-options.ts';
import { fillAutoOptions } from './auto-options.ts';
import { ExplorePhase } from './auto-phase.ts';
import type { Strategy } from './measurements.ts';

import type { AutoDecision, AutoExecutorStats } from './auto-record.ts';
import { PLAIN_FUNCTIONS, plainFunctionsDecision } from './auto-record.ts';

export type { AutoExecutorOptions, AutoExploreOptions } from './auto-options.ts';
export type { AutoDecision, AutoExecutorStats } from './auto-record.ts';
export type { AutoBackend, ExploreMeasurement } from './auto-decision.ts';

/** Where plain functions given a timeout are wrapped (AsyncExecutor never imports it). */
const PLAIN_FUNCTION_URL = 'data:text/javascript,/*AutoExecutor:plain-function*/';

interface TaskState {
  readonly root: AnyTask;
  calls: number;
  round: number;
  exploreStartedAt: number | undefined;
  /** Candidates not yet explored this round. */
  pending: AutoBackend[];
  phase: ExplorePhase | undefined;
  results: ExploreMeasurement[];
  /** Calls waiting while the task explores. */
  readonly held: Fifo<Job>;
  decision: AutoDecision | undefined;
  routed: number;
}

/** Where a call is: which backend and phase took it; kept in its future's slot. */
interface Call {
  readonly job: Job;
  readonly state: TaskState | undefined;
  backend: AutoBackend;
  phase: ExplorePhase | undefined;
  as: 'warmup' | 'measured';
  inner: Future<unknown> | undefined;
  dispatchedAt: number;
}

/**
 * An executor that measures each task on the candidate backends and routes it to the fastest.
 * @example
 * ```ts
 * import { AutoExecutor } from 'spindle/advisor';
 * await using executor = new AutoExecutor({ candidates: ['async', 'thread'] });
 * const results = await Promise.all(inputs.map((x) => executor.submit(resize, x)));
 * console.log(executor.stats().decisions); // [{ task: '…/tasks.ts#resize', backend: 'thread', reason: … }]
 * ```
 */
export class AutoExecutor extends Executor {
  readonly #options: FilledAutoOptions;
  readonly #executors: Partial<Record<AutoBackend, Executor>> = {};
  readonly #strategies: Record<AutoBackend, Strategy>;
  readonly #states = new Map<AnyTask, TaskState>();
  /** In the order made; `state` is undefined for the plain-functions entry. */
  readonly #decisions: { decision: AutoDecision; state: TaskState | undefined }[] = [];
  readonly #plainWrappers = new WeakMap<object, AnyTask>();
  #plainDecided = false;
  #plainCalls = 0;
  #idleWaiters: (() => void)[] = [];

  constructor(options: AutoExecutorOptions = {}) {
    super();
    const filled = fillAutoOptions(options);
    this.#options = filled;
    const { maxWorkers, maxConcurrency } = filled;
    // Pools start no worker until a call comes, so creating them all now costs nothing, and their options are
    // validated here, at the boundary.
    this.#executors.async = new AsyncExecutor({ maxConcurrency });
    if (filled.candidates.includes('thread'))
      this.#executors.thread = new ThreadPoolExecutor({ ...filled.threadPool, maxWorkers });
    if (filled.candidates.includes('process'))
      this.#executors.process = new ProcessPoolExecutor({ ...filled.processPool, maxWorkers });
    const perWorker = (o: { concurrencyPerWorker?: number }): number => o.concurrencyPerWorker ?? 1;
    this.#strategies = {
      async: { backend: 'async', workers: 0, concurrencyPerWorker: maxConcurrency },
      thread: { backend: 'thread', workers: maxWorkers, concurrencyPerWorker: perWorker(filled.threadPool) },
      process: {
        backend: 'process',
        workers: maxWorkers,
        concurrencyPerWorker: perWorker(filled.processPool),
      },
    };
  }

  /** The candidate backends, in the order they are explored. */
  get candidates(): readonly AutoBackend[] {
    return this.#options.candidates;
  }

  /** The decisions so far, plus the base stats summed over the underlying executors. */
  override stats(): AutoExecutorStats {
    const backends: Partial<Record<AutoBackend, ExecutorStats>> = {};
    let workerRestarts = 0;
    for (const [name, executor] of this.#entries()) {
      const stats = executor.stats();
      backends[name] = stats;
      workerRestarts += stats.workerRestarts;
    }
    const decisions = this.#decisions.map(({ decision, state }) =>
      Object.freeze({
        ...decision,
        // The export name may have been learnt after the decision.
        task: state === undefined ? PLAIN_FUNCTIONS : labelOf(state.root),
        routedCalls:
          state === undefined
            ? this.#plainCalls
            : state.decision === decision || state.decision === undefined
              ? state.routed
              : 0,
      }),
    );
    const exploring: string[] = [];
    for (const state of this.#states.values())
      if (state.decision === undefined) exploring.push(labelOf(state.root));
    return Object.freeze({
      ...super.stats(),
      workerRestarts,
      decisions: Object.freeze(decisions),
      exploring: Object.freeze(exploring),
      backends: Object.freeze(backends),
    });
  }

  protected get capacity(): number {
    const { maxConcurrency } = this.#options;
    return Number.isFinite(maxConcurrency) ? maxConcurrency : 1024;
  }

  protected checkTask(value: unknown): void {
    if (typeof value !== 'function' && !isTask(value)) {
      throw new InvalidArgumentError(
        `AutoExecutor expects a task handle or a function, got ${describe(value)}`,
      );
    }
  }

  protected schedule(job: Job): void {
    if (!isTask(job.task)) {
      if (!this.#plainDecided) this.#decidePlain();
      this.#plainCalls++;
      this.#dispatch(job, 'async', undefined, undefined);
      return;
    }
    const root = taskRoot(job.task);
    let state = this.#states.get(root);
    if (state === undefined) {
      state = this.#newState(root);
      this.#states.set(root, state);
    }
    state.calls++;
    const { decision } = state;
    if (decision !== undefined && state.routed >= this.#options.every) this.#reexplore(state);
    if (state.decision !== undefined) {
      state.routed++;
      this.#dispatch(job, state.decision.backend, state, undefined);
      return;
    }
    state.held.push(job);
    this.#pump(state);
  }

  protected cancelJob(future: Future<unknown>, wasRunning: boolean): void {
    // A held call stays in its queue and is skipped; a dispatched one is cancelled where it runs.
    if (wasRunning) (future[kSlot] as Call | undefined)?.inner?.cancel();
    this.#notifyIfIdle();
  }

  protected async close(cancelFutures: boolean): Promise<void> {
    if (cancelFutures) {
      for (const state of this.#states.values()) for (const job of state.held) job.future.cancel();
    }
    // Held calls still need the inner executors (exploration goes on until they are dispatched).
    if (this.#heldCount() > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    await Promise.all([...this.#entries()].map(([, e]) => e.shutdown({ wait: true, cancelFutures })));
  }

  protected load(): BackendLoad {
    let total = 0;
    let busy = 0;
    let queued = this.#heldCount();
    let running = 0;
    for (const [, executor] of this.#entries()) {
      const stats = executor.stats();
      total += stats.workers.total;
      busy += stats.workers.busy;
      queued += stats.queued;
      running += stats.running;
    }
    return { workers: { total, busy, idle: total - busy }, queued, running };
  }

  // ── exploration ───────────────────────────────────────────────────────────────────────────────────────

  #newState(root: AnyTask): TaskState {
    // Learn the export name for the reports (pools need it anyway); a failure shows up on the calls.
    const name = resolveExportName(root);
    if (typeof name !== 'string') name.catch(() => undefined);
    return {
      root,
      calls: 0,
      round: 1,
      exploreStartedAt: undefined,
      pending: [...this.#options.candidates],
      phase: undefined,
      results: [],
      held: new Fifo<Job>(),
      decision: undefined,
      routed: 0,
    };
  }

  #reexplore(state: TaskState): void {
    state.decision = undefined;
    state.round++;
    state.routed = 0;
    state.pending = [...this.#options.candidates];
    state.results = [];
    state.exploreStartedAt = undefined;
  }

  /** Moves held calls on: into the current phase, to the next phase, or (once decided) to the choice. */
  #pump(state: TaskState): void {
    for (;;) {
      if (state.decision !== undefined) {
        for (let job = state.held.shift(); job !== undefined; job = state.held.shift()) {
          if (job.future.done()) continue;
          state.routed++;
          this.#dispatch(job, state.decision.backend, state, undefined);
        }
        break;
      }
      const phase = state.phase;
      if (phase !== undefined && phase.finished) {
        state.results.push(phase.measurement());
        state.phase = undefined;
        continue;
      }
      while (state.held.size > 0 && state.held.peek()!.future.done()) state.held.shift();
      if (phase === undefined) {
        const next = state.pending.shift();
        if (next === undefined) {
          this.#decide(state);
          continue;
        }
        if (state.held.size === 0) {
          state.pending.unshift(next); // start the phase when a call comes
          break;
        }
        state.exploreStartedAt ??= performance.now();
        state.phase = new ExplorePhase(
          next,
          this.#strategies[next],
          this.#options.calls,
          this.#options.maxMs,
        );
        continue;
      }
      if (state.held.size === 0) break;
      const now = performance.now();
      const as = phase.admit(now);
      if (as === undefined) {
        if (phase.finished) continue;
        break;
      }
      const job = state.held.shift()!;
      phase.dispatched(as, now);
      this.#dispatch(job, phase.backend, state, phase, as);
    }
    this.#notifyIfIdle();
  }

  #decide(state: TaskState): void {
    const choice = chooseBackend(state.results, this.#options.tolerance);
    const decision: AutoDecision = {
      ...choice,
      task: labelOf(state.root),
      decidedAt: new Date().toISOString(),
      afterCalls: state.calls,
      explorationMs: performance.now() - (state.exploreStartedAt ?? performance.now()),
      round: state.round,
      routedCalls: 0,
      measurements: Object.freeze([...state.results]),
    };
    // A re-exploration replaces the task's previous decision.
    const previous = this.#decisions.findIndex((d) => d.state === state);
    if (previous >= 0) this.#decisions.splice(previous, 1);
    state.decision = decision;
    this.#decisions.push({ decision, state });
  }

  #decidePlain(): void {
    this.#plainDecided = true;
    this.#decisions.push({
      decision: plainFunctionsDecision(this.#options.maxConcurrency),
      state: undefined,
    });
  }

  // ── routing one call ──────────────────────────────────────────────────────────────────────────────────

  #dispatch(
    job: Job,
    backend: AutoBackend,
    state: TaskState | undefined,
    phase: ExplorePhase | undefined,
    as: 'warmup' | 'measured' = 'measured',
  ): void {
    const { future } = job;
    let call = future[kSlot] as Call | undefined;
    if (call === undefined) {
      if (!future[kSetRunning]()) return; // cancelled while held
      call = { job, state, backend, phase, as, inner: undefined, dispatchedAt: 0 };
      future[kSlot] = call;
      this.recorder.waitTime.record((monotonicMs() - job.enqueuedAt) * 1000);
    } else {
      if (future.done()) return;
      call.backend = backend;
      call.phase = phase;
      call.as = as;
    }
    call.dispatchedAt = performance.now();
    const executor = this.#executors[backend]!;
    const submit = executor.submit as (this: Executor, task: unknown, ...args: unknown[]) => Future<unknown>;
    let inner: Future<unknown>;
    try {
      inner = submit.call(executor, this.#innerTask(job), ...job.args);
    } catch (error) {
      this.#settled(call, false, error);
      return;
    }
    call.inner = inner;
    const current = call;
    inner.then(
      (value) => this.#settled(current, true, value, false),
      (error: unknown) => this.#settled(current, false, error, inner.cancelled()),
    );
  }

  /** `cancelled`: the inner future was cancelled (a timeout, say), rather than failed with `value`. */
  #settled(call: Call, ok: boolean, value: unknown, cancelled = false): void {
    const { job, phase, state } = call;
    const { future } = job;
    const now = performance.now();
    call.inner = undefined;
    if (!ok && call.backend !== 'async' && cannotCarry(value)) {
      const why = `${(value as Error).name}: ${(value as Error).message}`;
      if (phase !== undefined && state !== undefined) {
        // It never ran: put it back to go to the next candidate, and stop exploring this one.
        phase.markUnusable(why);
        if (!future.done()) state.held.unshift(job);
        this.#pump(state);
        return;
      }
      if (!future.done() && !this.#executors.async!.isShutdown) {
        this.#dispatch(job, 'async', state, undefined);
        return;
      }
    }
    const sample = !future.done(); // done already: cancelled by its caller, not a measurement
    if (phase !== undefined) phase.settled(call.as, ok, now - call.dispatchedAt, now, sample);
    if (sample) {
      future[kSlot] = undefined;
      this.recorder.runTime.record((now - call.dispatchedAt) * 1000);
      if (ok) {
        if (future[kResolve](value)) this.recorder.completed++;
      } else if (cancelled) {
        // Timed out (or cancelled) inside the backend: the outer future says the same.
        future[kCancelWith](value as CancelledError | TimeoutError);
      } else if (future[kReject](value)) {
        this.recorder.failed++;
      }
    }
    if (phase !== undefined && state !== undefined) this.#pump(state);
  }

  /** The handle the inner executor gets: this call's options, except the signal (the outer future has it). */
  #innerTask(job: Job): unknown {
    const { timeout, transfer } = job.options;
    if (isTask(job.task)) return job.task.with({ timeout, transfer, signal: undefined });
    if (timeout === undefined) return job.task;
    let wrapper = this.#plainWrappers.get(job.task);
    if (wrapper === undefined) {
      wrapper = task(PLAIN_FUNCTION_URL, job.task as (...args: never[]) => unknown) as AnyTask;
      this.#plainWrappers.set(job.task, wrapper);
    }
    return wrapper.with({ timeout });
  }

  // ── bookkeeping ───────────────────────────────────────────────────────────────────────────────────────

  *#entries(): IterableIterator<[AutoBackend, Executor]> {
    for (const name of ['async', 'thread', 'process'] as const) {
      const executor = this.#executors[name];
      if (executor !== undefined) yield [name, executor];
    }
  }

  #heldCount(): number {
    let held = 0;
    for (const state of this.#states.values()) for (const job of state.held) if (!job.future.done()) held++;
    return held;
  }

  #notifyIfIdle(): void {
    if (this.#idleWaiters.length === 0 || this.#heldCount() > 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** A pool's refusal of a call that therefore never ran, and that AsyncExecutor can run. */
function cannotCarry(error: unknown): boolean {
  return (
    error instanceof TaskNotFoundError ||
    (error instanceof UnserializableError && error.path.startsWith('args'))
  );
}

function labelOf(root: AnyTask): string {
  return `${root.moduleUrl}#${root.exportName ?? '(export not yet known)'}`;
}
