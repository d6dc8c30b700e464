/**
 * The probe: a task that runs the user's task inside a pool worker and reports what it cost there.
 *
 * The pools know nothing of the advisor. Instead of instrumenting them, the advisor submits this task, which
 * imports the user's module in the worker (as the pool itself would), calls the user's function and returns
 * its result together with cumulative counters of the worker (CPU time, event-loop activity, heap). The
 * runner takes the first and last counters it sees from each worker to get that worker's figures over a
 * trial, so the probe itself stays cheap: no timers, no state beyond a module cache.
 *
 * A user's task that throws is reported in the answer (`ok: false`), not thrown: the profiler counts it and
 * carries on. Only the pool's own failures (timeout, crash, unserializable result) reject the future.
 */
import { getHeapStatistics } from 'node:v8';
import { isMainThread, threadId } from 'node:worker_threads';
import { isTask, task } from '../core/task.ts';
import { errorText, isThenable } from './inline-call.ts';

/** What the runner asks the probe to do. */
export interface ProbeRequest {
  readonly moduleUrl: string;
  readonly exportName: string;
  readonly args: readonly unknown[];
  /** Take counters around this call (skipped for some calls of tiny tasks, where they would dominate). */
  readonly measure: boolean;
  /** Only load the user's module (so that loading is not timed as part of a call). */
  readonly loadOnly?: boolean;
}

/** Cumulative counters of the worker at one moment. */
export interface ProbeCounters {
  /** CPU time of the whole process (µs): per worker for processes, shared by all threads for threads. */
  readonly cpuMicros: number;
  /** Event-loop idle and active time of this thread (ms, since it started). */
  readonly loopIdleMs: number;
  readonly loopActiveMs: number;
}

/**
 * The probe's answer. Calls that are not measured get the smallest answer (`ok` and `value`, or `error`):
 * for microsecond tasks every field copied back is a measurable share of the call.
 */
export interface ProbeReport {
  readonly ok: boolean;
  /** The user's result, when `ok`: returned so it is copied back as it would be without the probe. */
  readonly value?: unknown;
  /** `Name: message` of the user's error, when not `ok`. */
  readonly error?: string;
  /** Measured calls: identifies the worker, `pid:threadId`. */
  readonly worker?: string;
  readonly kind?: 'thread' | 'process';
  /** Measured calls: counters before and after the call. */
  readonly before?: ProbeCounters;
  readonly after?: ProbeCounters;
  /** Measured calls: JS heap used plus external memory after the call (bytes). */
  readonly heapAfterBytes?: number;
}

type AnyFunction = (...args: readonly unknown[]) => unknown;

// Per worker: each module and export is imported once; a failed import is retried on the next call.
const loaded = new Map<string, AnyFunction>();
const loading = new Map<string, Promise<AnyFunction>>();

async function load(key: string, moduleUrl: string, exportName: string): Promise<AnyFunction> {
  const mod = (await import(moduleUrl)) as Record<string, unknown>;
  const value = mod[exportName];
  let fn: AnyFunction;
  if (isTask(value)) fn = value.fn as AnyFunction;
  else if (typeof value === 'function') fn = value as AnyFunction;
  else throw new TypeError(`Export \`${exportName}\` of ${moduleUrl} is not a task (got ${typeof value})`);
  loaded.set(key, fn);
  return fn;
}

function counters(): ProbeCounters {
  const cpu = process.cpuUsage();
  const loop = performance.eventLoopUtilization();
  return { cpuMicros: cpu.user + cpu.system, loopIdleMs: loop.idle, loopActiveMs: loop.active };
}

function run(fn: AnyFunction, request: ProbeRequest): ProbeReport | Promise<ProbeReport> {
  if (!request.measure) {
    let value: unknown;
    try {
      value = fn(...request.args);
    } catch (error) {
      return { ok: false, error: errorText(error) };
    }
    if (!isThenable(value)) return { ok: true, value };
    return Promise.resolve(value).then(
      (resolved): ProbeReport => ({ ok: true, value: resolved }),
      (error: unknown): ProbeReport => ({ ok: false, error: errorText(error) }),
    );
  }
  const before = counters();
  const finish = (report: ProbeReport): ProbeReport => {
    const heap = getHeapStatistics();
    return {
      ...report,
      worker: `${process.pid}:${threadId}`,
      kind: isMainThread ? 'process' : 'thread',
      before,
      after: counters(),
      heapAfterBytes: heap.used_heap_size + heap.external_memory,
    };
  };
  let value: unknown;
  try {
    value = fn(...request.args);
  } catch (error) {
    return finish({ ok: false, error: errorText(error) });
  }
  if (!isThenable(value)) return finish({ ok: true, value });
  return Promise.resolve(value).then(
    (resolved) => finish({ ok: true, value: resolved }),
    (error: unknown) => finish({ ok: false, error: errorText(error) }),
  );
}

/**
 * Runs the user's task once in this worker and reports the cost. Synchronous when the user's task is (and
 * its module is loaded), so a synchronous task keeps the pool's synchronous fast path.
 */
export const probe = task(import.meta.url, (request: ProbeRequest): ProbeReport | Promise<ProbeReport> => {
  const key = `${request.moduleUrl}#${request.exportName}`;
  const fn = loaded.get(key);
  if (fn !== undefined) return request.loadOnly === true ? { ok: true } : run(fn, request);
  let pending = loading.get(key);
  if (pending === undefined) {
    pending = load(key, request.moduleUrl, request.exportName);
    loading.set(key, pending);
    pending.then(
      () => loading.delete(key),
      () => loading.delete(key),
    );
  }
  return pending.then(
    (loadedFn) => (request.loadOnly === true ? { ok: true } : run(loadedFn, request)),
    (error: unknown): ProbeReport => ({ ok: false, error: errorText(error) }),
  );
});
