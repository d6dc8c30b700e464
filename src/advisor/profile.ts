/**
 * `profile()`: the advisor's whole run for one task.
 *
 *   preflight (1 worker thread, per-call time limit) ─▶ calibration (serial, in this thread)
 *     ─▶ plan (strategies, trial sizes) ─▶ trials, one at a time ─▶ classify ─▶ recommend
 *
 * Trials run one after another, never overlapping, so each has the machine to itself (as far as other
 * programs allow). An aborted signal stops the trial in progress and returns what finished, marked partial.
 */
import { availableParallelism, totalmem } from 'node:os';
import { CancelledError, InvalidArgumentError } from '../errors.ts';
import type { AnyTask } from '../core/task.ts';
import { describe, isTask, resolveExportName } from '../core/task.ts';
import { calibrate, preflight } from './calibrate.ts';
import type { Classification, ClassifyThresholds } from './classify.ts';
import { classify } from './classify.ts';
import type { ProfileMeasurements, Strategy, TrialMeasurement } from './measurements.ts';
import { planTrials, trialBudget } from './plan.ts';
import type { Recommendation, RecommendOptions } from './recommend.ts';
import { recommend } from './recommend.ts';
import { runTrial } from './run-trial.ts';
import { strategyLabel } from './strategy.ts';
import type { ArgLists, ProfileTarget } from './target.ts';

/** What `profile()` reports as it goes. */
export type ProfileProgress =
  | { readonly type: 'preflight' }
  | { readonly type: 'calibrating' }
  | {
      readonly type: 'trial-start';
      readonly index: number;
      readonly total: number;
      readonly label: string;
      readonly budgetMs: number;
    }
  | {
      readonly type: 'trial-end';
      readonly index: number;
      readonly total: number;
      readonly trial: TrialMeasurement;
    };

export interface ProfileOptions {
  /**
   * Argument lists to call the task with, cycled through.
   * @default [[]] (no arguments)
   */
  readonly argLists?: ArgLists;
  /**
   * Fewer strategies and shorter trials: about 10 s instead of 30–60 s.
   * @default false
   */
  readonly quick?: boolean;
  /**
   * Per-call time limit (ms); a call that runs longer counts as failed (and, in the preflight, stops the run).
   * @default 10_000
   */
  readonly timeoutMs?: number;
  /** Length of each trial's measured phase (ms). @default 1_200 (350 with `quick`) */
  readonly trialMs?: number;
  /** The strategies to try, instead of the plan made from the calibration. */
  readonly strategies?: readonly Strategy[];
  /** Aborting stops the run; the promise then resolves with the trials that finished (`partial: true`). */
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: ProfileProgress) => void;
  readonly thresholds?: ClassifyThresholds;
  readonly recommend?: RecommendOptions;
}

/** The advisor's answer for one task. */
export interface ProfileResult {
  readonly classification: Classification;
  readonly recommendation: Recommendation;
  readonly measurements: ProfileMeasurements;
}

/**
 * Measures a task serially, on AsyncExecutor, on thread pools and on process pools, names its kind of
 * workload and recommends a backend and its sizing, all from measured figures.
 *
 * Runs one trial at a time, each for about a second; the default run takes 30–60 s on a 2-core machine
 * (about 10 s with `quick`). The task must be exported from its module (workers load it from there).
 * @throws TaskNotFoundError if the task is not exported; TimeoutError if a call hangs; InvalidArgumentError
 * if every call fails or an option is invalid; CancelledError if aborted before the calibration finished.
 * @example
 * ```ts
 * import { profile } from 'spindle';
 * import { resize } from './tasks.ts';
 * const { classification, recommendation } = await profile(resize, { argLists: [[image]], quick: true });
 * console.log(classification.kind, recommendation.code); // cpu-bound new ThreadPoolExecutor({ maxWorkers: 2 })
 * ```
 */
export async function profile(task: AnyTask, options: ProfileOptions = {}): Promise<ProfileResult> {
  if (!isTask(task)) {
    throw new InvalidArgumentError(`profile() expects a task handle made by task(), got ${describe(task)}`);
  }
  const { argLists = [[]], quick = false, timeoutMs = 10_000, signal, onProgress } = options;
  if (!Array.isArray(argLists) || argLists.length === 0 || !argLists.every((a) => Array.isArray(a))) {
    throw new InvalidArgumentError('Expected `argLists` to be a non-empty array of argument lists (arrays)');
  }
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) {
    throw new InvalidArgumentError(
      `Expected \`timeoutMs\` to be a number above 0, got ${describe(timeoutMs)}`,
    );
  }
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const target: ProfileTarget = {
    task,
    moduleUrl: task.moduleUrl,
    exportName: await resolveExportName(task),
    argLists,
  };
  // A function, not a property read: TypeScript would otherwise narrow `aborted` for good after one check.
  const aborted = (): boolean => signal?.aborted === true;
  const cancelled = (): CancelledError =>
    new CancelledError('Profiling was interrupted before any trial finished', { cause: signal?.reason });

  onProgress?.({ type: 'preflight' });
  try {
    await preflight(target, timeoutMs, signal);
  } catch (error) {
    if (aborted()) throw cancelled();
    throw error;
  }
  if (aborted()) throw cancelled();
  onProgress?.({ type: 'calibrating' });
  const calibration = await calibrate(target, { budgetMs: quick ? 100 : 300, timeoutMs });
  if (aborted()) throw cancelled();

  const cores = availableParallelism();
  const strategies = options.strategies ?? planTrials(calibration, { cores, quick });
  const budget = trialBudget(calibration, quick, options.trialMs);
  const trials: TrialMeasurement[] = [];
  for (const [index, strategy] of strategies.entries()) {
    if (aborted()) break;
    const label = strategyLabel(strategy);
    onProgress?.({ type: 'trial-start', index, total: strategies.length, label, budgetMs: budget.measureMs });
    const trial = await runTrial(target, strategy, {
      budget,
      timeoutMs,
      workMs: calibration.workMs,
      copyMs: calibration.serialization.roundTripMs,
      signal,
    });
    // An interrupted trial measured only part of a run: its figures would mislead, so it is dropped.
    if (trial.status === 'aborted') break;
    trials.push(trial);
    onProgress?.({ type: 'trial-end', index, total: strategies.length, trial });
  }

  const measurements: ProfileMeasurements = {
    task: { moduleUrl: target.moduleUrl, exportName: target.exportName, inputs: argLists.length },
    machine: { cores, totalMemoryBytes: totalmem(), node: process.version, platform: process.platform },
    calibration,
    trials,
    partial: trials.length < strategies.length,
    startedAt,
    durationMs: performance.now() - started,
  };
  const classification = classify(measurements, options.thresholds);
  return {
    classification,
    recommendation: recommend(measurements, classification, options.recommend),
    measurements,
  };
}
