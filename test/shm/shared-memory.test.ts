// SharedMemory: named POSIX shared memory, the same bytes in every process and thread that attaches.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  InvalidArgumentError,
  InvalidStateError,
  ProcessPoolExecutor,
  SharedMemoryExistsError,
  SharedMemoryNotFoundError,
  ThreadPoolExecutor,
  UnserializableError,
} from '../../src/index.ts';
import { packShared } from '../../src/core/shareable.ts';
import { SharedMemory } from '../../src/shm/shared-memory.ts';
import * as tasks from '../fixtures/shm-tasks.ts';
import { block, inDevShm, tempName, unlinkAll } from './helpers.ts';

after(unlinkAll);

describe('SharedMemory in one process', () => {
  test('a new block is zero-filled, its buffer a real SharedArrayBuffer that Atomics work on', () => {
    const shm = block(64);
    assert.equal(shm.size, 64);
    assert.ok(shm.buffer instanceof SharedArrayBuffer);
    assert.equal(shm.buffer.byteLength, 64);
    assert.ok(shm.bytes.every((b) => b === 0));
    const ints = new Int32Array(shm.buffer);
    assert.equal(Atomics.add(ints, 3, 5), 0);
    assert.equal(Atomics.compareExchange(ints, 3, 5, 7), 5);
    assert.equal(Atomics.wait(ints, 0, 1, 0), 'not-equal', 'Atomics.wait accepts it: it is shared memory');
    assert.ok(inDevShm(shm.name));
  });

  test('attach() sees what the creator wrote and the other way round, without copying', () => {
    const shm = block(4096);
    const other = SharedMemory.attach(shm.name);
    assert.equal(other.name, shm.name);
    assert.equal(other.size, 4096);
    shm.bytes.set([1, 2, 3], 100);
    assert.deepEqual([...other.bytes.subarray(100, 103)], [1, 2, 3]);
    new Float64Array(other.buffer)[10] = 2.5;
    assert.equal(new Float64Array(shm.buffer)[10], 2.5);
    assert.equal(SharedMemory.attach(`/${shm.name}`).bytes[101], 2, 'a leading slash names the same block');
  });

  test('default names start with spindle-<pid>- and are unique', () => {
    const a = new SharedMemory({ size: 8 });
    const b = new SharedMemory({ size: 8 });
    try {
      assert.match(a.name, new RegExp(`^spindle-${process.pid}-[0-9a-f]+$`));
      assert.notEqual(a.name, b.name);
    } finally {
      a.unlink();
      b.unlink();
    }
  });

  test('creating a name that exists throws SharedMemoryExistsError; attaching a missing one SharedMemoryNotFoundError', () => {
    const shm = block(16);
    assert.throws(
      () => new SharedMemory({ name: shm.name, size: 16 }),
      (e: unknown) => e instanceof SharedMemoryExistsError && e.message.includes(shm.name),
    );
    const missing = tempName();
    assert.throws(
      () => SharedMemory.attach(missing),
      (e: unknown) =>
        e instanceof SharedMemoryNotFoundError &&
        e.message.includes(missing) &&
        (e.cause as NodeJS.ErrnoException).code === 'ENOENT',
    );
  });

  test('bad names, sizes and options get InvalidArgumentError in the usual message shape', () => {
    const bad: [() => unknown, RegExp][] = [
      [
        () => new SharedMemory({ name: '', size: 8 }),
        /Expected `name` to be a shared-memory name.*got `` \(string\)/,
      ],
      [() => new SharedMemory({ name: '/', size: 8 }), /got `\/` \(string\)/],
      [() => new SharedMemory({ name: 'a/b', size: 8 }), /no '\/' inside.*got `a\/b`/],
      [() => new SharedMemory({ name: '..', size: 8 }), /shared-memory name/],
      [() => new SharedMemory({ name: 'x'.repeat(256), size: 8 }), /1 to 255 bytes/],
      [() => new SharedMemory({ name: 'é'.repeat(128), size: 8 }), /1 to 255 bytes/],
      [
        () => new SharedMemory({ name: 5 as never, size: 8 }),
        /Expected `name` to be a string, got `5` \(number\)/,
      ],
      [
        () => new SharedMemory({ size: 0 }),
        /Expected `size` to be an integer number of bytes from 1 up, got `0`/,
      ],
      [() => new SharedMemory({ size: -1 }), /got `-1` \(number\)/],
      [() => new SharedMemory({ size: 1.5 }), /got `1.5` \(number\)/],
      [() => new SharedMemory({ size: '10' as never }), /got `10` \(string\)/],
      [() => new SharedMemory({ size: Number.NaN }), /got `NaN`/],
      [() => new SharedMemory({} as never), /got `undefined` \(undefined\)/],
      [() => new SharedMemory({ size: 8, keep: 'yes' as never }), /Expected `keep` to be a boolean/],
      [() => new SharedMemory({ size: 8, persist: true } as never), /Unknown option `persist`/],
      [() => new SharedMemory(undefined as never), /Expected `options` to be an object/],
      [() => SharedMemory.attach('a/b'), /shared-memory name/],
    ];
    for (const [call, message] of bad)
      assert.throws(call, (e: unknown) => e instanceof InvalidArgumentError && message.test(e.message));
  });

  test('after close() the views throw InvalidStateError; close twice is harmless; unlink still works', () => {
    const shm = block(32);
    const ints = new Int32Array(shm.buffer);
    shm.close();
    shm.close();
    assert.equal(shm.closed, true);
    assert.throws(() => shm.buffer, InvalidStateError);
    assert.throws(
      () => shm.bytes,
      (e: unknown) => e instanceof InvalidStateError && /is closed/.test(e.message),
    );
    ints[0] = 1; // a typed array made before close() keeps its memory: nothing was unmapped under it
    assert.equal(SharedMemory.attach(shm.name).bytes[0], 1);
    shm.unlink();
    assert.equal(inDevShm(shm.name), false);
  });

  test('unlink() removes the name; attach then fails, a second unlink too; the memory lives on', () => {
    const shm = block(16);
    shm.bytes[0] = 9;
    shm.unlink();
    assert.equal(inDevShm(shm.name), false);
    assert.throws(() => SharedMemory.attach(shm.name), SharedMemoryNotFoundError);
    assert.throws(() => shm.unlink(), SharedMemoryNotFoundError);
    assert.equal(shm.bytes[0], 9, 'still mapped here');
    const again = new SharedMemory({ name: shm.name, size: 16 });
    assert.equal(again.bytes[0], 0, 'the name can be used again, for a new block');
    again.unlink();
  });

  test('`using` closes it at the end of the scope', () => {
    const name = tempName();
    {
      using shm = new SharedMemory({ name, size: 8 });
      shm.bytes[0] = 1;
    }
    const again = SharedMemory.attach(name);
    assert.equal(again.bytes[0], 1, 'closed, not unlinked');
    again.unlink();
  });

  test('a closed block cannot be sent to a worker, and says why', () => {
    const shm = block(8);
    shm.close();
    assert.throws(
      () => packShared([shm], 'process', 'args'),
      (e: unknown) => e instanceof UnserializableError && e.path === 'args[0]' && /is closed/.test(e.message),
    );
  });
});

describe('SharedMemory across workers', () => {
  test('a process worker attaches by name: each side sees the other’s writes', async () => {
    const processes = new ProcessPoolExecutor({ maxWorkers: 1 });
    try {
      const shm = block(64);
      shm.bytes[0] = 42;
      const seen = await processes.submit(tasks.writeText, shm, 8, 'from a process');
      assert.deepEqual(seen, { name: shm.name, size: 64, first: 42 });
      assert.equal(new TextDecoder().decode(shm.bytes.subarray(8, 22)), 'from a process');
    } finally {
      await processes.shutdown();
    }
  });

  test('a thread worker gets the very same SharedArrayBuffer, even once the name is unlinked', async () => {
    const threads = new ThreadPoolExecutor({ maxWorkers: 1 });
    try {
      const shm = new SharedMemory({ size: 64 });
      shm.unlink();
      shm.bytes[0] = 7;
      const seen = await threads.submit(tasks.writeText, { nested: [shm] }.nested[0]!, 8, 'from a thread');
      assert.deepEqual(seen, { name: shm.name, size: 64, first: 7 });
      assert.equal(new TextDecoder().decode(shm.bytes.subarray(8, 21)), 'from a thread');
    } finally {
      await threads.shutdown();
    }
  });
});
