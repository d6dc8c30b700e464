// QueueProxy and its relatives (JoinableQueue, LifoQueue, PriorityQueue, SimpleQueue): the async forms and
// for await.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError, QueueEmptyError, QueueFullError } from '../../../src/errors.ts';
import { JoinableQueueProxy } from '../../../src/manager/proxies/joinable-queue.ts';
import { LifoQueueProxy } from '../../../src/manager/proxies/lifo-queue.ts';
import { PriorityQueueProxy } from '../../../src/manager/proxies/priority-queue.ts';
import { QueueProxy } from '../../../src/manager/proxies/queue.ts';
import { SimpleQueueProxy } from '../../../src/manager/proxies/simple-queue.ts';
import { pair, setup, stateOf } from './helpers.ts';

describe('QueueProxy', () => {
  test('items cross sessions in order; maxsize makes putAsync wait for room', async () => {
    const s = setup();
    const [producer, consumer] = await pair(s, QueueProxy<{ n: number }>, 'Queue', 1);
    await producer.putAsync({ n: 1 });
    assert.equal(await producer.fullAsync(), true);
    await assert.rejects(producer.putAsync({ n: 9 }, { timeout: 0 }), QueueFullError);
    const second = producer.putAsync({ n: 2 });
    assert.equal(await stateOf(second), 'pending');
    assert.deepEqual(await consumer.getAsync(), { n: 1 });
    await second;
    assert.deepEqual(await consumer.getAsync(), { n: 2 });
    await assert.rejects(consumer.getAsync({ timeout: 0 }), QueueEmptyError);
    assert.equal(await consumer.emptyAsync(), true);
    assert.equal(await consumer.maxsizeAsync(), 1);
  });

  test('an aborted getAsync takes no item', async () => {
    const s = setup();
    const [producer, consumer] = await pair(s, QueueProxy<string>, 'Queue');
    const controller = new AbortController();
    const getting = consumer.getAsync({ signal: controller.signal });
    controller.abort(new Error('moved on'));
    await assert.rejects(getting, /moved on/);
    await producer.putAsync('kept');
    assert.equal(await producer.qsizeAsync(), 1);
  });

  test('for await yields items until the queue is closed and drained', async () => {
    const s = setup();
    const [producer, consumer] = await pair(s, QueueProxy<number>, 'Queue');
    const seen: number[] = [];
    const consuming = (async () => {
      for await (const n of consumer) seen.push(n);
    })();
    for (const n of [1, 2, 3]) await producer.putAsync(n);
    await producer.closeAsync();
    await consuming;
    assert.deepEqual(seen, [1, 2, 3]);
    assert.equal(await consumer.closedAsync(), true);
  });

  test('bad options are InvalidArgumentErrors thrown at once', () => {
    const s = setup();
    const queue = new QueueProxy(s.a, 1);
    assert.throws(() => queue.putAsync(1, { timeout: -1 }), InvalidArgumentError);
    assert.throws(() => queue.get({ block: 'no' as never }), /`block` to be a boolean/);
    // Misspelt, a timeout would be lost and the call would wait for ever.
    assert.throws(() => queue.get({ timout: 5 } as never), /Unknown option `timout`.*did you mean `timeout`/);
    assert.throws(() => queue.putAsync(1, { priority: 1 } as never), /Unknown option `priority`/);
  });
});

describe('JoinableQueueProxy', () => {
  test('joinAsync resolves once every item put is reported done', async () => {
    const s = setup();
    const [producer, consumer] = await pair(s, JoinableQueueProxy<string>, 'JoinableQueue');
    await producer.putAsync('a');
    await producer.putAsync('b');
    const joined = producer.joinAsync();
    assert.equal(await producer.unfinishedTasksAsync(), 2);
    for (let i = 0; i < 2; i++) {
      await consumer.getAsync();
      await consumer.taskDoneAsync();
    }
    await joined;
    await assert.rejects(consumer.taskDoneAsync(), /more times than there were items/);
    await producer.putAsync('c');
    await assert.rejects(producer.joinAsync({ timeout: 5 }), /still unfinished/);
  });
});

describe('LifoQueueProxy', () => {
  test('items cross sessions newest first; maxsize makes putAsync wait; for await drains it', async () => {
    const s = setup();
    const [producer, consumer] = await pair(s, LifoQueueProxy<number>, 'LifoQueue', 2);
    await producer.putAsync(1);
    await producer.putAsync(2);
    const third = producer.putAsync(3);
    assert.equal(await stateOf(third), 'pending');
    assert.equal(await consumer.getAsync(), 2);
    await third;
    await producer.closeAsync();
    const seen: number[] = [];
    for await (const n of consumer) seen.push(n);
    assert.deepEqual(seen, [3, 1]);
  });
});

describe('PriorityQueueProxy', () => {
  test('putAsync takes { priority }: the lowest comes out first, equal ones in order, 0 by default', async () => {
    const s = setup();
    const [producer, consumer] = await pair(s, PriorityQueueProxy<string>, 'PriorityQueue');
    await producer.putAsync('default');
    await producer.putAsync('last', { priority: Infinity });
    await producer.putAsync('urgent', { priority: -1, timeout: 0 });
    await producer.putAsync('default again', { priority: 0 });
    const taken = [];
    for (let i = 0; i < 4; i++) taken.push(await consumer.getAsync());
    assert.deepEqual(taken, ['urgent', 'default', 'default again', 'last']);
  });

  test('a putAsync waiting for room keeps its priority; an aborted one adds nothing', async () => {
    const s = setup();
    const [producer, consumer] = await pair(s, PriorityQueueProxy<string>, 'PriorityQueue', 2);
    await producer.putAsync('five', { priority: 5 });
    await producer.putAsync('six', { priority: 6 });
    await assert.rejects(producer.putAsync('no room', { timeout: 0 }), QueueFullError);
    const controller = new AbortController();
    const aborted = producer.putAsync('dropped', { priority: -9, signal: controller.signal });
    controller.abort(new Error('never mind'));
    await assert.rejects(aborted, /never mind/);
    const one = producer.putAsync('one', { priority: 1 });
    assert.equal(await stateOf(one), 'pending');
    assert.equal(await consumer.getAsync(), 'five');
    await one;
    assert.deepEqual(
      [await consumer.getAsync(), await consumer.getAsync()],
      ['one', 'six'],
      'the waiting item took its place by its priority; the aborted one never arrived',
    );
    assert.equal(await consumer.emptyAsync(), true);
  });

  test('a priority that is not a number, or NaN, is an InvalidArgumentError thrown at once', () => {
    const s = setup();
    const queue = new PriorityQueueProxy<number>(s.a, 1);
    for (const bad of [Number.NaN, '1', null])
      assert.throws(
        () => queue.putAsync(1, { priority: bad as number }),
        (e: unknown) =>
          e instanceof InvalidArgumentError && /`priority` to be a number \(not NaN\)/.test(e.message),
        String(bad),
      );
    assert.throws(() => queue.putAsync(1, { timeout: -1 }), /`timeout`/);
    assert.throws(() => queue.putNowait(1, 'high' as never), /`options` to be an object/);
    assert.throws(() => queue.put(1, { priorty: 1 } as never), /did you mean `priority`/);
    assert.throws(() => queue.putAsync(1, { priorty: 1 } as never), /did you mean `priority`/);
    assert.throws(() => queue.putNowait(1, { priorty: 1 } as never), /did you mean `priority`/);
  });
});

describe('SimpleQueueProxy', () => {
  test('an unbounded FIFO: puts never wait, full is false and maxsize 0', async () => {
    const s = setup();
    const [producer, consumer] = await pair(s, SimpleQueueProxy<number>, 'SimpleQueue');
    for (let i = 0; i < 100; i++) await producer.putAsync(i, { timeout: 0 });
    assert.equal(await producer.fullAsync(), false);
    assert.equal(await producer.maxsizeAsync(), 0);
    assert.equal(await consumer.qsizeAsync(), 100);
    for (let i = 0; i < 100; i++) assert.equal(await consumer.getAsync(), i);
    await assert.rejects(consumer.getAsync({ timeout: 0 }), QueueEmptyError);
    await consumer.closeAsync();
    assert.equal(await producer.closedAsync(), true);
  });
});
