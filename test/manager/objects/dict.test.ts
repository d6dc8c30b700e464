// The managed dict on the server.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError } from '../../../src/errors.ts';
import { createObjectHost } from '../../../src/manager/objects/host.ts';
import { Client } from './helpers.ts';

function setup(...args: unknown[]): { dict: number; a: Client } {
  const a = new Client(createObjectHost());
  return { dict: a.create('dict', ...args), a };
}

describe('managed dict', () => {
  test('set, get, has, delete, size and the snapshots follow a Map', () => {
    const { dict, a } = setup();
    a.invoke(dict, 'set', ['a', 1]);
    a.invoke(dict, 'set', [2, 'two']);
    a.invoke(dict, 'set', ['2', 'string two']);
    a.invoke(dict, 'set', [3n, true]);
    assert.equal(a.invoke(dict, 'get', [2]), 'two');
    assert.equal(a.invoke(dict, 'get', ['2']), 'string two', '2 and "2" are two keys');
    assert.equal(a.invoke(dict, 'get', ['missing']), undefined);
    assert.equal(a.invoke(dict, 'get', ['missing', 'fallback']), 'fallback');
    assert.equal(a.invoke(dict, 'has', [3n]), true);
    assert.equal(a.invoke(dict, 'size'), 4);
    assert.deepEqual(a.invoke(dict, 'keys'), ['a', 2, '2', 3n]);
    assert.deepEqual(a.invoke(dict, 'values'), [1, 'two', 'string two', true]);
    assert.deepEqual(a.invoke(dict, 'entries'), [
      ['a', 1],
      [2, 'two'],
      ['2', 'string two'],
      [3n, true],
    ]);
    assert.equal(a.invoke(dict, 'delete', ['a']), true);
    assert.equal(a.invoke(dict, 'delete', ['a']), false);
    assert.deepEqual(
      a.invoke(dict, 'toMap'),
      new Map<unknown, unknown>([
        [2, 'two'],
        ['2', 'string two'],
        [3n, true],
      ]),
    );
    assert.deepEqual(a.invoke(dict, 'toObject'), { '2': 'string two', '3': true });
    a.invoke(dict, 'clear');
    assert.equal(a.invoke(dict, 'size'), 0);
  });

  test('setDefault and pop are single steps with Python’s answers', () => {
    const { dict, a } = setup([['k', 1]]);
    assert.equal(a.invoke(dict, 'setDefault', ['k', 5]), 1);
    assert.equal(a.invoke(dict, 'setDefault', ['n', 5]), 5);
    assert.equal(a.invoke(dict, 'get', ['n']), 5);
    assert.equal(a.invoke(dict, 'pop', ['k']), 1);
    assert.equal(a.invoke(dict, 'has', ['k']), false);
    assert.equal(a.invoke(dict, 'pop', ['k']), undefined);
    assert.equal(a.invoke(dict, 'pop', ['k', 'gone']), 'gone');
  });

  test('update takes a Map, pairs or a plain object, and stores nothing if one key is bad', () => {
    const { dict, a } = setup({ x: 1 });
    a.invoke(dict, 'update', [new Map([[1, 'one']])]);
    a.invoke(dict, 'update', [[['p', 'pair']]]);
    a.invoke(dict, 'update', [{ y: 2 }]);
    assert.deepEqual(a.invoke(dict, 'toObject'), { x: 1, '1': 'one', p: 'pair', y: 2 });
    assert.throws(
      () =>
        a.invoke(dict, 'update', [
          [
            ['ok', 1],
            [{}, 2],
          ],
        ]),
      /`entries\[1\] key` to be a string, number/,
    );
    assert.equal(a.invoke(dict, 'has', ['ok']), false, 'all or nothing');
    assert.throws(() => a.invoke(dict, 'update', [[['only one']]]), /\[key, value\] pair/);
    assert.throws(
      () => a.invoke(dict, 'update', [42]),
      /a Map, an array of \[key, value\] pairs or a plain object/,
    );
  });

  test('object, null and undefined keys are InvalidArgumentErrors', () => {
    const { dict, a } = setup();
    for (const key of [{}, [1], null, undefined])
      assert.throws(
        () => a.invoke(dict, 'set', [key, 1]),
        (e: unknown) => e instanceof InvalidArgumentError && /`key`/.test(e.message),
      );
    assert.equal(a.invoke(dict, 'size'), 0);
  });

  test('values are stored exactly as given, wire forms of other proxies included', () => {
    const { dict, a } = setup();
    const wire = {
      '@spindle/shared': 'spindle.manager.Queue',
      state: { endpoint: { address: '/x', authkey: 'ab' }, id: 7 },
    };
    a.invoke(dict, 'set', ['queue', wire]);
    assert.equal(a.invoke(dict, 'get', ['queue']), wire);
  });
});
