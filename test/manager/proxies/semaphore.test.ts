// SemaphoreProxy and BoundedSemaphoreProxy: the async forms.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError, InvalidStateError, TimeoutError } from '../../../src/errors.ts';
import { BoundedSemaphoreProxy, SemaphoreProxy } from '../../../src/manager/proxies/semaphore.ts';
import { pair, setup, stateOf } from './helpers.ts';

describe('SemaphoreProxy', () => {
  test('permits are taken and given back across sessions; waiters are served on release', async () => {
    const s = setup();
    const [a, b] = await pair(s, SemaphoreProxy, 'Semaphore', 2);
    assert.equal(await a.acquireAsync(), true);
    await using _ = await a.holdAsync();
    assert.equal(await b.valueAsync(), 0);
    const waiting = b.acquireAsync();
    assert.equal(await stateOf(waiting), 'pending');
    await b.releaseAsync(2);
    assert.equal(await waiting, true);
    assert.equal(await a.valueAsync(), 1);
    await using _b = await b.holdAsync({ timeout: 0 });
    await assert.rejects(
      b.holdAsync({ timeout: 0 }),
      (e: unknown) => e instanceof TimeoutError && /managed Semaphore/.test(e.message),
    );
    assert.throws(() => b.releaseAsync(0), InvalidArgumentError);
  });

  test('a BoundedSemaphore rejects an over-release', async () => {
    const s = setup();
    const [a] = await pair(s, BoundedSemaphoreProxy, 'BoundedSemaphore', 1);
    await assert.rejects(
      a.releaseAsync(),
      (e: unknown) => e instanceof InvalidStateError && /released too many times/.test(e.message),
    );
    assert.throws(() => a.holdAsync({ timeout: -1 }), InvalidArgumentError);
  });
});
