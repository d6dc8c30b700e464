// The managed RLock on the server: one owner session, a depth, abandonment at any depth.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidStateError, LockAbandonedError } from '../../../src/errors.ts';
import { createObjectHost } from '../../../src/manager/objects/host.ts';
import { Client, stateOf } from './helpers.ts';

describe('managed RLock', () => {
  test('the owner acquires again without waiting and must release as many times', async () => {
    const host = createObjectHost();
    const [owner, other] = [new Client(host), new Client(host)];
    const rlock = owner.create('RLock');
    assert.equal(owner.invoke(rlock, 'acquire'), true);
    assert.equal(owner.invoke(rlock, 'acquire'), true);
    const waiting = other.call(rlock, 'acquire');
    owner.invoke(rlock, 'release');
    assert.equal(await stateOf(waiting), 'pending', 'still held at depth 1');
    owner.invoke(rlock, 'release');
    assert.equal(await waiting, true);
    assert.equal(other.invoke(rlock, 'acquire'), true, 'the new owner starts at depth 1, then re-enters');
    other.invoke(rlock, 'release');
    other.invoke(rlock, 'release');
    assert.equal(other.invoke(rlock, 'locked'), false);
  });

  test('only the owner may release: others get InvalidStateError, as does releasing a free RLock', () => {
    const host = createObjectHost();
    const [owner, other] = [new Client(host), new Client(host)];
    const rlock = owner.create('RLock');
    assert.throws(() => owner.invoke(rlock, 'release'), /not held/);
    owner.invoke(rlock, 'acquire');
    assert.throws(
      () => other.invoke(rlock, 'release'),
      (e: unknown) => e instanceof InvalidStateError && /owned by another session/.test(e.message),
    );
    assert.equal(owner.invoke(rlock, 'locked'), true);
  });

  test('an owner closing at depth 2 abandons it; recover() frees it with its depth back to zero', () => {
    const host = createObjectHost();
    const [owner, other] = [new Client(host), new Client(host)];
    const rlock = owner.create('RLock');
    owner.invoke(rlock, 'acquire');
    owner.invoke(rlock, 'acquire');
    owner.close();
    assert.throws(() => other.invoke(rlock, 'acquire'), LockAbandonedError);
    assert.throws(() => other.invoke(rlock, 'release'), LockAbandonedError);
    assert.equal(other.invoke(rlock, 'recover'), true);
    assert.equal(other.invoke(rlock, 'acquire'), true);
    other.invoke(rlock, 'release');
    assert.equal(other.invoke(rlock, 'locked'), false, 'one release frees it: the old depth is gone');
  });
});
