import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  InvalidArgumentError,
  InvalidStateError,
  NotATaskError,
  Thread,
  WorkerCrashedError,
} from '../../src/index.ts';
import * as tasks from '../fixtures/pool-tasks.ts';

describe('Thread', () => {
  test("start, join and result, in the seeds' threading.Thread style", async () => {
    const t = new Thread(tasks.add, 2, 3);
    assert.match(t.name, /^Thread-\d+$/);
    assert.equal(t.isAlive(), false);
    t.start();
    assert.equal(t.isAlive(), true);
    assert.equal(await t.join(), true);
    assert.equal(t.isAlive(), false);
    assert.equal(await t.result(), 5);
  });

  test('ten threads each add to a shared counter; join waits for all of them', async () => {
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const threads = Array.from({ length: 10 }, () => new Thread(tasks.touch, counter));
    for (const t of threads) t.start();
    for (const t of threads) await t.join();
    assert.equal(Atomics.load(counter, 0), 10);
  });

  test('join(timeoutMs) returns false while the task still runs', async () => {
    const t = new Thread(tasks.busy, 400);
    t.name = 'slow-one';
    t.start();
    assert.equal(await t.join(20), false);
    assert.equal(t.isAlive(), true);
    assert.equal(await t.join(), true);
    assert.equal(t.name, 'slow-one');
  });

  test('a crash in the thread surfaces from result(), not from join()', async () => {
    const t = new Thread(tasks.exitWith, 4);
    t.start();
    assert.equal(await t.join(), true);
    await assert.rejects(t.result(), WorkerCrashedError);
  });

  test('misuse gets typed errors: plain function, start twice, join before start, a bad timeout', async () => {
    assert.throws(() => new Thread((() => 1) as never), NotATaskError);
    const t = new Thread(tasks.square, 2);
    await assert.rejects(t.join(), InvalidStateError);
    assert.throws(
      () => t.result(),
      (e: unknown) => e instanceof InvalidStateError && /Cannot get the result of Thread-\d+/.test(e.message),
    );
    t.start();
    assert.throws(() => t.start(), InvalidStateError);
    // Not "not finished yet": a negative timeout is a mistake, as everywhere else in the API.
    await assert.rejects(t.join(-1), InvalidArgumentError);
    assert.equal(await t.join(), true);
  });
});
