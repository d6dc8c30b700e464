/**
 * One exploration phase: a task's calls on one candidate backend, counted and timed.
 *
 *   warm-up (pools: one call per worker, not measured; all must settle)
 *     ──▶ measured (up to `calls` calls, dispatched while under `maxMs`)
 *       ──▶ closed (no more calls; the phase ends when its last call settles)
 *
 * Phases of one task run one after another, never side by side, so one candidate's calls do not slow the
 * other's down (a CPU-bound call on the event loop would delay a thread pool's results, for one).
 */
import type { EventLoopUtilization } from 'node:perf_hooks';
import type { AutoBackend, ExploreMeasurement } from './auto-decision.ts';
import type { Strategy } from './measurements.ts';
import { strategyLabel } from './strategy.ts';

export class ExplorePhase {
  readonly backend: AutoBackend;
  readonly strategy: Strategy;
  readonly startedAt = performance.now();
  readonly #calls: number;
  readonly #maxMs: number;
  /** Warm-up calls still to dispatch, and warm-up calls in flight. */
  #warmupLeft: number;
  #warmupInFlight = 0;
  #warmupEnd = 0;
  #measuredStart: number | undefined;
  #dispatched = 0;
  #inFlight = 0;
  #closed = false;
  #unusable: string | undefined;
  #ok = 0;
  #settled = 0;
  #lastSettle = 0;
  readonly #latencies: number[] = [];
  #cpu: NodeJS.CpuUsage | undefined;
  #loop: EventLoopUtilization | undefined;
  #cpuMs = 0;
  #loopShare = 0;

  constructor(backend: AutoBackend, strategy: Strategy, calls: number, maxMs: number) {
    this.backend = backend;
    this.strategy = strategy;
    this.#calls = calls;
    this.#maxMs = maxMs;
    this.#warmupLeft = backend === 'async' ? 0 : strategy.workers;
  }

  /** True once the phase takes no more calls and has none in flight: it can be measured. */
  get finished(): boolean {
    return this.#closed && this.#inFlight === 0;
  }

  /**
   * Whether the next call may be dispatched now, and as what: `'warmup'`, `'measured'`, or `undefined`
   * (wait: warm-up calls are still running, or the phase is closed). Call {@link ExplorePhase.dispatched}
   * after dispatching.
   */
  admit(now: number): 'warmup' | 'measured' | undefined {
    if (this.#closed) return undefined;
    if (this.#warmupLeft > 0) return 'warmup';
    if (this.#warmupInFlight > 0) return undefined;
    if (this.#measuredStart !== undefined && now - this.#measuredStart >= this.#maxMs) {
      this.#close();
      return undefined;
    }
    return 'measured';
  }

  dispatched(as: 'warmup' | 'measured', now: number): void {
    this.#inFlight++;
    if (as === 'warmup') {
      this.#warmupLeft--;
      this.#warmupInFlight++;
      return;
    }
    if (this.#measuredStart === undefined) {
      this.#measuredStart = now;
      this.#cpu = process.cpuUsage();
      this.#loop = performance.eventLoopUtilization();
    }
    if (++this.#dispatched >= this.#calls) this.#close();
  }

  /** A call of this phase settled; `sample` is false for calls cancelled by their caller (not measured). */
  settled(as: 'warmup' | 'measured', ok: boolean, latencyMs: number, now: number, sample: boolean): void {
    this.#inFlight--;
    if (as === 'warmup') {
      this.#warmupInFlight--;
      this.#warmupEnd = now;
      return;
    }
    if (!sample) return;
    this.#settled++;
    if (ok) this.#ok++;
    this.#latencies.push(latencyMs);
    this.#lastSettle = now;
    if (this.#closed && this.#inFlight === 0) this.#stopMeters();
  }

  /** The backend cannot carry this task (its call was put back to go elsewhere): stop using it. */
  markUnusable(why: string): void {
    this.#unusable ??= why;
    this.#inFlight--;
    this.#close();
  }

  /** The figures of the finished phase. */
  measurement(): ExploreMeasurement {
    const sorted = [...this.#latencies].sort((a, b) => a - b);
    const start = this.#measuredStart;
    const wallMs = start === undefined ? 0 : Math.max(this.#lastSettle - start, 1e-3);
    return {
      backend: this.backend,
      strategy: this.strategy,
      label: strategyLabel(this.strategy),
      calls: this.#settled,
      ok: this.#ok,
      wallMs,
      throughput: this.#ok > 0 ? (this.#ok / wallMs) * 1000 : 0,
      latencyMs: {
        min: sorted[0] ?? 0,
        median: sorted[Math.floor((sorted.length - 1) / 2)] ?? 0,
        max: sorted[sorted.length - 1] ?? 0,
      },
      cpuMs: this.#cpuMs,
      loopUtilisation: this.#loopShare,
      warmupMs: this.#warmupEnd > 0 ? this.#warmupEnd - this.startedAt : 0,
      unusable: this.#unusable,
    };
  }

  #close(): void {
    this.#closed = true;
    if (this.#inFlight === 0) this.#stopMeters();
  }

  #stopMeters(): void {
    if (this.#cpu === undefined || this.#loop === undefined) return;
    const cpu = process.cpuUsage(this.#cpu);
    this.#cpuMs = (cpu.user + cpu.system) / 1000;
    this.#loopShare = performance.eventLoopUtilization(this.#loop).utilization;
    this.#cpu = undefined;
  }
}
