/**
 * Picks the strategy to use: the one that measured fastest among the reasonable ones, where a strategy that
 * is within measurement noise of the fastest but simpler and cheaper wins the tie (serial over async over
 * threads over processes; fewer workers; less per-worker concurrency). A pure function over the
 * measurements, so it is tested on synthetic numbers.
 *
 * Reasonable: the trial finished without failing; for memory-heavy tasks, the memory its calls hold at once
 * fits in the budget; and AsyncExecutor only for tasks that return promises (it runs synchronous calls one
 * after another on one thread, exactly like serial, so any difference it shows is noise).
 */
import type { Classification } from './classify.ts';
import { featuresOf, serialThroughput } from './classify.ts';
import { formatBytes, formatMs, formatPercent, formatRate, formatRatio } from './format.ts';
import type { Backend, ProfileMeasurements, TrialMeasurement } from './measurements.ts';
import { capacityOf, compareCost, isPool, strategyCode, strategyLabel } from './strategy.ts';

export interface Recommendation {
  readonly backend: Backend;
  /** Worker threads or processes (0 for `serial` and `async`). */
  readonly workers: number;
  /** The pools' `concurrencyPerWorker`; for `async`, AsyncExecutor's `maxConcurrency`; 1 for `serial`. */
  readonly concurrencyPerWorker: number;
  /** `threads ×2`, as in the tables. */
  readonly label: string;
  /** The line that creates the executor. */
  readonly code: string;
  /** Expected tasks per second: what the chosen trial measured. */
  readonly throughput: number;
  /** Expected speedup over calling the task serially. */
  readonly speedup: number;
  /** When calls are tiny: how many items to send per task (one task processes a chunk). */
  readonly chunkSize: number | undefined;
  /** Further advice for this kind of workload, each citing its figures. */
  readonly advice: readonly string[];
  /** One paragraph: why this strategy, with the measured figures. */
  readonly reason: string;
}

export interface RecommendOptions {
  /**
   * Strategies within this fraction of the fastest throughput count as ties.
   * @default 0.05
   */
  readonly tolerance?: number;
  /**
   * Memory the calls running at once may hold, for memory-heavy tasks.
   * @default half of the machine's memory
   */
  readonly memoryBudgetBytes?: number;
}

/** A chunk should carry about this much work, so the per-task cost of a pool is amortised. */
const CHUNK_WORK_MS = 2;
const MAX_CHUNK = 10_000;

const NODE_FACTS: Readonly<Record<Classification['kind'], string>> = {
  'cpu-bound':
    'On Node, worker threads run JavaScript in parallel (there is no GIL), so CPU-bound work scales with ' +
    'cores on threads; processes scale too but cost more to start and to send data to, and are worth it ' +
    'for crash isolation.',
  'async-io':
    'On Node, async I/O is already concurrent on the event loop: AsyncExecutor overlaps the waits in one ' +
    'thread, and threads or processes would only add start-up and copying.',
  'blocking-io':
    'A synchronous wait blocks the thread it runs on, so the event loop cannot overlap it; threads can, and ' +
    'since a waiting thread uses no CPU, more threads than cores still help.',
  'overhead-dominated':
    'Sending a task to a worker and its result back costs microseconds; when the work is smaller than that, ' +
    'running inline (or in large batches) wins.',
  'payload-dominated':
    'Threads and processes copy arguments and results (structured clone); when copying costs more than the ' +
    'work, parallelism cannot win it back.',
  'memory-heavy':
    'Each call running at once holds its memory, so the number of workers is bounded by memory as much as ' +
    'by cores; processes isolate an out-of-memory crash.',
  mixed:
    'Calls that both compute and wait suit the hybrid pattern: workers for the CPU part, several async calls ' +
    'in each (`concurrencyPerWorker`) for the waiting part.',
};

/** Chooses a strategy from the measurements and the classification. */
export function recommend(
  m: ProfileMeasurements,
  classification: Classification,
  options: RecommendOptions = {},
): Recommendation {
  const tolerance = options.tolerance ?? 0.05;
  const budget = options.memoryBudgetBytes ?? m.machine.totalMemoryBytes / 2;
  const serial = serialThroughput(m);
  const perCall = m.calibration.memoryPerCallBytes;
  const finished = m.trials.filter((t) => t.status === 'ok' && t.throughput > 0);
  const tooBig = (t: TrialMeasurement): boolean =>
    classification.kind === 'memory-heavy' && capacityOf(t.strategy) * perCall > budget;
  const pointless = (t: TrialMeasurement): boolean =>
    t.strategy.backend === 'async' && !m.calibration.returnsPromise;
  const candidates = finished.filter((t) => !tooBig(t) && !pointless(t));
  const features = featuresOf(m);
  const chunkSize =
    classification.kind === 'overhead-dominated' ||
    (classification.kind !== 'payload-dominated' && m.calibration.workMs < CHUNK_WORK_MS / 2)
      ? Math.min(MAX_CHUNK, Math.max(2, Math.ceil(CHUNK_WORK_MS / Math.max(m.calibration.workMs, 1e-6))))
      : undefined;

  if (candidates.length === 0) {
    const reason =
      `No trial finished${finished.length > 0 ? ' within the memory budget' : ''}, so nothing was measured ` +
      `to beat calling the task serially (${formatMs(m.calibration.workMs)} per call in calibration). ` +
      NODE_FACTS[classification.kind];
    return {
      backend: 'serial',
      workers: 0,
      concurrencyPerWorker: 1,
      label: 'serial',
      code: strategyCode({ backend: 'serial', workers: 0, concurrencyPerWorker: 1 }),
      throughput: serial,
      speedup: 1,
      chunkSize,
      advice: adviceFor(m, classification, features, undefined, chunkSize),
      reason,
    };
  }

  const fastest = candidates.reduce((a, b) => (b.throughput > a.throughput ? b : a));
  const ties = candidates.filter((t) => t.throughput >= fastest.throughput * (1 - tolerance));
  const chosen = [...ties].sort((a, b) => compareCost(a.strategy, b.strategy))[0]!;
  const speedup = serial > 0 ? chosen.throughput / serial : 1;

  const sentences: string[] = [];
  sentences.push(
    `${chosen.label} measured ${formatRate(chosen.throughput)}, ${formatRatio(speedup)} the serial ` +
      `${formatRate(serial)} (${classification.kind}: ${classification.evidence[0]?.metric} ` +
      `${classification.evidence[0]?.value}).`,
  );
  if (chosen !== fastest) {
    sentences.push(
      `${fastest.label} measured ${formatRate(fastest.throughput)}, within ${formatPercent(tolerance)} ` +
        `(measurement noise), so the simpler, cheaper ${chosen.label} is preferred.`,
    );
  }
  const runnerUp = candidates
    .filter((t) => !ties.includes(t))
    .reduce<TrialMeasurement | undefined>(
      (a, b) => (a === undefined || b.throughput > a.throughput ? b : a),
      undefined,
    );
  if (runnerUp !== undefined) {
    sentences.push(`The next best, ${runnerUp.label}, measured ${formatRate(runnerUp.throughput)}.`);
  }
  if (isPool(chosen.strategy) && chosen.startupMs !== undefined) {
    sentences.push(`Its workers took ${formatMs(chosen.startupMs)} to start and answer a first call.`);
  }
  const excluded = finished.filter(tooBig);
  if (excluded.length > 0) {
    sentences.push(
      `Left out for memory (${formatBytes(perCall)} per call, budget ${formatBytes(budget)}): ` +
        `${excluded.map((t) => t.label).join(', ')}.`,
    );
  }
  sentences.push(NODE_FACTS[classification.kind]);

  return {
    backend: chosen.strategy.backend,
    workers: chosen.strategy.workers,
    concurrencyPerWorker: chosen.strategy.concurrencyPerWorker,
    label: strategyLabel(chosen.strategy),
    code: strategyCode(chosen.strategy),
    throughput: chosen.throughput,
    speedup,
    chunkSize,
    advice: adviceFor(m, classification, features, chosen, chunkSize),
    reason: sentences.join(' '),
  };
}

function adviceFor(
  m: ProfileMeasurements,
  classification: Classification,
  f: ReturnType<typeof featuresOf>,
  chosen: TrialMeasurement | undefined,
  chunkSize: number | undefined,
): string[] {
  const advice: string[] = [];
  const work = formatMs(m.calibration.workMs);
  switch (classification.kind) {
    case 'cpu-bound': {
      const bestProcess = bestOf(m, 'process');
      const bestThread = bestOf(m, 'thread');
      if (bestProcess !== undefined && bestThread !== undefined) {
        advice.push(
          `Processes reached ${formatRate(bestProcess.throughput)} against ${formatRate(bestThread.throughput)} for threads` +
            (bestProcess.startupMs !== undefined && bestThread.startupMs !== undefined
              ? `, starting in ${formatMs(bestProcess.startupMs)} against ${formatMs(bestThread.startupMs)}`
              : '') +
            ': choose processes only to isolate crashes (native code, unbounded memory, process.exit).',
        );
      }
      advice.push(
        `Keep workers at or below the ${m.machine.cores} cores: CPU-bound calls gain nothing from more.`,
      );
      break;
    }
    case 'async-io':
      advice.push(
        "Raise AsyncExecutor's maxConcurrency to what the remote side tolerates; the event loop is not the limit.",
      );
      break;
    case 'blocking-io':
      advice.push(
        `Each ${work} call blocks its thread while using ${formatPercent(f.cpuShare)} CPU: replace the synchronous ` +
          'call with its async form (fs.promises, an async client), then AsyncExecutor alone overlaps the waits.',
      );
      break;
    case 'overhead-dominated':
      advice.push(
        `A call does ${work} of work; send chunks of about ${chunkSize ?? 1} items per task (about ` +
          `${formatMs(CHUNK_WORK_MS)} of work each) if it must leave this thread, so the per-task cost is amortised.`,
      );
      break;
    case 'payload-dominated':
      advice.push(
        `Copying ${formatBytes(f.payloadBytes)} per call costs ${formatMs(f.copyMs)} against ${work} of work: ` +
          'share the data instead (a SharedArrayBuffer, `transfer` of ArrayBuffers to threads) or send a key ' +
          'or path and load the data in the worker.',
      );
      break;
    case 'memory-heavy': {
      const atOnce = chosen === undefined ? 1 : capacityOf(chosen.strategy);
      advice.push(
        `Each call holds ${formatBytes(m.calibration.memoryPerCallBytes)}` +
          (atOnce > 1
            ? `; ${atOnce} at once hold ${formatBytes(atOnce * m.calibration.memoryPerCallBytes)}. `
            : '. ') +
          'Bound it with maxWorkerMemoryMb (or resourceLimits for threads), and prefer processes where an ' +
          'out-of-memory crash must not take the program down.',
      );
      break;
    }
    case 'mixed':
      advice.push('If the waiting part grows, try the hybrid pattern: a pool with concurrencyPerWorker > 1.');
      break;
  }
  if (
    chunkSize !== undefined &&
    classification.kind !== 'overhead-dominated' &&
    chosen !== undefined &&
    isPool(chosen.strategy)
  ) {
    advice.push(
      `Calls are short (${work}): batching about ${chunkSize} items per task amortises the pool's per-task cost.`,
    );
  }
  const failed = m.trials.filter((t) => t.status === 'failed');
  if (failed.length > 0) {
    advice.push(
      `Failed and left out: ${failed.map((t) => `${t.label} (${t.error ?? 'no call succeeded'})`).join('; ')}.`,
    );
  }
  return advice;
}

function bestOf(m: ProfileMeasurements, backend: Backend): TrialMeasurement | undefined {
  return m.trials
    .filter((t) => t.status === 'ok' && t.strategy.backend === backend)
    .reduce<TrialMeasurement | undefined>(
      (a, b) => (a === undefined || b.throughput > a.throughput ? b : a),
      undefined,
    );
}
