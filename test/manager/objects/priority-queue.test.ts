// The managed PriorityQueue on the server: priority order (FIFO among equals), hand-offs, waiting putters that
// keep their priority, cancellation without effect, and the checks on `priority`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChannelClosedError, InvalidArgumentError, QueueFullError } from '../../../src/errors.ts';
import { createObjectHost } from '../../../src/manager/objects/host.ts';
import { Client, stateOf } from './helpers.ts';

function setup(maxsize?: number): { queue: number; a: Client; b: Client } {
  const host = createObjectHost();
  const [a, b] = [new Client(host), new Client(host)];
  const queue = maxsize === undefined ? a.create('PriorityQueue') : a.create('PriorityQueue', maxsize);
  return { queue, a, b };
}

const isInvalid = (pattern: RegExp) => (e: unknown) =>
  e instanceof InvalidArgumentError && pattern.test(e.message);

describe('managed PriorityQueue', () => {
  test('the lowest priority comes out first, equal priorities in the order they were put, 0 by default', () => {
    const { queue, a, b } = setup();
    a.invoke(queue, 'put', ['default']); // priority 0
    a.invoke(queue, 'put', ['late', Infinity]);
    a.invoke(queue, 'put', ['first', -Infinity]);
    a.invoke(queue, 'put', ['zero again', 0]);
    a.invoke(queue, 'put', ['urgent', -2.5]);
    a.invoke(queue, 'put', ['soon', 1]);
    assert.equal(b.invoke(queue, 'qsize'), 6);
    assert.deepEqual(
      Array.from({ length: 6 }, () => b.invoke(queue, 'get')),
      ['first', 'urgent', 'default', 'zero again', 'soon', 'late'],
    );
    assert.equal(b.invoke(queue, 'empty'), true);
  });

  test('a waiting get receives the next put at once, whatever its priority', async () => {
    const { queue, a, b } = setup();
    const waiting = b.call(queue, 'get');
    assert.equal(await stateOf(waiting), 'pending');
    a.invoke(queue, 'put', ['x', 99]);
    assert.equal(await waiting, 'x');
    assert.equal(a.invoke(queue, 'qsize'), 0, 'handed over, not stored');
  });

  test('a putter waiting for room keeps its priority: its item moves in by it, not last', async () => {
    const { queue, a, b } = setup(2);
    a.invoke(queue, 'put', ['five', 5]);
    a.invoke(queue, 'put', ['six', 6]);
    assert.equal(a.invoke(queue, 'full'), true);
    await assert.rejects(a.call(queue, 'put', ['no room', 0], { timeout: 0 }), QueueFullError);
    const one = a.call(queue, 'put', ['one', 1]);
    const nine = a.call(queue, 'put', ['nine', 9]);
    assert.equal(await stateOf(one), 'pending');
    assert.equal(b.invoke(queue, 'get'), 'five');
    await one; // the first putter moved in...
    assert.equal(await stateOf(nine), 'pending', '...and only it: the queue is full again');
    assert.equal(b.invoke(queue, 'get'), 'one', 'ahead of six, by its priority');
    await nine;
    assert.deepEqual([b.invoke(queue, 'get'), b.invoke(queue, 'get')], ['six', 'nine']);
  });

  test('an aborted or timed-out put adds nothing, and an aborted get takes nothing', async () => {
    const { queue, a, b } = setup(1);
    a.invoke(queue, 'put', ['held', 5]);
    const controller = new AbortController();
    const put = a.call(queue, 'put', ['dropped', -1], { signal: controller.signal });
    controller.abort(new Error('stop'));
    await assert.rejects(put, /stop/);
    await assert.rejects(a.call(queue, 'put', ['timed out', -1], { timeout: 5 }), QueueFullError);
    assert.equal(b.invoke(queue, 'get'), 'held');
    assert.equal(b.invoke(queue, 'qsize'), 0, 'neither cancelled put added its item');

    const getter = new AbortController();
    const get = b.call(queue, 'get', [], { signal: getter.signal });
    getter.abort(new Error('no longer'));
    await assert.rejects(get, /no longer/);
    a.invoke(queue, 'put', ['kept', 0]);
    assert.equal(a.invoke(queue, 'qsize'), 1, 'the item was not handed to the aborted getter');
  });

  test('close(): a waiting put fails, gets drain by priority and then fail', async () => {
    const { queue, a, b } = setup(2);
    a.invoke(queue, 'put', ['b', 2]);
    a.invoke(queue, 'put', ['a', 1]);
    const blocked = a.call(queue, 'put', ['never', 0]);
    b.invoke(queue, 'close');
    await assert.rejects(
      blocked,
      (e: unknown) => e instanceof ChannelClosedError && /closed PriorityQueue/.test(e.message),
    );
    assert.deepEqual([b.invoke(queue, 'get'), b.invoke(queue, 'get')], ['a', 'b']);
    assert.throws(() => b.invoke(queue, 'get'), ChannelClosedError);
  });

  test('a priority that is not a number, or NaN, is an InvalidArgumentError and adds nothing', () => {
    const { queue, a } = setup();
    for (const bad of [Number.NaN, '1', null, 1n, {}])
      assert.throws(
        () => a.invoke(queue, 'put', ['x', bad]),
        isInvalid(/`priority` to be a number \(not NaN\)/),
        String(bad),
      );
    assert.equal(a.invoke(queue, 'qsize'), 0);
    assert.throws(
      () => a.invoke(queue, 'put', ['x', 1, 2]),
      isInvalid(/1 to 2 argument\(s\) to PriorityQueue.put/),
    );
    assert.throws(() => a.create('PriorityQueue', 1.5), isInvalid(/`maxsize` to be an integer from 0/));
    assert.equal(a.invoke(queue, 'maxsize'), 0);
  });
});
