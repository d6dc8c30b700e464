import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classify, DEFAULT_THRESHOLDS } from '../../src/advisor/classify.ts';
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

describe('classify', () => {
  test('a call that is nearly all CPU and scales on threads is cpu-bound', () => {
    const c = classify(cpuBound());
    assert.equal(c.kind, 'cpu-bound');
    assert.equal(c.evidence[0]?.metric, 'CPU share of a call');
    assert.equal(c.evidence[0]?.value, '98 %');
    assert.match(c.summary, /threads ×2, ran at 1\.96× serial/);
  });

  test('a waiting call that AsyncExecutor overlaps is async-io', () => {
    const c = classify(asyncIo());
    assert.equal(c.kind, 'async-io');
    assert.match(c.summary, /120× over serial/);
  });

  test('a waiting call that AsyncExecutor cannot overlap is blocking-io', () => {
    const c = classify(blockingIo());
    assert.equal(c.kind, 'blocking-io');
    assert.ok(c.evidence.some((e) => e.metric === 'best AsyncExecutor vs serial' && e.value === '0.99×'));
  });

  test('work smaller than what a single-thread pool adds per call is overhead-dominated', () => {
    const c = classify(overheadDominated());
    assert.equal(c.kind, 'overhead-dominated');
    // 1 / 150k per s = 6.67 µs per call through the pool, minus 0.5 µs of work.
    assert.equal(c.evidence[0]?.value, '6.2 µs');
  });

  test('without a single-thread trial, the assumed pool cost decides overhead', () => {
    const m = overheadDominated();
    const c = classify({ ...m, trials: m.trials.filter((t) => t.strategy.workers !== 1) });
    assert.equal(c.kind, 'overhead-dominated');
    assert.match(c.evidence[0]!.value, /assumed/);
  });

  test('copying more than the work costs, with a large payload, is payload-dominated', () => {
    const c = classify(payloadDominated());
    assert.equal(c.kind, 'payload-dominated');
    assert.match(c.summary, /4\.0 MiB/);
  });

  test('a small payload is never payload-dominated, however cheap the work', () => {
    const m = payloadDominated();
    const cal = { ...m.calibration, serialization: { ...m.calibration.serialization, argsBytes: 1024 } };
    assert.notEqual(classify({ ...m, calibration: cal }).kind, 'payload-dominated');
  });

  test('holding 64 MiB or more per call is memory-heavy, before anything else', () => {
    assert.equal(classify(memoryHeavy()).kind, 'memory-heavy');
    const justBelow = memoryHeavy();
    const cal = { ...justBelow.calibration, memoryPerCallBytes: DEFAULT_THRESHOLDS.memoryHeavyBytes - 1 };
    assert.equal(classify({ ...justBelow, calibration: cal }).kind, 'cpu-bound');
  });

  test('a call that half computes and half waits is mixed, naming the larger part', () => {
    const computing = measurements(calibration({ workMs: 20, cpuMs: 12, returnsPromise: true }), [
      trial('serial', 0, 50),
      trial('async', 0, 80, { concurrencyPerWorker: 16 }),
    ]);
    const c = classify(computing);
    assert.equal(c.kind, 'mixed');
    assert.equal(c.dominant, 'cpu');
    const waiting = measurements(calibration({ workMs: 20, cpuMs: 6, returnsPromise: true }), [
      trial('serial', 0, 50),
      trial('async', 0, 80, { concurrencyPerWorker: 16 }),
    ]);
    assert.equal(classify(waiting).dominant, 'async-io');
  });

  test('failed trials are ignored as evidence', () => {
    const m = asyncIo();
    const trials = m.trials.map((t) =>
      t.strategy.backend === 'async' ? { ...t, status: 'failed' as const, throughput: 0 } : t,
    );
    // Without a working AsyncExecutor trial, a promise-returning task whose loop idles is still async-io.
    assert.equal(classify({ ...m, trials }).kind, 'async-io');
  });

  test('without a serial trial (interrupted run) the calibration stands in for serial', () => {
    const m = cpuBound();
    const c = classify({ ...m, trials: [], partial: true });
    assert.equal(c.kind, 'cpu-bound');
    assert.ok(c.evidence.some((e) => e.value === 'not measured'));
  });

  test('on a machine busier than its cores, time spent waiting for a core is not read as waiting for I/O', () => {
    const base = cpuBound();
    // The calibration's calls got half a core: half their wall time was spent runnable, not running.
    const busy = {
      ...base,
      calibration: { ...base.calibration, workMs: 20, cpuMs: 9.8, cpuAvailability: 0.5 },
    };
    const c = classify(busy);
    assert.equal(c.kind, 'cpu-bound');
    assert.match(c.evidence[0]!.value, /^98 % \(of the 50 % of a core/);
    // Without the availability reading the same figures would say "mixed".
    const { cpuAvailability: _, ...unknown } = busy.calibration;
    assert.equal(classify({ ...busy, calibration: unknown }).kind, 'mixed');
    // A waiting call stays waiting however busy the machine: the correction is floored.
    const waiting = asyncIo();
    const slowMachine = { ...waiting, calibration: { ...waiting.calibration, cpuAvailability: 0.01 } };
    assert.equal(classify(slowMachine).kind, 'async-io');
  });

  test('custom thresholds change the verdict', () => {
    const m = measurements(calibration({ workMs: 10, cpuMs: 7 }), [trial('serial', 0, 100)]);
    assert.equal(classify(m).kind, 'mixed');
    assert.equal(classify(m, { ...DEFAULT_THRESHOLDS, cpuBoundShare: 0.6 }).kind, 'cpu-bound');
    assert.equal(MiB, 1024 * 1024);
  });
});
