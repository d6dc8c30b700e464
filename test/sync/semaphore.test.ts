// Semaphore and BoundedSemaphore: Python's counting semaphores across threads.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  BlockingCallError,
  InvalidArgumentError,
  InvalidStateError,
  ThreadPoolExecutor,
  TimeoutError,
  UnserializableError,
} from '../../src/index.ts';
import { packShared } from '../../src/core/shareable.ts';
import { BoundedSemaphore, Semaphore } from '../../src/sync/semaphore.ts';
import * as tasks from '../fixtures/sync-tasks.ts';
import { reached, shared, signal } from './helpers.ts';

const pool = new ThreadPoolExecutor({ maxWorkers: 3 });
after(() => pool.shutdown({ cancelFutures: true }));

describe('Semaphore on one thread', () => {
  test('acquire takes permits until none is left; release(n) gives them back', () => {
    const semaphore = new Semaphore(2);
    assert.equal(semaphore.value, 2);
    assert.equal(semaphore.acquire({ blocking: false }), true);
    assert.equal(semaphore.acquire({ timeout: 0 }), true);
    assert.equal(semaphore.acquire({ blocking: false }), false);
    assert.equal(semaphore.value, 0);
    semaphore.release(2);
    assert.equal(semaphore.value, 2);
    semaphore.release();
    assert.equal(semaphore.value, 3, 'a plain Semaphore may grow past its initial value, as in Python');
    assert.equal(new Semaphore().value, 1, 'the default is one permit');
  });

  test('BoundedSemaphore refuses to go above its initial value', () => {
    const bounded = new BoundedSemaphore(2);
    assert.throws(
      () => bounded.release(),
      (e: unknown) => e instanceof InvalidStateError && /released too many times/.test(e.message),
    );
    bounded.acquire({ blocking: false });
    assert.throws(() => bounded.release(2), InvalidStateError);
    bounded.release();
    assert.equal(bounded.value, 2);
    assert.ok(bounded instanceof Semaphore);
  });

  test('bad arguments get InvalidArgumentError', () => {
    for (const value of [-1, 1.5, Number.NaN, '2', 2 ** 31])
      assert.throws(
        () => new Semaphore(value as number),
        (e: unknown) =>
          e instanceof InvalidArgumentError && /Expected `value` to be an integer/.test(e.message),
      );
    assert.throws(() => new Semaphore().release(0), /Expected `n` to be an integer from 1/);
    assert.throws(() => new Semaphore().acquire({ timeout: -3 }), InvalidArgumentError);
  });

  test('blocking forms on the main thread throw BlockingCallError naming the async form', () => {
    const semaphore = new Semaphore(1);
    assert.throws(
      () => semaphore.acquire(),
      (e: unknown) => e instanceof BlockingCallError && /acquireAsync/.test(e.message),
    );
    assert.throws(
      () => semaphore.hold(),
      (e: unknown) => e instanceof BlockingCallError && /holdAsync/.test(e.message),
    );
    assert.equal(semaphore.value, 1);
  });

  test('hold / holdAsync give the permit back at scope end; TimeoutError when none comes', async () => {
    const semaphore = new Semaphore(1);
    {
      await using _ = await semaphore.holdAsync();
      assert.equal(semaphore.value, 0);
      await assert.rejects(semaphore.holdAsync({ timeout: 20 }), TimeoutError);
      assert.throws(() => semaphore.hold({ timeout: 0 }), TimeoutError);
    }
    assert.equal(semaphore.value, 1);
  });

  test('acquireAsync waits for a release; abort rejects with the reason and takes nothing', async () => {
    const semaphore = new Semaphore(0);
    assert.equal(await semaphore.acquireAsync({ timeout: 20 }), false);
    const controller = new AbortController();
    const aborted = semaphore.acquireAsync({ signal: controller.signal });
    const waiting = semaphore.acquireAsync();
    controller.abort('no longer needed');
    await assert.rejects(aborted, (e: unknown) => e === 'no longer needed');
    semaphore.release();
    assert.equal(await waiting, true, 'the live waiter got the permit');
    assert.equal(semaphore.value, 0);
  });

  test('cannot be sent to a process', () => {
    assert.throws(() => packShared([new BoundedSemaphore()], 'process', 'args'), UnserializableError);
  });
});

describe('Semaphore across threads', () => {
  test('at most `value` workers are inside at once, and every permit comes back', async () => {
    // A Semaphore(1) is a lock: exact counts prove exclusion.
    const counter = shared();
    const mutex = new Semaphore(1);
    await Promise.all(Array.from({ length: 3 }, () => pool.submit(tasks.bump, counter, mutex, 20_000)));
    assert.equal(counter[0], 60_000);
    assert.equal(mutex.value, 1);
    const semaphore = new Semaphore(2);
    const [first, second] = [shared(), shared()];
    const holders = [first, second].map((cells) => pool.submit(tasks.holdUntilReleased, semaphore, cells));
    await reached(first);
    await reached(second);
    assert.equal(
      await pool.submit(tasks.tryAcquire, semaphore, 0),
      false,
      'no third permit while two are held',
    );
    assert.equal(await semaphore.acquireAsync({ timeout: 20 }), false, 'nor for the main thread');
    signal(first, 1);
    assert.equal(await semaphore.acquireAsync({ timeout: 10_000 }), true, 'the main thread gets one back');
    semaphore.release();
    signal(second, 1);
    await Promise.all(holders);
    assert.equal(semaphore.value, 2);
  });

  test('a BoundedSemaphore over-released in a worker throws there', async () => {
    await assert.rejects(pool.submit(tasks.release, new BoundedSemaphore(1)), InvalidStateError);
  });

  test('a permit held by a worker that dies is not returned (documented): waiters time out, not hang', async () => {
    const semaphore = new Semaphore(1);
    const started = shared();
    const crash = pool.submit(tasks.holdAndExit, semaphore, started);
    await reached(started);
    await assert.rejects(crash);
    assert.equal(semaphore.value, 0);
    assert.equal(await semaphore.acquireAsync({ timeout: 50 }), false);
    assert.equal(await pool.submit(tasks.tryAcquire, semaphore, 50), false);
  });
});
