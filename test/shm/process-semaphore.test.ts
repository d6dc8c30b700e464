// ProcessSemaphore and ProcessBoundedSemaphore: Python's multiprocessing semaphores.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  BlockingCallError,
  InvalidArgumentError,
  InvalidStateError,
  ProcessPoolExecutor,
  ThreadPoolExecutor,
  TimeoutError,
} from '../../src/index.ts';
import { ProcessBoundedSemaphore, ProcessSemaphore } from '../../src/shm/process-semaphore.ts';
import { SharedMemory } from '../../src/shm/shared-memory.ts';
import * as tasks from '../fixtures/shm-tasks.ts';
import { C } from '../fixtures/shm-tasks.ts';
import { block, unlinkAll } from './helpers.ts';

const processes = new ProcessPoolExecutor({ maxWorkers: 4 });
const threads = new ThreadPoolExecutor({ maxWorkers: 2 });
after(async () => {
  await Promise.all([processes.shutdown({ cancelFutures: true }), threads.shutdown({ cancelFutures: true })]);
  unlinkAll();
});

describe('ProcessSemaphore on one thread', () => {
  test('permits count down with non-blocking acquires and back up with release(n)', () => {
    const slots = new ProcessSemaphore(2);
    assert.equal(slots.value, 2);
    assert.equal(slots.acquire({ blocking: false }), true);
    assert.equal(slots.acquire({ timeout: 0 }), true);
    assert.equal(slots.acquire({ blocking: false }), false);
    assert.equal(slots.value, 0);
    slots.release(2);
    assert.equal(slots.value, 2);
    slots.release(); // a plain semaphore may go above its start
    assert.equal(slots.value, 3);
    assert.equal(new ProcessSemaphore().value, 1, 'one permit by default');
  });

  test('a bounded semaphore refuses to be released above its initial value', () => {
    const slots = new ProcessBoundedSemaphore(2);
    assert.throws(
      () => slots.release(),
      (e: unknown) =>
        e instanceof InvalidStateError && /ProcessBoundedSemaphore released too many times/.test(e.message),
    );
    assert.equal(slots.acquire({ blocking: false }), true);
    slots.release();
    assert.equal(slots.value, 2);
  });

  test('made again at the same place, in any process, it joins the semaphore there and ignores value', () => {
    const shm = block(64);
    const a = new ProcessSemaphore(3, { memory: shm, byteOffset: 16 });
    assert.equal(a.acquire({ blocking: false }), true);
    const b = new ProcessSemaphore(3, { memory: SharedMemory.attach(shm.name), byteOffset: 16 });
    assert.equal(b.value, 2, 'the same permits, not a fresh 3');
    assert.throws(
      () => new ProcessBoundedSemaphore(3, { memory: shm, byteOffset: 16 }),
      (e: unknown) =>
        e instanceof InvalidArgumentError &&
        /holds a ProcessSemaphore, not a ProcessBoundedSemaphore/.test(e.message),
    );
    new Int32Array(shm.buffer)[12] = 77; // byteOffset 48: not zero, and not a semaphore
    assert.throws(
      () => new ProcessSemaphore(1, { memory: shm, byteOffset: 48 }),
      (e: unknown) => e instanceof InvalidStateError && /does not hold a semaphore/.test(e.message),
    );
    assert.equal(ProcessSemaphore.BYTES, 16);
  });

  test('bad values and options get InvalidArgumentError; blocking forms throw BlockingCallError on the main thread', () => {
    const slots = new ProcessSemaphore(1);
    const bad: [() => unknown, RegExp][] = [
      [
        () => new ProcessSemaphore(-1),
        /Expected `value` to be an integer from 0 to 2147483647, got `-1` \(number\)/,
      ],
      [() => new ProcessSemaphore(1.5), /got `1.5`/],
      [() => new ProcessBoundedSemaphore('2' as never), /got `2` \(string\)/],
      [() => slots.release(0), /Expected `n` to be an integer from 1/],
      [() => new ProcessSemaphore(1, { memory: block(64), byteOffset: 56 }), /multiple of 8 from 0 to 48/],
      [() => slots.acquire({ timeout: -1 }), /Expected `timeout`/],
    ];
    for (const [call, message] of bad)
      assert.throws(call, (e: unknown) => e instanceof InvalidArgumentError && message.test(e.message));
    assert.throws(
      () => slots.acquire(),
      (e: unknown) =>
        e instanceof BlockingCallError && /ProcessSemaphore.acquire\(\).*acquireAsync/.test(e.message),
    );
    assert.throws(() => slots.hold(), BlockingCallError);
    assert.equal(slots.value, 1, 'nothing was taken');
  });

  test('acquireAsync waits for a permit, times out with false, and an abort rejects without taking one', async () => {
    const slots = new ProcessSemaphore(1);
    assert.equal(await slots.acquireAsync(), true);
    assert.equal(await slots.acquireAsync({ timeout: 30 }), false);
    await assert.rejects(slots.holdAsync({ timeout: 20 }), TimeoutError);
    const controller = new AbortController();
    const aborted = slots.acquireAsync({ signal: controller.signal });
    setTimeout(() => controller.abort('enough'), 10);
    await assert.rejects(aborted, (e: unknown) => e === 'enough');
    const waiting = slots.acquireAsync({ timeout: 10_000 });
    setTimeout(() => slots.release(), 10);
    assert.equal(await waiting, true);
    assert.equal(slots.value, 0, 'the aborted waiter took nothing');
    slots.release();
    {
      await using _ = await slots.holdAsync();
      assert.equal(slots.value, 0);
    }
    assert.equal(slots.value, 1);
  });
});

describe('ProcessSemaphore across processes and threads', () => {
  test('4 processes sharing 2 permits never have more than 2 inside at once; all permits come back', async () => {
    const shm = block(256);
    const cells = new Int32Array(shm.buffer, 0, C.cells);
    const slots = new ProcessBoundedSemaphore(2, { memory: shm, byteOffset: 64 });
    await Promise.all(
      Array.from({ length: 4 }, () => processes.submit(tasks.useSlots, shm, slots, 5_000, 4)),
    );
    assert.ok(cells[C.peak]! >= 1 && cells[C.peak]! <= 2, `peak ${cells[C.peak]}`);
    assert.equal(slots.value, 2);
  });

  test('a process takes permits the main thread sees gone, times out on none, and its release wakes the main thread', async () => {
    const slots = new ProcessSemaphore(1);
    assert.equal(await processes.submit(tasks.takePermit, slots, 1_000), true);
    assert.equal(slots.value, 0, 'the process kept its permit');
    assert.equal(await processes.submit(tasks.takePermit, slots, 30), false);
    const waiting = slots.acquireAsync({ timeout: 20_000 });
    await processes.submit(tasks.releasePermits, slots, 1);
    assert.equal(await waiting, true);
    assert.equal(slots.value, 0);
  });

  test('a thread worker blocked on it is woken by the main thread’s release', async () => {
    const slots = new ProcessSemaphore(0);
    const taken = threads.submit(tasks.takePermit, slots, 20_000);
    setTimeout(() => slots.release(), 20);
    assert.equal(await taken, true);
    assert.equal(slots.value, 0);
  });
});
