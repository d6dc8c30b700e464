// Lock: Python's threading.Lock across the main thread and worker threads.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  BlockingCallError,
  InvalidArgumentError,
  InvalidStateError,
  LockAbandonedError,
  Thread,
  ThreadPoolExecutor,
  TimeoutError,
  UnserializableError,
} from '../../src/index.ts';
import { packShared } from '../../src/core/shareable.ts';
import { Lock } from '../../src/sync/lock.ts';
import * as tasks from '../fixtures/sync-tasks.ts';
import { reached, shared } from './helpers.ts';

const pool = new ThreadPoolExecutor({ maxWorkers: 10 });
after(() => pool.shutdown({ cancelFutures: true }));

describe('Lock on one thread', () => {
  test('non-blocking acquire, locked() and release follow Python', () => {
    const lock = new Lock();
    assert.equal(lock.locked(), false);
    assert.equal(lock.acquire({ blocking: false }), true);
    assert.equal(lock.locked(), true);
    assert.equal(lock.acquire({ blocking: false }), false, 'not re-entrant');
    assert.equal(lock.acquire({ timeout: 0 }), false, 'timeout 0 only tries');
    lock.release();
    assert.equal(lock.locked(), false);
  });

  test('releasing a lock nobody holds throws InvalidStateError', () => {
    assert.throws(
      () => new Lock().release(),
      (e: unknown) => e instanceof InvalidStateError && /not held/.test(e.message),
    );
  });

  test('blocking forms on the main thread throw BlockingCallError naming the async form, even when free', () => {
    const lock = new Lock();
    assert.throws(
      () => lock.acquire(),
      (e: unknown) => e instanceof BlockingCallError && /acquireAsync/.test(e.message),
    );
    assert.throws(() => lock.acquire({ timeout: 10 }), BlockingCallError);
    assert.throws(
      () => lock.hold(),
      (e: unknown) => e instanceof BlockingCallError && /holdAsync/.test(e.message),
    );
    assert.equal(lock.locked(), false, 'nothing was taken');
  });

  test('bad options get InvalidArgumentError in the usual message shape', () => {
    const lock = new Lock();
    const bad: [() => unknown, RegExp][] = [
      [() => lock.acquire({ timeout: -1 }), /Expected `timeout` to be .*, got `-1` \(number\)/],
      [() => lock.acquire({ timeout: 'soon' as never }), /got `soon` \(string\)/],
      [() => lock.acquire({ timeout: Number.NaN }), /got `NaN` \(number\)/],
      [
        () => lock.acquire({ blocking: 'no' as never }),
        /Expected `blocking` to be a boolean, got `no` \(string\)/,
      ],
      [() => lock.acquire({ blocking: false, timeout: 5 }), /Expected no `timeout` with `blocking: false`/],
      [() => lock.acquire(5 as never), /Expected `options` to be an object, got `5` \(number\)/],
      [() => lock.acquireAsync({ signal: 'stop' as never }), /Expected `signal` to be an AbortSignal/],
      [() => lock.hold({ timeout: -5 }), /Expected `timeout`/],
      [() => lock.holdAsync({ timeout: -5 }), /Expected `timeout`/],
      // A misspelt timeout would otherwise wait for ever.
      [
        () => lock.acquire({ timout: 5 } as never),
        /Unknown option `timout` in acquire\(options\) \(did you mean `timeout`/,
      ],
      [() => lock.hold({ blocking: false } as never), /Unknown option `blocking` in hold\(options\)/],
      [() => lock.acquireAsync({ timeOut: 5 } as never), /did you mean `timeout`/],
    ];
    for (const [call, message] of bad)
      assert.throws(call, (e: unknown) => e instanceof InvalidArgumentError && message.test(e.message));
  });

  test('hold({ timeout: 0 }) works on the main thread with using, and throws TimeoutError when taken', () => {
    const lock = new Lock();
    {
      using guard = lock.hold({ timeout: 0 });
      assert.equal(lock.locked(), true);
      assert.equal(guard.held, true);
      assert.throws(() => lock.hold({ timeout: 0 }), TimeoutError);
    }
    assert.equal(lock.locked(), false, 'released at scope end');
  });

  test('a guard releases once, however often it is disposed', () => {
    const lock = new Lock();
    const guard = lock.hold({ timeout: 0 });
    guard.release();
    guard[Symbol.dispose]();
    assert.equal(guard.held, false);
    assert.equal(
      lock.acquire({ blocking: false }),
      true,
      'the second dispose did not release someone else’s hold',
    );
    lock.release();
  });

  test('acquireAsync waits for a release, and times out with false', async () => {
    const lock = new Lock();
    assert.equal(await lock.acquireAsync(), true);
    assert.equal(await lock.acquireAsync({ timeout: 30 }), false);
    const waiting = lock.acquireAsync();
    setTimeout(() => lock.release(), 20);
    assert.equal(await waiting, true);
    lock.release();
  });

  test('an aborted acquireAsync rejects with signal.reason and never takes the lock', async () => {
    const lock = new Lock();
    lock.acquire({ blocking: false });
    const controller = new AbortController();
    const waiting = lock.acquireAsync({ signal: controller.signal });
    const reason = new Error('stop waiting');
    setTimeout(() => controller.abort(reason), 20);
    await assert.rejects(waiting, (e: unknown) => e === reason);
    lock.release();
    assert.equal(lock.locked(), false, 'the aborted waiter did not take it afterwards');
    await assert.rejects(
      lock.acquireAsync({ signal: AbortSignal.abort('already') }),
      (e: unknown) => e === 'already',
    );
    assert.equal(lock.locked(), false);
  });

  test('holdAsync gives a guard for await using; it rejects with TimeoutError in time', async () => {
    const lock = new Lock();
    {
      await using _ = await lock.holdAsync();
      assert.equal(lock.locked(), true);
      await assert.rejects(lock.holdAsync({ timeout: 20 }), TimeoutError);
    }
    assert.equal(lock.locked(), false);
  });

  test('it cannot be sent to a process, and says why', () => {
    assert.throws(
      () => packShared([new Lock()], 'process', 'args'),
      (e: unknown) =>
        e instanceof UnserializableError &&
        e.path === 'args[0]' &&
        /cannot reach a child process/.test(e.message),
    );
  });
});

describe('Lock across threads', () => {
  test("the seeds' counter: 10 threads × 100,000 guarded increments end at exactly 1,000,000", async () => {
    const lock = new Lock();
    const counter = shared();
    await Promise.all(Array.from({ length: 10 }, () => pool.submit(tasks.bump, counter, lock, 100_000)));
    assert.equal(counter[0], 1_000_000);
    assert.equal(lock.locked(), false);
  });

  test('without the lock the same threads lose updates (so the lock is what makes it exact)', async () => {
    const counter = shared();
    await Promise.all(Array.from({ length: 10 }, () => pool.submit(tasks.bumpUnguarded, counter, 100_000)));
    assert.ok(counter[0]! < 1_000_000, `expected lost updates, got ${counter[0]}`);
    const guarded = shared();
    const lock = new Lock();
    await Promise.all(Array.from({ length: 10 }, () => pool.submit(tasks.bumpWide, guarded, lock, 100_000)));
    assert.equal(guarded[0], 1_000_000, 'the same wide read-modify-write under acquire()/release()');
  });

  test('the main thread’s async form and the workers’ blocking form exclude each other', async () => {
    const lock = new Lock();
    const counter = shared();
    const workers = Array.from({ length: 3 }, () => pool.submit(tasks.bump, counter, lock, 20_000));
    for (let i = 0; i < 2_000; i++) {
      await using _ = await lock.holdAsync();
      const v = counter[0]!;
      await Promise.resolve(); // give up the thread mid-update: only the lock keeps the workers out
      counter[0] = v + 1;
    }
    await Promise.all(workers);
    assert.equal(counter[0], 62_000);
  });

  test('a worker’s acquire waits for the main thread, times out with false, and hold() throws TimeoutError', async () => {
    const lock = new Lock();
    await lock.acquireAsync();
    assert.equal(await pool.submit(tasks.tryAcquire, lock, 30), false);
    await assert.rejects(pool.submit(tasks.holdWithTimeout, lock, 30), TimeoutError);
    const waiting = pool.submit(tasks.tryAcquire, lock);
    setTimeout(() => lock.release(), 30);
    assert.equal(await waiting, true);
  });

  test('a worker may release a lock the main thread took (as in Python)', async () => {
    const lock = new Lock();
    await lock.acquireAsync();
    await pool.submit(tasks.release, lock);
    assert.equal(lock.locked(), false);
    await assert.rejects(pool.submit(tasks.release, lock), InvalidStateError);
  });

  test('the lock arrives nested in objects and arrays, and through Thread, as the same lock', async () => {
    const lock = new Lock();
    const counter = shared();
    assert.equal(await pool.submit(tasks.bumpNested, { deep: [{ lock, counter }] }, 1_000), false);
    const thread = new Thread(tasks.bump, counter, lock, 1_000);
    thread.start();
    await thread.join();
    await thread.result();
    assert.equal(counter[0], 2_000);
  });

  test('blocking forms are allowed in a worker', async () => {
    const { Event } = await import('../../src/sync/event.ts');
    assert.deepEqual(await pool.submit(tasks.blockingFormsWork, new Lock(), new Event()), {
      got: true,
      waited: false,
    });
  });
});

describe('Lock abandonment', () => {
  test('a worker that exits holding the lock: main and worker waiters get LockAbandonedError, until recover()', async () => {
    const lock = new Lock();
    const started = shared();
    const crash = pool.submit(tasks.holdAndExit, lock, started);
    await reached(started);
    const mainWaiter = lock.acquireAsync();
    const workerWaiter = pool.submit(tasks.tryAcquire, lock);
    await assert.rejects(crash);
    await assert.rejects(mainWaiter, LockAbandonedError);
    await assert.rejects(workerWaiter, LockAbandonedError);
    assert.throws(() => lock.acquire({ blocking: false }), LockAbandonedError, 'later acquires fail too');
    assert.equal(lock.recover(), true);
    assert.equal(lock.recover(), false, 'only an abandoned lock is recovered');
    assert.equal(await lock.acquireAsync({ timeout: 1_000 }), true);
    lock.release();
  });

  test('a worker crashing from a timer while holding the lock abandons it too', async () => {
    const lock = new Lock();
    const started = shared();
    const crash = pool.submit(tasks.holdAndThrowFromTimer, lock, started);
    await reached(started);
    await assert.rejects(lock.acquireAsync({ timeout: 10_000 }), LockAbandonedError);
    await assert.rejects(crash);
    lock.recover();
    assert.equal(lock.acquire({ blocking: false }), true);
  });
});
