/** AutoExecutor's options, their defaults, and validation in one place. */
import { availableParallelism } from 'node:os';
import type { ProcessPoolOptions } from '../backends/process/process-pool.ts';
import type { ThreadPoolOptions } from '../backends/thread/thread-pool.ts';
import { describe } from '../core/task.ts';
import { InvalidArgumentError } from '../errors.ts';
import type { AutoBackend } from './auto-decision.ts';
import { DEFAULT_AUTO_TOLERANCE } from './auto-decision.ts';
import { rejectUnknownOptions } from '../core/known-options.ts';

export interface AutoExploreOptions {
  /**
   * Measured calls per candidate backend, for each task. Pools first run as many warm-up calls as they have
   * workers (worker start-up must not count against them); those are not measured.
   * @default 8
   */
  readonly calls?: number;
  /**
   * Longest measured phase per candidate, in milliseconds: once it has run this long, no more calls are sent
   * to it (calls already running finish). Bounds exploration for slow tasks.
   * @default 1_000
   */
  readonly maxMs?: number;
  /**
   * Explore again after this many calls of a task have been routed on a decision (the workload or the
   * machine may have changed). Calls that arrive while it explores wait their turn, as on the first round.
   * @default Infinity (decide once)
   */
  readonly every?: number;
}

export interface AutoExecutorOptions {
  /**
   * Backends to try, for task handles. Plain functions always run on AsyncExecutor (only it can run them).
   * Processes are opt-in: they cost the most to start.
   * @default ['async', 'thread']
   */
  readonly candidates?: readonly AutoBackend[];
  readonly explore?: AutoExploreOptions;
  /**
   * Throughputs within this fraction of the fastest count as ties, won by the simpler backend.
   * @default 0.15
   */
  readonly tolerance?: number;
  /**
   * Workers of each pool (threads, processes).
   * @default os.availableParallelism()
   */
  readonly maxWorkers?: number;
  /**
   * Most tasks running at once on the AsyncExecutor.
   * @default 64
   */
  readonly maxConcurrency?: number;
  /** Further options of the thread pool (`maxWorkers` above wins). */
  readonly threadPool?: Omit<ThreadPoolOptions, 'maxWorkers'>;
  /** Further options of the process pool (`maxWorkers` above wins). */
  readonly processPool?: Omit<ProcessPoolOptions, 'maxWorkers'>;
}

/** @internal Every option present and checked. */
export interface FilledAutoOptions {
  readonly candidates: readonly AutoBackend[];
  readonly calls: number;
  readonly maxMs: number;
  readonly every: number;
  readonly tolerance: number;
  readonly maxWorkers: number;
  readonly maxConcurrency: number;
  readonly threadPool: Omit<ThreadPoolOptions, 'maxWorkers'>;
  readonly processPool: Omit<ProcessPoolOptions, 'maxWorkers'>;
}

const BACKENDS: readonly AutoBackend[] = ['async', 'thread', 'process'];

/** @internal */
export function fillAutoOptions(options: AutoExecutorOptions): FilledAutoOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`Expected \`options\` to be an object, got ${describe(options)}`);
  }
  rejectUnknownOptions(
    options,
    ['candidates', 'explore', 'tolerance', 'maxWorkers', 'maxConcurrency', 'threadPool', 'processPool'],
    'new AutoExecutor(options)',
  );
  const candidates = options.candidates ?? ['async', 'thread'];
  if (
    !Array.isArray(candidates) ||
    candidates.length === 0 ||
    candidates.some((c) => !BACKENDS.includes(c as AutoBackend)) ||
    new Set(candidates).size !== candidates.length
  ) {
    throw new InvalidArgumentError(
      `Expected \`candidates\` to be a non-empty array of distinct 'async' | 'thread' | 'process', got ${describeList(candidates)}`,
    );
  }
  const explore = options.explore ?? {};
  if (typeof explore !== 'object' || explore === null) {
    throw new InvalidArgumentError(`Expected \`explore\` to be an object, got ${describe(explore)}`);
  }
  rejectUnknownOptions(explore, ['calls', 'maxMs', 'every'], '`explore` of new AutoExecutor(options)');
  const calls = explore.calls ?? 8;
  integer(calls, 'explore.calls', 1);
  const maxMs = explore.maxMs ?? 1_000;
  if (typeof maxMs !== 'number' || !(maxMs > 0) || !Number.isFinite(maxMs)) {
    throw new InvalidArgumentError(
      `Expected \`explore.maxMs\` to be a finite number of milliseconds above 0, got ${describe(maxMs)}`,
    );
  }
  const every = explore.every ?? Infinity;
  if (every !== Infinity) integer(every, 'explore.every', 1);
  const tolerance = options.tolerance ?? DEFAULT_AUTO_TOLERANCE;
  if (typeof tolerance !== 'number' || !(tolerance >= 0 && tolerance < 1)) {
    throw new InvalidArgumentError(
      `Expected \`tolerance\` to be a number from 0 up to (not including) 1, got ${describe(tolerance)}`,
    );
  }
  const maxWorkers = options.maxWorkers ?? availableParallelism();
  integer(maxWorkers, 'maxWorkers', 1);
  const maxConcurrency = options.maxConcurrency ?? 64;
  if (maxConcurrency !== Infinity) integer(maxConcurrency, 'maxConcurrency', 1);
  const threadPool = options.threadPool ?? {};
  const processPool = options.processPool ?? {};
  for (const [name, value] of [
    ['threadPool', threadPool],
    ['processPool', processPool],
  ] as const) {
    if (typeof value !== 'object' || value === null) {
      throw new InvalidArgumentError(`Expected \`${name}\` to be an object, got ${describe(value)}`);
    }
  }
  return {
    candidates: Object.freeze([...candidates]),
    calls,
    maxMs,
    every,
    tolerance,
    maxWorkers,
    maxConcurrency,
    threadPool,
    processPool,
  };
}

function integer(value: unknown, option: string, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(
      `Expected \`${option}\` to be an integer from ${min} and up, got ${describe(value)}`,
    );
  }
}

function describeList(value: unknown): string {
  if (!Array.isArray(value)) return describe(value);
  return `\`${JSON.stringify(value)}\` (array)`;
}
