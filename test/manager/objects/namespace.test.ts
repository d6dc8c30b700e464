// The managed namespace on the server.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createObjectHost } from '../../../src/manager/objects/host.ts';
import { Client } from './helpers.ts';

describe('managed namespace', () => {
  test('attributes are set, read, deleted and copied out by name', () => {
    const a = new Client(createObjectHost());
    const ns = a.create('namespace', { version: 1 });
    assert.equal(a.invoke(ns, 'get', ['version']), 1);
    assert.equal(a.invoke(ns, 'get', ['never']), undefined);
    a.invoke(ns, 'set', ['name', 'spindle']);
    a.invoke(ns, 'update', [{ version: 2, tags: ['a'] }]);
    assert.equal(a.invoke(ns, 'has', ['name']), true);
    assert.deepEqual(a.invoke(ns, 'toObject'), { version: 2, name: 'spindle', tags: ['a'] });
    assert.equal(a.invoke(ns, 'delete', ['name']), true);
    assert.equal(a.invoke(ns, 'delete', ['name']), false);
    assert.throws(() => a.invoke(ns, 'set', [1, 'x']), /`name` to be a string, got `1` \(number\)/);
    assert.throws(() => a.invoke(ns, 'update', [[1]]), /`attributes` to be a plain object/);
  });
});
