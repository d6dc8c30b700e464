// QueueProxy and JoinableQueueProxy: the async forms and for await.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError, QueueEmptyError, QueueFullError } from '../../../src/errors.ts';
import { JoinableQueueProxy } from '../../../src/manager/proxies/joinable-queue.ts';
import { QueueProxy } from '../../../src/manager/proxies/queue.ts';
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
