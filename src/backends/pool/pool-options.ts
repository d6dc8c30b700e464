/** Options shared by the thread and process pools, their defaults, and validation in one place. */
import { InvalidArgumentError } from '../../errors.ts';
import { describe } from '../../core/task.ts';
import { nodeOs } from '../../core/lazy-builtins.ts';
import { rejectUnknownOptions } from '../../core/known-options.ts';

export interface PoolOptions {
  /**
   * Most workers at once.
   * @default os.availableParallelism()
   */
  readonly maxWorkers?: number;
  /**
   * Workers kept even when idle. The first starts with the pool and the others once it is up and idle, or as
   * soon as jobs need them: workers booting side by side delay the first result (~6 ms on two cores).
   * @default 0
   */
  readonly minWorkers?: number;
  /**
   * An idle worker above `minWorkers` exits after this many milliseconds.
   * @default 10_000
   */
  readonly idleTimeoutMs?: number;
  /**
   * Tasks one worker runs at once. Above 1 this is the hybrid pattern: CPU parallelism across workers, async
   * I/O concurrency inside each. Only async tasks benefit; synchronous tasks still run one at a time.
   * @default 1
   */
  readonly concurrencyPerWorker?: number;
  /**
   * Replace a worker after it has run this many tasks (for code that leaks).
   * @default Infinity
   */
  readonly maxTasksPerWorker?: number;
  /**
   * Replace a worker whose memory (JS heap for threads, RSS for processes) exceeds this many MiB after a task.
   * @default Infinity
   */
  readonly maxWorkerMemoryMb?: number;
  /**
   * How long `shutdown()`, an idle exit or a recycle waits for a worker to exit before killing it.
   * @default 5_000
   */
  readonly shutdownTimeoutMs?: number;
  /**
   * After a batch, an idle worker watches for the next job this long before it sleeps: a sequential caller
   * then gets its answer without a wake-up (~25 µs for a thread, more for a process). Costs that much CPU
   * per idle moment; 0 disables.
   * @default 50
   */
  readonly spinMicros?: number;
  /** Extra Node flags for workers. @default the parent's `process.execArgv` (so `tsx` loads in workers too) */
  readonly execArgv?: readonly string[];
  /** Environment of workers. @default the parent's `process.env` */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Prefix of worker names (thread names, process titles in errors). @default 'spindle' */
  readonly name?: string;
}

/** The names every pool takes; a backend adds its own (threads: `resourceLimits`). */
const POOL_OPTIONS: readonly (keyof PoolOptions)[] = [
  'maxWorkers',
  'minWorkers',
  'idleTimeoutMs',
  'concurrencyPerWorker',
  'maxTasksPerWorker',
  'maxWorkerMemoryMb',
  'shutdownTimeoutMs',
  'spinMicros',
  'execArgv',
  'env',
  'name',
];

/** @internal Every option present and checked; internals trust this type. */
export interface FilledPoolOptions {
  readonly maxWorkers: number;
  readonly minWorkers: number;
  readonly idleTimeoutMs: number;
  readonly concurrencyPerWorker: number;
  readonly maxTasksPerWorker: number;
  readonly maxWorkerMemoryMb: number;
  readonly shutdownTimeoutMs: number;
  readonly spinMicros: number;
  readonly execArgv: readonly string[] | undefined;
  readonly env: Readonly<Record<string, string | undefined>> | undefined;
  readonly name: string;
}

/** @internal */
export function fillPoolOptions(
  options: PoolOptions,
  where: string,
  backendOptions: readonly string[] = [],
): FilledPoolOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(
      `Expected \`options\` of ${where} to be an object, got ${describe(options)}`,
    );
  }
  rejectUnknownOptions(options, [...POOL_OPTIONS, ...backendOptions], `new ${where}(options)`);
  const maxWorkers = options.maxWorkers ?? nodeOs().availableParallelism();
  positiveInteger(maxWorkers, 'maxWorkers', 1);
  const minWorkers = options.minWorkers ?? 0;
  positiveInteger(minWorkers, 'minWorkers', 0);
  if (minWorkers > maxWorkers) {
    throw new InvalidArgumentError(
      `Expected \`minWorkers\` (${minWorkers}) to be at most \`maxWorkers\` (${maxWorkers}) in ${where}`,
    );
  }
  const idleTimeoutMs = options.idleTimeoutMs ?? 10_000;
  nonNegative(idleTimeoutMs, 'idleTimeoutMs');
  const concurrencyPerWorker = options.concurrencyPerWorker ?? 1;
  positiveInteger(concurrencyPerWorker, 'concurrencyPerWorker', 1);
  if (concurrencyPerWorker > 256) {
    throw new InvalidArgumentError(
      `Expected \`concurrencyPerWorker\` to be at most 256, got ${concurrencyPerWorker}`,
    );
  }
  const maxTasksPerWorker = options.maxTasksPerWorker ?? Infinity;
  if (maxTasksPerWorker !== Infinity) positiveInteger(maxTasksPerWorker, 'maxTasksPerWorker', 1);
  const maxWorkerMemoryMb = options.maxWorkerMemoryMb ?? Infinity;
  if (maxWorkerMemoryMb !== Infinity) nonNegative(maxWorkerMemoryMb, 'maxWorkerMemoryMb');
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 5_000;
  nonNegative(shutdownTimeoutMs, 'shutdownTimeoutMs');
  const spinMicros = options.spinMicros ?? 50;
  nonNegative(spinMicros, 'spinMicros');
  if (spinMicros > 10_000) {
    throw new InvalidArgumentError(`Expected \`spinMicros\` to be at most 10000, got ${spinMicros}`);
  }
  const { execArgv, env, name = 'spindle' } = options;
  if (execArgv !== undefined && (!Array.isArray(execArgv) || execArgv.some((a) => typeof a !== 'string'))) {
    throw new InvalidArgumentError(
      `Expected \`execArgv\` to be an array of strings, got ${describe(execArgv)}`,
    );
  }
  if (env !== undefined && (typeof env !== 'object' || env === null)) {
    throw new InvalidArgumentError(`Expected \`env\` to be an object, got ${describe(env)}`);
  }
  if (typeof name !== 'string') {
    throw new InvalidArgumentError(`Expected \`name\` to be a string, got ${describe(name)}`);
  }
  return {
    maxWorkers,
    minWorkers,
    idleTimeoutMs,
    concurrencyPerWorker,
    maxTasksPerWorker,
    maxWorkerMemoryMb,
    shutdownTimeoutMs,
    spinMicros,
    execArgv,
    env,
    name,
  };
}

/** @internal */
export function positiveInteger(value: unknown, option: string, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(
      `Expected \`${option}\` to be an integer from ${min} and up, got ${describe(value)}`,
    );
  }
}

/** @internal */
export function nonNegative(value: unknown, option: string): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new InvalidArgumentError(
      `Expected \`${option}\` to be a number from 0 and up, got ${describe(value)}`,
    );
  }
}
