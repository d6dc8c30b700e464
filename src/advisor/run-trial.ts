/**
 * One trial: runs the task one way (serial, AsyncExecutor, a thread pool or a process pool) for a bounded
 * time after a warm-up, and measures it.
 *
 *   serial   in this thread, each call awaited before the next
 *   async    AsyncExecutor in this thread, `window` = its concurrency
 *   pools    fresh pool ──warm-up (one call per slot; start-up = first result)──▶ closed loop of probe calls
 *
 * Pools run the probe (see probe-task.ts), which reports the workers' own counters; serial and async calls
 * run the user's function directly, as a user would.
 */
import { AsyncExecutor } from '../backends/async/async-executor.ts';
import { ProcessPoolExecutor } from '../backends/process/process-pool.ts';
import { ThreadPoolExecutor } from '../backends/thread/thread-pool.ts';
import type { Executor } from '../core/executor.ts';
import type { Future } from '../core/future.ts';
import type { Task } from '../core/task.ts';
import type { CallOutcome, ClosedLoopResult } from './closed-loop.ts';
import { closedLoop } from './closed-loop.ts';
import { CallWatchdog } from './call-watchdog.ts';
import { callInline, errorText, isThenable } from './inline-call.ts';
import { LatencyRecorder } from './latency-recorder.ts';
import type { Strategy, TrialMeasurement } from './measurements.ts';
import type { TrialBudget } from './plan.ts';
import type { ProbeCounters, ProbeReport } from './probe-task.ts';
import { probe } from './probe-task.ts';
import { capacityOf, strategyLabel } from './strategy.ts';
import type { MeterReading } from './trial-meter.ts';
import { TrialMeter } from './trial-meter.ts';
import type { ProfileTarget } from './target.ts';

export interface TrialOptions {
  readonly budget: TrialBudget;
  readonly timeoutMs: number;
  /** Mean duration of one call, from the calibration: sizes the pools' in-flight window. */
  readonly workMs: number;
  /** Mean cost of copying one call's arguments and result, from the calibration. */
  readonly copyMs: number;
  readonly signal: AbortSignal | undefined;
}

/** Each pool slot gets enough calls in flight to cover about this much work, so tiny calls can batch. */
const PIPELINE_MS = 2;
const MAX_WINDOW = 1_024;
/** A serial trial lets the event loop turn this often (signals, progress), not after every call. */
const SERIAL_YIELD_MS = 50;
/**
 * Warm-up calls wait for workers to boot and load modules (seconds on a busy machine, more under a
 * TypeScript loader), which must not count against the per-call limit.
 */
const STARTUP_ALLOWANCE_MS = 30_000;
const EXACT_TIMEOUT_MIN_MS = 0.05;

/** Runs and measures one strategy. Never throws for the task's failures: they are counted in the result. */
export async function runTrial(
  target: ProfileTarget,
  strategy: Strategy,
  options: TrialOptions,
): Promise<TrialMeasurement> {
  if (strategy.backend === 'serial') return runSerial(target, strategy, options);
  if (strategy.backend === 'async') return runAsync(target, strategy, options);
  return runPool(target, strategy, options);
}

async function runSerial(
  target: ProfileTarget,
  strategy: Strategy,
  options: TrialOptions,
): Promise<TrialMeasurement> {
  const fn = target.task.fn as (...args: readonly unknown[]) => unknown;
  const { budget, signal, timeoutMs } = options;
  const lists = target.argLists;
  const latencies = new LatencyRecorder();
  const meter = new TrialMeter();
  meter.startMeasuring();
  let failed = 0;
  let firstError: string | undefined;
  const start = performance.now();
  let lastYield = start;
  let now = start;
  for (let i = 0; i < budget.maxTasks; i++) {
    if (signal?.aborted === true) break;
    if (i >= 4 && now - start >= budget.measureMs) break;
    if (i >= 1 && now - start >= budget.hardMs) break;
    const t0 = now;
    try {
      const value = callInline(fn, lists[i % lists.length]!, timeoutMs);
      if (isThenable(value)) await value;
      now = performance.now();
      latencies.record(now - t0);
    } catch (error) {
      now = performance.now();
      failed++;
      firstError ??= errorText(error);
    }
    if (now - lastYield >= SERIAL_YIELD_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      now = lastYield = performance.now();
    }
  }
  const loop: ClosedLoopResult = {
    succeeded: latencies.count,
    failed,
    firstError,
    wallMs: now - start,
    latencies,
    aborted: signal?.aborted === true,
  };
  return measurement(strategy, loop, meter.stop(), {});
}

async function runAsync(
  target: ProfileTarget,
  strategy: Strategy,
  options: TrialOptions,
): Promise<TrialMeasurement> {
  const { budget, signal, timeoutMs } = options;
  const concurrency = strategy.concurrencyPerWorker;
  const lists = target.argLists;
  const meter = new TrialMeter();
  const executor = new AsyncExecutor({ maxConcurrency: concurrency });
  // The target's argument types are unknown here; the task checks its own arguments.
  const handle = target.task as unknown as Task<unknown[], unknown>;
  const watchdog = new CallWatchdog(timeoutMs);
  const cancelAll = (): void => watchdog.cancelAll();
  signal?.addEventListener('abort', cancelAll, { once: true });
  try {
    await warmUp(Math.min(concurrency, 8), (i) =>
      watchdog.track(executor.submit(handle, ...lists[i % lists.length]!)),
    );
    meter.startMeasuring();
    const loop = await closedLoop(
      (i) => {
        const future = watchdog.track(executor.submit(handle, ...lists[i % lists.length]!));
        return future.then(
          (): CallOutcome => ({ ok: true }),
          (error: unknown): CallOutcome => ({
            ok: false,
            error: watchdog.timedOut(future) ? watchdog.message : errorText(error),
          }),
        );
      },
      {
        window: concurrency,
        budgetMs: budget.measureMs,
        hardMs: budget.hardMs,
        minTasks: concurrency * 2,
        maxTasks: budget.maxTasks,
        signal,
      },
    );
    return measurement(strategy, loop, meter.stop(), {});
  } catch (error) {
    meter.stop();
    return failedTrial(strategy, error, signal);
  } finally {
    watchdog.stop();
    signal?.removeEventListener('abort', cancelAll);
    await executor.shutdown({ wait: false, cancelFutures: true });
  }
}

/** First and last counters a worker reported in the measured phase. */
interface WorkerWindow {
  first: ProbeCounters;
  last: ProbeCounters;
}

async function runPool(
  target: ProfileTarget,
  strategy: Strategy,
  options: TrialOptions,
): Promise<TrialMeasurement> {
  const { budget, signal, timeoutMs, workMs, copyMs } = options;
  const capacity = capacityOf(strategy);
  const lists = target.argLists;
  const meter = new TrialMeter();
  const created = performance.now();
  const poolOptions = {
    maxWorkers: strategy.workers,
    minWorkers: strategy.workers,
    concurrencyPerWorker: strategy.concurrencyPerWorker,
    // Workers must survive the whole trial, however slow its calls.
    idleTimeoutMs: 600_000,
    shutdownTimeoutMs: 2_000,
    name: 'spindle-profile',
  };
  const pool: Executor =
    strategy.backend === 'thread'
      ? new ThreadPoolExecutor(poolOptions)
      : new ProcessPoolExecutor(poolOptions);
  const watchdog = new CallWatchdog(timeoutMs);
  const startup = new CallWatchdog(timeoutMs + STARTUP_ALLOWANCE_MS);
  // Calls of 50 µs and more get the pool's own timeout: exact (it counts from when a booted worker can start
  // the call) at a negligible cost. Below that a timer per call would distort the measurement, and the
  // watchdog's coarser limit applies (it may count a replacement worker's boot against the calls it holds).
  const handle = workMs >= EXACT_TIMEOUT_MIN_MS ? probe.with({ timeout: timeoutMs }) : probe;
  const submit = (i: number, measure: boolean, dog: CallWatchdog): Future<ProbeReport> =>
    dog.track(
      pool.submit(handle, {
        moduleUrl: target.moduleUrl,
        exportName: target.exportName,
        args: lists[i % lists.length]!,
        measure,
      }),
    );
  const cancelAll = (): void => {
    startup.cancelAll();
    watchdog.cancelAll();
  };
  signal?.addEventListener('abort', cancelAll, { once: true });
  try {
    let firstResultAt: number | undefined;
    await warmUp(capacity, (i) => {
      const future = submit(i, false, startup);
      void future.then(
        () => (firstResultAt ??= performance.now()),
        () => undefined,
      );
      return future;
    });
    const startupMs = firstResultAt === undefined ? undefined : firstResultAt - created;
    const windows = new Map<string, WorkerWindow>();
    let heapPeak: number | undefined;
    let kind: ProbeReport['kind'] = strategy.backend === 'thread' ? 'thread' : 'process';
    meter.startMeasuring();
    // Copying counts as work here: a deep window of multi-MiB calls would only queue copies.
    const perCallMs = workMs + copyMs;
    const pipeline = perCallMs > 0 ? Math.ceil((capacity * PIPELINE_MS) / perCallMs) : MAX_WINDOW;
    const window = Math.min(MAX_WINDOW, Math.max(capacity * 2, pipeline));
    const loop = await closedLoop(
      (i) => {
        const future = submit(i, i % budget.measureEvery === 0, watchdog);
        return future.then(
          (report): CallOutcome => {
            if (report.kind !== undefined) kind = report.kind;
            if (report.worker !== undefined && report.before !== undefined && report.after !== undefined) {
              const seen = windows.get(report.worker);
              if (seen === undefined)
                windows.set(report.worker, { first: report.before, last: report.after });
              else {
                if (total(report.before) < total(seen.first)) seen.first = report.before;
                if (total(report.after) > total(seen.last)) seen.last = report.after;
              }
            }
            if (report.heapAfterBytes !== undefined)
              heapPeak = Math.max(heapPeak ?? 0, report.heapAfterBytes);
            return report.ok ? { ok: true } : { ok: false, error: report.error ?? 'unknown error' };
          },
          (error: unknown): CallOutcome => ({
            ok: false,
            error: watchdog.timedOut(future) ? watchdog.message : errorText(error),
          }),
        );
      },
      {
        window,
        budgetMs: budget.measureMs,
        hardMs: budget.hardMs,
        minTasks: capacity * 4,
        maxTasks: budget.maxTasks,
        signal,
      },
    );
    const reading = meter.stop();
    const perWorker = [...windows.values()];
    const loopShares = perWorker
      .map(({ first, last }) => {
        const active = last.loopActiveMs - first.loopActiveMs;
        const idle = last.loopIdleMs - first.loopIdleMs;
        return active + idle > 0 ? active / (active + idle) : undefined;
      })
      .filter((share): share is number => share !== undefined);
    // Thread workers share this process's CPU counter, which the meter already read.
    const workersMs =
      kind === 'process'
        ? perWorker.reduce((sum, { first, last }) => sum + (last.cpuMicros - first.cpuMicros) / 1000, 0)
        : undefined;
    return measurement(strategy, loop, reading, {
      startupMs,
      workersMs,
      workerUtilisation:
        loopShares.length === 0 ? undefined : loopShares.reduce((a, b) => a + b, 0) / loopShares.length,
      workerHeapPeakBytes: heapPeak,
    });
  } catch (error) {
    meter.stop();
    return failedTrial(strategy, error, signal);
  } finally {
    startup.stop();
    watchdog.stop();
    signal?.removeEventListener('abort', cancelAll);
    await pool.shutdown({ wait: true, cancelFutures: true });
  }
}

/**
 * Runs `count` calls at once and waits for all of them: workers start, modules load, the JIT warms up. One
 * failing is fine (the measured phase counts failures); all failing makes the trial fail.
 */
async function warmUp(count: number, start: (i: number) => Future<unknown>): Promise<void> {
  const outcomes = await Promise.allSettled(Array.from({ length: count }, (_, i) => start(i)));
  const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (rejected !== undefined && outcomes.every((o) => o.status === 'rejected')) throw rejected.reason;
}

function total(counters: ProbeCounters): number {
  return counters.loopActiveMs + counters.loopIdleMs;
}

interface PoolFigures {
  readonly startupMs?: number | undefined;
  readonly workersMs?: number | undefined;
  readonly workerUtilisation?: number | undefined;
  readonly workerHeapPeakBytes?: number | undefined;
}

function measurement(
  strategy: Strategy,
  loop: ClosedLoopResult,
  reading: MeterReading,
  pool: PoolFigures,
): TrialMeasurement {
  const wallMs = loop.wallMs;
  const cpuMs = reading.cpuMs + (pool.workersMs ?? 0);
  let status: TrialMeasurement['status'] = 'ok';
  if (loop.aborted) status = 'aborted';
  else if (loop.succeeded === 0) status = 'failed';
  return {
    strategy,
    label: strategyLabel(strategy),
    status,
    error: loop.firstError,
    tasks: loop.succeeded,
    errors: loop.failed,
    wallMs,
    throughput: wallMs > 0 ? (loop.succeeded * 1000) / wallMs : 0,
    latencyMs: loop.latencies.summary(),
    startupMs: pool.startupMs,
    cpu: {
      processMs: reading.cpuMs,
      workersMs: pool.workersMs,
      coresUsed: wallMs > 0 ? cpuMs / wallMs : 0,
    },
    loopUtilisation: reading.loopUtilisation,
    workerUtilisation: pool.workerUtilisation,
    memory: { rssPeakBytes: reading.rssPeakBytes, workerHeapPeakBytes: pool.workerHeapPeakBytes },
  };
}

function failedTrial(strategy: Strategy, error: unknown, signal: AbortSignal | undefined): TrialMeasurement {
  const empty = new LatencyRecorder();
  return {
    ...measurement(
      strategy,
      { succeeded: 0, failed: 1, firstError: errorText(error), wallMs: 0, latencies: empty, aborted: false },
      { cpuMs: 0, loopUtilisation: 0, rssPeakBytes: process.memoryUsage.rss() },
      {},
    ),
    status: signal?.aborted === true ? 'aborted' : 'failed',
  };
}
