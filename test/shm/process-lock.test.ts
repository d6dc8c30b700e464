// ProcessLock: Python's multiprocessing.Lock across processes, threads and the main thread.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  BlockingCallError,
  InvalidArgumentError,
  InvalidStateError,
  LockAbandonedError,
  ProcessPoolExecutor,
  ThreadPoolExecutor,
  TimeoutError,
  WorkerCrashedError,
} from '../../src/index.ts';
import { ProcessLock } from '../../src/shm/process-lock.ts';
import { SharedMemory } from '../../src/shm/shared-memory.ts';
import * as tasks from '../fixtures/shm-tasks.ts';
import { C } from '../fixtures/shm-tasks.ts';
import { block, reached, unlinkAll } from './helpers.ts';

const processes = new ProcessPoolExecutor({ maxWorkers: 4 });
const threads = new ThreadPoolExecutor({ maxWorkers: 4 });
after(async () => {
  await Promise.all([processes.shutdown({ cancelFutures: true }), threads.shutdown({ cancelFutures: true })]);
  unlinkAll();
});

/** A control block (cells C.*) with a lock in it after the cells. */
function setup(): { shm: SharedMemory; cells: Int32Array; lock: ProcessLock } {
  const shm = block(256);
  return {
    shm,
    cells: new Int32Array(shm.buffer, 0, C.cells),
    lock: new ProcessLock({ memory: shm, byteOffset: 64 }),
  };
}

describe('ProcessLock on one thread', () => {
  test('non-blocking acquire, locked() and release follow Python', () => {
    const lock = new ProcessLock();
    assert.equal(lock.locked(), false);
    assert.equal(lock.acquire({ blocking: false }), true);
    assert.equal(lock.locked(), true);
    assert.equal(lock.acquire({ blocking: false }), false, 'not re-entrant');
    assert.equal(lock.acquire({ timeout: 0 }), false, 'timeout 0 only tries');
    lock.release();
    assert.equal(lock.locked(), false);
    assert.throws(
      () => lock.release(),
      (e: unknown) => e instanceof InvalidStateError && /not held/.test(e.message),
    );
  });

  test('a lock of its own lives in a small spindle- block; one at a place of a block is the lock there', () => {
    const own = new ProcessLock();
    assert.match(own.memory.name, /^spindle-/);
    assert.equal(own.byteOffset, 0);
    const shm = block(64);
    const a = new ProcessLock({ memory: shm, byteOffset: 8 });
    const b = new ProcessLock({ memory: SharedMemory.attach(shm.name), byteOffset: 8 });
    const c = new ProcessLock({ memory: shm, byteOffset: 16 });
    assert.equal(a.acquire({ blocking: false }), true);
    assert.equal(b.locked(), true, 'same place, same lock');
    assert.equal(b.acquire({ blocking: false }), false);
    assert.equal(c.acquire({ blocking: false }), true, 'another place, another lock');
    b.release();
    c.release();
    assert.equal(a.locked(), false);
    assert.equal(ProcessLock.BYTES, 8);
  });

  test('blocking forms on the main thread throw BlockingCallError naming the async form', () => {
    const lock = new ProcessLock();
    assert.throws(
      () => lock.acquire(),
      (e: unknown) => e instanceof BlockingCallError && /acquireAsync/.test(e.message),
    );
    assert.throws(
      () => lock.hold({ timeout: 10 }),
      (e: unknown) => e instanceof BlockingCallError && /holdAsync/.test(e.message),
    );
    assert.equal(lock.locked(), false, 'nothing was taken');
  });

  test('bad options and placements get InvalidArgumentError in the usual message shape', () => {
    const lock = new ProcessLock();
    const shm = block(64);
    const bad: [() => unknown, RegExp][] = [
      [() => lock.acquire({ timeout: -1 }), /Expected `timeout` to be .*, got `-1` \(number\)/],
      [() => lock.acquire({ blocking: false, timeout: 5 }), /Expected no `timeout` with `blocking: false`/],
      [() => lock.acquireAsync({ signal: 'stop' as never }), /Expected `signal` to be an AbortSignal/],
      [() => lock.hold({ timeout: -5 }), /Expected `timeout`/],
      [
        () => new ProcessLock({ memory: shm, byteOffset: 4 }),
        /multiple of 8 from 0 to 56 .*got `4` \(number\)/,
      ],
      [() => new ProcessLock({ memory: shm, byteOffset: 64 }), /from 0 to 56/],
      [() => new ProcessLock({ memory: shm, byteOffset: -8 }), /got `-8`/],
      [() => new ProcessLock({ memory: shm, byteOffset: '8' as never }), /got `8` \(string\)/],
      [
        () => new ProcessLock({ memory: block(4), byteOffset: 0 }),
        /room for a ProcessLock \(8 bytes\), but it has 4/,
      ],
      [
        () => new ProcessLock({ memory: new Uint8Array(8) as never }),
        /Expected `memory` to be a SharedMemory/,
      ],
      [() => new ProcessLock({ byteOffset: 8 }), /Expected no `byteOffset` without `memory`/],
      [() => new ProcessLock(3 as never), /Expected `options` to be an object/],
      [
        () => new ProcessLock({ memory: shm, offset: 8 } as never),
        /Unknown option `offset` in new ProcessLock/,
      ],
      [() => lock.acquire({ timout: 5 } as never), /Unknown option `timout`.*did you mean `timeout`/],
    ];
    for (const [call, message] of bad)
      assert.throws(call, (e: unknown) => e instanceof InvalidArgumentError && message.test(e.message));
    const closed = block(64);
    closed.close();
    assert.throws(() => new ProcessLock({ memory: closed }), InvalidStateError);
  });

  test('hold({ timeout: 0 }) works on the main thread with using, and throws TimeoutError when taken', () => {
    const lock = new ProcessLock();
    {
      using _ = lock.hold({ timeout: 0 });
      assert.equal(lock.locked(), true);
      assert.throws(() => lock.hold({ timeout: 0 }), TimeoutError);
    }
    assert.equal(lock.locked(), false, 'released at scope end');
  });

  test('acquireAsync times out with false and is woken by a release; holdAsync rejects with TimeoutError', async () => {
    const lock = new ProcessLock();
    assert.equal(await lock.acquireAsync(), true);
    assert.equal(await lock.acquireAsync({ timeout: 30 }), false);
    await assert.rejects(lock.holdAsync({ timeout: 20 }), TimeoutError);
    const waiting = lock.acquireAsync();
    setTimeout(() => lock.release(), 20);
    assert.equal(await waiting, true);
    lock.release();
    {
      await using _ = await lock.holdAsync();
      assert.equal(lock.locked(), true);
    }
    assert.equal(lock.locked(), false);
  });

  test('an aborted acquireAsync rejects with signal.reason and never takes the lock', async () => {
    const lock = new ProcessLock();
    lock.acquire({ blocking: false });
    const controller = new AbortController();
    const reason = new Error('stop waiting');
    const waiting = lock.acquireAsync({ signal: controller.signal });
    setTimeout(() => controller.abort(reason), 20);
    await assert.rejects(waiting, (e: unknown) => e === reason);
    lock.release();
    assert.equal(lock.locked(), false, 'the aborted waiter did not take it afterwards');
    await assert.rejects(
      lock.acquireAsync({ signal: AbortSignal.abort('already') }),
      (e: unknown) => e === 'already',
    );
  });

  test('many async waiters at once (more than the thread pool budget) all get the lock in turn', async () => {
    const lock = new ProcessLock();
    lock.acquire({ blocking: false });
    let inside = 0;
    let most = 0;
    const waiters = Array.from({ length: 6 }, async () => {
      await using _ = await lock.holdAsync({ timeout: 10_000 });
      most = Math.max(most, ++inside);
      await new Promise((resolve) => setImmediate(resolve));
      inside--;
    });
    setTimeout(() => lock.release(), 10);
    await Promise.all(waiters);
    assert.equal(most, 1);
    assert.equal(lock.locked(), false);
  });
});

describe('ProcessLock across processes and threads', () => {
  test("the seeds' counter: 4 processes × 20,000 guarded increments end at exactly 80,000", async () => {
    const { shm, cells, lock } = setup();
    await Promise.all(
      Array.from({ length: 4 }, () => processes.submit(tasks.bumpLocked, shm, lock, 20_000, 4)),
    );
    assert.equal(cells[C.counter], 80_000);
    assert.equal(lock.locked(), false);
  });

  test('without the lock the same processes lose updates (so the lock is what makes it exact)', async () => {
    const { shm, cells } = setup();
    await Promise.all(
      Array.from({ length: 4 }, () => processes.submit(tasks.bumpUnguarded, shm, 1_000_000, 4)),
    );
    assert.ok(cells[C.counter]! < 4_000_000, `expected lost updates, got ${cells[C.counter]}`);
  });

  test("the seeds' counter with 4 threads: exact with the lock, short without", async () => {
    const guarded = setup();
    await Promise.all(
      Array.from({ length: 4 }, () => threads.submit(tasks.bumpLocked, guarded.shm, guarded.lock, 20_000, 4)),
    );
    assert.equal(guarded.cells[C.counter], 80_000);
    const unguarded = setup();
    await Promise.all(
      Array.from({ length: 4 }, () => threads.submit(tasks.bumpUnguarded, unguarded.shm, 1_000_000, 4)),
    );
    assert.ok(
      unguarded.cells[C.counter]! < 4_000_000,
      `expected lost updates, got ${unguarded.cells[C.counter]}`,
    );
  });

  test('the main thread, threads and processes exclude each other on one lock', async () => {
    const { shm, cells, lock } = setup();
    const workers = [
      processes.submit(tasks.bumpLocked, shm, lock, 5_000, 2),
      threads.submit(tasks.bumpLocked, shm, lock, 5_000, 2),
    ];
    for (let i = 0; i < 500; i++) {
      await using _ = await lock.holdAsync();
      const v = cells[C.counter]!;
      await Promise.resolve(); // give up the thread mid-update: only the lock keeps the workers out
      cells[C.counter] = v + 1;
    }
    await Promise.all(workers);
    assert.equal(cells[C.counter], 10_500);
  });

  test('a waiting process sleeps in the kernel: a 300 ms timed-out acquire costs it next to no CPU', async () => {
    const lock = new ProcessLock();
    assert.equal(await lock.acquireAsync(), true);
    const { acquired, wallMs, cpuMs } = await processes.submit(tasks.measuredTimeout, lock, 300);
    lock.release();
    assert.equal(acquired, false);
    assert.ok(wallMs >= 299, `waited ${wallMs} ms`);
    assert.ok(cpuMs < 100, `a sleeping waiter used ${cpuMs} ms of CPU in ${wallMs} ms`);
  });

  test('a process’s acquire waits for the main thread, times out with false, and hold() throws TimeoutError', async () => {
    const lock = new ProcessLock();
    await lock.acquireAsync();
    assert.equal(await processes.submit(tasks.tryAcquire, lock, 30), false);
    await assert.rejects(processes.submit(tasks.holdWithTimeout, lock, 30), TimeoutError);
    const waiting = processes.submit(tasks.tryAcquire, lock, 20_000);
    setTimeout(() => lock.release(), 30);
    assert.equal(await waiting, true);
  });

  test('the main thread’s async waiter is woken by a process’s release', async () => {
    const { shm, cells, lock } = setup();
    const holder = processes.submit(tasks.holdUntilGo, shm, lock);
    await reached(cells, C.holding);
    assert.equal(await lock.acquireAsync({ timeout: 20 }), false, 'held by the other process');
    const waiting = lock.acquireAsync({ timeout: 20_000 });
    Atomics.store(cells, C.go, 1);
    assert.equal(await waiting, true);
    await holder;
    lock.release();
  });
});

describe('ProcessLock abandonment', () => {
  for (const how of ['exit', 'kill'] as const)
    test(`a process that dies holding it (${how === 'exit' ? 'process.exit' : 'SIGKILL'}): waiters get LockAbandonedError until recover()`, async () => {
      const { shm, cells, lock } = setup();
      // Every outcome is awaited from the start: the waiters may well fail before the pool reports the crash.
      const crashed = assert.rejects(processes.submit(tasks.holdAndDie, shm, lock, how), WorkerCrashedError);
      await reached(cells, C.holding);
      const mainWaiter = assert.rejects(lock.acquireAsync({ timeout: 20_000 }), LockAbandonedError);
      const processWaiter = processes.submit(tasks.acquireOutcome, lock, 20_000);
      await Promise.all([crashed, mainWaiter]);
      assert.equal(await processWaiter, 'LockAbandonedError');
      assert.throws(() => lock.acquire({ blocking: false }), LockAbandonedError, 'later acquires fail too');
      assert.throws(() => lock.release(), LockAbandonedError);
      assert.equal(lock.recover(), true);
      assert.equal(lock.recover(), false, 'only an abandoned lock is recovered');
      assert.equal(await processes.submit(tasks.tryAcquire, lock, 1_000), true);
      assert.equal(lock.acquire({ blocking: false }), true);
      lock.release();
    });

  test('a worker thread that exits holding it abandons it too (seen through the thread-liveness table)', async () => {
    const { shm, cells, lock } = setup();
    const crashed = assert.rejects(threads.submit(tasks.holdAndDie, shm, lock, 'exit'));
    await reached(cells, C.holding);
    await Promise.all([assert.rejects(lock.acquireAsync({ timeout: 20_000 }), LockAbandonedError), crashed]);
    assert.equal(lock.recover(), true);
    assert.equal(lock.acquire({ blocking: false }), true);
    lock.release();
  });
});
