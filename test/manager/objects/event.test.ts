// The managed Event on the server.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createObjectHost } from '../../../src/manager/objects/host.ts';
import { Client, stateOf } from './helpers.ts';

describe('managed Event', () => {
  test('waiters return true once set, even if it was cleared before they heard; later waits return at once', async () => {
    const host = createObjectHost();
    const [a, b] = [new Client(host), new Client(host)];
    const event = a.create('Event');
    assert.equal(a.invoke(event, 'isSet'), false);
    const waits = [a.call(event, 'wait'), b.call(event, 'wait')];
    assert.equal(await stateOf(waits[0]!), 'pending');
    b.invoke(event, 'set');
    b.invoke(event, 'clear');
    assert.deepEqual(await Promise.all(waits), [true, true]);
    b.invoke(event, 'set');
    assert.equal(a.invoke(event, 'wait'), true);
    assert.equal(a.invoke(event, 'isSet'), true);
  });

  test('a wait times out with false, and an aborted wait rejects with the reason', async () => {
    const a = new Client(createObjectHost());
    const event = a.create('Event');
    assert.equal(await a.call(event, 'wait', [], { timeout: 0 }), false);
    assert.equal(await a.call(event, 'wait', [], { timeout: 10 }), false);
    const controller = new AbortController();
    const waiting = a.call(event, 'wait', [], { signal: controller.signal });
    controller.abort(new Error('bye'));
    await assert.rejects(waiting, /bye/);
  });
});
