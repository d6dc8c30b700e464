// The managed JoinableQueue on the server: unfinished items, taskDone and join.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidStateError, TimeoutError } from '../../../src/errors.ts';
import { createObjectHost } from '../../../src/manager/objects/host.ts';
import { Client, stateOf } from './helpers.ts';

describe('managed JoinableQueue', () => {
  test('join waits until every item put was reported done', async () => {
    const host = createObjectHost();
    const [producer, consumer] = [new Client(host), new Client(host)];
    const queue = producer.create('JoinableQueue');
    assert.equal(producer.invoke(queue, 'join'), undefined, 'nothing unfinished: returns at once');
    const handed = consumer.call(queue, 'get');
    producer.invoke(queue, 'put', ['a']);
    producer.invoke(queue, 'put', ['b']);
    assert.equal(
      producer.invoke(queue, 'unfinishedTasks'),
      2,
      'an item handed straight to a getter counts too',
    );
    const joined = producer.call(queue, 'join');
    assert.equal(await handed, 'a');
    consumer.invoke(queue, 'taskDone');
    assert.equal(consumer.invoke(queue, 'get'), 'b');
    assert.equal(await stateOf(joined), 'pending');
    consumer.invoke(queue, 'taskDone');
    await joined;
    assert.throws(
      () => consumer.invoke(queue, 'taskDone'),
      (e: unknown) => e instanceof InvalidStateError && /more times than there were items/.test(e.message),
    );
  });

  test('a join that runs out of time is a TimeoutError; it keeps the Queue methods', async () => {
    const a = new Client(createObjectHost());
    const queue = a.create('JoinableQueue', 1);
    a.invoke(queue, 'put', [1]);
    assert.equal(a.invoke(queue, 'full'), true);
    await assert.rejects(
      a.call(queue, 'join', [], { timeout: 10 }),
      (e: unknown) => e instanceof TimeoutError && /1 item/.test(e.message),
    );
  });
});
