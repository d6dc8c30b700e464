/**
 * Per-call time limits for a trial without a timer per call.
 *
 * An executor's own `timeout` option arms a timer for every call, which for microsecond tasks costs more
 * than the task and would distort the very overhead being measured. Instead one interval per trial scans
 * the calls in flight (oldest first): a call counts from when it is first seen running, and one running
 * past the limit is cancelled, which stops it (a pool terminates and replaces its worker). The limit is
 * enforced to within a scan interval, which is all a profiler needs.
 */
import type { Future } from '../core/future.ts';

const MAX_SCAN_MS = 250;

export class CallWatchdog {
  readonly #limitMs: number;
  /** In-flight calls in submission order, with when each was first seen running. */
  readonly #calls = new Map<Future<unknown>, number | undefined>();
  readonly #timedOut = new WeakSet<Future<unknown>>();
  readonly #timer: NodeJS.Timeout;

  constructor(limitMs: number) {
    this.#limitMs = limitMs;
    this.#timer = setInterval(() => this.#scan(), Math.max(10, Math.min(MAX_SCAN_MS, limitMs / 4)));
    this.#timer.unref();
  }

  /** Watches a call until it settles. */
  track<T>(future: Future<T>): Future<T> {
    this.#calls.set(future, undefined);
    future.addDoneCallback(() => this.#calls.delete(future));
    return future;
  }

  /** True if the watchdog cancelled this call for running too long. */
  timedOut(future: Future<unknown>): boolean {
    return this.#timedOut.has(future);
  }

  /** The message for a call this watchdog cancelled. */
  get message(): string {
    return `TimeoutError: the call did not finish within ${this.#limitMs} ms`;
  }

  /** Cancels every call still in flight (the run was interrupted). */
  cancelAll(): void {
    for (const future of [...this.#calls.keys()]) future.cancel();
  }

  /** Stops scanning. */
  stop(): void {
    clearInterval(this.#timer);
  }

  #scan(): void {
    const now = performance.now();
    for (const [future, startedAt] of this.#calls) {
      if (future.state !== 'running') continue;
      if (startedAt === undefined) {
        this.#calls.set(future, now);
      } else if (now - startedAt > this.#limitMs) {
        this.#timedOut.add(future);
        future.cancel();
      }
    }
  }
}
