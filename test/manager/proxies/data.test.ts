// DictProxy, ListProxy, NamespaceProxy and ValueProxy: the async forms, values as copies, argument checks.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError, InvalidStateError } from '../../../src/errors.ts';
import { DictProxy } from '../../../src/manager/proxies/dict.ts';
import { ListProxy } from '../../../src/manager/proxies/list.ts';
import { NamespaceProxy } from '../../../src/manager/proxies/namespace.ts';
import { ValueProxy } from '../../../src/manager/proxies/value.ts';
import { pair, setup } from './helpers.ts';

describe('DictProxy', () => {
  test('what one session sets, another reads; reads are copies', async () => {
    const s = setup();
    const [a, b] = await pair(s, DictProxy<string | number, { hits: number }>, 'dict');
    await a.setAsync('x', { hits: 1 });
    const copy = await b.getAsync('x');
    copy!.hits = 99;
    assert.deepEqual(await a.getAsync('x'), { hits: 1 });
    assert.deepEqual(await b.getAsync('y', { hits: 0 }), { hits: 0 });
    assert.deepEqual(await b.setDefaultAsync(7, { hits: 7 }), { hits: 7 });
    await b.updateAsync([['z', { hits: 3 }]]);
    assert.deepEqual(await a.keysAsync(), ['x', 7, 'z']);
    assert.equal(await a.sizeAsync(), 3);
    assert.deepEqual(await a.popAsync('z'), { hits: 3 });
    assert.equal(await a.popAsync('z'), undefined);
    assert.equal(await a.hasAsync(7), true);
    assert.equal(await a.deleteAsync(7), true);
    assert.deepEqual(await a.toMapAsync(), new Map([['x', { hits: 1 }]]));
    assert.deepEqual(await a.entriesAsync(), [['x', { hits: 1 }]]);
    assert.deepEqual(await a.valuesAsync(), [{ hits: 1 }]);
    assert.deepEqual(await a.toObjectAsync(), { x: { hits: 1 } });
    await a.clearAsync();
    assert.equal(await b.sizeAsync(), 0);
  });

  test('a key that is not a string, number, bigint or boolean is refused at once, naming `key`', () => {
    const s = setup();
    const dict = new DictProxy(s.a, 1);
    for (const key of [{}, null, undefined, Symbol('k')])
      assert.throws(
        () => dict.getAsync(key as never),
        (e: unknown) => e instanceof InvalidArgumentError && /`key`/.test(e.message),
      );
    assert.throws(() => dict.setAsync([1] as never, 1), InvalidArgumentError);
  });
});

describe('ListProxy', () => {
  test('appends from two sessions land in one list; Python indexes and deep comparisons', async () => {
    const s = setup();
    const [a, b] = await pair(s, ListProxy<number | { id: number }>, 'list');
    await Promise.all([a.appendAsync(1), b.appendAsync(2), a.extendAsync([3, 4])]);
    assert.equal(await b.lengthAsync(), 4);
    assert.deepEqual((await a.toArrayAsync()).sort(), [1, 2, 3, 4]);
    await a.clearAsync();
    await a.extendAsync([{ id: 1 }, { id: 2 }, 3]);
    await b.insertAsync(0, 0);
    assert.equal(await b.getAsync(-1), 3);
    await b.setAsync(-1, 30);
    assert.equal(await a.indexOfAsync({ id: 2 }), 2);
    assert.equal(await a.removeAsync({ id: 1 }), true);
    assert.deepEqual(await a.sliceAsync(1), [{ id: 2 }, 30]);
    assert.deepEqual(await a.sliceAsync(0, -1), [0, { id: 2 }]);
    assert.equal(await a.popAsync(), 30);
    assert.equal(await a.popAsync(0), 0);
    await assert.rejects(a.getAsync(5), /from -1 to 0/);
    await a.clearAsync();
    await assert.rejects(a.popAsync(), InvalidStateError);
    assert.throws(() => a.getAsync(1.5), /`index` to be an integer/);
    assert.throws(() => a.extendAsync('ab' as never), /`items` to be an array/);
    assert.throws(() => a.sliceAsync(0, 'x' as never), /`end` to be an integer/);
  });
});

describe('NamespaceProxy', () => {
  test('attributes by name, typed', async () => {
    const s = setup();
    const [a, b] = await pair(s, NamespaceProxy<{ version: number; name: string }>, 'namespace');
    await a.setAsync('version', 1);
    await a.updateAsync({ name: 'x' });
    assert.equal(await b.getAsync('version'), 1);
    assert.equal(await b.hasAsync('name'), true);
    assert.deepEqual(await b.toObjectAsync(), { version: 1, name: 'x' });
    assert.equal(await b.deleteAsync('name'), true);
    assert.throws(() => b.getAsync(1 as never), /`name` to be a string/);
  });
});

describe('ValueProxy', () => {
  test('concurrent addAsync calls from two sessions lose nothing; compareExchange and exchange', async () => {
    const s = setup();
    const [a, b] = await pair(s, ValueProxy<number>, 'value', 0);
    await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).addAsync(1)));
    assert.equal(await a.getAsync(), 50);
    assert.equal(await b.compareExchangeAsync(50, 0), 50);
    assert.equal(await b.exchangeAsync(7), 0);
    await a.setAsync(3);
    assert.equal(await b.getAsync(), 3);
    assert.throws(() => a.addAsync('1' as never), /`delta` to be a number or a bigint/);
  });
});
