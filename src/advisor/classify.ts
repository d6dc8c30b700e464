/**
 * Names the kind of workload from the measurements, with the figures that decided it. A pure function, so
 * it is tested on synthetic numbers.
 *
 * The checks run in this order, because the earlier kinds constrain the choice more than the later ones:
 *
 *   holds ≥ 64 MiB per call ─────────────────────────────▶ memory-heavy
 *   copying args+result (≥ 64 KiB) costs more than work ──▶ payload-dominated
 *   work per call < what a pool adds per call ────────────▶ overhead-dominated
 *   CPU share of a call ≥ 75 % ───────────────────────────▶ cpu-bound
 *   CPU share ≤ 25 %: AsyncExecutor overlaps calls? ─yes──▶ async-io
 *                                                   └no───▶ blocking-io
 *   otherwise ────────────────────────────────────────────▶ mixed (CPU or waiting dominates)
 */
import type { ProfileMeasurements, TrialMeasurement } from './measurements.ts';
import { formatBytes, formatMs, formatPercent, formatRatio } from './format.ts';

/** The kinds of workload the advisor tells apart. */
export type WorkloadClass =
  | 'cpu-bound'
  | 'async-io'
  | 'blocking-io'
  | 'overhead-dominated'
  | 'payload-dominated'
  | 'memory-heavy'
  | 'mixed';

/** One figure behind a classification. */
export interface Evidence {
  /** What was measured, e.g. `CPU share of a call`. */
  readonly metric: string;
  /** The figure, formatted with its unit, e.g. `97 %`. */
  readonly value: string;
  /** How it bears on the decision, e.g. `≥ 75 %: the call computes`. */
  readonly meaning: string;
}

export interface Classification {
  readonly kind: WorkloadClass;
  /** For `mixed`: the part that takes more of a call's time. */
  readonly dominant: 'cpu' | 'async-io' | 'blocking-io' | undefined;
  /** One sentence, with the deciding figures. */
  readonly summary: string;
  /** The figures that decided it, deciding one first. */
  readonly evidence: readonly Evidence[];
}

/** The thresholds; the defaults are documented in the diagram above. */
export interface ClassifyThresholds {
  readonly memoryHeavyBytes: number;
  readonly payloadMinBytes: number;
  readonly cpuBoundShare: number;
  readonly waitingShare: number;
  /** AsyncExecutor must beat serial by this factor for calls to count as overlapping on the event loop. */
  readonly asyncOverlapSpeedup: number;
  /** Used when no single-worker thread trial measured the per-call cost of a pool. */
  readonly fallbackDispatchMs: number;
}

export const DEFAULT_THRESHOLDS: ClassifyThresholds = Object.freeze({
  memoryHeavyBytes: 64 * 1024 * 1024,
  payloadMinBytes: 64 * 1024,
  cpuBoundShare: 0.75,
  waitingShare: 0.25,
  asyncOverlapSpeedup: 1.5,
  fallbackDispatchMs: 0.02,
});

/** The figures the rules read, derived once from the measurements. */
export interface WorkloadFeatures {
  readonly workMs: number;
  readonly cpuShare: number;
  /** The share of a core the calibration got (see Calibration.cpuAvailability); cpuShare is relative to it. */
  readonly cpuAvailable: number;
  readonly serialThroughput: number;
  readonly asyncSpeedup: number | undefined;
  readonly bestPool: TrialMeasurement | undefined;
  readonly poolSpeedup: number | undefined;
  /** What a single-worker thread pool adds to each call (ms), if measured. */
  readonly dispatchMs: number | undefined;
  readonly payloadBytes: number;
  readonly copyMs: number;
  readonly memoryPerCallBytes: number;
  readonly serialLoopUtilisation: number | undefined;
}

/** Throughput of the serial trial, or (if it did not finish) what the calibration implies. */
export function serialThroughput(m: ProfileMeasurements): number {
  const serial = m.trials.find((t) => t.strategy.backend === 'serial' && t.status === 'ok');
  if (serial !== undefined && serial.throughput > 0) return serial.throughput;
  return m.calibration.workMs > 0 ? 1000 / m.calibration.workMs : 0;
}

function best(trials: readonly TrialMeasurement[]): TrialMeasurement | undefined {
  return trials.reduce<TrialMeasurement | undefined>(
    (top, t) => (top === undefined || t.throughput > top.throughput ? t : top),
    undefined,
  );
}

/** Derives the figures the rules read. */
export function featuresOf(m: ProfileMeasurements): WorkloadFeatures {
  const { calibration } = m;
  const ok = m.trials.filter((t) => t.status === 'ok');
  const serial = serialThroughput(m);
  const bestAsync = best(ok.filter((t) => t.strategy.backend === 'async'));
  const bestPool = best(
    ok.filter((t) => t.strategy.backend === 'thread' || t.strategy.backend === 'process'),
  );
  const single = ok.find(
    (t) =>
      t.strategy.backend === 'thread' && t.strategy.workers === 1 && t.strategy.concurrencyPerWorker === 1,
  );
  const serialTrial = ok.find((t) => t.strategy.backend === 'serial');
  return {
    workMs: calibration.workMs,
    cpuAvailable: availableShare(calibration.cpuAvailability),
    cpuShare:
      calibration.workMs > 0
        ? Math.min(1, calibration.cpuMs / calibration.workMs / availableShare(calibration.cpuAvailability))
        : 1,
    serialThroughput: serial,
    asyncSpeedup: bestAsync !== undefined && serial > 0 ? bestAsync.throughput / serial : undefined,
    bestPool,
    poolSpeedup: bestPool !== undefined && serial > 0 ? bestPool.throughput / serial : undefined,
    dispatchMs:
      single !== undefined && single.throughput > 0
        ? Math.max(0, 1000 / single.throughput - calibration.workMs)
        : undefined,
    payloadBytes: calibration.serialization.argsBytes + calibration.serialization.resultBytes,
    copyMs: calibration.serialization.roundTripMs,
    memoryPerCallBytes: calibration.memoryPerCallBytes,
    serialLoopUtilisation: serialTrial?.loopUtilisation,
  };
}

/** Names the workload's kind, with the deciding figures. */
export function classify(
  m: ProfileMeasurements,
  thresholds: ClassifyThresholds = DEFAULT_THRESHOLDS,
): Classification {
  const f = featuresOf(m);
  const t = thresholds;
  const work: Evidence = {
    metric: 'work per call (serial)',
    value: formatMs(f.workMs),
    meaning: 'calibration',
  };
  const share: Evidence = {
    metric: 'CPU share of a call',
    value:
      f.cpuAvailable < 0.95
        ? `${formatPercent(f.cpuShare)} (of the ${formatPercent(f.cpuAvailable)} of a core the busy machine gave it)`
        : formatPercent(f.cpuShare),
    meaning: `≥ ${formatPercent(t.cpuBoundShare)} computes, ≤ ${formatPercent(t.waitingShare)} waits`,
  };
  const asyncFigure: Evidence = {
    metric: 'best AsyncExecutor vs serial',
    value: f.asyncSpeedup === undefined ? 'not measured' : formatRatio(f.asyncSpeedup),
    meaning: `≥ ${formatRatio(t.asyncOverlapSpeedup)}: calls overlap on the event loop`,
  };
  const poolFigure: Evidence = {
    metric: 'best pool vs serial',
    value:
      f.poolSpeedup === undefined || f.bestPool === undefined
        ? 'not measured'
        : `${formatRatio(f.poolSpeedup)} (${f.bestPool.label})`,
    meaning: `${m.machine.cores} cores`,
  };
  const dispatchMs = f.dispatchMs ?? t.fallbackDispatchMs;
  const dispatch: Evidence = {
    metric: 'pool cost per call (1 thread)',
    value: f.dispatchMs === undefined ? `${formatMs(dispatchMs)} (assumed)` : formatMs(dispatchMs),
    meaning: 'above the work: overhead-dominated',
  };
  const copy: Evidence = {
    metric: 'copying args + result',
    value: `${formatMs(f.copyMs)} for ${formatBytes(f.payloadBytes)}`,
    meaning: `above the work (and ≥ ${formatBytes(t.payloadMinBytes)}): payload-dominated`,
  };
  const memory: Evidence = {
    metric: 'memory held by a call',
    value: formatBytes(f.memoryPerCallBytes),
    meaning: `≥ ${formatBytes(t.memoryHeavyBytes)}: memory-heavy`,
  };
  const loop: Evidence = {
    metric: 'event loop busy (serial)',
    value: f.serialLoopUtilisation === undefined ? 'not measured' : formatPercent(f.serialLoopUtilisation),
    meaning: 'high while not computing: the thread is blocked',
  };
  const result = (
    kind: WorkloadClass,
    summary: string,
    evidence: Evidence[],
    dominant?: Classification['dominant'],
  ): Classification => ({ kind, dominant, summary, evidence });

  if (f.memoryPerCallBytes >= t.memoryHeavyBytes) {
    return result(
      'memory-heavy',
      `Memory-heavy: each call holds ${formatBytes(f.memoryPerCallBytes)} while it runs, so memory, not cores, bounds how many may run at once.`,
      [memory, work, share, poolFigure],
    );
  }
  if (f.payloadBytes >= t.payloadMinBytes && f.copyMs > f.workMs) {
    return result(
      'payload-dominated',
      `Payload-dominated: copying a call's arguments and result (${formatBytes(f.payloadBytes)}) takes ${formatMs(f.copyMs)}, more than the ${formatMs(f.workMs)} of work.`,
      [copy, work, poolFigure, share],
    );
  }
  if (f.workMs < dispatchMs) {
    return result(
      'overhead-dominated',
      `Overhead-dominated: a call does ${formatMs(f.workMs)} of work, less than the ${formatMs(dispatchMs)} a pool adds to send it and get its result back.`,
      [dispatch, work, poolFigure, copy],
    );
  }
  const waitKind = (): 'async-io' | 'blocking-io' =>
    f.asyncSpeedup !== undefined
      ? f.asyncSpeedup >= t.asyncOverlapSpeedup
        ? 'async-io'
        : 'blocking-io'
      : m.calibration.returnsPromise && (f.serialLoopUtilisation ?? 0) < 0.5
        ? 'async-io'
        : 'blocking-io';
  if (f.cpuShare >= t.cpuBoundShare) {
    return result(
      'cpu-bound',
      `CPU-bound: ${formatPercent(f.cpuShare)} of each ${formatMs(f.workMs)} call is CPU time` +
        (f.poolSpeedup === undefined
          ? '.'
          : `; the best pool, ${f.bestPool?.label}, ran at ${formatRatio(f.poolSpeedup)} serial.`),
      [share, poolFigure, work, asyncFigure],
    );
  }
  if (f.cpuShare <= t.waitingShare) {
    const kind = waitKind();
    if (kind === 'async-io') {
      return result(
        'async-io',
        `Async I/O: a ${formatMs(f.workMs)} call is ${formatPercent(1 - f.cpuShare)} waiting, and the event loop overlaps the waits (AsyncExecutor ${f.asyncSpeedup === undefined ? 'not measured' : formatRatio(f.asyncSpeedup)} over serial).`,
        [share, asyncFigure, work, loop],
      );
    }
    return result(
      'blocking-io',
      `Blocking I/O: a ${formatMs(f.workMs)} call is ${formatPercent(1 - f.cpuShare)} waiting, but synchronously: it blocks its thread, so the event loop cannot overlap calls (AsyncExecutor ${f.asyncSpeedup === undefined ? 'not measured' : formatRatio(f.asyncSpeedup)}); only more threads can.`,
      [share, asyncFigure, loop, poolFigure],
    );
  }
  const dominant = f.cpuShare >= 0.5 ? 'cpu' : waitKind();
  const part =
    dominant === 'cpu'
      ? `computing dominates (${formatPercent(f.cpuShare)} CPU)`
      : `waiting dominates (${formatPercent(1 - f.cpuShare)}, ${dominant === 'async-io' ? 'async' : 'blocking'})`;
  return result(
    'mixed',
    `Mixed: a ${formatMs(f.workMs)} call both computes and waits; ${part}.`,
    [share, asyncFigure, poolFigure, work],
    dominant,
  );
}

/**
 * The share of a core the calibration could have had: time a call spent waiting for a core on a busy machine
 * is not time it spent waiting for I/O. Floored so a wild reading cannot turn waiting into computing.
 */
function availableShare(measured: number | undefined): number {
  return measured === undefined || !(measured > 0) ? 1 : Math.min(1, Math.max(0.25, measured));
}
