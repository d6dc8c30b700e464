// What every proxy shares: its wire form, its kind registered for revival, its id for factories, and blocking
// forms that refuse the main thread, naming the async form.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { kShare, packShared, registeredKinds } from '../../../src/core/shareable.ts';
import { BlockingCallError, InvalidArgumentError } from '../../../src/errors.ts';
import { knownKinds } from '../../../src/backends/common/shared-kinds.ts';
import { BarrierProxy } from '../../../src/manager/proxies/barrier.ts';
import { ConditionProxy } from '../../../src/manager/proxies/condition.ts';
import { DictProxy } from '../../../src/manager/proxies/dict.ts';
import { EventProxy } from '../../../src/manager/proxies/event.ts';
import { JoinableQueueProxy } from '../../../src/manager/proxies/joinable-queue.ts';
import { LifoQueueProxy } from '../../../src/manager/proxies/lifo-queue.ts';
import { ListProxy } from '../../../src/manager/proxies/list.ts';
import { LockProxy } from '../../../src/manager/proxies/lock.ts';
import { endpointOf, objectIdOf } from '../../../src/manager/proxies/managed-proxy.ts';
import { NamespaceProxy } from '../../../src/manager/proxies/namespace.ts';
import { ConnectionProxy } from '../../../src/manager/proxies/pipe.ts';
import { PriorityQueueProxy } from '../../../src/manager/proxies/priority-queue.ts';
import { QueueProxy } from '../../../src/manager/proxies/queue.ts';
import { RLockProxy } from '../../../src/manager/proxies/rlock.ts';
import { BoundedSemaphoreProxy, SemaphoreProxy } from '../../../src/manager/proxies/semaphore.ts';
import { SimpleQueueProxy } from '../../../src/manager/proxies/simple-queue.ts';
import { ValueProxy } from '../../../src/manager/proxies/value.ts';
import { ENDPOINT, FakeChannel } from './fake-channel.ts';
import { setup } from './helpers.ts';

const CLASSES = {
  dict: DictProxy,
  list: ListProxy,
  namespace: NamespaceProxy,
  value: ValueProxy,
  Lock: LockProxy,
  RLock: RLockProxy,
  Semaphore: SemaphoreProxy,
  BoundedSemaphore: BoundedSemaphoreProxy,
  Condition: ConditionProxy,
  Event: EventProxy,
  Barrier: BarrierProxy,
  Queue: QueueProxy,
  JoinableQueue: JoinableQueueProxy,
  LifoQueue: LifoQueueProxy,
  PriorityQueue: PriorityQueueProxy,
  SimpleQueue: SimpleQueueProxy,
  Connection: ConnectionProxy,
} as const;

describe('manager proxies', () => {
  test('every proxy crosses to a thread or process as its endpoint and id, under a registered kind', () => {
    const { a } = setup();
    for (const [type, Class] of Object.entries(CLASSES)) {
      const proxy = new (Class as new (channel: FakeChannel, id: number) => LockProxy)(a, 7);
      for (const target of ['thread', 'process'] as const)
        assert.deepEqual(proxy[kShare](target), {
          kind: `spindle.manager.${type}`,
          state: { endpoint: ENDPOINT, id: 7 },
        });
      assert.ok(registeredKinds().includes(`spindle.manager.${type}`), type);
      assert.ok(knownKinds.includes(`spindle.manager.${type}`), `${type} is in the shared-kinds table`);
    }
  });

  test('objectIdOf and endpointOf give a factory what it needs of a proxy; anything else is refused', () => {
    const { a } = setup();
    const lock = new LockProxy(a, 12);
    assert.equal(objectIdOf(lock), 12);
    assert.equal(endpointOf(lock), ENDPOINT);
    assert.throws(() => objectIdOf({} as never), /Expected a manager proxy/);
    assert.equal(
      Object.keys(lock).length,
      0,
      'nothing enumerable: a proxy logs and clones as an opaque handle',
    );
  });

  test('a proxy is made from a channel and an object id, checked', () => {
    const { a } = setup();
    assert.throws(
      () => new LockProxy(a, 0),
      (e: unknown) => e instanceof InvalidArgumentError && /`id`/.test(e.message),
    );
    assert.throws(() => new LockProxy(a, 1.5), InvalidArgumentError);
    assert.throws(() => new LockProxy({} as never, 1), /`channel` to be a ManagerChannel/);
  });

  test('on the main thread every blocking form throws BlockingCallError naming its async form, sending nothing', () => {
    const { a } = setup();
    const checks: [() => unknown, RegExp][] = [
      [
        () => new LockProxy(a, 1).acquire({ blocking: false }),
        /LockProxy\.acquire\(\).*await lock\.acquireAsync\(\)/,
      ],
      [() => new LockProxy(a, 1).hold(), /LockProxy\.hold\(\).*await lock\.holdAsync\(\)/],
      [() => new DictProxy(a, 1).get('k'), /DictProxy\.get\(\).*await dict\.getAsync\(\)/],
      [
        () => new QueueProxy(a, 1).putNowait(1),
        /QueueProxy\.putNowait\(\).*await queue\.putAsync\(item, \{ timeout: 0 \}\)/,
      ],
      [
        () => new PriorityQueueProxy(a, 1).putNowait(1, { priority: 2 }),
        /PriorityQueueProxy\.putNowait\(\).*await queue\.putAsync\(item, \{ timeout: 0, priority \}\)/,
      ],
      [() => new PriorityQueueProxy(a, 1).put(1, { priority: 2 }), /PriorityQueueProxy\.put\(\).*putAsync/],
      [() => new LifoQueueProxy(a, 1).get(), /LifoQueueProxy\.get\(\).*await queue\.getAsync\(\)/],
      [() => new SimpleQueueProxy(a, 1).qsize(), /SimpleQueueProxy\.qsize\(\).*await queue\.qsizeAsync\(\)/],
      [() => new ListProxy(a, 1).append(1), /await list\.appendAsync\(\)/],
      [() => new EventProxy(a, 1).wait(0), /await event\.waitAsync\(\)/],
    ];
    for (const [call, message] of checks)
      assert.throws(
        call,
        (e: unknown) => e instanceof BlockingCallError && message.test(e.message),
        String(message),
      );
  });

  test('a proxy inside a value travels as its wire form, which the manager stores as given', async () => {
    const s = setup();
    const dictId = (await s.a.create('dict')) as number;
    const queueId = (await s.a.create('Queue')) as number;
    const dict = new DictProxy<string, unknown>(s.a, dictId);
    await dict.setAsync('jobs', { queue: new QueueProxy(s.a, queueId), note: 'x' });
    const stored = s.host.invoke(dictId, 'get', ['jobs'], {
      session: { id: 0 },
      signal: new AbortController().signal,
    });
    assert.deepEqual(stored, {
      queue: { '@spindle/shared': 'spindle.manager.Queue', state: { endpoint: ENDPOINT, id: queueId } },
      note: 'x',
    });
    assert.deepEqual(packShared(new QueueProxy(new FakeChannel(s.host), 3), 'process', 'x').found, true);
  });
});
