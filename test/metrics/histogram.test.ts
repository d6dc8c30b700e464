// Histogram: log-linear buckets, percentiles within a few percent of the exact ones.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Histogram } from '../../src/metrics/histogram.ts';

/** The exact percentile with the histogram's rank rule: the smallest value with at least p% at or below it. */
function exactPercentile(sortedValues: readonly number[], p: number): number {
  const rank = Math.ceil((p / 100) * sortedValues.length);
  return sortedValues[Math.max(0, rank - 1)]!;
}

function assertClose(actual: number, expected: number, label: string, tolerance = 0.04): void {
  const error = Math.abs(actual - expected) / expected;
  assert.ok(error <= tolerance, `${label}: got ${actual}, expected ${expected} (±${tolerance * 100}%)`);
}

function checkDistribution(values: number[], name: string): void {
  const histogram = new Histogram();
  for (const v of values) histogram.record(v);
  const sorted = [...values].sort((a, b) => a - b);
  const snapshot = histogram.snapshot();
  for (const p of [50, 90, 99] as const) {
    assertClose(snapshot[`p${p}`], exactPercentile(sorted, p), `${name} p${p}`);
  }
  for (const p of [1, 10, 25, 75, 99.9]) {
    assertClose(histogram.percentile(p), exactPercentile(sorted, p), `${name} percentile(${p})`);
  }
  assert.equal(snapshot.count, values.length);
  assert.equal(snapshot.max, sorted.at(-1));
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  assertClose(snapshot.mean, mean, `${name} mean`, 1e-9);
}

/** Deterministic pseudo-random numbers in [0, 1). */
function random(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
}

describe('Histogram', () => {
  test('an empty histogram reports zeros', () => {
    assert.deepEqual(
      { ...new Histogram().snapshot() },
      { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 },
    );
    assert.equal(new Histogram().percentile(50), 0);
  });

  test('percentiles of a uniform 1..100000 µs distribution are within 4%', () => {
    checkDistribution(
      Array.from({ length: 100_000 }, (_, i) => i + 1),
      'uniform',
    );
  });

  test('percentiles of a log-uniform distribution (1 µs .. 100 s) are within 4%', () => {
    const next = random(7);
    checkDistribution(
      Array.from({ length: 50_000 }, () => 10 ** (next() * 8)),
      'log-uniform',
    );
  });

  test('percentiles of durations either side of 2^30 µs (~18 minutes, where bucketing changes method) are within 4%', () => {
    const next = random(31);
    checkDistribution(
      Array.from({ length: 20_000 }, () => 2 ** (28 + next() * 6)),
      'around 2^30',
    );
  });

  test('percentiles of an exponential distribution with fractional values are within 4%', () => {
    const next = random(99);
    checkDistribution(
      Array.from({ length: 50_000 }, () => 10 - 500 * Math.log(1 - next())),
      'exponential',
    );
  });

  test('a long tail shows in p99 but not p50', () => {
    const histogram = new Histogram();
    for (let i = 0; i < 980; i++) histogram.record(100);
    for (let i = 0; i < 20; i++) histogram.record(1_000_000);
    const { p50, p90, p99, max } = histogram.snapshot();
    assertClose(p50, 100, 'p50');
    assertClose(p90, 100, 'p90');
    assertClose(p99, 1_000_000, 'p99');
    assert.equal(max, 1_000_000);
  });

  test('a constant distribution reports exactly that value for every percentile', () => {
    const histogram = new Histogram();
    for (let i = 0; i < 1000; i++) histogram.record(1234.5);
    assert.deepEqual(
      { ...histogram.snapshot() },
      { count: 1000, mean: 1234.5, p50: 1234.5, p90: 1234.5, p99: 1234.5, max: 1234.5 },
    );
  });

  test('percentiles never exceed the maximum recorded value', () => {
    const histogram = new Histogram();
    for (const v of [3, 17, 1000.25]) histogram.record(v);
    assert.equal(histogram.percentile(100), 1000.25);
  });

  test('zero and negative durations count as 0', () => {
    const histogram = new Histogram();
    histogram.record(0);
    histogram.record(-50);
    const snapshot = histogram.snapshot();
    assert.equal(snapshot.count, 2);
    assert.equal(snapshot.mean, 0);
    assert.equal(snapshot.max, 0);
    assert.equal(snapshot.p99, 0);
  });

  test('sub-microsecond durations land at or below 1 µs', () => {
    const histogram = new Histogram();
    for (let i = 0; i < 10; i++) histogram.record(0.3);
    assert.ok(histogram.percentile(50) <= 1, `p50 ${histogram.percentile(50)}`);
  });

  test('values beyond the top bucket (2^40 µs) are still counted, with an exact max', () => {
    const histogram = new Histogram();
    const huge = 2 ** 45;
    histogram.record(huge);
    histogram.record(10);
    const snapshot = histogram.snapshot();
    assert.equal(snapshot.count, 2);
    assert.equal(snapshot.max, huge);
    assert.ok(snapshot.p99 > 2 ** 40 && snapshot.p99 <= huge, `p99 ${snapshot.p99}`);
    assertClose(snapshot.p50, 10, 'p50');
  });

  test('snapshot() is frozen and does not change as more values are recorded', () => {
    const histogram = new Histogram();
    histogram.record(5);
    const snapshot = histogram.snapshot();
    assert.equal(Object.isFrozen(snapshot), true);
    histogram.record(500);
    assert.equal(snapshot.count, 1);
    assert.equal(snapshot.max, 5);
  });
});
