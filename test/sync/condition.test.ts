// Condition: Python's threading.Condition over a Lock or RLock, across threads.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  BlockingCallError,
  InvalidArgumentError,
  InvalidStateError,
  LockAbandonedError,
  ThreadPoolExecutor,
  UnserializableError,
} from '../../src/index.ts';
import { packShared } from '../../src/core/shareable.ts';
import { Condition } from '../../src/sync/condition.ts';
import { Lock } from '../../src/sync/lock.ts';
import { RLock } from '../../src/sync/rlock.ts';
import * as tasks from '../fixtures/sync-tasks.ts';
import { reached, shared, sleep } from './helpers.ts';

const pool = new ThreadPoolExecutor({ maxWorkers: 3 });
after(() => pool.shutdown({ cancelFutures: true }));

describe('Condition on one thread', () => {
  test('wait and notify without holding the lock throw InvalidStateError', async () => {
    const cond = new Condition(new Lock());
    assert.throws(
      () => cond.notify(),
      (e: unknown) => e instanceof InvalidStateError && /without holding its lock/.test(e.message),
    );
    assert.throws(() => cond.waitAsync(), InvalidStateError);
    assert.throws(() => cond.waitForAsync(() => true), InvalidStateError);
  });

  test('blocking waits on the main thread throw BlockingCallError naming the async form', async () => {
    const cond = new Condition();
    await cond.acquireAsync();
    assert.throws(
      () => cond.wait(10),
      (e: unknown) => e instanceof BlockingCallError && /waitAsync/.test(e.message),
    );
    assert.throws(
      () => cond.waitFor(() => false),
      (e: unknown) => e instanceof BlockingCallError && /waitForAsync/.test(e.message),
    );
    cond.release();
  });

  test('bad arguments get InvalidArgumentError', async () => {
    assert.throws(() => new Condition({} as Lock), /Expected `lock` to be a Lock or an RLock/);
    const cond = new Condition();
    await cond.acquireAsync();
    assert.throws(() => cond.notify(-1), InvalidArgumentError);
    assert.throws(() => cond.notify(1.5), InvalidArgumentError);
    assert.throws(() => cond.waitForAsync('ready' as never), /Expected `predicate` to be a function/);
    assert.throws(() => cond.waitAsync({ timeout: -1 }), InvalidArgumentError);
    cond.release();
  });

  test('waitAsync times out with false and holds the lock (at its RLock depth) again', async () => {
    const rlock = new RLock();
    const cond = new Condition(rlock);
    await using _outer = await cond.holdAsync();
    await using _inner = await cond.holdAsync();
    assert.equal(await cond.waitAsync({ timeout: 20 }), false);
    assert.equal(rlock.acquire({ blocking: false }), true, 'this thread owns it again');
    rlock.release();
  });

  test('an aborted waitAsync rejects with the reason, holding the lock again', async () => {
    const lock = new Lock();
    const cond = new Condition(lock);
    await cond.acquireAsync();
    await assert.rejects(cond.waitAsync({ signal: AbortSignal.timeout(20) }), { name: 'TimeoutError' });
    assert.equal(lock.locked(), true);
    cond.notify(); // the aborted waiter is off the books: nothing to wake, nothing thrown
    cond.release();
  });

  test('waitForAsync returns the predicate’s value, at once if it already holds', async () => {
    const cond = new Condition();
    await using _ = await cond.holdAsync();
    assert.equal(await cond.waitForAsync(() => 'ready'), 'ready');
    assert.equal(await cond.waitForAsync(() => 0, { timeout: 20 }), 0);
  });

  test('cannot be sent to a process', () => {
    assert.throws(() => packShared([new Condition()], 'process', 'args'), UnserializableError);
  });
});

describe('Condition across threads', () => {
  test('consumers in workers (waitFor) and a producer on the main thread: every item taken once', async () => {
    const cond = new Condition(new Lock());
    const items = shared();
    const consumers = Array.from({ length: 3 }, () => pool.submit(tasks.consume, cond, items, 50, 10_000));
    for (let i = 0; i < 150; i++) {
      await using _ = await cond.holdAsync();
      items[0]!++;
      cond.notify();
    }
    const taken = await Promise.all(consumers);
    assert.deepEqual(taken, [50, 50, 50]);
    assert.equal(items[0], 0);
  });

  test('notify(1) wakes exactly one of two waiting workers; notifyAll the rest', async () => {
    const cond = new Condition();
    const cells = shared();
    const waiters = [
      pool.submit(tasks.waitOnce, cond, cells, 10_000),
      pool.submit(tasks.waitOnce, cond, cells, 10_000),
    ];
    await reached(cells, 0, 2);
    {
      // Both incremented cells[0] holding the lock and then waited: holding it now, both are inside wait.
      await using _ = await cond.holdAsync();
      cond.notify(1);
    }
    await reached(cells, 1, 1);
    await sleep(150);
    assert.equal(Atomics.load(cells, 1), 1, 'only one was woken');
    {
      await using _ = await cond.holdAsync();
      cond.notifyAll();
    }
    assert.deepEqual(await Promise.all(waiters), [true, true]);
  });

  test('a worker’s wait times out with false and restores its RLock depth', async () => {
    const cond = new Condition(new RLock());
    assert.deepEqual(await pool.submit(tasks.waitAtDepth, cond, 3, 20), { notified: false, released: 3 });
  });

  test('the main thread’s waitAsync is woken by a worker’s notifyAll', async () => {
    const cond = new Condition();
    await using _ = await cond.holdAsync();
    const notifier = pool.submit(tasks.notifyAll, cond);
    assert.equal(await cond.waitAsync({ timeout: 10_000 }), true);
    await notifier;
  });
});

describe('Condition abandonment', () => {
  test('a worker that dies holding the lock: the main thread’s waitAsync rejects with LockAbandonedError', async () => {
    const cond = new Condition(new Lock());
    const started = shared();
    await cond.acquireAsync();
    const waiting = cond.waitAsync({ timeout: 10_000 });
    // The wait released the lock; the worker takes it and dies holding it.
    const crash = pool.submit(tasks.holdAndExit, cond, started);
    await assert.rejects(waiting, LockAbandonedError);
    await assert.rejects(crash);
    assert.equal(cond.recover(), true);
    assert.equal(await cond.acquireAsync({ timeout: 1_000 }), true);
    cond.release();
  });
});
