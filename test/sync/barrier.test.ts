// Barrier: Python's threading.Barrier (parties, action, timeout, abort, reset) across threads.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  BlockingCallError,
  BrokenBarrierError,
  InvalidArgumentError,
  ThreadPoolExecutor,
  UnserializableError,
} from '../../src/index.ts';
import { packShared } from '../../src/core/shareable.ts';
import { Barrier } from '../../src/sync/barrier.ts';
import * as tasks from '../fixtures/sync-tasks.ts';
import { reached, shared } from './helpers.ts';

const pool = new ThreadPoolExecutor({ maxWorkers: 3 });
after(() => pool.shutdown({ cancelFutures: true }));

describe('Barrier on one thread', () => {
  test('parties, nWaiting, broken; a one-party barrier trips at once', async () => {
    const barrier = new Barrier(1);
    assert.equal(barrier.parties, 1);
    assert.equal(await barrier.waitAsync(), 0);
    assert.equal(await barrier.waitAsync(), 0, 'reusable');
    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, false);
  });

  test('wait() on the main thread throws BlockingCallError; bad arguments InvalidArgumentError', () => {
    assert.throws(
      () => new Barrier(2).wait(),
      (e: unknown) => e instanceof BlockingCallError && /waitAsync/.test(e.message),
    );
    for (const parties of [0, -1, 1.5, '2'])
      assert.throws(
        () => new Barrier(parties as number),
        (e: unknown) => e instanceof InvalidArgumentError && /Expected `parties`/.test(e.message),
      );
    assert.throws(() => new Barrier(2, { action: 'run' as never }), /Expected `action` to be a function/);
    assert.throws(() => new Barrier(2, { timeout: -1 }), /Expected `timeout`/);
    assert.throws(
      () => new Barrier(2, { onTrip: () => 1 } as never),
      /Unknown option `onTrip` in new Barrier/,
    );
  });

  test('a waitAsync that times out breaks the barrier until reset()', async () => {
    const barrier = new Barrier(2);
    await assert.rejects(
      barrier.waitAsync({ timeout: 20 }),
      (e: unknown) => e instanceof BrokenBarrierError && /timed out/.test(e.message),
    );
    assert.equal(barrier.broken, true);
    await assert.rejects(barrier.waitAsync(), BrokenBarrierError);
    barrier.reset();
    assert.equal(barrier.broken, false);
    const first = barrier.waitAsync({ timeout: 5_000 });
    while (barrier.nWaiting === 0) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(barrier.nWaiting, 1);
    assert.equal(await barrier.waitAsync(), 1);
    assert.equal(await first, 0);
  });

  test('an aborted waitAsync rejects with the reason and breaks the barrier for the others', async () => {
    const barrier = new Barrier(3);
    const other = barrier.waitAsync();
    const controller = new AbortController();
    const mine = barrier.waitAsync({ signal: controller.signal });
    controller.abort('leaving');
    await assert.rejects(mine, (e: unknown) => e === 'leaving');
    await assert.rejects(other, BrokenBarrierError);
  });

  test('the constructor’s timeout is the default of every wait', async () => {
    await assert.rejects(new Barrier(2, { timeout: 20 }).waitAsync(), BrokenBarrierError);
  });

  test('cannot be sent to a process', () => {
    assert.throws(() => packShared([new Barrier(2)], 'process', 'args'), UnserializableError);
  });
});

describe('Barrier across threads', () => {
  test('three workers trip it round after round; arrival indices are 0..parties-1 each round', async () => {
    const barrier = new Barrier(3);
    const passed = shared();
    const runs = await Promise.all(
      Array.from({ length: 3 }, () => pool.submit(tasks.barrierRounds, barrier, 5, passed, 10_000)),
    );
    for (let round = 0; round < 5; round++)
      assert.deepEqual(runs.map((indices) => indices[round]).sort(), [0, 1, 2]);
    assert.equal(passed[0], 15);
  });

  test('the main thread’s action runs once per trip, before any worker is released', async () => {
    const passed = shared();
    const seen: number[] = [];
    const barrier = new Barrier(3, { action: () => seen.push(Atomics.load(passed, 0)) });
    await Promise.all(
      Array.from({ length: 3 }, () => pool.submit(tasks.barrierRounds, barrier, 4, passed, 10_000)),
    );
    assert.deepEqual(seen, [0, 3, 6, 9], 'each trip: no party of that trip had passed yet');
  });

  test('the main thread as a party with the action, and workers as the other parties', async () => {
    const passed = shared();
    let actions = 0;
    const barrier = new Barrier(3, { action: () => actions++ });
    const workers = Array.from({ length: 2 }, () =>
      pool.submit(tasks.barrierRounds, barrier, 3, passed, 10_000),
    );
    const mine: number[] = [];
    for (let round = 0; round < 3; round++) mine.push(await barrier.waitAsync({ timeout: 10_000 }));
    await Promise.all(workers);
    assert.equal(actions, 3);
    assert.ok(mine.every((index) => index >= 0 && index < 3));
  });

  test('an action that throws breaks the barrier: its error for the party that ran it, BrokenBarrierError for the rest', async () => {
    const failure = new Error('action failed');
    const barrier = new Barrier(2, {
      action: () => {
        throw failure;
      },
    });
    const arrived = shared();
    const worker = pool.submit(tasks.barrierWaitOnce, barrier, arrived, 10_000);
    await reached(arrived);
    await assert.rejects(barrier.waitAsync({ timeout: 10_000 }), (e: unknown) => e === failure);
    assert.match(String(await worker), /BrokenBarrierError: .*action threw/);
    assert.equal(barrier.broken, true);
  });

  test('the owner waiting first still runs the throwing action itself and gets its error (its event loop does not)', async () => {
    const failure = new Error('action failed');
    const barrier = new Barrier(2, {
      action: () => {
        throw failure;
      },
    });
    const warnings: unknown[] = [];
    const onWarning = (warning: unknown): number => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const mine = barrier.waitAsync({ timeout: 10_000 });
      const worker = pool.submit(tasks.barrierWaitLast, barrier, 1, 10_000);
      await assert.rejects(mine, (e: unknown) => e === failure);
      assert.match(String(await worker), /BrokenBarrierError: .*action threw/);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(warnings, [], 'the action ran once, in the waiting party');
    } finally {
      process.off('warning', onWarning);
    }
  });

  test('abort() releases a waiting worker with BrokenBarrierError; reset() makes it usable again', async () => {
    const barrier = new Barrier(2);
    const arrived = shared();
    const worker = pool.submit(tasks.barrierWaitOnce, barrier, arrived);
    await reached(arrived);
    while (barrier.nWaiting === 0) await new Promise((resolve) => setImmediate(resolve));
    barrier.abort();
    assert.match(String(await worker), /BrokenBarrierError: .*abort\(\)/);
    barrier.reset();
    const again = pool.submit(tasks.barrierWaitOnce, barrier, shared());
    assert.equal(typeof (await barrier.waitAsync({ timeout: 10_000 })), 'number');
    assert.equal(typeof (await again), 'number');
  });

  test('reset() while a worker waits gives it BrokenBarrierError; the barrier stays usable', async () => {
    const barrier = new Barrier(2);
    const arrived = shared();
    const worker = pool.submit(tasks.barrierWaitOnce, barrier, arrived);
    await reached(arrived);
    while (barrier.nWaiting === 0) await new Promise((resolve) => setImmediate(resolve));
    barrier.reset();
    assert.match(String(await worker), /BrokenBarrierError: .*reset\(\)/);
    assert.equal(barrier.broken, false);
  });

  test('a waiting worker that is cancelled (its thread terminated) breaks the barrier for the others', async () => {
    const barrier = new Barrier(3);
    const arrived = shared();
    const victim = pool.submit(tasks.barrierWaitOnce, barrier, arrived);
    await reached(arrived);
    while (barrier.nWaiting === 0) await new Promise((resolve) => setImmediate(resolve));
    const survivor = barrier.waitAsync({ timeout: 10_000 });
    victim.cancel();
    await assert.rejects(
      survivor,
      (e: unknown) => e instanceof BrokenBarrierError && /thread exited/.test(e.message),
    );
  });
});
