import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ThreadPoolExecutor } from '../../src/index.ts';
import { InvalidArgumentError, InvalidStateError, UnserializableError } from '../../src/errors.ts';
import { Lock } from '../../src/sync/lock.ts';
import { Value } from '../../src/shared/value.ts';
import * as tasks from '../fixtures/channel-tasks.ts';

let shared: ThreadPoolExecutor | undefined;
const pool = (): ThreadPoolExecutor => (shared ??= new ThreadPoolExecutor({ maxWorkers: 2 }));
after(async () => {
  await shared?.shutdown({ cancelFutures: true });
});

describe('Value on one thread', () => {
  test('reads and writes its type, wrapping and rounding as a typed array would', () => {
    const byte = new Value('int8', 200 - 256);
    assert.equal(byte.value, -56);
    byte.value = 200;
    assert.equal(byte.value, -56);
    const f = new Value('float32', 0.1);
    assert.equal(f.value, Math.fround(0.1));
    const d = new Value('float64');
    assert.equal(d.value, 0);
    d.value = -0.5;
    assert.equal(d.value, -0.5);
    assert.equal(+d, -0.5, 'valueOf');
    const big = new Value('bigint64', 2n ** 62n);
    assert.equal(big.value, 2n ** 62n);
    assert.equal(new Value('biguint64').value, 0n);
  });

  test('add, exchange and compareExchange return the value before, for integers, floats and bigints', () => {
    const n = new Value('uint32', 5);
    assert.equal(n.add(2), 5);
    assert.equal(n.exchange(1), 7);
    assert.equal(n.compareExchange(1, 9), 1);
    assert.equal(n.compareExchange(1, 10), 9, 'no swap when the value differs');
    assert.equal(n.value, 9);
    const x = new Value('float64', 1.5);
    assert.equal(x.add(0.25), 1.5);
    assert.equal(x.value, 1.75);
    assert.equal(x.compareExchange(1.75, -0), 1.75);
    assert.equal(x.compareExchange(0, 3), -0, '-0 matches 0 as === does');
    assert.equal(x.value, 3);
    const nan = new Value('float32', NaN);
    assert.ok(Number.isNaN(nan.compareExchange(NaN, 1)));
    assert.ok(Number.isNaN(nan.value), 'NaN matches nothing');
    const big = new Value('bigint64', 1n);
    assert.equal(big.add(2n), 1n);
    assert.equal(big.compareExchange(3n, 4n), 3n);
    assert.equal(big.value, 4n);
  });

  test('getLock() returns a Lock, unless created with lock: false', () => {
    assert.ok(new Value('int32').getLock() instanceof Lock);
    assert.throws(() => new Value('int32', 0, { lock: false }).getLock(), InvalidStateError);
  });

  test('bad types and values are refused with InvalidArgumentError', () => {
    assert.throws(() => new Value('uint8clamped' as never), /Expected `type` to be one of/);
    assert.throws(
      () => new Value('int32', 1n as never),
      (e: unknown) =>
        e instanceof InvalidArgumentError &&
        e.message === "Expected `initial` to be a number (for a 'int32' element), got `1n` (bigint)",
    );
    const v = new Value('bigint64');
    assert.throws(() => (v.value = 1 as never), /Expected `value` to be a bigint/);
    assert.throws(() => v.add(1 as never), /Expected `delta`/);
    assert.throws(() => new Value('int32', 0, null as never), /Expected `options` to be an object/);
  });
});

describe('Value between threads', () => {
  test('atomic add from two workers and the main thread loses no update, for int32, float64 and bigint64', async () => {
    for (const value of [new Value('int32'), new Value('float64'), new Value('bigint64', 0n)]) {
      const work = [
        pool().submit(tasks.addToValue, value, 20_000),
        pool().submit(tasks.addToValue, value, 20_000),
      ];
      for (let i = 0; i < 1_000; i++) value.add((value.type === 'bigint64' ? 1n : 1) as never);
      await Promise.all(work);
      assert.equal(value.value, value.type === 'bigint64' ? 41_000n : 41_000);
    }
  });

  test('read-modify-write under getLock() from two workers loses no update', async () => {
    const value = new Value('float64', 0);
    await Promise.all([
      pool().submit(tasks.addUnderLock, value, 5_000),
      pool().submit(tasks.addUnderLock, value, 5_000),
    ]);
    assert.equal(value.value, 10_000);
  });

  test('a Value refuses to go to a process worker', async () => {
    const { ProcessPoolExecutor } = await import('../../src/index.ts');
    const processes = new ProcessPoolExecutor({ maxWorkers: 1 });
    try {
      await assert.rejects(processes.submit(tasks.addToValue, new Value('int32'), 1), UnserializableError);
    } finally {
      await processes.shutdown();
    }
  });
});
