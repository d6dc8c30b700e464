// The managed Queue on the server: FIFO, back-pressure, timeouts, cancellation without effect, close.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CancelledError, ChannelClosedError, QueueEmptyError, QueueFullError } from '../../../src/errors.ts';
import { createObjectHost } from '../../../src/manager/objects/host.ts';
import { Client, stateOf } from './helpers.ts';

function setup(maxsize?: number): { queue: number; a: Client; b: Client } {
  const host = createObjectHost();
  const [a, b] = [new Client(host), new Client(host)];
  return { queue: maxsize === undefined ? a.create('Queue') : a.create('Queue', maxsize), a, b };
}

describe('managed Queue', () => {
  test('items come out in the order they went in, as given', () => {
    const { queue, a, b } = setup();
    const wire = { '@spindle/shared': 'spindle.manager.Lock', state: { id: 3 } };
    for (const item of [1, 'two', wire]) a.invoke(queue, 'put', [item]);
    assert.equal(b.invoke(queue, 'qsize'), 3);
    assert.deepEqual(
      [0, 1, 2].map(() => b.invoke(queue, 'get')),
      [1, 'two', wire],
    );
    assert.equal(b.invoke(queue, 'empty'), true);
  });

  test('a waiting get receives the next put; timeout 0 and timed gets throw QueueEmptyError', async () => {
    const { queue, a, b } = setup();
    await assert.rejects(
      b.call(queue, 'get', [], { timeout: 0 }),
      (e: unknown) => e instanceof QueueEmptyError && e.message === 'The queue is empty',
    );
    await assert.rejects(b.call(queue, 'get', [], { timeout: 10 }), /stayed empty for 10 ms/);
    const waiting = b.call(queue, 'get');
    a.invoke(queue, 'put', ['x']);
    assert.equal(await waiting, 'x');
    assert.equal(a.invoke(queue, 'qsize'), 0, 'handed over, not stored');
  });

  test('with maxsize, puts wait for room (back-pressure) and move in, in order, as gets make room', async () => {
    const { queue, a, b } = setup(2);
    a.invoke(queue, 'put', [1]);
    a.invoke(queue, 'put', [2]);
    assert.equal(a.invoke(queue, 'full'), true);
    assert.equal(a.invoke(queue, 'maxsize'), 2);
    await assert.rejects(a.call(queue, 'put', [9], { timeout: 0 }), /full \(maxsize 2\)/);
    await assert.rejects(a.call(queue, 'put', [9], { timeout: 10 }), QueueFullError);
    const third = a.call(queue, 'put', [3]);
    const fourth = a.call(queue, 'put', [4]);
    assert.equal(await stateOf(third), 'pending');
    assert.equal(b.invoke(queue, 'get'), 1);
    await third;
    assert.equal(await stateOf(fourth), 'pending');
    assert.deepEqual([b.invoke(queue, 'get'), b.invoke(queue, 'get'), b.invoke(queue, 'get')], [2, 3, 4]);
    await fourth;
  });

  test('an aborted get takes no item, and an aborted put adds none', async () => {
    const { queue, a, b } = setup(1);
    const controller = new AbortController();
    const get = b.call(queue, 'get', [], { signal: controller.signal });
    controller.abort(new Error('no longer'));
    await assert.rejects(get, /no longer/);
    a.invoke(queue, 'put', ['kept']);
    assert.equal(a.invoke(queue, 'qsize'), 1, 'the item was not handed to the aborted getter');
    const putter = new AbortController();
    const put = a.call(queue, 'put', ['dropped'], { signal: putter.signal });
    putter.abort(new Error('stop'));
    await assert.rejects(put, /stop/);
    assert.equal(b.invoke(queue, 'get'), 'kept');
    assert.equal(b.invoke(queue, 'qsize'), 0, 'the aborted put added nothing');
  });

  test('a getter whose session closes leaves the line: the next item is not lost with it', async () => {
    const { queue, a, b } = setup();
    const lost = b.call(queue, 'get');
    b.close();
    await assert.rejects(lost, CancelledError);
    a.invoke(queue, 'put', ['safe']);
    assert.equal(a.invoke(queue, 'get'), 'safe');
  });

  test('close(): puts fail, gets drain what is left and then fail; waiting gets and puts fail at once', async () => {
    const { queue, a, b } = setup(1);
    a.invoke(queue, 'put', ['last']);
    const blockedPut = a.call(queue, 'put', ['never']);
    b.invoke(queue, 'close');
    await assert.rejects(
      blockedPut,
      (e: unknown) => e instanceof ChannelClosedError && /put into a closed Queue/.test(e.message),
    );
    assert.equal(b.invoke(queue, 'closed'), true);
    assert.throws(() => a.invoke(queue, 'put', ['late']), ChannelClosedError);
    assert.equal(b.invoke(queue, 'get'), 'last');
    assert.throws(() => b.invoke(queue, 'get'), /closed and has no items left/);
    const other = setup();
    const waiting = other.b.call(other.queue, 'get');
    other.a.invoke(other.queue, 'close');
    await assert.rejects(waiting, ChannelClosedError);
  });

  test('bad maxsize and arguments are InvalidArgumentErrors', () => {
    const { queue, a } = setup();
    assert.throws(() => a.create('Queue', -1), /`maxsize` to be an integer from 0/);
    assert.throws(() => a.invoke(queue, 'put', []), /1 argument\(s\) to Queue.put, got 0/);
  });
});
