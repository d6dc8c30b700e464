import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LatencyRecorder } from '../../src/advisor/latency-recorder.ts';

describe('LatencyRecorder', () => {
  test('percentiles of few values are exact', () => {
    const recorder = new LatencyRecorder();
    for (let i = 1; i <= 100; i++) recorder.record(i);
    assert.deepEqual(recorder.summary(), { mean: 50.5, p50: 50, p95: 95, p99: 99, max: 100 });
  });

  test('beyond the sample size, every call is counted and the percentiles stay close', () => {
    const recorder = new LatencyRecorder();
    for (let i = 0; i < 100_000; i++) recorder.record(i % 1000);
    const s = recorder.summary();
    assert.equal(recorder.count, 100_000);
    assert.equal(s.max, 999);
    assert.ok(Math.abs(s.p50 - 500) < 50, `p50 ${s.p50}`);
  });

  test('no calls: zeros', () => {
    assert.deepEqual(new LatencyRecorder().summary(), { mean: 0, p50: 0, p95: 0, p99: 0, max: 0 });
  });
});
