// asCompleted(futures, { timeout }): Python's concurrent.futures.as_completed, as an async iterator.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncExecutor } from '../../src/backends/async/async-executor.ts';
import { InvalidArgumentError, TimeoutError } from '../../src/errors.ts';
import { asCompleted } from '../../src/core/as-completed.ts';
import type { Future } from '../../src/core/future.ts';
import { kReject, kResolve } from '../../src/core/future.ts';
import { resolved, running } from '../helpers/futures.ts';

/**
 * The values of the yielded futures, in yield order. `await item` gives the value whether the iterator yields
 * the future itself or its value.
 */
async function valuesOf<R>(iterable: AsyncIterable<Future<R>>): Promise<R[]> {
  const out: R[] = [];
  for await (const item of iterable) out.push(await item);
  return out;
}

/** asCompleted may validate when called or on the first next(); either way the caller must see the error. */
async function rejectsOrThrows(
  call: () => AsyncIterator<unknown>,
  check: (error: unknown) => boolean,
): Promise<void> {
  let iterator: AsyncIterator<unknown>;
  try {
    iterator = call();
  } catch (error) {
    assert.ok(check(error), `unexpected error: ${String(error)}`);
    return;
  }
  await assert.rejects(iterator.next(), (error) => check(error));
}

describe('asCompleted()', () => {
  test('yields futures in the order they complete, not the order given', async () => {
    const [a, b, c] = [running<string>(), running<string>(), running<string>()];
    const iterator = asCompleted([a!, b!, c!]);
    const first = iterator.next();
    b![kResolve]('b');
    assert.equal(await (await first).value, 'b');
    c![kResolve]('c');
    a![kResolve]('a');
    assert.equal(await (await iterator.next()).value, 'c');
    assert.equal(await (await iterator.next()).value, 'a');
    assert.equal((await iterator.next()).done, true);
  });

  test('yields futures completed by an executor in completion order', async () => {
    const executor = new AsyncExecutor();
    const delays = [40, 0, 20];
    const futures = delays.map((ms) =>
      executor.submit(async () => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        return ms;
      }),
    );
    assert.deepEqual(await valuesOf(asCompleted(futures)), [0, 20, 40]);
    await executor.shutdown();
  });

  test('yields the Future objects themselves', async () => {
    const a = resolved('a');
    const b = running<string>();
    const iterator = asCompleted([a, b]);
    const first = await iterator.next();
    assert.equal(first.value, a);
    const next = iterator.next();
    b[kResolve]('b');
    assert.equal((await next).value, b);
  });

  test('failed and cancelled futures are yielded, not thrown', async () => {
    const bad = running<number>();
    const cancelled = running<number>();
    const iterator = asCompleted([bad, cancelled]);
    const first = iterator.next();
    bad[kReject](new Error('task failed'));
    assert.equal((await first).value, bad);
    const second = iterator.next();
    cancelled.cancel();
    assert.equal((await second).value, cancelled);
    assert.equal((await iterator.next()).done, true);
  });

  test('futures already done are yielded first, before any that complete later', async () => {
    const pending = running<number>();
    const early = resolved(1);
    const iterator = asCompleted([pending, early]);
    assert.equal(await (await iterator.next()).value, 1);
    const next = iterator.next();
    pending[kResolve](2);
    assert.equal(await (await next).value, 2);
    assert.equal((await iterator.next()).done, true);
  });

  test('a future listed twice is yielded once', async () => {
    const a = running<string>();
    const b = resolved('b');
    const all = valuesOf(asCompleted([a, b, a, b]));
    setTimeout(() => a[kResolve]('a'), 1);
    assert.deepEqual(await all, ['b', 'a']);
  });

  test('an empty list finishes at once', async () => {
    assert.deepEqual(await valuesOf(asCompleted([])), []);
  });

  test('after the timeout the iterator throws TimeoutError, having yielded what was done', async () => {
    const early = resolved('early');
    const never = running<string>();
    const yielded: string[] = [];
    await assert.rejects(
      async () => {
        for await (const future of asCompleted([early, never], { timeout: 30 })) yielded.push(await future);
      },
      (e) => e instanceof TimeoutError && /1 of the futures/.test(e.message),
    );
    assert.deepEqual(yielded, ['early']);
    assert.equal(never.state, 'running');
  });

  test('a future completing before the timeout is yielded, then the timeout hits the rest', async () => {
    const quick = running<string>();
    const never = running<string>();
    setTimeout(() => quick[kResolve]('quick'), 1);
    const yielded: string[] = [];
    await assert.rejects(async () => {
      for await (const future of asCompleted([never, quick], { timeout: 60 })) yielded.push(await future);
    }, TimeoutError);
    assert.deepEqual(yielded, ['quick']);
  });

  test('a timeout does not fire when everything completes in time', async () => {
    const a = running<number>();
    setTimeout(() => a[kResolve](1), 1);
    assert.deepEqual(await valuesOf(asCompleted([a], { timeout: 10_000 })), [1]);
  });

  test('a negative, NaN or non-number timeout is rejected with InvalidArgumentError naming the option', async () => {
    for (const timeout of [-1, Number.NaN, 'soon', null]) {
      await rejectsOrThrows(
        () => asCompleted([running<number>()], { timeout: timeout as number }),
        (e) => e instanceof InvalidArgumentError && /`timeout`/.test(e.message),
      );
    }
  });

  test('an unknown option, or an item that is not a Future, is rejected with InvalidArgumentError', () => {
    assert.throws(
      () => asCompleted([running<number>()], { timeuot: 5 } as never),
      (e) => e instanceof InvalidArgumentError && /did you mean `timeout`/.test(e.message),
    );
    assert.throws(
      () => asCompleted([1, 2] as never),
      (e) => e instanceof InvalidArgumentError && /got `1` \(number\) at index 0/.test(e.message),
    );
    assert.throws(() => asCompleted(5 as never), /to be an iterable, got number/);
  });

  test('timeout: Infinity waits without a limit', async () => {
    const future = running<number>();
    setTimeout(() => future[kResolve](1), 20);
    assert.deepEqual(await valuesOf(asCompleted([future], { timeout: Infinity })), [1]);
  });
});
