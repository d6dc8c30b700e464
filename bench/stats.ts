/** Percentiles over samples; linear interpolation between the two nearest ranks. */

export function percentile(samples: ArrayLike<number>, p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? a;
  return a + (b - a) * (rank - lo);
}

export function median(samples: ArrayLike<number>): number {
  return percentile(samples, 50);
}
