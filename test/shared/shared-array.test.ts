import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ThreadPoolExecutor } from '../../src/index.ts';
import { InvalidArgumentError, InvalidStateError } from '../../src/errors.ts';
import { SharedArray, sharedArray } from '../../src/shared/shared-array.ts';
import * as tasks from '../fixtures/channel-tasks.ts';

let shared: ThreadPoolExecutor | undefined;
const pool = (): ThreadPoolExecutor => (shared ??= new ThreadPoolExecutor({ maxWorkers: 2 }));
after(async () => {
  await shared?.shutdown({ cancelFutures: true });
});

describe('sharedArray()', () => {
  test('returns a standard typed array over shared memory, zero-filled or from values', () => {
    const ints = sharedArray('int32', 4);
    assert.ok(ints instanceof Int32Array);
    assert.ok(ints.buffer instanceof SharedArrayBuffer);
    assert.deepEqual([...ints], [0, 0, 0, 0]);
    const floats = sharedArray('float64', [0.5, 1.5]);
    assert.ok(floats instanceof Float64Array);
    assert.deepEqual([...floats], [0.5, 1.5]);
    const bigs = sharedArray('biguint64', new Set([1n, 2n]));
    assert.ok(bigs instanceof BigUint64Array);
    assert.deepEqual([...bigs], [1n, 2n]);
    assert.ok(sharedArray('uint8clamped', 1) instanceof Uint8ClampedArray);
  });

  test('a worker writes the same memory the main thread reads: no copy', async () => {
    const array = sharedArray('float64', 8);
    assert.equal(await pool().submit(tasks.fillArray, array, 2.5), true);
    assert.deepEqual([...array], Array(8).fill(2.5));
  });

  test('bad type, length or values are refused with InvalidArgumentError', () => {
    assert.throws(
      () => sharedArray('int33' as never, 1),
      (e: unknown) =>
        e instanceof InvalidArgumentError &&
        /Expected `type` to be one of 'int8'.*got `"int33"` \(string\)/.test(e.message),
    );
    assert.throws(() => sharedArray('int32', -1), /Expected `length` to be an integer from 0/);
    assert.throws(() => sharedArray('int32', 1.5), InvalidArgumentError);
    assert.throws(() => sharedArray('int32', ['1'] as never), /Expected `values\[0\]` to be a number/);
    assert.throws(() => sharedArray('bigint64', [1] as never), /to be a bigint/);
    assert.throws(() => sharedArray('int32', null as never), /Expected `lengthOrValues`/);
  });
});

describe('SharedArray', () => {
  test('pairs the array with a Lock that guards multi-element updates across workers', async () => {
    const counts = new SharedArray('int32', [100, 100, 100, 100]);
    assert.equal(counts.length, 4);
    assert.equal(counts.type, 'int32');
    await Promise.all([
      pool().submit(tasks.shuffleUnderLock, counts, 5_000),
      pool().submit(tasks.shuffleUnderLock, counts, 5_000),
    ]);
    assert.equal(
      counts.array.reduce((a, b) => a + b, 0),
      400,
      'no update was torn: every shuffle kept the sum',
    );
    assert.equal(counts.getLock().locked(), false);
  });

  test('lock: false has no lock; bad options are refused', () => {
    const raw = new SharedArray('uint8', 2, { lock: false });
    assert.throws(() => raw.getLock(), InvalidStateError);
    assert.throws(() => new SharedArray('uint8', 2, { lock: 1 as never }), /Expected `lock` to be a boolean/);
  });
});
