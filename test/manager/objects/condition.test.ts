// The managed Condition on the server: waits release the session's hold and take it back, whatever ends them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CancelledError,
  InvalidArgumentError,
  InvalidStateError,
  LockAbandonedError,
} from '../../../src/errors.ts';
import { createObjectHost } from '../../../src/manager/objects/host.ts';
import { Client, settle, stateOf } from './helpers.ts';

function setup(lockType?: 'Lock' | 'RLock'): {
  cond: number;
  lock: number | undefined;
  a: Client;
  b: Client;
  c: Client;
} {
  const host = createObjectHost();
  const [a, b, c] = [new Client(host), new Client(host), new Client(host)];
  const lock = lockType === undefined ? undefined : a.create(lockType);
  const cond = lock === undefined ? a.create('Condition') : a.create('Condition', lock);
  return { cond, lock, a, b, c };
}

describe('managed Condition', () => {
  test('wait and notify need the lock: InvalidStateError without it', async () => {
    const { cond, a } = setup();
    await assert.rejects(
      a.call(cond, 'wait'),
      (e: unknown) => e instanceof InvalidStateError && /wait on a Condition/.test(e.message),
    );
    assert.throws(() => a.invoke(cond, 'notify'), /Cannot notify a Condition without holding its lock/);
  });

  test('a notified waiter returns true only once the notifier has released the lock, holding it then', async () => {
    const { cond, a, b } = setup();
    a.invoke(cond, 'acquire');
    const waiting = a.call(cond, 'wait');
    assert.equal(b.invoke(cond, 'acquire'), true, 'wait released the lock');
    b.invoke(cond, 'notify');
    assert.equal(await stateOf(waiting), 'pending', 'notified, but the lock is still b’s');
    b.invoke(cond, 'release');
    assert.equal(await waiting, true);
    assert.throws(() => b.invoke(cond, 'release'), /owned by another session/, 'a holds the lock again');
    a.invoke(cond, 'release');
  });

  test('notify(n) wakes n waiters, first first; notifyAll wakes the rest', async () => {
    const { cond, a, b, c } = setup();
    const woken: string[] = [];
    for (const [client, name] of [
      [a, 'a'],
      [b, 'b'],
    ] as const) {
      client.invoke(cond, 'acquire');
      void client.call(cond, 'wait').then(() => {
        woken.push(name);
        client.invoke(cond, 'release');
      });
    }
    c.invoke(cond, 'acquire');
    c.invoke(cond, 'notify', [1]);
    c.invoke(cond, 'release');
    await settle();
    assert.deepEqual(woken, ['a']);
    c.invoke(cond, 'acquire');
    c.invoke(cond, 'notify', [0]);
    c.invoke(cond, 'notifyAll');
    c.invoke(cond, 'release');
    await settle();
    assert.deepEqual(woken, ['a', 'b']);
    assert.throws(() => c.invoke(cond, 'notify', [-1]), InvalidArgumentError);
  });

  test('a timed-out wait answers false holding the lock again', async () => {
    const { cond, a, b } = setup();
    a.invoke(cond, 'acquire');
    assert.equal(await a.call(cond, 'wait', [], { timeout: 10 }), false);
    assert.equal(await b.call(cond, 'acquire', [], { timeout: 0 }), false, 'a holds it');
    a.invoke(cond, 'release');
  });

  test('an aborted wait rejects with the reason holding the lock again, and a later notify skips it', async () => {
    const { cond, a, b } = setup();
    a.invoke(cond, 'acquire');
    const controller = new AbortController();
    const waiting = a.call(cond, 'wait', [], { signal: controller.signal });
    const reason = new Error('cancel');
    controller.abort(reason);
    await assert.rejects(waiting, (e: unknown) => e === reason);
    a.invoke(cond, 'release');
    b.invoke(cond, 'acquire');
    b.invoke(cond, 'notify');
    b.invoke(cond, 'release');
  });

  test('over an RLock held twice, wait lets go entirely and restores the depth', async () => {
    const { cond, lock, a, b } = setup('RLock');
    a.invoke(lock!, 'acquire');
    a.invoke(cond, 'acquire');
    const waiting = a.call(cond, 'wait');
    assert.equal(b.invoke(lock!, 'acquire'), true, 'free while a waits');
    b.invoke(cond, 'notify');
    b.invoke(lock!, 'release');
    assert.equal(await waiting, true);
    a.invoke(cond, 'release');
    assert.equal(a.invoke(lock!, 'locked'), true, 'depth 2 restored: one release leaves it held');
    a.invoke(cond, 'release');
    assert.equal(a.invoke(lock!, 'locked'), false);
  });

  test('a Condition over a managed Lock shares it; a bad lock id is an InvalidArgumentError', () => {
    const { cond, lock, a, b } = setup('Lock');
    a.invoke(lock!, 'acquire');
    assert.equal(b.invoke(cond, 'locked'), true);
    assert.throws(() => a.create('Condition', 99), /id of a managed Lock or RLock, got `99`/);
    const event = a.create('Event');
    assert.throws(() => a.create('Condition', event), /\(a Event\)/);
  });

  test('the lock abandoned under a waiter ends its wait with LockAbandonedError', async () => {
    const { cond, a, b } = setup();
    a.invoke(cond, 'acquire');
    const waiting = a.call(cond, 'wait');
    b.invoke(cond, 'acquire');
    b.close();
    await assert.rejects(waiting, LockAbandonedError);
    assert.equal(a.invoke(cond, 'recover'), true);
  });

  test('a waiter whose session closes takes nothing back: the lock is not abandoned for it', async () => {
    const { cond, a, b } = setup();
    a.invoke(cond, 'acquire');
    const controller = new AbortController();
    const waiting = a.call(cond, 'wait', [], { signal: controller.signal });
    // As the transport does: abort the session's requests, then report it closed, in one step.
    controller.abort(new CancelledError('connection lost'));
    a.close();
    await assert.rejects(waiting, CancelledError);
    assert.equal(b.invoke(cond, 'acquire'), true, 'free, not abandoned');
    b.invoke(cond, 'notify');
    b.invoke(cond, 'release');
  });

  test('the same, when the session is reported closed before its requests are aborted', async () => {
    const { cond, a, b } = setup();
    a.invoke(cond, 'acquire');
    const waiting = a.call(cond, 'wait');
    a.close();
    await assert.rejects(waiting, CancelledError);
    assert.equal(b.invoke(cond, 'acquire'), true);
  });
});
