// The managed Barrier on the server.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BrokenBarrierError } from '../../../src/errors.ts';
import { createObjectHost } from '../../../src/manager/objects/host.ts';
import { Client, stateOf } from './helpers.ts';

function clients(n: number): Client[] {
  const host = createObjectHost();
  return Array.from({ length: n }, () => new Client(host));
}

describe('managed Barrier', () => {
  test('the last of `parties` releases everyone with their arrival indexes; it is reusable', async () => {
    const c = clients(3);
    const barrier = c[0]!.create('Barrier', 3);
    assert.equal(c[0]!.invoke(barrier, 'parties'), 3);
    for (let round = 0; round < 2; round++) {
      const first = c[0]!.call(barrier, 'wait');
      const second = c[1]!.call(barrier, 'wait');
      assert.equal(await stateOf(first), 'pending');
      assert.equal(c[0]!.invoke(barrier, 'nWaiting'), 2);
      assert.equal(c[2]!.invoke(barrier, 'wait'), 2, 'the last to arrive does not wait');
      assert.deepEqual(await Promise.all([first, second]), [0, 1]);
      assert.equal(c[0]!.invoke(barrier, 'nWaiting'), 0);
    }
  });

  test('a wait that times out breaks the barrier for everyone until reset()', async () => {
    const c = clients(3);
    const barrier = c[0]!.create('Barrier', 3);
    const patient = c[0]!.call(barrier, 'wait');
    await assert.rejects(
      c[1]!.call(barrier, 'wait', [], { timeout: 10 }),
      /broken: a party’s wait timed out/,
    );
    await assert.rejects(patient, BrokenBarrierError);
    assert.equal(c[0]!.invoke(barrier, 'broken'), true);
    assert.throws(() => c[2]!.invoke(barrier, 'wait'), BrokenBarrierError);
    c[2]!.invoke(barrier, 'reset');
    assert.equal(c[2]!.invoke(barrier, 'broken'), false);
  });

  test('the barrier’s own timeout applies to waits that give none', async () => {
    const c = clients(2);
    const barrier = c[0]!.create('Barrier', 2, 10);
    await assert.rejects(c[0]!.call(barrier, 'wait'), BrokenBarrierError);
  });

  test('abort() breaks it; reset() sends BrokenBarrierError to the parties waiting and opens it again', async () => {
    const c = clients(2);
    const barrier = c[0]!.create('Barrier', 2);
    const waiting = c[0]!.call(barrier, 'wait');
    c[1]!.invoke(barrier, 'abort');
    await assert.rejects(waiting, /abort\(\) was called/);
    c[1]!.invoke(barrier, 'reset');
    const again = c[0]!.call(barrier, 'wait');
    c[1]!.invoke(barrier, 'reset');
    await assert.rejects(again, /reset\(\) was called/);
    const third = c[0]!.call(barrier, 'wait');
    assert.equal(c[1]!.invoke(barrier, 'wait'), 1);
    assert.equal(await third, 0);
  });

  test('a cancelled wait rejects with its reason and breaks the barrier for the others', async () => {
    const c = clients(3);
    const barrier = c[0]!.create('Barrier', 3);
    const other = c[0]!.call(barrier, 'wait');
    const controller = new AbortController();
    const cancelled = c[1]!.call(barrier, 'wait', [], { signal: controller.signal });
    controller.abort(new Error('gave up'));
    await assert.rejects(cancelled, /gave up/);
    await assert.rejects(other, /cancelled/);
  });

  test('a waiting party whose session closes breaks the barrier', async () => {
    const c = clients(3);
    const barrier = c[0]!.create('Barrier', 3);
    const waiting = c[0]!.call(barrier, 'wait');
    void c[1]!.call(barrier, 'wait').catch(() => {});
    c[1]!.close();
    await assert.rejects(waiting, /waiting party’s session closed/);
  });

  test('bad parties or timeout are InvalidArgumentErrors', () => {
    const [a] = clients(1);
    assert.throws(() => a!.create('Barrier', 0), /`parties` to be an integer from 1/);
    assert.throws(() => a!.create('Barrier', 2, -5), /`timeout`/);
  });
});
