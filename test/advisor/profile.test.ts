// The runner end to end, on tiny fixture tasks with small budgets. Asserts structure and classification
// only, never timings: the machine is shared.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Strategy } from '../../src/advisor/measurements.ts';
import { profile } from '../../src/advisor/profile.ts';
import type { ProfileProgress } from '../../src/advisor/profile.ts';
import {
  CancelledError,
  InvalidArgumentError,
  TaskNotFoundError,
  task,
  TimeoutError,
} from '../../src/index.ts';
import { alwaysThrows, flaky, hangs, hangsOnOne, nap, spin } from '../fixtures/advisor-tasks.ts';

const serial: Strategy = { backend: 'serial', workers: 0, concurrencyPerWorker: 1 };
const async4: Strategy = { backend: 'async', workers: 0, concurrencyPerWorker: 4 };
const thread1: Strategy = { backend: 'thread', workers: 1, concurrencyPerWorker: 1 };
const process1: Strategy = { backend: 'process', workers: 1, concurrencyPerWorker: 1 };
const small = { quick: true, trialMs: 80 } as const;

describe('profile', () => {
  test('measures every backend and recommends one of the strategies it measured', async () => {
    const events: ProfileProgress['type'][] = [];
    const result = await profile(spin, {
      ...small,
      argLists: [[2_000], [3_000]],
      strategies: [serial, async4, thread1, process1],
      onProgress: (event) => events.push(event.type),
    });
    const { measurements: m, recommendation: r, classification: c } = result;
    assert.deepEqual(
      m.trials.map((t) => [t.label, t.status]),
      [
        ['serial', 'ok'],
        ['async ×4', 'ok'],
        ['threads ×1', 'ok'],
        ['processes ×1', 'ok'],
      ],
    );
    for (const t of m.trials) {
      assert.ok(t.tasks > 0 && t.throughput > 0, `${t.label} ran calls`);
      assert.equal(t.errors, 0);
      assert.ok(t.latencyMs.p50 <= t.latencyMs.p95 && t.latencyMs.p95 <= t.latencyMs.p99);
      assert.ok(t.memory.rssPeakBytes > 0);
    }
    const [, , threads, processes] = m.trials;
    assert.ok(threads!.startupMs! > 0 && processes!.startupMs! > 0, 'pools report start-up');
    assert.ok(threads!.workerUtilisation !== undefined && processes!.workerUtilisation !== undefined);
    assert.equal(threads!.cpu.workersMs, undefined, 'threads share the process CPU counter');
    assert.ok(processes!.cpu.workersMs! > 0, 'process workers report their CPU through the probe');
    assert.ok(threads!.memory.workerHeapPeakBytes! > 0);
    assert.equal(m.partial, false);
    assert.equal(m.task.exportName, 'spin');
    assert.equal(m.task.inputs, 2);
    assert.equal(m.calibration.returnsPromise, false);
    assert.ok(m.calibration.serialization.argsBytes > 0);
    assert.ok(
      m.trials.some((t) => t.label === r.label),
      'the recommendation is a measured strategy',
    );
    assert.ok(typeof c.kind === 'string' && c.evidence.length > 0);
    assert.deepEqual(events.slice(0, 3), ['preflight', 'calibrating', 'trial-start']);
    assert.equal(events.filter((e) => e === 'trial-end').length, 4);
  });

  test('an async task that waits is classified async-io and AsyncExecutor is recommended', async () => {
    const result = await profile(nap, {
      ...small,
      argLists: [[15]],
      strategies: [serial, { backend: 'async', workers: 0, concurrencyPerWorker: 32 }],
    });
    assert.equal(result.measurements.calibration.returnsPromise, true);
    assert.equal(result.classification.kind, 'async-io');
    assert.equal(result.recommendation.backend, 'async');
  });

  test('the default plan starts with serial and tries threads and processes', async () => {
    const result = await profile(spin, { quick: true, trialMs: 50, argLists: [[1_000]] });
    const backends = new Set(result.measurements.trials.map((t) => t.strategy.backend));
    assert.equal(result.measurements.trials[0]?.strategy.backend, 'serial');
    assert.deepEqual([...backends].sort(), ['async', 'process', 'serial', 'thread']);
  });

  test('a task that fails on some calls is profiled, its failures counted', async () => {
    const result = await profile(flaky, { ...small, argLists: [[2], [1]], strategies: [serial, thread1] });
    for (const t of result.measurements.trials) {
      assert.equal(t.status, 'ok');
      assert.ok(t.errors > 0);
      assert.match(t.error ?? '', /odd input 1/);
    }
  });

  test('a task that fails on every call is reported with its error', async () => {
    await assert.rejects(profile(alwaysThrows, small), (error: unknown) => {
      assert.ok(error instanceof InvalidArgumentError);
      assert.match(error.message, /failed on every call.*RangeError: the fixture always fails/);
      return true;
    });
  });

  test('a task that hangs is cut off by the per-call time limit', async () => {
    await assert.rejects(profile(hangs, { ...small, timeoutMs: 300 }), (error: unknown) => {
      assert.ok(error instanceof TimeoutError);
      assert.match(error.message, /did not finish within 300 ms/);
      return true;
    });
  });

  test('a call that hangs in a trial is stopped by its time limit and counted as failed', async () => {
    const result = await profile(hangsOnOne, {
      ...small,
      timeoutMs: 200,
      // The preflight tries the first three; the fourth hangs in the trial's worker.
      argLists: [[0], [2], [3], [1]],
      strategies: [thread1],
    });
    const [trial] = result.measurements.trials;
    assert.ok(trial!.errors > 0);
    assert.match(trial!.error ?? '', /did not finish within (its )?200 ms/);
  });

  test('aborting after a trial returns the finished trials, marked partial', async () => {
    const controller = new AbortController();
    const result = await profile(spin, {
      ...small,
      argLists: [[1_000]],
      strategies: [serial, thread1, process1],
      signal: controller.signal,
      onProgress: (event) => {
        if (event.type === 'trial-start' && event.index === 1) setTimeout(() => controller.abort(), 20);
      },
    });
    assert.equal(result.measurements.partial, true);
    assert.deepEqual(
      result.measurements.trials.map((t) => t.label),
      ['serial'],
    );
    assert.equal(result.recommendation.backend, 'serial');
  });

  test('aborting before calibration ends rejects with CancelledError', async () => {
    const controller = new AbortController();
    const run = profile(spin, {
      ...small,
      argLists: [[1_000]],
      signal: controller.signal,
      onProgress: (event) => {
        if (event.type === 'preflight') controller.abort();
      },
    });
    await assert.rejects(run, CancelledError);
  });

  test('a task that is not exported from its module is refused', async () => {
    const hidden = task(import.meta.url, () => 1);
    await assert.rejects(profile(hidden, small), TaskNotFoundError);
  });

  test('invalid options are refused at once', async () => {
    await assert.rejects(profile(spin, { argLists: [] }), InvalidArgumentError);
    await assert.rejects(profile(spin, { timeoutMs: 0 }), InvalidArgumentError);
    await assert.rejects(profile((() => 1) as never), InvalidArgumentError);
  });
});
