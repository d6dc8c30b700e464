/**
 * The load generator every concurrent trial shares: keeps `window` calls in flight, starting a new one as
 * each finishes (a closed loop), until the time budget is spent, then waits for the calls still in flight.
 * A closed loop measures what a strategy sustains without piling up an unbounded queue, so latencies stay
 * meaningful and memory stays flat.
 */
import { LatencyRecorder } from './latency-recorder.ts';

/** How one call ended. */
export type CallOutcome = { readonly ok: true } | { readonly ok: false; readonly error: string };

export interface ClosedLoopOptions {
  /** Calls in flight at once. */
  readonly window: number;
  /** Stop starting calls after this long, once `minTasks` have started. */
  readonly budgetMs: number;
  /** Stop starting calls after this long in any case. */
  readonly hardMs: number;
  readonly minTasks: number;
  readonly maxTasks: number;
  readonly signal: AbortSignal | undefined;
}

export interface ClosedLoopResult {
  readonly succeeded: number;
  readonly failed: number;
  readonly firstError: string | undefined;
  /** From the first start to the last finish. */
  readonly wallMs: number;
  readonly latencies: LatencyRecorder;
  readonly aborted: boolean;
}

/** Runs `call(i)` for i = 0, 1, 2, … with `window` in flight; `call` must not throw synchronously. */
export function closedLoop(
  call: (index: number) => Promise<CallOutcome>,
  options: ClosedLoopOptions,
): Promise<ClosedLoopResult> {
  const { window, budgetMs, hardMs, minTasks, maxTasks, signal } = options;
  const latencies = new LatencyRecorder();
  return new Promise((resolve) => {
    const start = performance.now();
    let lastEnd = start;
    let started = 0;
    let inFlight = 0;
    let succeeded = 0;
    let failed = 0;
    let firstError: string | undefined;
    let finished = false;

    const mayStart = (): boolean => {
      if (signal?.aborted === true || started >= maxTasks) return false;
      const elapsed = performance.now() - start;
      return elapsed < hardMs && (elapsed < budgetMs || started < minTasks);
    };
    const settle = (): void => {
      if (finished || inFlight > 0) return;
      finished = true;
      signal?.removeEventListener('abort', settle);
      resolve({
        succeeded,
        failed,
        firstError,
        wallMs: lastEnd - start,
        latencies,
        aborted: signal?.aborted === true,
      });
    };
    const pump = (): void => {
      while (inFlight < window && mayStart()) {
        const index = started++;
        inFlight++;
        const t0 = performance.now();
        void call(index).then((outcome) => {
          const now = performance.now();
          inFlight--;
          lastEnd = now;
          if (outcome.ok) {
            succeeded++;
            latencies.record(now - t0);
          } else {
            failed++;
            firstError ??= outcome.error;
          }
          pump();
        });
      }
      settle();
    };
    signal?.addEventListener('abort', settle);
    pump();
  });
}
