// AutoExecutor: the decision on synthetic measurements (exact), then the executor end to end: a CPU-bound task
// ends up on threads and an async-I/O task on the event loop, and results, errors, cancellation, timeouts,
// signals, shutdown, stats and option validation behave as on every executor.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { threadId } from 'node:worker_threads';
import type { AutoBackend, ExploreMeasurement } from '../../src/advisor/auto-decision.ts';
import { chooseBackend, cpuShare } from '../../src/advisor/auto-decision.ts';
import { AutoExecutor } from '../../src/advisor/index.ts';
import { strategyLabel } from '../../src/advisor/strategy.ts';
import {
  CancelledError,
  ExecutorShutdownError,
  InvalidArgumentError,
  TimeoutError,
  isFuture,
} from '../../src/index.ts';
import { callIt, double, failWith, forever, pause, ShapeError, spin } from '../fixtures/auto-tasks.ts';

/** A synthetic measurement: `throughput` calls per second over 8 calls, the rest derived or overridden. */
function measured(
  backend: AutoBackend,
  throughput: number,
  extra: Partial<ExploreMeasurement> = {},
): ExploreMeasurement {
  const strategy =
    backend === 'async'
      ? { backend, workers: 0, concurrencyPerWorker: 64 }
      : { backend, workers: 2, concurrencyPerWorker: 1 };
  return {
    backend,
    strategy,
    label: strategyLabel(strategy),
    calls: 8,
    ok: throughput > 0 ? 8 : 0,
    wallMs: throughput > 0 ? 8000 / throughput : 100,
    throughput,
    latencyMs: { min: 20, median: 20, max: 25 },
    cpuMs: 160,
    loopUtilisation: 0.5,
    warmupMs: backend === 'async' ? 0 : 250,
    unusable: undefined,
    ...extra,
  };
}

describe('chooseBackend (synthetic measurements)', () => {
  test('the fastest candidate wins when it is beyond the tolerance', () => {
    const choice = chooseBackend([measured('async', 50), measured('thread', 98)]);
    assert.equal(choice.backend, 'thread');
    assert.equal(choice.label, 'threads ×2');
    assert.equal(choice.throughput, 98);
    assert.match(
      choice.reason,
      /^threads ×2 measured 98\.0\/s over 8 calls, 1\.96× the next best, async ×64 at 50\.0\/s\./,
    );
    assert.equal(choice.evidence[0]?.metric, 'threads ×2 throughput');
  });

  test('a faster but costlier candidate within the tolerance loses the tie to the simpler one', () => {
    const choice = chooseBackend([measured('async', 100), measured('thread', 110)], 0.15);
    assert.equal(choice.backend, 'async');
    assert.match(
      choice.reason,
      /threads ×2 measured 110\/s, within 15 % \(measurement noise\), so the simpler async ×64 is preferred/,
    );
    // Just outside the tolerance, the faster one wins.
    assert.equal(chooseBackend([measured('async', 100), measured('thread', 118)], 0.15).backend, 'thread');
  });

  test('the tie-break follows cost order: threads over processes', () => {
    const choice = chooseBackend([measured('process', 100), measured('thread', 96), measured('async', 40)]);
    assert.equal(choice.backend, 'thread');
  });

  test('a candidate that could not carry the task is left out, and named', () => {
    const choice = chooseBackend([
      measured('async', 40),
      measured('thread', 0, { unusable: 'UnserializableError: Cannot send args[0]', calls: 0 }),
    ]);
    assert.equal(choice.backend, 'async');
    assert.match(choice.reason, /the only candidate that completed calls/);
    assert.match(choice.reason, /Left out: threads ×2 \(UnserializableError: Cannot send args\[0\]\)/);
  });

  test('when no candidate completed a call, the simplest usable one is chosen', () => {
    const choice = chooseBackend([measured('thread', 0), measured('async', 0)]);
    assert.equal(choice.backend, 'async');
    assert.equal(choice.throughput, undefined);
    assert.match(choice.reason, /No candidate completed a call/);
    assert.equal(chooseBackend([]).backend, 'async');
  });

  test('the CPU share of a call names what it does, read from the thread pool when there is one', () => {
    // 160 ms of CPU over 8 calls whose shortest took 20 ms: 100 % CPU.
    assert.equal(cpuShare([measured('async', 50), measured('thread', 98)]), 1);
    assert.equal(chooseBackend([measured('async', 50), measured('thread', 98)]).kind, 'computes');
    const waiting = [measured('async', 400, { cpuMs: 4 }), measured('thread', 100, { cpuMs: 16 })];
    assert.equal(cpuShare(waiting), 0.1); // 16 ms / 8 calls / 20 ms
    const choice = chooseBackend(waiting);
    assert.equal(choice.kind, 'waits');
    assert.match(choice.reason, /A call is 10 % CPU \(≤ 25 %: it waits\)/);
    assert.equal(chooseBackend([measured('async', 50), measured('thread', 98, { cpuMs: 80 })]).kind, 'mixed');
  });

  test('on the event loop alone, a saturated loop means calls ran back to back', () => {
    // 8 calls, 160 ms of CPU in a 160 ms window with the loop saturated: each call was 20 ms of CPU, though
    // its result was only seen at the end (latency 160 ms).
    const blocked = measured('async', 50, {
      loopUtilisation: 1,
      latencyMs: { min: 160, median: 160, max: 160 },
    });
    assert.equal(cpuShare([blocked]), 1);
    const waiting = measured('async', 400, { cpuMs: 2, loopUtilisation: 0.1 });
    assert.equal(cpuShare([waiting]), 2 / 8 / 20);
    // A process pool's CPU is not this process's: it is never used for the share.
    assert.equal(cpuShare([measured('process', 100, { cpuMs: 1 })]), undefined);
    assert.equal(chooseBackend([measured('process', 100, { cpuMs: 1 })]).kind, 'unknown');
  });
});

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('AutoExecutor end to end', () => {
  test('a CPU-bound task (a 20 ms busy loop) ends up on threads', async () => {
    await using executor = new AutoExecutor({ maxWorkers: 2, explore: { calls: 10, maxMs: 2_000 } });
    const futures = Array.from({ length: 60 }, (_, i) => executor.submit(spin, 20, i));
    const results = await within(Promise.all(futures), 30_000, 'the CPU-bound calls');
    assert.deepEqual(
      results.map((r) => r.n),
      Array.from({ length: 60 }, (_, i) => i),
    );
    const [decision] = executor.stats().decisions;
    assert.ok(decision !== undefined);
    assert.equal(decision.backend, 'thread', decision.reason);
    assert.match(decision.task, /auto-tasks\.ts#spin$/);
    // Evidence only (a loaded machine gives the loop less CPU per wall-clock millisecond): never "waits".
    assert.notEqual(decision.kind, 'waits', decision.reason);
    // Calls after the decision ran on worker threads.
    assert.ok(results.slice(-10).every((r) => r.threadId !== threadId));
  });

  test('an async-I/O task (a 20 ms timer) ends up on AsyncExecutor', async () => {
    await using executor = new AutoExecutor({ maxWorkers: 2, explore: { calls: 10, maxMs: 2_000 } });
    const futures = Array.from({ length: 60 }, (_, i) => executor.submit(pause, 20, i));
    const results = await within(Promise.all(futures), 30_000, 'the I/O calls');
    assert.deepEqual(
      results.map((r) => r.n),
      Array.from({ length: 60 }, (_, i) => i),
    );
    const [decision] = executor.stats().decisions;
    assert.ok(decision !== undefined);
    assert.equal(decision.backend, 'async', decision.reason);
    assert.equal(decision.kind, 'waits', decision.reason);
    assert.ok(results.slice(-10).every((r) => r.threadId === threadId));
  });

  test('stats().decisions says what was chosen, why, when, and on which figures', async () => {
    await using executor = new AutoExecutor({ maxWorkers: 1, explore: { calls: 2 } });
    const before = Date.now();
    assert.deepEqual(executor.stats().decisions, []);
    await Promise.all(Array.from({ length: 8 }, (_, i) => executor.submit(double, i)));
    const stats = executor.stats();
    assert.equal(stats.decisions.length, 1);
    assert.deepEqual(stats.exploring, []);
    const d = stats.decisions[0]!;
    assert.match(d.task, /^file:.*auto-tasks\.ts#double$/);
    assert.ok(d.backend === 'async' || d.backend === 'thread');
    assert.ok(d.reason.length > 0);
    assert.ok(Date.parse(d.decidedAt) >= before - 1000);
    assert.equal(d.round, 1);
    assert.deepEqual(
      d.measurements.map((m) => m.backend),
      ['async', 'thread'],
    );
    for (const m of d.measurements) {
      assert.equal(m.calls, 2);
      assert.equal(m.ok, 2);
      assert.ok(m.throughput > 0);
    }
    assert.equal(d.measurements[1]!.warmupMs > 0, true); // the thread pool's start-up was not measured
    assert.equal(d.afterCalls + d.routedCalls >= 8, true);
    assert.equal(stats.completed, 8);
    assert.ok(stats.backends.async !== undefined && stats.backends.thread !== undefined);
    assert.equal(stats.backends.process, undefined);
  });

  test('plain functions run on AsyncExecutor, with a decision that says why', async () => {
    await using executor = new AutoExecutor();
    assert.equal(await executor.submit((a: number, b: number) => a * b, 6, 7), 42);
    const [d] = executor.stats().decisions;
    assert.equal(d?.task, '(plain functions)');
    assert.equal(d?.backend, 'async');
    assert.equal(d?.routedCalls, 1);
    assert.match(d?.reason ?? '', /only AsyncExecutor can run them/);
  });

  test('results and errors pass through unchanged, and futures are Spindle futures', async () => {
    await using executor = new AutoExecutor({ maxWorkers: 1, explore: { calls: 2 } });
    const futures = Array.from({ length: 8 }, (_, i) => executor.submit(double, i));
    assert.ok(futures.every(isFuture));
    assert.deepEqual(
      await Promise.all(futures),
      Array.from({ length: 8 }, (_, i) => ({ n: i, twice: i * 2 })),
    );
    // Errors, on whichever backend each call lands (the first calls explore both).
    for (let i = 0; i < 6; i++) {
      const error = await executor.submit(failWith, 'shape').then(
        () => assert.fail('expected a rejection'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof Error);
      assert.equal(error.message, 'a triangle has three sides');
      assert.equal((error as ShapeError).code, 'E_SHAPE');
      assert.equal((error as ShapeError).sides, 3);
      await assert.rejects(
        executor.submit(failWith, 'out'),
        (e) => e instanceof RangeError && e.message === 'out',
      );
    }
    const plainError = new ShapeError('plain', 4);
    await assert.rejects(
      executor.submit(() => {
        throw plainError;
      }),
      (e) => e === plainError,
    );
    const stats = executor.stats();
    assert.equal(stats.completed, 8);
    assert.equal(stats.failed, 13);
  });

  test('a call a pool cannot carry runs on AsyncExecutor, and the pool is left out for that task', async () => {
    await using executor = new AutoExecutor({ maxWorkers: 1, explore: { calls: 2 } });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => executor.submit(callIt, () => i)));
    assert.deepEqual(results, [0, 1, 2, 3, 4, 5, 6, 7]);
    const [d] = executor.stats().decisions;
    assert.equal(d?.backend, 'async');
    assert.match(d?.measurements[1]?.unusable ?? '', /UnserializableError/);
  });

  test('cancel() works on a held call, on the event loop and on a running thread task', async () => {
    await using executor = new AutoExecutor({ candidates: ['async'], explore: { calls: 1 } });
    // The first call explores; the second is held until it settles.
    const first = executor.submit(forever);
    const held = executor.submit(double, 1);
    assert.equal(held.cancel(), true);
    await assert.rejects(held, CancelledError);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(first.running(), true);
    assert.equal(first.cancel(), true);
    await assert.rejects(first, CancelledError);
    assert.equal(first.cancelled(), true);
    assert.equal(await executor.submit(double, 2).then((r) => r.twice), 4);

    await using threads = new AutoExecutor({ candidates: ['thread'], maxWorkers: 1, explore: { calls: 1 } });
    await threads.submit(spin, 1, 0); // the warm-up call
    const long = threads.submit(spin, 60_000, 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(long.cancel(), true);
    await assert.rejects(long, CancelledError);
    assert.equal((await threads.submit(spin, 1, 2)).n, 2); // the worker was replaced
    const stats = threads.stats();
    assert.equal(stats.cancelled, 1);
    assert.equal(stats.workerRestarts, 1);
  });

  test('per-call timeouts and signals pass through task.with(), and map options too', async () => {
    await using executor = new AutoExecutor({ maxWorkers: 1, explore: { calls: 1 } });
    const timedOut = executor.submit(forever.with({ timeout: 50 }));
    await assert.rejects(timedOut, TimeoutError);
    assert.equal(timedOut.cancelled(), true);

    const controller = new AbortController();
    const aborted = executor.submit(pause.with({ signal: controller.signal }), 60_000, 1);
    setTimeout(() => controller.abort(new Error('stop')), 30);
    await assert.rejects(
      aborted,
      (e) => e instanceof CancelledError && (e.cause as Error).message === 'stop',
    );

    // A thread task that overruns its timeout is stopped there.
    await using threads = new AutoExecutor({ candidates: ['thread'], maxWorkers: 1, explore: { calls: 1 } });
    await assert.rejects(threads.submit(spin.with({ timeout: 200 }), 60_000, 0), TimeoutError);
    assert.equal(threads.stats().timedOut, 1);

    // map's timeout reaches a plain function too.
    const slow = (ms: number): Promise<number> => new Promise((resolve) => setTimeout(() => resolve(ms), ms));
    await assert.rejects(async () => {
      for await (const _ of executor.map(slow, [1, 1_000], { timeout: 50 })) void _;
    }, TimeoutError);
    const out: number[] = [];
    for await (const r of executor.map(double, [1, 2, 3])) out.push(r.twice);
    assert.deepEqual(out, [2, 4, 6]);
  });

  test('shutdown() shuts every underlying executor down', async () => {
    const executor = new AutoExecutor({
      candidates: ['async', 'thread', 'process'],
      maxWorkers: 1,
      explore: { calls: 1 },
    });
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => executor.submit(double, i)));
    assert.equal(results.length, 6);
    const busy = executor.stats();
    assert.deepEqual(
      busy.decisions[0]?.measurements.map((m) => m.backend),
      ['async', 'thread', 'process'],
    );
    assert.ok(busy.workers.total >= 1);
    await within(executor.shutdown(), 15_000, 'shutdown');
    const stats = executor.stats();
    assert.equal(stats.workers.total, 0);
    for (const name of ['async', 'thread', 'process'] as const)
      assert.equal(stats.backends[name]?.workers.total, 0);
    assert.throws(() => executor.submit(double, 1), ExecutorShutdownError);
  });

  test('shutdown() waits for calls held during exploration, or cancels them with cancelFutures', async () => {
    const executor = new AutoExecutor({ maxWorkers: 1, explore: { calls: 1 } });
    const futures = Array.from({ length: 6 }, (_, i) => executor.submit(pause, 10, i));
    await within(executor.shutdown(), 15_000, 'shutdown');
    assert.ok(futures.every((f) => f.done() && !f.cancelled()));

    const other = new AutoExecutor({ maxWorkers: 1, explore: { calls: 1 } });
    const first = other.submit(pause, 50, 0);
    const held = other.submit(pause, 50, 1);
    await new Promise((resolve) => setTimeout(resolve, 10)); // the first call is running, the second held
    assert.equal(held.state, 'pending');
    await within(other.shutdown({ cancelFutures: true }), 15_000, 'shutdown');
    assert.equal(held.cancelled(), true);
    assert.equal((await first).n, 0);
  });

  test('explore.every explores a task again after that many routed calls', async () => {
    await using executor = new AutoExecutor({ candidates: ['async'], explore: { calls: 1, every: 3 } });
    for (let i = 0; i < 12; i++) await executor.submit(double, i);
    const [d] = executor.stats().decisions;
    assert.equal(executor.stats().decisions.length, 1);
    assert.equal(d?.round, 3);
  });

  test('bad options are rejected with InvalidArgumentError', () => {
    const bad: [unknown, RegExp][] = [
      [null, /Expected `options` to be an object, got `null`/],
      [{ candidates: [] }, /Expected `candidates` to be a non-empty array/],
      [{ candidates: ['serial'] }, /got `\["serial"\]` \(array\)/],
      [{ candidates: ['async', 'async'] }, /distinct/],
      [
        { explore: { calls: 0 } },
        /Expected `explore.calls` to be an integer from 1 and up, got `0` \(number\)/,
      ],
      [{ explore: { maxMs: -1 } }, /Expected `explore.maxMs` to be a finite number/],
      [
        { explore: { every: 1.5 } },
        /Expected `explore.every` to be an integer from 1 and up, got `1.5` \(number\)/,
      ],
      [{ tolerance: 1 }, /Expected `tolerance` to be a number from 0/],
      [{ maxWorkers: 0 }, /Expected `maxWorkers` to be an integer from 1 and up, got `0` \(number\)/],
      [
        { maxConcurrency: '4' },
        /Expected `maxConcurrency` to be an integer from 1 and up, got `"4"` \(string\)/,
      ],
      [{ threadPool: { idleTimeoutMs: -1 } }, /idleTimeoutMs/],
      [{ candidate: ['async'] }, /Unknown option `candidate` .*did you mean `candidates`/],
      [{ explore: { call: 4 } }, /Unknown option `call` in `explore`.*did you mean `calls`/],
    ];
    for (const [options, message] of bad) {
      assert.throws(
        () => new AutoExecutor(options as never),
        (e) => e instanceof InvalidArgumentError && message.test(e.message),
        `${JSON.stringify(options)}`,
      );
    }
    const executor = new AutoExecutor();
    const submit = executor.submit.bind(executor) as (task: unknown) => unknown;
    assert.throws(() => submit(42), /AutoExecutor expects a task handle or a function, got `42` \(number\)/);
    void executor.shutdown();
  });
});
