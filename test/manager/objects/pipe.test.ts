// The managed Pipe on the server: two Connection objects.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChannelClosedError, InvalidStateError, TimeoutError } from '../../../src/errors.ts';
import { createObjectHost } from '../../../src/manager/objects/host.ts';
import { MANAGER_OBJECT } from '../../../src/manager/types.ts';
import { Client, stateOf } from './helpers.ts';

function pipe(duplex?: boolean): { ends: [number, number]; a: Client; b: Client } {
  const host = createObjectHost();
  const [a, b] = [new Client(host), new Client(host)];
  const args = duplex === undefined ? ['Pipe'] : ['Pipe', duplex];
  return { ends: a.invoke(MANAGER_OBJECT, 'create', args) as [number, number], a, b };
}

describe('managed Pipe', () => {
  test('a duplex pipe carries messages both ways, in order', async () => {
    const {
      ends: [left, right],
      a,
      b,
    } = pipe();
    a.invoke(left, 'send', ['one']);
    a.invoke(left, 'send', ['two']);
    assert.deepEqual([b.invoke(right, 'recv'), b.invoke(right, 'recv')], ['one', 'two']);
    const waiting = a.call(left, 'recv');
    b.invoke(right, 'send', [{ reply: true }]);
    assert.deepEqual(await waiting, { reply: true });
  });

  test('a one-way pipe: the first end only receives, the second only sends', () => {
    const {
      ends: [reader, writer],
      a,
    } = pipe(false);
    assert.deepEqual([a.invoke(reader, 'readable'), a.invoke(reader, 'writable')], [true, false]);
    assert.throws(
      () => a.invoke(reader, 'send', [1]),
      (e: unknown) => e instanceof InvalidStateError && /only receives/.test(e.message),
    );
    assert.throws(() => a.invoke(writer, 'recv'), /only sends/);
    a.invoke(writer, 'send', [1]);
    assert.equal(a.invoke(reader, 'recv'), 1);
  });

  test('recv times out with TimeoutError; an aborted recv takes no message', async () => {
    const {
      ends: [left, right],
      a,
      b,
    } = pipe();
    await assert.rejects(
      a.call(left, 'recv', [], { timeout: 10 }),
      (e: unknown) => e instanceof TimeoutError && /within 10 ms/.test(e.message),
    );
    const controller = new AbortController();
    const recv = a.call(left, 'recv', [], { signal: controller.signal });
    controller.abort(new Error('x'));
    await assert.rejects(recv, /x/);
    b.invoke(right, 'send', ['kept']);
    assert.equal(a.invoke(left, 'recv'), 'kept');
  });

  test('poll says whether recv would return at once, waiting up to its timeout, without taking anything', async () => {
    const {
      ends: [left, right],
      a,
      b,
    } = pipe();
    assert.equal(await a.call(left, 'poll', [], { timeout: 0 }), false);
    const polling = a.call(left, 'poll', [], { timeout: 60_000 });
    assert.equal(await stateOf(polling), 'pending');
    b.invoke(right, 'send', ['m']);
    assert.equal(await polling, true);
    assert.equal(a.invoke(left, 'poll'), true);
    assert.equal(a.invoke(left, 'recv'), 'm');
  });

  test('closing an end: the other receives what was sent, then ChannelClosedError; nobody may send', async () => {
    const {
      ends: [left, right],
      a,
      b,
    } = pipe();
    const waiting = a.call(left, 'recv');
    const polling = a.call(left, 'poll', [], { timeout: 60_000 });
    a.invoke(left, 'send', ['before close']);
    b.invoke(right, 'close');
    await assert.rejects(waiting, ChannelClosedError);
    assert.equal(await polling, true, 'a closed end is ready: recv would not wait');
    assert.throws(() => a.invoke(left, 'send', ['late']), /other end of the pipe was closed/);
    assert.throws(() => b.invoke(right, 'recv'), /this connection is closed/);
    assert.equal(b.invoke(right, 'closed'), true);
    assert.equal(a.invoke(left, 'closed'), false);
    b.invoke(right, 'close');
  });

  test('the other end drains before it hears of the close', () => {
    const {
      ends: [left, right],
      a,
      b,
    } = pipe();
    a.invoke(left, 'send', [1]);
    a.invoke(left, 'close');
    assert.equal(b.invoke(right, 'recv'), 1);
    assert.throws(() => b.invoke(right, 'recv'), /everything it sent was received/);
  });
});
