/**
 * What the advisor measures, as plain data: the runner fills these in, the classifier and the recommender
 * read them, the reports render them, and `--json` prints them. Everything is JSON-safe (no Maps, no
 * functions, no `undefined` where JSON would drop a key that a reader relies on).
 */

/** Where a strategy runs tasks. */
export type Backend = 'serial' | 'async' | 'thread' | 'process';

/** One way of running the task: a backend and its sizing. */
export interface Strategy {
  readonly backend: Backend;
  /** Worker threads or processes; 0 for `serial` and `async`, which run on the calling thread. */
  readonly workers: number;
  /**
   * Tasks one worker runs at once (the pools' `concurrencyPerWorker`). For `async` it is the event loop's
   * concurrency (AsyncExecutor's `maxConcurrency`); for `serial` it is 1.
   */
  readonly concurrencyPerWorker: number;
}

/** Latency of single calls, from submission to result, in milliseconds. */
export interface LatencySummary {
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** How a trial ended. `failed`: no call succeeded; `aborted`: interrupted (Ctrl-C) before it finished. */
export type TrialStatus = 'ok' | 'failed' | 'aborted';

/** The figures of one strategy, measured over a bounded run after a warm-up. */
export interface TrialMeasurement {
  readonly strategy: Strategy;
  /** Human label, e.g. `threads ×2` or `processes ×2 (16 async each)`. */
  readonly label: string;
  readonly status: TrialStatus;
  /** The first error seen (task error, timeout, crash), if any. */
  readonly error: string | undefined;
  /** Calls that succeeded in the measured phase. */
  readonly tasks: number;
  /** Calls that failed in the measured phase. */
  readonly errors: number;
  /** Length of the measured phase (warm-up and start-up excluded). */
  readonly wallMs: number;
  /** Successful calls per second over the measured phase. */
  readonly throughput: number;
  readonly latencyMs: LatencySummary;
  /** Pools only: from creating the pool to its first result (worker start, module loading, first call). */
  readonly startupMs: number | undefined;
  readonly cpu: {
    /**
     * CPU time of this process during the measured phase. With worker threads this includes the threads,
     * which share the process.
     */
    readonly processMs: number;
    /** Process pools only: CPU time of the worker processes, from the probe. */
    readonly workersMs: number | undefined;
    /** (process + workers CPU) / wall: how many cores the strategy kept busy. */
    readonly coresUsed: number;
  };
  /** Event-loop utilisation of the calling thread over the measured phase (0–1). */
  readonly loopUtilisation: number;
  /** Pools only: mean event-loop utilisation inside the workers over the measured phase (0–1). */
  readonly workerUtilisation: number | undefined;
  readonly memory: {
    /** Peak resident set size of this process during the trial. */
    readonly rssPeakBytes: number;
    /** Pools only: the largest JS heap (plus external memory) a worker reported after a call. */
    readonly workerHeapPeakBytes: number | undefined;
  };
}

/** What copying one call's arguments and result costs, measured with `v8.serialize` in this process. */
export interface SerializationCost {
  /** False when the arguments or the result cannot be cloned (pools will then fail). */
  readonly serializable: boolean;
  readonly argsBytes: number;
  readonly resultBytes: number;
  /** Serialising and deserialising arguments and result once, as a pool does (ms per call). */
  readonly roundTripMs: number;
}

/** A few serial calls made before the trials, to size them and to see what the task does. */
export interface Calibration {
  readonly calls: number;
  /** Median wall time of one call, run in this process with nothing else running (first call excluded). */
  readonly workMs: number;
  /** Median CPU time of one call. */
  readonly cpuMs: number;
  /**
   * Median share of a core a pure spin got between calls (1 on an idle machine, ~0.5 when twice as many
   * threads as cores want to run): the classifier reads `cpuMs / workMs` against it. Absent means 1.
   */
  readonly cpuAvailability?: number;
  /** True when the task returns a promise (only async tasks gain from concurrency on one thread). */
  readonly returnsPromise: boolean;
  /** Largest growth of JS heap plus external memory seen across one call (memory held while it runs). */
  readonly memoryPerCallBytes: number;
  readonly serialization: SerializationCost;
}

/** Everything measured for one task. */
export interface ProfileMeasurements {
  readonly task: {
    readonly moduleUrl: string;
    readonly exportName: string;
    /** How many distinct argument lists the calls cycled through. */
    readonly inputs: number;
  };
  readonly machine: {
    readonly cores: number;
    readonly totalMemoryBytes: number;
    readonly node: string;
    readonly platform: string;
  };
  readonly calibration: Calibration;
  /** In the order they ran; `serial` first. */
  readonly trials: readonly TrialMeasurement[];
  /** True when the run was interrupted and some planned trials did not run. */
  readonly partial: boolean;
  /** ISO timestamp of the start. */
  readonly startedAt: string;
  readonly durationMs: number;
}
