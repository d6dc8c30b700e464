// packShared / unpackShared: how shared objects cross to workers as themselves (core/shareable.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UnserializableError } from '../../src/errors.ts';
import type { ShareTarget, SharedWireForm } from '../../src/core/shareable.ts';
import { kShare, packShared, registerShareable, unpackShared } from '../../src/core/shareable.ts';

class Counter {
  readonly cells: Int32Array;
  constructor(cells = new Int32Array(new SharedArrayBuffer(4))) {
    this.cells = cells;
  }
  [kShare](target: ShareTarget): SharedWireForm {
    if (target === 'process') throw new Error('a Counter lives in thread memory');
    return { kind: 'test.Counter', state: this.cells.buffer };
  }
}
registerShareable('test.Counter', (buffer: SharedArrayBuffer) => new Counter(new Int32Array(buffer)));

/** What the receiving thread sees: a structured clone of the packed value, unpacked. */
function send(value: unknown): unknown {
  const { value: packed, found } = packShared(value, 'thread', 'args');
  assert.ok(found);
  return unpackShared(structuredClone(packed));
}

describe('shared objects across the structured-clone boundary', () => {
  test('a shareable at the top level, in arrays, objects, Maps and Sets arrives as a live object', () => {
    const counter = new Counter();
    const received = send([
      counter,
      { nested: [counter] },
      new Map([['k', counter]]),
      new Set([counter]),
    ]) as [Counter, { nested: [Counter] }, Map<string, Counter>, Set<Counter>];
    const copies = [received[0], received[1].nested[0], received[2].get('k')!, [...received[3]][0]!];
    for (const copy of copies) {
      assert.ok(copy instanceof Counter);
      Atomics.add(copy.cells, 0, 1);
    }
    assert.equal(Atomics.load(counter.cells, 0), 4, 'every copy writes the same shared memory');
  });

  test('packing copies only the containers on the way to a shareable and leaves the caller’s values alone', () => {
    const untouched = { big: [1, 2, 3] };
    const args = [untouched, { c: new Counter() }];
    const { value } = packShared(args, 'thread', 'args');
    const packed = value as unknown[];
    assert.notEqual(packed, args);
    assert.equal(packed[0], untouched);
    assert.ok((args[1] as { c: unknown }).c instanceof Counter, 'the original still holds the object');
  });

  test('a Buffer crosses to a thread as a Buffer (structured clone alone gives a Uint8Array), also in a Map', () => {
    const received = send([Buffer.from('top'), new Map([['k', Buffer.from('in a map')]])]) as [
      Buffer,
      Map<string, Buffer>,
    ];
    assert.ok(Buffer.isBuffer(received[0]) && Buffer.isBuffer(received[1].get('k')));
    assert.equal(received[0].toString(), 'top');
    assert.equal(received[1].get('k')!.toString(), 'in a map');
    // To a process v8.serialize keeps Buffers itself: nothing to pack.
    assert.equal(packShared([Buffer.from('x')], 'process', 'args').found, false);
  });

  test('what was one object before packing is one object after: a shareable, a Buffer, a container holding one', () => {
    const counter = new Counter();
    const buffer = Buffer.from('twice');
    const holder = { counter };
    const received = send([counter, counter, buffer, { again: buffer }, holder, [holder]]) as [
      Counter,
      Counter,
      Buffer,
      { again: Buffer },
      { counter: Counter },
      [{ counter: Counter }],
    ];
    assert.ok(received[0] instanceof Counter);
    assert.equal(received[1], received[0]);
    assert.ok(Buffer.isBuffer(received[2]));
    assert.equal(received[3].again, received[2]);
    assert.equal(received[5][0], received[4]);
    assert.equal(received[4].counter, received[0]);
  });

  test('a cycle through a container that holds a shareable is packed without looping', () => {
    const cycle: Record<string, unknown> = { counter: new Counter() };
    cycle.self = cycle;
    const received = send(cycle) as { counter: Counter; self: unknown };
    assert.ok(received.counter instanceof Counter);
  });

  test('values without shareables are returned as they are, flagged as such', () => {
    const args = [1, 'two', { three: [3] }, new Map([[1, 2]])];
    const { value, found } = packShared(args, 'thread', 'args');
    assert.equal(value, args);
    assert.equal(found, false);
  });

  test('a shareable that refuses the target is reported with its path', () => {
    assert.throws(
      () => packShared([1, { lock: new Counter() }], 'process', 'args'),
      (error: unknown) =>
        error instanceof UnserializableError &&
        error.path === 'args[1].lock' &&
        /thread memory/.test(error.message),
    );
  });

  test('unpacking never writes into anything but plain containers (a shared typed array stays untouched)', () => {
    let writes = 0;
    const watched = new Date(0);
    Object.defineProperty(watched, 'x', {
      enumerable: true,
      get: () => 1,
      set: () => void writes++,
    });
    const cells = new Int32Array(new SharedArrayBuffer(8));
    const view = new Proxy(cells, {
      set: () => {
        writes++;
        return true;
      },
    });
    unpackShared([
      watched,
      view,
      { nested: [watched] },
      { '@spindle/shared': 'test.Counter', state: cells.buffer },
    ]);
    assert.equal(writes, 0);
  });

  test('an unknown kind fails loudly on the receiving side', () => {
    assert.throws(() => unpackShared([{ '@spindle/shared': 'test.Nope', state: null }]), /test\.Nope/);
  });
});
