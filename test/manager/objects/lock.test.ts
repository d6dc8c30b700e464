// The managed Lock on the server: sessions for threads, first come first served, abandonment.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CancelledError, InvalidStateError, LockAbandonedError } from '../../../src/errors.ts';
import { createObjectHost } from '../../../src/manager/objects/host.ts';
import { Client, stateOf } from './helpers.ts';

function setup(clients = 3): { lock: number; c: Client[] } {
  const host = createObjectHost();
  const c = Array.from({ length: clients }, () => new Client(host));
  return { lock: c[0]!.create('Lock'), c };
}

describe('managed Lock', () => {
  test('acquire takes a free lock at once; timeout 0 only tries; it is not re-entrant', async () => {
    const { lock, c } = setup();
    const [a, b] = c as [Client, Client];
    assert.equal(a.invoke(lock, 'locked'), false);
    assert.equal(a.invoke(lock, 'acquire'), true);
    assert.equal(a.invoke(lock, 'locked'), true);
    assert.equal(await b.call(lock, 'acquire', [], { timeout: 0 }), false);
    assert.equal(await a.call(lock, 'acquire', [], { timeout: 0 }), false, 'not re-entrant');
  });

  test('a release hands the lock to the waiters one at a time, first come first served', async () => {
    const { lock, c } = setup(4);
    const [holder, ...waiters] = c as [Client, Client, Client, Client];
    holder.invoke(lock, 'acquire');
    const order: number[] = [];
    const waits = waiters.map((w, i) => w.call(lock, 'acquire').then(() => order.push(i)));
    assert.equal(await stateOf(waits[0]!), 'pending');
    holder.invoke(lock, 'release');
    await stateOf(waits[0]!);
    assert.deepEqual(order, [0], 'only the first waiter got it');
    waiters[0]!.invoke(lock, 'release'); // handed to waiter 1 at once...
    waiters[1]!.invoke(lock, 'release'); // ...so it may release it before it has even heard, and 2 gets it
    await Promise.all(waits);
    assert.deepEqual(order, [0, 1, 2]);
  });

  test('a timed-out acquire answers false and leaves the lock as it was', async () => {
    const { lock, c } = setup();
    c[0]!.invoke(lock, 'acquire');
    assert.equal(await c[1]!.call(lock, 'acquire', [], { timeout: 20 }), false);
    c[0]!.invoke(lock, 'release');
    assert.equal(c[0]!.invoke(lock, 'locked'), false, 'not handed to the waiter that gave up');
  });

  test('an aborted acquire rejects with the reason and never takes the lock', async () => {
    const { lock, c } = setup();
    c[0]!.invoke(lock, 'acquire');
    const controller = new AbortController();
    const waiting = c[1]!.call(lock, 'acquire', [], { signal: controller.signal });
    const reason = new Error('stop');
    controller.abort(reason);
    await assert.rejects(waiting, (e: unknown) => e === reason);
    c[0]!.invoke(lock, 'release');
    assert.equal(c[0]!.invoke(lock, 'locked'), false);
  });

  test('any session may release a held lock; releasing a free one is an InvalidStateError', () => {
    const { lock, c } = setup();
    c[0]!.invoke(lock, 'acquire');
    c[1]!.invoke(lock, 'release');
    assert.equal(c[0]!.invoke(lock, 'locked'), false);
    assert.throws(() => c[0]!.invoke(lock, 'release'), /Cannot release a Lock that is not held/);
    assert.throws(() => c[0]!.invoke(lock, 'release'), InvalidStateError);
  });

  test('the holder’s session closing abandons the lock until recover(); waiters hear it at once', async () => {
    const { lock, c } = setup();
    const [holder, waiter, later] = c as [Client, Client, Client];
    holder.invoke(lock, 'acquire');
    const waiting = waiter.call(lock, 'acquire');
    holder.close();
    await assert.rejects(
      waiting,
      (e: unknown) => e instanceof LockAbandonedError && /session holding it closed/.test(e.message),
    );
    assert.throws(() => later.invoke(lock, 'acquire'), LockAbandonedError);
    assert.throws(() => later.invoke(lock, 'release'), LockAbandonedError);
    assert.equal(later.invoke(lock, 'locked'), true, 'abandoned reads as locked, as the thread Lock');
    assert.equal(later.invoke(lock, 'recover'), true);
    assert.equal(later.invoke(lock, 'recover'), false, 'nothing left to recover');
    assert.equal(later.invoke(lock, 'acquire'), true);
  });

  test('a session that closes while waiting leaves the line: the lock skips it', async () => {
    const { lock, c } = setup();
    const [holder, gone, next] = c as [Client, Client, Client];
    holder.invoke(lock, 'acquire');
    const lost = gone.call(lock, 'acquire');
    const waiting = next.call(lock, 'acquire');
    gone.close();
    await assert.rejects(lost, CancelledError);
    holder.invoke(lock, 'release');
    assert.equal(await waiting, true);
    next.invoke(lock, 'release');
    assert.equal(holder.invoke(lock, 'locked'), false, 'a closed waiter never holds it');
  });

  test('a session that closes holding nothing abandons nothing', () => {
    const { lock, c } = setup();
    c[0]!.invoke(lock, 'acquire');
    c[1]!.close();
    c[0]!.invoke(lock, 'release');
    assert.equal(c[0]!.invoke(lock, 'acquire'), true);
  });
});
