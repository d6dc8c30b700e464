/**
 * Process-level counters around a trial: CPU time and event-loop utilisation of this process over the
 * measured phase, and the peak resident set size over the whole trial (sampled, since RSS has no
 * high-water mark that can be reset between trials).
 */
import type { EventLoopUtilization } from 'node:perf_hooks';

const RSS_SAMPLE_MS = 25;

export interface MeterReading {
  readonly cpuMs: number;
  readonly loopUtilisation: number;
  readonly rssPeakBytes: number;
}

export class TrialMeter {
  #rssPeak = process.memoryUsage.rss();
  readonly #sampler: NodeJS.Timeout;
  #cpu: NodeJS.CpuUsage | undefined;
  #loop: EventLoopUtilization | undefined;

  /** Starts sampling RSS (call when the trial starts, before any warm-up). */
  constructor() {
    this.#sampler = setInterval(() => this.#sampleRss(), RSS_SAMPLE_MS);
    this.#sampler.unref();
  }

  /** Marks the start of the measured phase. */
  startMeasuring(): void {
    this.#cpu = process.cpuUsage();
    this.#loop = performance.eventLoopUtilization();
  }

  /** Ends the trial and returns its figures. */
  stop(): MeterReading {
    clearInterval(this.#sampler);
    this.#sampleRss();
    const cpu = process.cpuUsage(this.#cpu);
    const loop = performance.eventLoopUtilization(this.#loop);
    return {
      cpuMs: (cpu.user + cpu.system) / 1000,
      loopUtilisation: Number.isFinite(loop.utilization) ? loop.utilization : 0,
      rssPeakBytes: this.#rssPeak,
    };
  }

  #sampleRss(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.#rssPeak) this.#rssPeak = rss;
  }
}
