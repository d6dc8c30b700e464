// Event: Python's threading.Event across threads.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  BlockingCallError,
  InvalidArgumentError,
  ThreadPoolExecutor,
  UnserializableError,
} from '../../src/index.ts';
import { packShared } from '../../src/core/shareable.ts';
import { Event } from '../../src/sync/event.ts';
import * as tasks from '../fixtures/sync-tasks.ts';
import { sleep } from './helpers.ts';

const pool = new ThreadPoolExecutor({ maxWorkers: 2 });
after(() => pool.shutdown({ cancelFutures: true }));

describe('Event on one thread', () => {
  test('set, isSet, clear and wait(0) on the main thread', () => {
    const event = new Event();
    assert.equal(event.isSet(), false);
    assert.equal(event.wait(0), false);
    event.set();
    event.set();
    assert.equal(event.isSet(), true);
    assert.equal(event.wait(0), true);
    event.clear();
    assert.equal(event.isSet(), false);
  });

  test('a blocking wait on the main thread throws BlockingCallError naming waitAsync', () => {
    assert.throws(
      () => new Event().wait(),
      (e: unknown) => e instanceof BlockingCallError && /waitAsync/.test(e.message),
    );
    assert.throws(() => new Event().wait(-1), InvalidArgumentError);
  });

  test('waitAsync resolves when set, times out with false, rejects with the abort reason', async () => {
    const event = new Event();
    assert.equal(await event.waitAsync({ timeout: 20 }), false);
    await assert.rejects(
      event.waitAsync({ signal: AbortSignal.abort('gone') }),
      (e: unknown) => e === 'gone',
    );
    const waiting = event.waitAsync();
    setTimeout(() => event.set(), 10);
    assert.equal(await waiting, true);
    assert.equal(await event.waitAsync(), true, 'returns at once while set');
  });

  test('cannot be sent to a process', () => {
    assert.throws(() => packShared([new Event()], 'process', 'args'), UnserializableError);
  });
});

describe('Event across threads', () => {
  test('a worker blocks in wait() until the main thread sets the event; times out with false', async () => {
    const event = new Event();
    assert.equal(await pool.submit(tasks.eventWait, event, 20), false);
    const waiting = pool.submit(tasks.eventWait, event);
    await sleep(30);
    event.set();
    assert.equal(await waiting, true);
  });

  test('the main thread’s waitAsync is woken by a worker’s set()', async () => {
    const event = new Event();
    const waiting = event.waitAsync({ timeout: 10_000 });
    await pool.submit(tasks.eventSet, event);
    assert.equal(await waiting, true);
  });

  test('a set() followed at once by clear() still releases a waiting worker (as in Python)', async () => {
    const event = new Event();
    const waiting = pool.submit(tasks.eventWait, event, 10_000);
    let done = false;
    void waiting.finally(() => (done = true));
    // Pulse until the worker has seen one: the flag is never observably set for more than an instant.
    while (!done) {
      event.set();
      event.clear();
      await sleep(10);
    }
    assert.equal(await waiting, true);
  });
});
