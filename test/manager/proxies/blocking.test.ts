// The proxies' blocking forms, run for real in a worker thread: its calls cross a test-only blocking bridge
// (bridge.ts) to the host on the main thread, which drives the other side with the async forms.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LockAbandonedError } from '../../../src/errors.ts';
import { BarrierProxy } from '../../../src/manager/proxies/barrier.ts';
import { ConditionProxy } from '../../../src/manager/proxies/condition.ts';
import { DictProxy } from '../../../src/manager/proxies/dict.ts';
import { EventProxy } from '../../../src/manager/proxies/event.ts';
import { JoinableQueueProxy } from '../../../src/manager/proxies/joinable-queue.ts';
import { LockProxy } from '../../../src/manager/proxies/lock.ts';
import { ConnectionProxy } from '../../../src/manager/proxies/pipe.ts';
import { QueueProxy } from '../../../src/manager/proxies/queue.ts';
import { SemaphoreProxy } from '../../../src/manager/proxies/semaphore.ts';
import { runInWorker } from './bridge.ts';
import { setup } from './helpers.ts';

describe('blocking forms in a worker thread', () => {
  test('non-waiting calls and guards of the data types and locks', async () => {
    const s = setup();
    const ids: Record<string, number> = {};
    for (const type of ['lock', 'dict', 'list', 'namespace', 'value', 'rlock'])
      ids[type] = (await s.a.create(type === 'lock' ? 'Lock' : type === 'rlock' ? 'RLock' : type)) as number;
    const { result, exited } = runInWorker(s.host, 'basics', ids);
    assert.deepEqual(await result, {
      lockedAfter: false,
      rlockedAfter: false,
      acquiredNonBlocking: true,
      dict: { worker: 1, x: 2 },
      popped: 2,
      list: [0, 1, 2, 3, 4],
      sum: [1, 2],
      who: 'worker',
      before: 0,
      after: 10,
    });
    await exited;
    assert.deepEqual(await new DictProxy(s.a, ids.dict!).keysAsync(), ['worker']);
  });

  test('waits the main thread ends: get, acquire, waitFor, barrier, permit, join, recv', async () => {
    const s = setup();
    const ids: Record<string, number> = {};
    const types: Record<string, [string, ...unknown[]]> = {
      started: ['Event'],
      queue: ['Queue'],
      lock: ['Lock'],
      cond: ['Condition'],
      flag: ['Event'],
      barrier: ['Barrier', 2],
      sem: ['Semaphore', 0],
      jobs: ['JoinableQueue'],
    };
    for (const [name, [type, ...args]] of Object.entries(types))
      ids[name] = (await s.a.create(type, ...args)) as number;
    const [here, there] = (await s.a.create('Pipe')) as [number, number];
    ids.conn = there;
    const lock = new LockProxy(s.a, ids.lock!);
    await lock.acquireAsync(); // the worker's acquire waits for the release below
    const { result } = runInWorker(s.host, 'waits', ids);
    await new EventProxy(s.a, ids.started!).waitAsync();
    await new QueueProxy<string>(s.a, ids.queue!).putAsync('first');
    await lock.releaseAsync();
    const cond = new ConditionProxy(s.a, ids.cond!);
    {
      await using _ = await cond.holdAsync();
      await new EventProxy(s.a, ids.flag!).setAsync();
      await cond.notifyAllAsync();
    }
    const index = await new BarrierProxy(s.a, ids.barrier!).waitAsync();
    await new SemaphoreProxy(s.a, ids.sem!).releaseAsync();
    const jobs = new JoinableQueueProxy<number>(s.a, ids.jobs!);
    for (const n of [1, 2, 3]) await jobs.putAsync(n);
    await jobs.joinAsync();
    const conn = new ConnectionProxy<string>(s.a, here);
    await conn.sendAsync('echo');
    assert.equal(await conn.recvAsync(), 'ECHO');
    const summary = (await result) as { index: number };
    assert.deepEqual(summary, {
      item: 'first',
      acquired: true,
      predicate: true,
      index: 1 - index,
      permit: true,
      done: 6,
      empty: 'QueueEmptyError',
    });
  });

  test('a worker thread that dies holding a managed Lock abandons it', async () => {
    const s = setup();
    const ids = {
      lock: (await s.a.create('Lock')) as number,
      held: (await s.a.create('Event')) as number,
      never: (await s.a.create('Event')) as number,
    };
    const { worker, exited } = runInWorker(s.host, 'diesHolding', ids);
    await new EventProxy(s.a, ids.held).waitAsync();
    const lock = new LockProxy(s.a, ids.lock);
    const waiting = lock.acquireAsync();
    await worker.terminate();
    await exited;
    await assert.rejects(waiting, LockAbandonedError);
    await assert.rejects(lock.acquireAsync(), LockAbandonedError);
    assert.equal(await lock.recoverAsync(), true);
    assert.equal(await lock.acquireAsync({ timeout: 0 }), true);
  });
});
