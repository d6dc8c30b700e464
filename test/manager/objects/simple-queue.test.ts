// The managed SimpleQueue on the server: unbounded FIFO, the Queue surface without a limit.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChannelClosedError, InvalidArgumentError } from '../../../src/errors.ts';
import { createObjectHost } from '../../../src/manager/objects/host.ts';
import { Client, stateOf } from './helpers.ts';

function setup(): { queue: number; a: Client; b: Client } {
  const host = createObjectHost();
  const [a, b] = [new Client(host), new Client(host)];
  return { queue: a.create('SimpleQueue'), a, b };
}

describe('managed SimpleQueue', () => {
  test('first in, first out, and a put never waits: there is no maxsize', () => {
    const { queue, a, b } = setup();
    for (let i = 0; i < 10_000; i++) assert.equal(a.invoke(queue, 'put', [i], { timeout: 0 }), undefined);
    assert.equal(a.invoke(queue, 'full'), false);
    assert.equal(a.invoke(queue, 'maxsize'), 0);
    assert.equal(b.invoke(queue, 'qsize'), 10_000);
    for (let i = 0; i < 10_000; i++) assert.equal(b.invoke(queue, 'get'), i);
  });

  test('a waiting get receives the next put; an aborted one takes nothing', async () => {
    const { queue, a, b } = setup();
    const controller = new AbortController();
    const aborted = b.call(queue, 'get', [], { signal: controller.signal });
    const waiting = b.call(queue, 'get');
    controller.abort(new Error('no longer'));
    await assert.rejects(aborted, /no longer/);
    assert.equal(await stateOf(waiting), 'pending');
    a.invoke(queue, 'put', ['x']);
    assert.equal(await waiting, 'x');
  });

  test('close() ends it as it ends a Queue', async () => {
    const { queue, a, b } = setup();
    a.invoke(queue, 'put', ['last']);
    a.invoke(queue, 'close');
    assert.throws(() => a.invoke(queue, 'put', ['late']), /put into a closed SimpleQueue/);
    assert.equal(b.invoke(queue, 'get'), 'last');
    await assert.rejects(b.call(queue, 'get'), ChannelClosedError);
  });

  test('it takes no constructor arguments: a maxsize is refused', () => {
    const { a } = setup();
    assert.throws(
      () => a.create('SimpleQueue', 10),
      (e: unknown) =>
        e instanceof InvalidArgumentError && /0 argument\(s\) to SimpleQueue\(\), got 1/.test(e.message),
    );
  });
});
