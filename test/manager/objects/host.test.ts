// createObjectHost(): creation, dispatch and the checks every request meets before an object sees it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError } from '../../../src/errors.ts';
import { createObjectHost } from '../../../src/manager/objects/host.ts';
import { MANAGER_OBJECT } from '../../../src/manager/types.ts';
import { Client } from './helpers.ts';

const isInvalid = (pattern: RegExp) => (e: unknown) =>
  e instanceof InvalidArgumentError && pattern.test(e.message);

describe('object host', () => {
  test('create makes every managed type with its own id, from 1, never reused', () => {
    const client = new Client(createObjectHost());
    const types = [
      'dict',
      'list',
      'namespace',
      'value',
      'Lock',
      'RLock',
      'Semaphore',
      'BoundedSemaphore',
      'Condition',
      'Event',
      'Queue',
      'JoinableQueue',
      'LifoQueue',
      'PriorityQueue',
      'SimpleQueue',
    ] as const;
    const ids = types.map((type) => client.create(type));
    ids.push(client.create('Barrier', 2));
    assert.deepEqual(
      ids,
      Array.from({ length: types.length + 1 }, (_, i) => i + 1),
    );
  });

  test('a Pipe is two objects: create answers both ids', () => {
    const client = new Client(createObjectHost());
    const ends = client.invoke(MANAGER_OBJECT, 'create', ['Pipe']) as number[];
    assert.deepEqual(ends, [1, 2]);
    client.invoke(1, 'send', ['ping']);
    assert.equal(client.invoke(2, 'recv'), 'ping');
  });

  test('an unknown type, object id or method is an InvalidArgumentError, never a crash', () => {
    const client = new Client(createObjectHost());
    const lock = client.create('Lock');
    assert.throws(() => client.create('Mutex' as never), isInvalid(/one of dict, list, .*Pipe, got `Mutex`/));
    assert.throws(() => client.invoke(MANAGER_OBJECT, 'create', [42]), isInvalid(/got `42` \(number\)/));
    assert.throws(
      () => client.invoke(MANAGER_OBJECT, 'shutdown'),
      isInvalid(/no method "shutdown"; it has create/),
    );
    assert.throws(() => client.invoke(99, 'acquire'), isInvalid(/no object with id `99`/));
    assert.throws(() => client.invoke(-1, 'acquire'), isInvalid(/no object with id `-1`/));
    assert.throws(
      () => client.invoke(lock, 'lock'),
      isInvalid(/Lock has no method "lock"; it has acquire, release/),
    );
    for (const inherited of ['toString', 'constructor', '__proto__', 'hasOwnProperty'])
      assert.throws(() => client.invoke(lock, inherited), InvalidArgumentError, inherited);
  });

  test('bad arguments and a bad timeout are InvalidArgumentErrors naming what was wrong', () => {
    const client = new Client(createObjectHost());
    const lock = client.create('Lock');
    assert.throws(() => client.invoke(lock, 'acquire', 'x' as never), isInvalid(/`args` to be an array/));
    assert.throws(
      () => client.invoke(lock, 'acquire', [1]),
      isInvalid(/0 argument\(s\) to Lock.acquire, got 1/),
    );
    assert.throws(
      () => client.invoke(lock, 'acquire', [], { timeout: -1 }),
      isInvalid(/`timeout`.*got `-1`/),
    );
    assert.throws(() => client.invoke(lock, 'acquire', [], { timeout: Number.NaN }), isInvalid(/got `NaN`/));
    assert.throws(
      () => client.invoke(lock, 'acquire', [], { timeout: '5' as never }),
      isInvalid(/\(string\)/),
    );
    assert.equal(client.invoke(lock, 'locked'), false, 'nothing was taken by the refused calls');
    assert.throws(() => client.create('Semaphore', -1), isInvalid(/`value` to be an integer from 0/));
    assert.throws(() => client.create('Barrier'), isInvalid(/1 to 2 argument\(s\) to Barrier\(\)/));
  });

  test('a request cancelled before it runs is withdrawn: it rejects with the reason and changes nothing', () => {
    const client = new Client(createObjectHost());
    const dict = client.create('dict');
    const controller = new AbortController();
    const reason = new Error('cancelled');
    controller.abort(reason);
    assert.throws(
      () => client.invoke(dict, 'set', ['k', 1], { signal: controller.signal }),
      (e: unknown) => e === reason,
    );
    assert.equal(client.invoke(dict, 'has', ['k']), false);
  });

  test('Infinity is a wait for ever, like no timeout', async () => {
    const client = new Client(createObjectHost());
    const event = client.create('Event');
    const waiting = client.call(event, 'wait', [], { timeout: Infinity });
    client.invoke(event, 'set');
    assert.equal(await waiting, true);
  });
});
