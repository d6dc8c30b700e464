// The managed Semaphore and BoundedSemaphore on the server.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CancelledError, InvalidArgumentError, InvalidStateError } from '../../../src/errors.ts';
import { createObjectHost } from '../../../src/manager/objects/host.ts';
import { Client, stateOf } from './helpers.ts';

describe('managed Semaphore', () => {
  test('acquire takes permits while there are some, then waits; release(n) serves waiters in order', async () => {
    const host = createObjectHost();
    const [a, b, c] = [new Client(host), new Client(host), new Client(host)];
    const sem = a.create('Semaphore', 1);
    assert.equal(a.invoke(sem, 'acquire'), true);
    assert.equal(a.invoke(sem, 'value'), 0);
    assert.equal(await a.call(sem, 'acquire', [], { timeout: 0 }), false);
    const order: string[] = [];
    const waits = [
      b.call(sem, 'acquire').then(() => order.push('b')),
      c.call(sem, 'acquire').then(() => order.push('c')),
    ];
    assert.equal(await stateOf(waits[0]!), 'pending');
    a.invoke(sem, 'release', [3]);
    await Promise.all(waits);
    assert.deepEqual(order, ['b', 'c']);
    assert.equal(a.invoke(sem, 'value'), 1, 'three released, two handed to waiters');
  });

  test('a timed-out or aborted acquire takes no permit', async () => {
    const host = createObjectHost();
    const [a, b] = [new Client(host), new Client(host)];
    const sem = a.create('Semaphore', 0);
    assert.equal(await b.call(sem, 'acquire', [], { timeout: 10 }), false);
    const controller = new AbortController();
    const waiting = b.call(sem, 'acquire', [], { signal: controller.signal });
    controller.abort(new Error('no'));
    await assert.rejects(waiting, /no/);
    a.invoke(sem, 'release');
    assert.equal(a.invoke(sem, 'value'), 1, 'the permit is still there');
  });

  test('a BoundedSemaphore refuses a release above its initial value', () => {
    const host = createObjectHost();
    const a = new Client(host);
    const sem = a.create('BoundedSemaphore', 2);
    a.invoke(sem, 'acquire');
    a.invoke(sem, 'release');
    assert.throws(
      () => a.invoke(sem, 'release'),
      (e: unknown) => e instanceof InvalidStateError && /released too many times.*at most 2/.test(e.message),
    );
    assert.equal(a.invoke(sem, 'value'), 2);
    const plain = a.create('Semaphore', 2);
    a.invoke(plain, 'release');
    assert.equal(a.invoke(plain, 'value'), 3, 'a plain Semaphore may grow');
  });

  test('bad counts are InvalidArgumentErrors', () => {
    const a = new Client(createObjectHost());
    assert.throws(() => a.create('Semaphore', 1.5), InvalidArgumentError);
    assert.throws(() => a.create('BoundedSemaphore', '2'), InvalidArgumentError);
    const sem = a.create('Semaphore');
    assert.equal(a.invoke(sem, 'value'), 1, 'one permit by default');
    assert.throws(() => a.invoke(sem, 'release', [0]), /`n` to be an integer from 1/);
  });

  test('a closed session’s permits are not returned (they have no owner); its waiters leave the line', async () => {
    const host = createObjectHost();
    const [gone, waiter, other] = [new Client(host), new Client(host), new Client(host)];
    const sem = gone.create('Semaphore', 1);
    gone.invoke(sem, 'acquire');
    const lost = waiter.call(sem, 'acquire');
    const waiting = other.call(sem, 'acquire');
    waiter.close();
    gone.close();
    await assert.rejects(lost, CancelledError);
    assert.equal(other.invoke(sem, 'value'), 0, 'the dead session’s permit stays taken');
    other.invoke(sem, 'release');
    assert.equal(await waiting, true, 'the release went to the live waiter, not the closed one');
  });
});
