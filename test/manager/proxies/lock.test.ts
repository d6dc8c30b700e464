// LockProxy and RLockProxy: the async forms, guards and option checks (blocking forms: blocking.test.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  InvalidArgumentError,
  InvalidStateError,
  LockAbandonedError,
  TimeoutError,
} from '../../../src/errors.ts';
import { LockProxy } from '../../../src/manager/proxies/lock.ts';
import { RLockProxy } from '../../../src/manager/proxies/rlock.ts';
import { pair, setup, stateOf } from './helpers.ts';

describe('LockProxy', () => {
  test('acquireAsync waits for the other session’s release, and times out with false', async () => {
    const s = setup();
    const [a, b] = await pair(s, LockProxy, 'Lock');
    assert.equal(await a.acquireAsync(), true);
    assert.equal(await b.acquireAsync({ timeout: 0 }), false);
    assert.equal(await b.acquireAsync({ timeout: 10 }), false);
    const waiting = b.acquireAsync();
    assert.equal(await stateOf(waiting), 'pending');
    await a.releaseAsync();
    assert.equal(await waiting, true);
    assert.equal(await a.lockedAsync(), true);
    await b.releaseAsync();
    await assert.rejects(
      b.releaseAsync(),
      (e: unknown) => e instanceof InvalidStateError && /not held/.test(e.message),
    );
  });

  test('an aborted acquireAsync rejects with signal.reason and never takes the lock', async () => {
    const s = setup();
    const [a, b] = await pair(s, LockProxy, 'Lock');
    await a.acquireAsync();
    const controller = new AbortController();
    const waiting = b.acquireAsync({ signal: controller.signal });
    const reason = new Error('stop waiting');
    controller.abort(reason);
    await assert.rejects(waiting, (e: unknown) => e === reason);
    await a.releaseAsync();
    assert.equal(await a.lockedAsync(), false);
    await assert.rejects(
      b.acquireAsync({ signal: controller.signal }),
      (e: unknown) => e === reason,
      'already aborted',
    );
  });

  test('holdAsync gives a guard for await using; a timeout is a TimeoutError; the guard releases once', async () => {
    const s = setup();
    const [a, b] = await pair(s, LockProxy, 'Lock');
    {
      await using guard = await a.holdAsync();
      assert.equal(guard.held, true);
      await assert.rejects(
        b.holdAsync({ timeout: 0 }),
        (e: unknown) => e instanceof TimeoutError && /managed Lock/.test(e.message),
      );
    }
    assert.equal(await a.lockedAsync(), false, 'released at scope end');
    const guard = await a.holdAsync();
    await guard.releaseAsync();
    await guard.releaseAsync();
    assert.equal(guard.held, false);
    assert.equal(await b.acquireAsync({ timeout: 0 }), true, 'the second release did not release b’s hold');
  });

  test('a holder whose connection drops abandons the lock: LockAbandonedError until recoverAsync', async () => {
    const s = setup();
    const [a, b] = await pair(s, LockProxy, 'Lock');
    await a.acquireAsync();
    const waiting = b.acquireAsync();
    s.a.close();
    await assert.rejects(waiting, LockAbandonedError);
    assert.equal(await b.recoverAsync(), true);
    assert.equal(await b.acquireAsync(), true);
  });

  test('bad options are InvalidArgumentErrors in the thread Lock’s message shape, before any call', () => {
    const s = setup();
    const lock = new LockProxy(s.a, 1);
    const bad: [() => unknown, RegExp][] = [
      [() => lock.acquire({ timeout: -1 }), /Expected `timeout` to be .*, got `-1` \(number\)/],
      [() => lock.acquire({ blocking: 'no' as never }), /Expected `blocking` to be a boolean/],
      [() => lock.acquire({ blocking: false, timeout: 5 }), /Expected no `timeout` with `blocking: false`/],
      [() => lock.acquire(5 as never), /Expected `options` to be an object/],
      [() => lock.acquireAsync({ signal: 'stop' as never }), /Expected `signal` to be an AbortSignal/],
      [() => lock.acquireAsync({ timeout: Number.NaN }), /got `NaN`/],
      [() => lock.hold({ timeout: -5 }), /Expected `timeout`/],
    ];
    for (const [call, message] of bad)
      assert.throws(
        call,
        (e: unknown) => e instanceof InvalidArgumentError && message.test(e.message),
        String(message),
      );
  });
});

describe('RLockProxy', () => {
  test('the owning session re-enters; another session waits until every level is released', async () => {
    const s = setup();
    const [a, b] = await pair(s, RLockProxy, 'RLock');
    await a.acquireAsync();
    await using _inner = await a.holdAsync();
    const waiting = b.acquireAsync();
    await a.releaseAsync();
    assert.equal(await stateOf(waiting), 'pending');
    await assert.rejects(b.releaseAsync(), /owned by another session/);
    await _inner.releaseAsync();
    assert.equal(await waiting, true);
    await b.releaseAsync();
  });
});
