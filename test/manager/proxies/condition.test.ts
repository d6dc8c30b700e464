// ConditionProxy: the async forms; waitForAsync runs its predicate here, in the caller.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError, InvalidStateError } from '../../../src/errors.ts';
import { ConditionProxy } from '../../../src/manager/proxies/condition.ts';
import { EventProxy } from '../../../src/manager/proxies/event.ts';
import { LockProxy } from '../../../src/manager/proxies/lock.ts';
import { objectIdOf } from '../../../src/manager/proxies/managed-proxy.ts';
import { pair, setup, stateOf } from './helpers.ts';

describe('ConditionProxy', () => {
  test('waitForAsync waits, holding the lock again after every wait, until the (async) predicate holds', async () => {
    const s = setup();
    const [a, b] = await pair(s, ConditionProxy, 'Condition');
    const [flagA, flagB] = await pair(s, EventProxy, 'Event');
    let checks = 0;
    await a.acquireAsync();
    const waiting = a.waitForAsync(async () => {
      checks++;
      return flagA.isSetAsync();
    });
    assert.equal(await stateOf(waiting), 'pending');
    {
      await using _ = await b.holdAsync();
      await b.notifyAsync(); // spurious for the predicate: it waits again
    }
    assert.equal(await stateOf(waiting), 'pending');
    {
      await using _ = await b.holdAsync();
      await flagB.setAsync();
      await b.notifyAllAsync();
    }
    assert.equal(await waiting, true);
    assert.equal(checks, 3);
    await a.releaseAsync();
  });

  test('waitAsync times out with false and an aborted wait rejects, both holding the lock again', async () => {
    const s = setup();
    const [a, b] = await pair(s, ConditionProxy, 'Condition');
    await a.acquireAsync();
    assert.equal(await a.waitAsync({ timeout: 10 }), false);
    const controller = new AbortController();
    const waiting = a.waitAsync({ signal: controller.signal });
    controller.abort(new Error('enough'));
    await assert.rejects(waiting, /enough/);
    assert.equal(await b.acquireAsync({ timeout: 0 }), false, 'a holds it again');
    assert.equal(await a.waitForAsync(() => 'already', { timeout: 0 }), 'already');
    assert.equal(await a.waitForAsync(() => 0, { timeout: 5 }), 0, 'the predicate’s last value on timeout');
    await a.releaseAsync();
  });

  test('waiting or notifying without the lock is an InvalidStateError; bad arguments throw at once', async () => {
    const s = setup();
    const [a] = await pair(s, ConditionProxy, 'Condition');
    await assert.rejects(a.waitAsync(), InvalidStateError);
    await assert.rejects(a.notifyAsync(), /without holding its lock/);
    assert.throws(() => a.notifyAsync(-1), InvalidArgumentError);
    assert.throws(() => a.waitForAsync('yes' as never), /`predicate` to be a function/);
    assert.throws(() => a.waitAsync({ timeout: -1 }), InvalidArgumentError);
  });

  test('a Condition made over a managed Lock (by its id) shares that lock', async () => {
    const s = setup();
    const [lock] = await pair(s, LockProxy, 'Lock');
    const id = (await s.a.create('Condition', objectIdOf(lock))) as number;
    const cond = new ConditionProxy(s.b, id);
    await lock.acquireAsync();
    assert.equal(await cond.lockedAsync(), true);
    assert.equal(await cond.acquireAsync({ timeout: 0 }), false);
  });
});
