// EventProxy and BarrierProxy: the async forms.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BrokenBarrierError } from '../../../src/errors.ts';
import { BarrierProxy } from '../../../src/manager/proxies/barrier.ts';
import { EventProxy } from '../../../src/manager/proxies/event.ts';
import { pair, setup, stateOf } from './helpers.ts';

describe('EventProxy', () => {
  test('waitAsync resolves true once another session sets it, false on timeout', async () => {
    const s = setup();
    const [a, b] = await pair(s, EventProxy, 'Event');
    assert.equal(await a.waitAsync({ timeout: 5 }), false);
    const waiting = a.waitAsync();
    assert.equal(await stateOf(waiting), 'pending');
    await b.setAsync();
    assert.equal(await waiting, true);
    assert.equal(await a.isSetAsync(), true);
    await b.clearAsync();
    assert.equal(await a.isSetAsync(), false);
  });
});

describe('BarrierProxy', () => {
  test('parties get distinct indexes; abort breaks it; reset opens it again', async () => {
    const s = setup();
    const [a, b] = await pair(s, BarrierProxy, 'Barrier', 2);
    assert.equal(await a.partiesAsync(), 2);
    const first = a.waitAsync();
    assert.equal(await stateOf(first), 'pending');
    assert.equal(await b.nWaitingAsync(), 1);
    assert.deepEqual((await Promise.all([first, b.waitAsync()])).sort(), [0, 1]);
    const broken = a.waitAsync();
    await b.abortAsync();
    await assert.rejects(broken, BrokenBarrierError);
    assert.equal(await b.brokenAsync(), true);
    await b.resetAsync();
    assert.equal(await b.brokenAsync(), false);
    await assert.rejects(a.waitAsync({ timeout: 5 }), /timed out/);
  });
});
