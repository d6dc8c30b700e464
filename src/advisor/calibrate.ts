/**
 * Before any trial: a preflight that proves the task can run at all, then a few serial calls that tell the
 * planner how long a call takes, whether it computes or waits, what it holds in memory and what it costs to
 * copy.
 *
 * The preflight runs in a worker thread, because only there can a call that never returns be cut off: a
 * synchronous endless loop in this thread would freeze the profiler with no way out. It tries the first
 * argument lists only; a synchronous call that hangs on a later input, in this thread (calibration, serial
 * trial), cannot be stopped. Pool and AsyncExecutor trials cut hung calls off (see call-watchdog.ts).
 */
import { getHeapStatistics } from 'node:v8';
import { InvalidArgumentError, TaskNotFoundError, TimeoutError } from '../errors.ts';
import { ThreadPoolExecutor } from '../backends/thread/thread-pool.ts';
import { callInline, errorText, isThenable } from './inline-call.ts';
import type { Calibration } from './measurements.ts';
import { probe } from './probe-task.ts';
import { measureSerialization } from './serialization.ts';
import type { ProfileTarget } from './target.ts';

/** The preflight tries this many argument lists (each must finish, one must succeed). */
const PREFLIGHT_CALLS = 3;
/** Calls whose result is kept to measure copying costs. */
const SERIALIZATION_SAMPLES = 5;
const MAX_CALIBRATION_CALLS = 1_000;
/** Loading a task module in a fresh worker may take seconds on a busy machine under a TypeScript loader. */
const LOAD_ALLOWANCE_MS = 30_000;

/** The error for a task that failed on every call it was given. */
export function everyCallFailed(first: string): InvalidArgumentError {
  return new InvalidArgumentError(`The task failed on every call, so there is nothing to profile: ${first}`);
}

function hung(timeoutMs: number): TimeoutError {
  return new TimeoutError(
    `The task did not finish within ${timeoutMs} ms, so it cannot be profiled (it may hang). ` +
      'If it is only slow, raise the per-call limit with --timeout.',
  );
}

/**
 * Runs the task in a worker thread on each of the first argument lists, under the time limit. Every one must
 * finish (the calibration then calls them in this thread, where a hang could not be cut off); one must
 * succeed.
 * @throws TimeoutError when a call does not finish in time; InvalidArgumentError when every call fails.
 */
export async function preflight(
  target: ProfileTarget,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const pool = new ThreadPoolExecutor({ maxWorkers: 1, name: 'spindle-profile-preflight' });
  const address = { moduleUrl: target.moduleUrl, exportName: target.exportName };
  try {
    // Loading the module (and, under a TypeScript loader, compiling it) is not part of a call's time.
    const load = await pool.submit(probe.with({ timeout: timeoutMs + LOAD_ALLOWANCE_MS, signal }), {
      ...address,
      args: [],
      measure: false,
      loadOnly: true,
    });
    if (!load.ok)
      throw new TaskNotFoundError(`A worker could not load the task: ${load.error ?? 'unknown error'}`);
    let succeeded = false;
    let firstError: string | undefined;
    for (const args of target.argLists.slice(0, PREFLIGHT_CALLS)) {
      try {
        const report = await pool.submit(probe.with({ timeout: timeoutMs, signal }), {
          ...address,
          args,
          measure: false,
        });
        if (report.ok) succeeded = true;
        else firstError ??= report.error;
      } catch (error) {
        if (error instanceof TimeoutError) throw hung(timeoutMs);
        if (signal?.aborted === true) throw error;
        firstError ??= errorText(error);
      }
    }
    if (!succeeded) throw everyCallFailed(firstError ?? 'unknown error');
  } finally {
    await pool.shutdown({ wait: true, cancelFutures: true });
  }
}

export interface CalibrationOptions {
  /** Keep calling for about this long (at least 3 calls). */
  readonly budgetMs: number;
  readonly timeoutMs: number;
}

/**
 * Calls the task serially in this thread: the first call warms up (JIT, lazy module state) and is not
 * counted; the rest give the median wall and CPU time of a call.
 * @throws InvalidArgumentError when every call fails; TimeoutError when an async call does not settle.
 */
export async function calibrate(target: ProfileTarget, options: CalibrationOptions): Promise<Calibration> {
  const fn = target.task.fn as (...args: readonly unknown[]) => unknown;
  const lists = target.argLists;
  const samples: { args: readonly unknown[]; result: unknown }[] = [];
  let returnsPromise = false;
  let memoryPerCallBytes = 0;
  const walls: number[] = [];
  const cpus: number[] = [];
  const availability: number[] = [];
  let firstError: string | undefined;
  let attempts = 0;
  let warmUp: { wallMs: number; cpuMicros: number } | undefined;
  const start = performance.now();
  for (let i = 0; i < MAX_CALIBRATION_CALLS; i++) {
    const elapsed = performance.now() - start;
    if (i >= 4 && elapsed >= options.budgetMs) break;
    // A slow task gets fewer calls rather than a long calibration.
    if (i >= 2 && elapsed >= options.budgetMs * 4) break;
    const args = lists[i % lists.length]!;
    attempts++;
    const heap0 = heapAndExternal();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let result: unknown;
    try {
      result = callInline(fn, args, options.timeoutMs);
      if (isThenable(result)) {
        returnsPromise = true;
        result = await result;
      }
    } catch (error) {
      if (error instanceof TimeoutError) throw hung(options.timeoutMs);
      firstError ??= errorText(error);
      continue;
    }
    const t1 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    memoryPerCallBytes = Math.max(memoryPerCallBytes, heapAndExternal() - heap0);
    if (samples.length < SERIALIZATION_SAMPLES) samples.push({ args, result });
    if (warmUp === undefined) {
      warmUp = { wallMs: t1 - t0, cpuMicros: cpu.user + cpu.system };
      continue;
    }
    walls.push(t1 - t0);
    cpus.push((cpu.user + cpu.system) / 1000);
    // As long as the call (up to 20 ms): preemption comes in scheduler slices of a few ms, which a much
    // shorter spin can slip between.
    availability.push(cpuAvailability(Math.min(20, Math.max(2, t1 - t0))));
  }
  if (warmUp === undefined) throw everyCallFailed(firstError ?? 'unknown error');
  if (walls.length === 0) {
    // Only the warm-up call succeeded: its figures are all there is.
    walls.push(warmUp.wallMs);
    cpus.push(warmUp.cpuMicros / 1000);
  }
  return {
    calls: attempts,
    workMs: median(walls),
    cpuMs: median(cpus),
    cpuAvailability: availability.length === 0 ? 1 : median(availability),
    returnsPromise,
    memoryPerCallBytes,
    serialization: measureSerialization(samples),
  };
}

let spinSink = 0;

/**
 * How much of a core this thread is getting right now: CPU time over wall time of a pure spin of a few
 * milliseconds, run after each calibration call. On a machine busier than its cores, a CPU-bound call's wall
 * time stretches with the time it waits to be scheduled, which would read as waiting; dividing the call's CPU
 * share by this puts it back. Process-wide CPU can exceed the wall time (GC threads): capped at 1.
 */
function cpuAvailability(spinMs: number): number {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let x = spinSink;
  while (performance.now() - t0 < spinMs) x = (Math.imul(x, 31) + 1) | 0;
  spinSink = x;
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return Math.min(1, (cpu.user + cpu.system) / 1000 / wall);
}

/**
 * Medians rather than means: on a busy machine some calls are descheduled midway, which inflates their wall
 * time (not their CPU time) and would make computing look like waiting.
 */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function heapAndExternal(): number {
  const heap = getHeapStatistics();
  return heap.used_heap_size + heap.external_memory;
}
