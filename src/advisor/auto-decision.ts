/**
 * AutoExecutor's choice: which backend a task's later calls go to, from what its first calls measured on
 * each candidate. A pure function over the measurements, so it is tested on synthetic numbers.
 *
 * The rule is `recommend`'s, on fewer and noisier figures: among the candidates that completed calls, the
 * fastest in throughput wins, except that a simpler, cheaper one within `tolerance` of it wins the tie
 * (async over threads over processes, `strategy.ts`'s order). A candidate that could not carry the task at
 * all (its arguments cannot be copied, its module does not export it) is left out. The CPU share of a call,
 * read against `classify`'s thresholds, is reported as evidence; it never overrides the measured throughput.
 */
import type { Evidence } from './classify.ts';
import { DEFAULT_THRESHOLDS } from './classify.ts';
import { formatMs, formatPercent, formatRate, formatRatio } from './format.ts';
import type { Strategy } from './measurements.ts';
import { compareCost } from './strategy.ts';

/** The backends AutoExecutor can route to (serial is not an executor). */
export type AutoBackend = 'async' | 'thread' | 'process';

/** What one exploration phase measured for one candidate backend. All times in milliseconds. */
export interface ExploreMeasurement {
  readonly backend: AutoBackend;
  /** The candidate's sizing (workers, concurrency), as in the profile's trials. */
  readonly strategy: Strategy;
  /** `async ×64`, `threads ×2`. */
  readonly label: string;
  /** Measured calls that settled (warm-up calls excluded). */
  readonly calls: number;
  /** Of those, calls that succeeded. */
  readonly ok: number;
  /** From the first measured call's dispatch to the last one's result. */
  readonly wallMs: number;
  /** Successful calls per second over `wallMs`. */
  readonly throughput: number;
  /** Latency of single measured calls, dispatch to result. */
  readonly latencyMs: { readonly min: number; readonly median: number; readonly max: number };
  /**
   * CPU time of this process over the window (`process.cpuUsage`: includes worker threads, not worker
   * processes, and anything else the process did meanwhile).
   */
  readonly cpuMs: number;
  /** Event-loop utilisation of this thread over the window (0–1). */
  readonly loopUtilisation: number;
  /** Pools: how long the warm-up calls (worker start-up included) took; 0 for async. */
  readonly warmupMs: number;
  /** Why the candidate could not run the task at all, if so (it is then left out). */
  readonly unusable: string | undefined;
}

export interface AutoChoice {
  readonly backend: AutoBackend;
  /** Label of the chosen candidate, e.g. `threads ×2`. */
  readonly label: string;
  /** What the chosen candidate measured (calls per second), if it measured anything. */
  readonly throughput: number | undefined;
  /** Rough kind of the task from its CPU share, with `classify`'s thresholds. */
  readonly kind: 'computes' | 'waits' | 'mixed' | 'unknown';
  /** One paragraph, with the deciding figures. */
  readonly reason: string;
  /** The figures behind the choice, the chosen candidate's first. */
  readonly evidence: readonly Evidence[];
}

/**
 * Default tolerance: a handful of calls per candidate on a shared machine measure throughput to within about
 * this much, so closer results count as ties.
 */
export const DEFAULT_AUTO_TOLERANCE = 0.15;

/** Chooses the backend for a task from its exploration measurements. */
export function chooseBackend(
  measured: readonly ExploreMeasurement[],
  tolerance: number = DEFAULT_AUTO_TOLERANCE,
): AutoChoice {
  const usable = measured.filter((m) => m.unusable === undefined);
  const finished = usable.filter((m) => m.ok > 0 && m.throughput > 0);
  const share = cpuShare(measured);
  const kind = kindOf(share);
  const evidence = measured.map(evidenceOf);
  const shareNote =
    share === undefined
      ? ''
      : ` A call is ${formatPercent(share)} CPU (${kind === 'computes' ? `≥ ${formatPercent(DEFAULT_THRESHOLDS.cpuBoundShare)}: it computes` : kind === 'waits' ? `≤ ${formatPercent(DEFAULT_THRESHOLDS.waitingShare)}: it waits` : 'it both computes and waits'}).`;
  const leftOut = measured.filter((m) => m.unusable !== undefined);
  const leftOutNote =
    leftOut.length === 0 ? '' : ` Left out: ${leftOut.map((m) => `${m.label} (${m.unusable})`).join('; ')}.`;

  if (finished.length === 0) {
    const pool = usable.length > 0 ? usable : measured;
    const simplest = [...pool].sort((a, b) => compareCost(a.strategy, b.strategy))[0];
    const backend = simplest?.backend ?? 'async';
    const label = simplest?.label ?? 'async';
    return {
      backend,
      label,
      throughput: undefined,
      kind,
      reason:
        `No candidate completed a call during exploration, so nothing was measured to beat the simplest, ${label}.` +
        leftOutNote,
      evidence,
    };
  }

  const fastest = finished.reduce((a, b) => (b.throughput > a.throughput ? b : a));
  const ties = finished.filter((m) => m.throughput >= fastest.throughput * (1 - tolerance));
  const chosen = [...ties].sort((a, b) => compareCost(a.strategy, b.strategy))[0]!;
  const sentences: string[] = [];
  const others = finished.filter((m) => m !== chosen);
  const runnerUp = others.reduce<ExploreMeasurement | undefined>(
    (a, b) => (a === undefined || b.throughput > a.throughput ? b : a),
    undefined,
  );
  sentences.push(
    `${chosen.label} measured ${formatRate(chosen.throughput)} over ${chosen.ok} calls` +
      (runnerUp === undefined
        ? ', the only candidate that completed calls.'
        : chosen === fastest
          ? `, ${formatRatio(chosen.throughput / runnerUp.throughput)} the next best, ${runnerUp.label} at ${formatRate(runnerUp.throughput)}.`
          : '.'),
  );
  if (chosen !== fastest) {
    sentences.push(
      `${fastest.label} measured ${formatRate(fastest.throughput)}, within ${formatPercent(tolerance)} ` +
        `(measurement noise), so the simpler ${chosen.label} is preferred.`,
    );
  }
  return {
    backend: chosen.backend,
    label: chosen.label,
    throughput: chosen.throughput,
    kind,
    reason: sentences.join(' ') + shareNote + leftOutNote,
    evidence: [evidenceOf(chosen), ...evidence.filter((_, i) => measured[i] !== chosen)],
  };
}

/**
 * CPU time per call over the time a call takes, read from a thread pool's phase if there is one: its calls
 * do not block this thread, so the shortest dispatch-to-result latency is a call's own time. On the event
 * loop, results are only seen once the loop is free, so when it was saturated (calls ran back to back) a
 * call's time is the window over the calls instead. A process pool's CPU is not this process's: never used.
 */
export function cpuShare(measured: readonly ExploreMeasurement[]): number | undefined {
  const usable = (m: ExploreMeasurement): boolean => m.unusable === undefined && m.calls > 0 && m.cpuMs >= 0;
  const thread = measured.find((m) => m.backend === 'thread' && usable(m) && m.latencyMs.min > 0);
  if (thread !== undefined) return Math.min(1, thread.cpuMs / thread.calls / thread.latencyMs.min);
  const async = measured.find((m) => m.backend === 'async' && usable(m));
  if (async === undefined) return undefined;
  const callMs = async.loopUtilisation >= LOOP_SATURATED ? async.wallMs / async.calls : async.latencyMs.min;
  return callMs > 0 ? Math.min(1, async.cpuMs / async.calls / callMs) : undefined;
}

/** Event-loop utilisation above which the loop counts as saturated by the calls. */
const LOOP_SATURATED = 0.9;

function kindOf(share: number | undefined): AutoChoice['kind'] {
  if (share === undefined) return 'unknown';
  if (share >= DEFAULT_THRESHOLDS.cpuBoundShare) return 'computes';
  if (share <= DEFAULT_THRESHOLDS.waitingShare) return 'waits';
  return 'mixed';
}

function evidenceOf(m: ExploreMeasurement): Evidence {
  if (m.unusable !== undefined) {
    return { metric: `${m.label} throughput`, value: 'could not run the task', meaning: m.unusable };
  }
  return {
    metric: `${m.label} throughput`,
    value: m.ok > 0 ? formatRate(m.throughput) : 'no call succeeded',
    meaning:
      `${m.ok}/${m.calls} calls ok in ${formatMs(m.wallMs)}; median call ${formatMs(m.latencyMs.median)}; ` +
      `event loop ${formatPercent(m.loopUtilisation)} busy` +
      (m.warmupMs > 0 ? `; warm-up ${formatMs(m.warmupMs)}` : ''),
  };
}
