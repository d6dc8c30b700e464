// wait(futures, { timeout, returnWhen }): Python's concurrent.futures.wait, on futures settled by hand.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../../src/errors.ts';
import { kReject, kResolve } from '../../src/core/future.ts';
import { wait } from '../../src/core/wait.ts';
import { failed, isSettled, resolved, running, ticks } from '../helpers/futures.ts';

/** wait() may validate synchronously or reject; either way the caller must see the error. */
async function rejectsOrThrows(
  call: () => Promise<unknown>,
  check: (error: unknown) => boolean,
): Promise<void> {
  let promise: Promise<unknown>;
  try {
    promise = call();
  } catch (error) {
    assert.ok(check(error), `unexpected error: ${String(error)}`);
    return;
  }
  await assert.rejects(promise, (error) => check(error));
}

function sorted<T>(set: Set<T>, all: readonly T[]): number[] {
  return [...set].map((f) => all.indexOf(f)).sort();
}

describe('wait()', () => {
  test('ALL_COMPLETED (the default) resolves only once every future is done', async () => {
    const futures = [running<number>(), running<number>(), running<number>()];
    const waiting = wait(futures);
    futures[0]![kResolve](1);
    futures[2]![kReject](new Error('x'));
    assert.equal(await isSettled(waiting), false);
    futures[1]!.cancel();
    const { done, notDone } = await waiting;
    assert.deepEqual(sorted(done, futures), [0, 1, 2]);
    assert.equal(notDone.size, 0);
  });

  test('FIRST_COMPLETED resolves at the first completion, the others in notDone', async () => {
    const futures = [running<number>(), running<number>(), running<number>()];
    const waiting = wait(futures, { returnWhen: 'FIRST_COMPLETED' });
    assert.equal(await isSettled(waiting), false);
    futures[1]![kResolve](1);
    const { done, notDone } = await waiting;
    assert.deepEqual(sorted(done, futures), [1]);
    assert.deepEqual(sorted(notDone, futures), [0, 2]);
  });

  test('FIRST_COMPLETED counts a failure as a completion', async () => {
    const futures = [running<number>(), running<number>()];
    const waiting = wait(futures, { returnWhen: 'FIRST_COMPLETED' });
    futures[0]![kReject](new Error('x'));
    const { done } = await waiting;
    assert.deepEqual(sorted(done, futures), [0]);
  });

  test('FIRST_EXCEPTION ignores successes and resolves at the first failure', async () => {
    const futures = [running<number>(), running<number>(), running<number>()];
    const waiting = wait(futures, { returnWhen: 'FIRST_EXCEPTION' });
    futures[0]![kResolve](1);
    assert.equal(await isSettled(waiting), false);
    futures[2]![kReject](new Error('x'));
    const { done, notDone } = await waiting;
    assert.deepEqual(sorted(done, futures), [0, 2]);
    assert.deepEqual(sorted(notDone, futures), [1]);
  });

  test('FIRST_EXCEPTION behaves like ALL_COMPLETED when nothing fails', async () => {
    const futures = [running<number>(), running<number>()];
    const waiting = wait(futures, { returnWhen: 'FIRST_EXCEPTION' });
    futures[0]![kResolve](1);
    assert.equal(await isSettled(waiting), false);
    futures[1]![kResolve](2);
    const { done, notDone } = await waiting;
    assert.equal(done.size, 2);
    assert.equal(notDone.size, 0);
  });

  test('FIRST_EXCEPTION does not count a cancelled future as an exception (as in Python)', async () => {
    const futures = [running<number>(), running<number>()];
    const waiting = wait(futures, { returnWhen: 'FIRST_EXCEPTION' });
    futures[0]!.cancel();
    assert.equal(await isSettled(waiting), false);
    futures[1]![kReject](new Error('boom'));
    const { done, notDone } = await waiting;
    assert.deepEqual(sorted(done, futures), [0, 1]);
    assert.deepEqual(sorted(notDone, futures), []);
  });

  test('FIRST_EXCEPTION with a future that had already failed resolves without waiting', async () => {
    const error = failed();
    const pending = running<number>();
    const { done, notDone } = await wait([pending, error], { returnWhen: 'FIRST_EXCEPTION' });
    assert.deepEqual([...done], [error]);
    assert.deepEqual([...notDone], [pending]);
  });

  test('futures already done are in done at once; FIRST_COMPLETED then resolves without waiting', async () => {
    const early = resolved(1);
    const pending = running<number>();
    const { done, notDone } = await wait([pending, early], { returnWhen: 'FIRST_COMPLETED' });
    assert.deepEqual([...done], [early]);
    assert.deepEqual([...notDone], [pending]);
    assert.equal(pending.done(), false);
  });

  test('a timeout resolves with the partial sets', async () => {
    const futures = [running<number>(), running<number>()];
    const waiting = wait(futures, { timeout: 30 });
    futures[0]![kResolve](1);
    const { done, notDone } = await waiting;
    assert.deepEqual(sorted(done, futures), [0]);
    assert.deepEqual(sorted(notDone, futures), [1]);
    assert.equal(futures[1]!.done(), false);
  });

  test('the returned sets do not change when a future completes after the timeout', async () => {
    const futures = [running<number>(), running<number>()];
    const result = await wait(futures, { timeout: 10 });
    futures[0]![kResolve](1);
    await ticks();
    assert.equal(result.done.size, 0);
    assert.equal(result.notDone.size, 2);
  });

  test('timeout 0 returns a snapshot at once', async () => {
    const early = resolved(1);
    const pending = running<number>();
    const { done, notDone } = await wait([early, pending], { timeout: 0 });
    assert.deepEqual([...done], [early]);
    assert.deepEqual([...notDone], [pending]);
  });

  test('a future listed twice appears once', async () => {
    const a = running<number>();
    const b = resolved(2);
    const waiting = wait([a, b, a, b, a]);
    a[kResolve](1);
    const { done, notDone } = await waiting;
    assert.equal(done.size, 2);
    assert.equal(notDone.size, 0);
  });

  test('an empty list resolves at once with two empty sets', async () => {
    const { done, notDone } = await wait([]);
    assert.equal(done.size, 0);
    assert.equal(notDone.size, 0);
  });

  test('wait() never rejects because a task failed or was cancelled', async () => {
    const cancelled = running<number>();
    cancelled.cancel();
    const { done } = await wait([failed(new Error('a')), cancelled, resolved(3)]);
    assert.equal(done.size, 3);
  });

  test('wait() accepts any iterable: a Set or a generator', async () => {
    const futures = [resolved(1), resolved(2)];
    assert.equal((await wait(new Set(futures))).done.size, 2);
    assert.equal(
      (
        await wait(
          (function* () {
            yield* futures;
          })(),
        )
      ).done.size,
      2,
    );
  });

  test('an unknown option, or an item that is not a Future, is rejected with InvalidArgumentError', async () => {
    await rejectsOrThrows(
      () => wait([running<number>()], { returnwhen: 'FIRST_COMPLETED' } as never),
      (e) => e instanceof InvalidArgumentError && /did you mean `returnWhen`/.test(e.message),
    );
    await rejectsOrThrows(
      () => wait([running<number>(), Promise.resolve(1)] as never),
      (e) =>
        e instanceof InvalidArgumentError &&
        /a Future \(from submit\), got Promise object at index 1/.test(e.message),
    );
  });

  test('an unknown returnWhen is rejected with InvalidArgumentError naming the option', async () => {
    await rejectsOrThrows(
      () => wait([running<number>()], { returnWhen: 'SOMETIMES' as never }),
      (e) =>
        e instanceof InvalidArgumentError && /`returnWhen`/.test(e.message) && /SOMETIMES/.test(e.message),
    );
  });

  test('a negative, NaN or non-number timeout is rejected with InvalidArgumentError naming the option', async () => {
    for (const timeout of [-1, Number.NaN, '5', null]) {
      await rejectsOrThrows(
        () => wait([running<number>()], { timeout: timeout as number }),
        (e) => e instanceof InvalidArgumentError && /`timeout`/.test(e.message),
      );
    }
  });

  test('timeout: Infinity waits without a limit', async () => {
    const future = running<number>();
    const waiting = wait([future], { timeout: Infinity });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(await isSettled(waiting), false);
    future[kResolve](1);
    assert.equal((await waiting).done.size, 1);
  });
});
