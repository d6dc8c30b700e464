// RLock: Python's threading.RLock (owner = thread, re-entrant count) across threads.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  BlockingCallError,
  InvalidStateError,
  LockAbandonedError,
  ThreadPoolExecutor,
  TimeoutError,
  UnserializableError,
} from '../../src/index.ts';
import { packShared } from '../../src/core/shareable.ts';
import { RLock } from '../../src/sync/rlock.ts';
import * as tasks from '../fixtures/sync-tasks.ts';
import { reached, shared, signal } from './helpers.ts';

const pool = new ThreadPoolExecutor({ maxWorkers: 3 });
after(() => pool.shutdown({ cancelFutures: true }));

describe('RLock on one thread', () => {
  test('the owner re-enters without waiting; the lock is free after as many releases', async () => {
    const rlock = new RLock();
    assert.equal(rlock.acquire({ blocking: false }), true);
    assert.equal(rlock.acquire({ blocking: false }), true);
    assert.equal(await rlock.acquireAsync(), true);
    rlock.release();
    rlock.release();
    assert.equal(rlock.locked(), true, 'still held once');
    rlock.release();
    assert.equal(rlock.locked(), false);
    assert.throws(
      () => rlock.release(),
      (e: unknown) => e instanceof InvalidStateError && /not held/.test(e.message),
    );
  });

  test('hold() guards nest with using and unwind at scope end', async () => {
    const rlock = new RLock();
    {
      await using _outer = await rlock.holdAsync();
      {
        using _inner = rlock.hold({ timeout: 0 });
        assert.equal(rlock.locked(), true);
      }
      assert.equal(rlock.locked(), true, 'the outer hold remains');
    }
    assert.equal(rlock.locked(), false);
  });

  test('blocking forms on the main thread throw BlockingCallError, even when re-entry would not wait', () => {
    const rlock = new RLock();
    rlock.acquire({ blocking: false });
    assert.throws(
      () => rlock.acquire(),
      (e: unknown) => e instanceof BlockingCallError && /rlock\.acquireAsync/.test(e.message),
    );
    assert.throws(
      () => rlock.hold(),
      (e: unknown) => e instanceof BlockingCallError && /holdAsync/.test(e.message),
    );
    rlock.release();
  });

  test('cannot be sent to a process', () => {
    assert.throws(() => packShared({ rlock: new RLock() }, 'process', 'args'), UnserializableError);
  });
});

describe('RLock across threads', () => {
  test('another thread cannot release it, and gets InvalidStateError naming the owner', async () => {
    const rlock = new RLock();
    await rlock.acquireAsync();
    await assert.rejects(
      pool.submit(tasks.release, rlock),
      (e: unknown) =>
        e instanceof InvalidStateError && /owned by another thread \(thread 0\)/.test(e.message),
    );
    rlock.release();
  });

  test('threads exclude each other; each re-enters its own hold', async () => {
    const rlock = new RLock();
    const counter = shared();
    await Promise.all(
      Array.from({ length: 3 }, () => pool.submit(tasks.bumpReentrant, counter, rlock, 20_000)),
    );
    assert.equal(counter[0], 60_000);
    assert.equal(rlock.locked(), false);
  });

  test('a worker waits for the main thread’s hold, and times out with false / TimeoutError', async () => {
    const rlock = new RLock();
    await rlock.acquireAsync();
    await rlock.acquireAsync();
    assert.equal(await pool.submit(tasks.tryAcquire, rlock, 30), false);
    await assert.rejects(pool.submit(tasks.holdWithTimeout, rlock, 30), TimeoutError);
    const waiting = pool.submit(tasks.tryAcquire, rlock);
    rlock.release();
    setTimeout(() => rlock.release(), 30);
    assert.equal(await waiting, true);
  });

  test('the main thread’s acquireAsync waits for a worker and can be aborted', async () => {
    const rlock = new RLock();
    const cells = shared();
    const holder = pool.submit(tasks.holdUntilReleased, rlock, cells);
    await reached(cells);
    assert.equal(await rlock.acquireAsync({ timeout: 10 }), false);
    await assert.rejects(rlock.acquireAsync({ signal: AbortSignal.timeout(10) }), { name: 'TimeoutError' });
    const acquired = rlock.acquireAsync({ timeout: 10_000 });
    signal(cells, 1);
    assert.equal(await acquired, true);
    rlock.release();
    await holder;
  });
});

describe('RLock abandonment', () => {
  test('an owner that exits at depth 2 abandons it; recover() frees it with a fresh count', async () => {
    const rlock = new RLock();
    const started = shared();
    const crash = pool.submit(tasks.holdAndExit, rlock, started, 2);
    await reached(started);
    await assert.rejects(rlock.acquireAsync({ timeout: 10_000 }), LockAbandonedError);
    await assert.rejects(crash);
    assert.throws(() => rlock.release(), LockAbandonedError);
    assert.equal(rlock.recover(), true);
    assert.equal(rlock.acquire({ blocking: false }), true);
    rlock.release();
    assert.equal(rlock.locked(), false, 'one release undoes one acquire: the dead owner’s depth is gone');
  });
});
