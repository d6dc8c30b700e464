/**
 * Which strategies to try, and for how long, from what the calibration saw. Worker counts come from the
 * core count (1, 2, cores; twice the cores when calls mostly wait, since waiting threads use no core), async
 * concurrencies go higher when calls wait, and the hybrid pattern (`concurrencyPerWorker`) is tried only for
 * async tasks, the only ones it can help.
 */
import type { Calibration, Strategy } from './measurements.ts';

export interface PlanOptions {
  readonly cores: number;
  /** Fewer strategies and shorter trials (about 10 s in all). */
  readonly quick: boolean;
}

/** How long and how large each trial is. */
export interface TrialBudget {
  /** Length of a trial's measured phase (warm-up and start-up not included). */
  readonly measureMs: number;
  /** A trial never runs more calls than this. */
  readonly maxTasks: number;
  /** A trial stops submitting after this long even if it has not reached its minimum of calls. */
  readonly hardMs: number;
  /** The probe takes counters on every n-th call (tiny tasks would be dominated by them otherwise). */
  readonly measureEvery: number;
}

/** Calls under this share of CPU time mostly wait (on I/O, timers or a blocked thread). */
const WAITING_CPU_SHARE = 0.5;
/** Per-worker concurrency tried in the hybrid pattern. */
const HYBRID_CONCURRENCY = 16;

/** True when a call mostly waits rather than computes. */
export function mostlyWaits(calibration: Calibration): boolean {
  return calibration.workMs > 0 && calibration.cpuMs / calibration.workMs < WAITING_CPU_SHARE;
}

/** The strategies to try, serial first, then async, threads, processes, each with fewer workers first. */
export function planTrials(calibration: Calibration, options: PlanOptions): Strategy[] {
  const { cores, quick } = options;
  const waits = mostlyWaits(calibration);
  const strategies: Strategy[] = [{ backend: 'serial', workers: 0, concurrencyPerWorker: 1 }];
  const asyncLevels = waits ? (quick ? [16, 128] : [4, 16, 64, 256]) : quick ? [8] : [4, 32];
  for (const level of asyncLevels) {
    strategies.push({ backend: 'async', workers: 0, concurrencyPerWorker: level });
  }
  const threadCounts = unique([1, 2, cores, ...(waits ? [cores * 2] : [])]);
  const processCounts = quick ? unique([cores, ...(waits ? [cores * 2] : [])]) : threadCounts;
  for (const workers of threadCounts)
    strategies.push({ backend: 'thread', workers, concurrencyPerWorker: 1 });
  for (const workers of processCounts) {
    strategies.push({ backend: 'process', workers, concurrencyPerWorker: 1 });
  }
  if (calibration.returnsPromise) {
    strategies.push({ backend: 'thread', workers: cores, concurrencyPerWorker: HYBRID_CONCURRENCY });
    if (!quick) {
      strategies.push({ backend: 'process', workers: cores, concurrencyPerWorker: HYBRID_CONCURRENCY });
    }
  }
  return strategies;
}

/** Trial sizes: about 1.5 s measured per trial (0.5 s quick), fewer counters for tiny calls. */
export function trialBudget(calibration: Calibration, quick: boolean, measureMs?: number): TrialBudget {
  const measure = measureMs ?? (quick ? 500 : 1_500);
  return {
    measureMs: measure,
    maxTasks: 200_000,
    hardMs: measure * 4,
    measureEvery: calibration.workMs < 0.05 ? 16 : 1,
  };
}

function unique(values: number[]): number[] {
  return [...new Set(values.filter((v) => v >= 1))].sort((a, b) => a - b);
}
