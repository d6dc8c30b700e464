// The managed LifoQueue on the server: newest first, hand-offs, back-pressure, cancellation without effect.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChannelClosedError, InvalidArgumentError, QueueEmptyError } from '../../../src/errors.ts';
import { createObjectHost } from '../../../src/manager/objects/host.ts';
import { Client, stateOf } from './helpers.ts';

function setup(maxsize?: number): { queue: number; a: Client; b: Client } {
  const host = createObjectHost();
  const [a, b] = [new Client(host), new Client(host)];
  return { queue: maxsize === undefined ? a.create('LifoQueue') : a.create('LifoQueue', maxsize), a, b };
}

describe('managed LifoQueue', () => {
  test('the newest item comes out first', async () => {
    const { queue, a, b } = setup();
    for (const item of [1, 2, 3]) a.invoke(queue, 'put', [item]);
    assert.equal(b.invoke(queue, 'get'), 3);
    a.invoke(queue, 'put', [4]);
    assert.deepEqual([b.invoke(queue, 'get'), b.invoke(queue, 'get'), b.invoke(queue, 'get')], [4, 2, 1]);
    await assert.rejects(b.call(queue, 'get', [], { timeout: 0 }), QueueEmptyError);
  });

  test('a waiting get receives the next put', async () => {
    const { queue, a, b } = setup();
    const waiting = b.call(queue, 'get');
    assert.equal(await stateOf(waiting), 'pending');
    a.invoke(queue, 'put', ['x']);
    assert.equal(await waiting, 'x');
    assert.equal(a.invoke(queue, 'qsize'), 0);
  });

  test('with maxsize, a waiting put moves in when a get makes room, and is the next out', async () => {
    const { queue, a, b } = setup(2);
    a.invoke(queue, 'put', [1]);
    a.invoke(queue, 'put', [2]);
    assert.equal(a.invoke(queue, 'full'), true);
    const third = a.call(queue, 'put', [3]);
    assert.equal(await stateOf(third), 'pending');
    assert.equal(b.invoke(queue, 'get'), 2);
    await third;
    assert.deepEqual([b.invoke(queue, 'get'), b.invoke(queue, 'get')], [3, 1]);
  });

  test('an aborted put adds nothing and an aborted get takes nothing; close fails waiting gets', async () => {
    const { queue, a, b } = setup(1);
    a.invoke(queue, 'put', ['kept']);
    const controller = new AbortController();
    const put = a.call(queue, 'put', ['dropped'], { signal: controller.signal });
    controller.abort(new Error('stop'));
    await assert.rejects(put, /stop/);
    assert.equal(b.invoke(queue, 'get'), 'kept');
    const getter = new AbortController();
    const get = b.call(queue, 'get', [], { signal: getter.signal });
    getter.abort(new Error('no longer'));
    await assert.rejects(get, /no longer/);
    a.invoke(queue, 'put', ['still here']);
    assert.equal(a.invoke(queue, 'qsize'), 1);
    assert.equal(b.invoke(queue, 'get'), 'still here');
    const waiting = b.call(queue, 'get');
    a.invoke(queue, 'close');
    await assert.rejects(
      waiting,
      (e: unknown) => e instanceof ChannelClosedError && /LifoQueue/.test(e.message),
    );
  });

  test('bad arguments are InvalidArgumentErrors', () => {
    const { queue, a } = setup();
    assert.throws(() => a.create('LifoQueue', -1), InvalidArgumentError);
    assert.throws(() => a.invoke(queue, 'put', ['x', 1]), /1 argument\(s\) to LifoQueue.put, got 2/);
  });
});
