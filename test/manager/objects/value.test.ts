// The managed value on the server: atomic read-modify-write steps.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError, InvalidStateError } from '../../../src/errors.ts';
import { createObjectHost } from '../../../src/manager/objects/host.ts';
import { Client } from './helpers.ts';

describe('managed value', () => {
  test('add, exchange and compareExchange return the value before, as the thread Value', () => {
    const a = new Client(createObjectHost());
    const counter = a.create('value');
    assert.equal(a.invoke(counter, 'get'), 0, '0 by default');
    assert.equal(a.invoke(counter, 'add', [5]), 0);
    assert.equal(a.invoke(counter, 'add', [-2]), 5);
    assert.equal(a.invoke(counter, 'exchange', [10]), 3);
    assert.equal(a.invoke(counter, 'compareExchange', [9, 1]), 10, 'no match: unchanged');
    assert.equal(a.invoke(counter, 'compareExchange', [10, 1]), 10);
    assert.equal(a.invoke(counter, 'get'), 1);
  });

  test('bigints add to bigints; objects compare deeply; NaN matches nothing', () => {
    const a = new Client(createObjectHost());
    const big = a.create('value', 1n);
    assert.equal(a.invoke(big, 'add', [2n]), 1n);
    assert.equal(a.invoke(big, 'get'), 3n);
    assert.throws(() => a.invoke(big, 'add', [1]), /`delta` to be a bigint like the value/);
    const state = a.create('value', { phase: 'idle' });
    assert.deepEqual(a.invoke(state, 'compareExchange', [{ phase: 'idle' }, { phase: 'busy' }]), {
      phase: 'idle',
    });
    assert.deepEqual(a.invoke(state, 'get'), { phase: 'busy' });
    const nan = a.create('value', Number.NaN);
    a.invoke(nan, 'compareExchange', [Number.NaN, 1]);
    assert.ok(Number.isNaN(a.invoke(nan, 'get')));
  });

  test('adding to a value that is not a number, or adding a non-number, is refused', () => {
    const a = new Client(createObjectHost());
    const text = a.create('value', 'hello');
    assert.throws(
      () => a.invoke(text, 'add', [1]),
      (e: unknown) => e instanceof InvalidStateError && /holding `hello`/.test(e.message),
    );
    const n = a.create('value', 1);
    assert.throws(() => a.invoke(n, 'add', ['1']), InvalidArgumentError);
    a.invoke(n, 'set', ['now text']);
    assert.equal(a.invoke(n, 'get'), 'now text');
  });
});
