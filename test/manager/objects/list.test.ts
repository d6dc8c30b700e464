// The managed list on the server.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError, InvalidStateError } from '../../../src/errors.ts';
import { createObjectHost } from '../../../src/manager/objects/host.ts';
import { Client } from './helpers.ts';

function setup(items?: unknown[]): { list: number; a: Client } {
  const a = new Client(createObjectHost());
  return { list: items === undefined ? a.create('list') : a.create('list', items), a };
}

describe('managed list', () => {
  test('append, extend, insert, get and set with Python’s indexes', () => {
    const { list, a } = setup([1]);
    assert.equal(a.invoke(list, 'append', [2]), 2);
    assert.equal(a.invoke(list, 'extend', [[3, 4]]), 4);
    a.invoke(list, 'insert', [0, 0]);
    a.invoke(list, 'insert', [-1, 3.5]);
    a.invoke(list, 'insert', [100, 5]);
    a.invoke(list, 'insert', [-100, -1]);
    assert.deepEqual(a.invoke(list, 'toArray'), [-1, 0, 1, 2, 3, 3.5, 4, 5]);
    assert.equal(a.invoke(list, 'get', [-1]), 5);
    a.invoke(list, 'set', [-2, 'four']);
    assert.equal(a.invoke(list, 'get', [6]), 'four');
    assert.equal(a.invoke(list, 'length'), 8);
    assert.deepEqual(a.invoke(list, 'slice', [1, 3]), [0, 1]);
    assert.deepEqual(a.invoke(list, 'slice', [-2]), ['four', 5]);
  });

  test('pop, remove and indexOf compare items deeply', () => {
    const { list, a } = setup([{ id: 1 }, { id: 2 }, { id: 1 }, 'x']);
    assert.equal(a.invoke(list, 'indexOf', [{ id: 1 }]), 0);
    assert.equal(a.invoke(list, 'indexOf', [{ id: 3 }]), -1);
    assert.equal(a.invoke(list, 'remove', [{ id: 1 }]), true);
    assert.deepEqual(a.invoke(list, 'toArray'), [{ id: 2 }, { id: 1 }, 'x']);
    assert.equal(a.invoke(list, 'remove', ['y']), false);
    assert.equal(a.invoke(list, 'pop'), 'x');
    assert.deepEqual(a.invoke(list, 'pop', [0]), { id: 2 });
    a.invoke(list, 'clear');
    assert.throws(
      () => a.invoke(list, 'pop'),
      (e: unknown) => e instanceof InvalidStateError && /empty list/.test(e.message),
    );
  });

  test('an index outside the list or not an integer is an InvalidArgumentError', () => {
    const { list, a } = setup(['a', 'b']);
    assert.throws(() => a.invoke(list, 'get', [2]), /from -2 to 1 \(the list holds 2 item\(s\)\), got `2`/);
    assert.throws(() => a.invoke(list, 'set', [-3, 'z']), InvalidArgumentError);
    assert.throws(() => a.invoke(list, 'get', [0.5]), /`index` to be an integer/);
    assert.throws(() => a.invoke(list, 'get', ['0']), /`index` to be an integer/);
    assert.throws(() => a.invoke(list, 'extend', ['ab']), /`items` to be an array/);
    assert.throws(() => a.create('list', 'ab'), /`items` to be an array/);
    assert.deepEqual(a.invoke(list, 'toArray'), ['a', 'b']);
  });
});
