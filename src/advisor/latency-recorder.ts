/**
 * Latencies of one trial: every call is counted, a uniform sample of at most 4096 is kept (reservoir
 * sampling), so a trial of 200k tiny calls costs the same memory as one of ten slow calls, and percentiles
 * come from real values rather than bucket bounds.
 */
import type { LatencySummary } from './measurements.ts';

const CAPACITY = 4096;

export class LatencyRecorder {
  readonly #sample = new Float64Array(CAPACITY);
  #count = 0;
  #sum = 0;
  #max = 0;

  /** Calls recorded. */
  get count(): number {
    return this.#count;
  }

  record(ms: number): void {
    const value = ms > 0 ? ms : 0;
    if (this.#count < CAPACITY) {
      this.#sample[this.#count] = value;
    } else {
      const slot = Math.floor(Math.random() * (this.#count + 1));
      if (slot < CAPACITY) this.#sample[slot] = value;
    }
    this.#count++;
    this.#sum += value;
    if (value > this.#max) this.#max = value;
  }

  summary(): LatencySummary {
    if (this.#count === 0) return { mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };
    const sorted = this.#sample.slice(0, Math.min(this.#count, CAPACITY)).sort();
    return {
      mean: this.#sum / this.#count,
      p50: quantile(sorted, 0.5),
      p95: quantile(sorted, 0.95),
      p99: quantile(sorted, 0.99),
      max: this.#max,
    };
  }
}

/** Nearest-rank quantile of sorted values. */
function quantile(sorted: Float64Array, q: number): number {
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}
