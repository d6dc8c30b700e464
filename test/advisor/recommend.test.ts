import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classify } from '../../src/advisor/classify.ts';
import type { ProfileMeasurements } from '../../src/advisor/measurements.ts';
import { recommend } from '../../src/advisor/recommend.ts';
import {
  asyncIo,
  blockingIo,
  calibration,
  cpuBound,
  measurements,
  memoryHeavy,
  MiB,
  overheadDominated,
  payloadDominated,
  trial,
} from '../fixtures/advisor-measurements.ts';

const advise = (m: ProfileMeasurements, options = {}) => recommend(m, classify(m), options);

describe('recommend', () => {
  test('cpu-bound: threads at the core count, preferred to processes within noise', () => {
    const r = advise(cpuBound());
    assert.deepEqual([r.backend, r.workers, r.concurrencyPerWorker], ['thread', 2, 1]);
    assert.equal(r.code, 'new ThreadPoolExecutor({ maxWorkers: 2 })');
    assert.equal(r.throughput, 196);
    assert.equal(r.speedup, 1.96);
    assert.match(r.reason, /threads ×2 measured 196\/s, 1\.96× the serial 100\/s/);
    assert.match(r.reason, /no GIL/);
  });

  test('processes win when they are clearly faster, not merely within noise', () => {
    const m = cpuBound();
    const trials = [...m.trials, trial('process', 2, 260)].filter(
      (t) => !(t.strategy.backend === 'process' && t.throughput === 194),
    );
    const r = advise({ ...m, trials });
    assert.equal(r.backend, 'process');
  });

  test('ties go to the cheaper strategy: threads over processes, fewer workers over more', () => {
    const m = measurements(calibration({ workMs: 10, cpuMs: 10 }), [
      trial('serial', 0, 100),
      trial('thread', 2, 190),
      trial('thread', 4, 195),
      trial('process', 2, 197),
    ]);
    const r = advise(m);
    assert.deepEqual([r.backend, r.workers], ['thread', 2]);
    assert.match(r.reason, /processes ×2 measured 197\/s, within 5 %/);
  });

  test('a wider tolerance moves the tie-break toward simpler strategies', () => {
    const m = measurements(calibration({ workMs: 10, cpuMs: 10 }), [
      trial('serial', 0, 100),
      trial('thread', 2, 115),
    ]);
    assert.equal(advise(m).backend, 'thread');
    assert.equal(advise(m, { tolerance: 0.2 }).backend, 'serial');
  });

  test('async-io: AsyncExecutor at the concurrency that measured fastest', () => {
    const r = advise(asyncIo());
    assert.deepEqual([r.backend, r.workers, r.concurrencyPerWorker], ['async', 0, 128]);
    assert.equal(r.code, 'new AsyncExecutor({ maxConcurrency: 128 })');
    assert.match(r.reason, /already concurrent on the event loop/);
  });

  test('blocking-io: the most threads, since waiting threads use no core', () => {
    const r = advise(blockingIo());
    assert.deepEqual([r.backend, r.workers], ['thread', 4]);
    assert.ok(r.advice.some((a) => /async form/.test(a)));
  });

  test('overhead-dominated: serial, with a chunk size for batching', () => {
    const r = advise(overheadDominated());
    assert.equal(r.backend, 'serial');
    assert.equal(r.chunkSize, 4000);
    assert.ok(r.advice.some((a) => /chunks of about 4000 items/.test(a)));
  });

  test('payload-dominated: serial, advising to share instead of copy', () => {
    const r = advise(payloadDominated());
    assert.equal(r.backend, 'serial');
    assert.ok(r.advice.some((a) => /SharedArrayBuffer/.test(a)));
    assert.equal(r.chunkSize, undefined, 'batching does not shrink what is copied');
  });

  test('memory-heavy: strategies whose calls would not fit in memory are left out', () => {
    // 128 MiB per call and 600 MiB of memory: budget 300 MiB fits 2 calls at once, not 4.
    const r = advise(memoryHeavy(600 * MiB));
    assert.deepEqual([r.backend, r.workers], ['thread', 2]);
    assert.match(r.reason, /Left out for memory .*threads ×4/);
    const roomy = advise(memoryHeavy());
    assert.deepEqual([roomy.backend, roomy.workers], ['thread', 2]);
  });

  test('a failed strategy is never recommended, even with the highest figure', () => {
    const m = cpuBound();
    const trials = [
      ...m.trials,
      { ...trial('thread', 4, 900), status: 'failed' as const, error: 'Error: boom' },
    ];
    const r = advise({ ...m, trials });
    assert.deepEqual([r.backend, r.workers], ['thread', 2]);
    assert.ok(r.advice.some((a) => /threads ×4 \(Error: boom\)/.test(a)));
  });

  test('AsyncExecutor is not chosen for a synchronous task, whatever noise says', () => {
    const m = measurements(calibration({ workMs: 10, cpuMs: 10 }), [
      trial('serial', 0, 100),
      trial('async', 0, 125, { concurrencyPerWorker: 8 }),
    ]);
    assert.equal(advise(m).backend, 'serial');
  });

  test('with no finished trial, serial from the calibration', () => {
    const m = cpuBound();
    const r = advise({ ...m, trials: m.trials.map((t) => ({ ...t, status: 'failed' as const })) });
    assert.equal(r.backend, 'serial');
    assert.equal(r.throughput, 100);
    assert.match(r.reason, /No trial finished/);
  });

  test('noisy data: the recommendation is always the fastest reasonable trial or a cheaper tie', () => {
    let seed = 42;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 200; round++) {
      const trials = [
        trial('serial', 0, 100 * (0.8 + random() * 0.4)),
        trial('thread', 1, 100 * (0.8 + random() * 0.4)),
        trial('thread', 2, 200 * (0.8 + random() * 0.4)),
        trial('process', 2, 200 * (0.8 + random() * 0.4)),
      ];
      const m = measurements(calibration(), trials);
      const r = advise(m);
      const fastest = Math.max(...trials.map((t) => t.throughput));
      assert.ok(
        r.throughput >= fastest * 0.95,
        `round ${round}: ${r.label} at ${r.throughput} vs ${fastest}`,
      );
    }
  });
});
