// Future's state machine, driven from the executor's side through the internal symbols, and its caller API.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError, InvalidArgumentError, TimeoutError } from '../../src/errors.ts';
import type { CancelHandler } from '../../src/core/future.ts';
import { Future, isFuture, kCancelWith, kReject, kResolve, kSetRunning } from '../../src/core/future.ts';
import { running, ticks, unhandledRejectionsDuring } from '../helpers/futures.ts';

interface CancelCall {
  readonly future: Future<unknown>;
  readonly wasRunning: boolean;
  readonly reason: Error;
}

function recordingHandler(): CancelHandler & { readonly calls: CancelCall[] } {
  const calls: CancelCall[] = [];
  return { calls, onCancel: (future, wasRunning, reason) => void calls.push({ future, wasRunning, reason }) };
}

/** Settles to 'pending' if `promise` has not settled after a few rounds of the event loop. */
async function settledState(promise: Promise<unknown>): Promise<'pending' | 'fulfilled' | 'rejected'> {
  let state: 'pending' | 'fulfilled' | 'rejected' = 'pending';
  promise.then(
    () => (state = 'fulfilled'),
    () => (state = 'rejected'),
  );
  await ticks();
  return state;
}

describe('Future states and transitions', () => {
  test('a new future is pending: not running, not done, not cancelled', () => {
    const future = new Future<number>();
    assert.equal(future.state, 'pending');
    assert.equal(future.running(), false);
    assert.equal(future.done(), false);
    assert.equal(future.cancelled(), false);
  });

  test('setRunning moves a pending future to running, and only once', () => {
    const future = new Future<number>();
    assert.equal(future[kSetRunning](), true);
    assert.equal(future.state, 'running');
    assert.equal(future.running(), true);
    assert.equal(future.done(), false);
    assert.equal(future[kSetRunning](), false);
    assert.equal(future.state, 'running');
  });

  test('resolve moves a running future to finished with its value', async () => {
    const future = running<number>();
    assert.equal(future[kResolve](42), true);
    assert.equal(future.state, 'finished');
    assert.equal(future.done(), true);
    assert.equal(future.running(), false);
    assert.equal(future.cancelled(), false);
    assert.equal(await future, 42);
  });

  test('reject moves a running future to finished and keeps the very error object', async () => {
    const future = running<number>();
    const error = new Error('boom');
    assert.equal(future[kReject](error), true);
    assert.equal(future.state, 'finished');
    assert.equal(future.cancelled(), false);
    await assert.rejects(future.result(), (e) => e === error);
  });

  test('a pending future can be resolved directly, without a running step', async () => {
    const future = new Future<string>();
    assert.equal(future[kResolve]('x'), true);
    assert.equal(future.state, 'finished');
    assert.equal(await future, 'x');
  });

  test('a finished future ignores later resolve, reject, cancel and setRunning', async () => {
    const future = running<number>();
    future[kResolve](1);
    assert.equal(future[kResolve](2), false);
    assert.equal(future[kReject](new Error('late')), false);
    assert.equal(future[kCancelWith](new CancelledError()), false);
    assert.equal(future.cancel(), false);
    assert.equal(future[kSetRunning](), false);
    assert.equal(future.state, 'finished');
    assert.equal(await future, 1);
  });

  test('a failed future ignores a later resolve', async () => {
    const future = running<number>();
    const error = new Error('first');
    future[kReject](error);
    assert.equal(future[kResolve](5), false);
    await assert.rejects(future.result(), (e) => e === error);
  });

  test('setRunning fails on a future cancelled while pending (set_running_or_notify_cancel)', () => {
    const future = new Future<number>();
    future.cancel();
    assert.equal(future[kSetRunning](), false);
    assert.equal(future.state, 'cancelled');
  });

  test('a cancelled future ignores a late resolve or reject', async () => {
    const future = running<number>();
    future.cancel();
    assert.equal(future[kResolve](1), false);
    assert.equal(future[kReject](new Error('late')), false);
    assert.equal(future.state, 'cancelled');
    await assert.rejects(future.result(), CancelledError);
  });

  test('kCancelWith settles with the given error and tells the handler whether the task was running', async () => {
    const handler = recordingHandler();
    const queued = new Future<number>(handler);
    const started = running<number>(handler);
    const timeout = new TimeoutError('too slow');
    assert.equal(queued[kCancelWith](new CancelledError()), true);
    assert.equal(started[kCancelWith](timeout), true);
    assert.equal(started.state, 'cancelled');
    assert.deepEqual(
      handler.calls.map((call) => [call.future, call.wasRunning]),
      [
        [queued, false],
        [started, true],
      ],
    );
    assert.equal(handler.calls[1]!.reason, timeout);
    await assert.rejects(started.result(), (e) => e === timeout);
  });

  test('the cancel handler is told once, and never for a future that finished', () => {
    const handler = recordingHandler();
    const cancelled = running<number>(handler);
    cancelled.cancel();
    cancelled.cancel();
    const finished = running<number>(handler);
    finished[kResolve](1);
    finished.cancel();
    assert.equal(handler.calls.length, 1);
    assert.equal(handler.calls[0]!.future, cancelled);
  });

  test('the handler sees the future already cancelled when it is told', () => {
    let stateSeen: string | undefined;
    const future = new Future<number>({ onCancel: (f) => (stateSeen = f.state) });
    future.cancel();
    assert.equal(stateSeen, 'cancelled');
  });

  test('isFuture() and the toStringTag recognise futures and nothing else', () => {
    const future = new Future<number>();
    assert.equal(isFuture(future), true);
    assert.equal(isFuture(Promise.resolve(1)), false);
    assert.equal(isFuture({ then() {} }), false);
    assert.equal(isFuture(null), false);
    assert.equal(Object.prototype.toString.call(future), '[object Future]');
  });
});

describe('Future.cancel()', () => {
  test('cancel() of a pending future returns true and rejects awaiters with CancelledError', async () => {
    const future = new Future<number>();
    const awaited = future.result();
    assert.equal(future.cancel(), true);
    assert.equal(future.state, 'cancelled');
    assert.equal(future.cancelled(), true);
    assert.equal(future.done(), true);
    await assert.rejects(awaited, (e) => e instanceof CancelledError && e.code === 'SPINDLE_ERR_CANCELLED');
  });

  test('cancel() of a running future returns true and tells the executor it was running', async () => {
    const handler = recordingHandler();
    const future = running<number>(handler);
    assert.equal(future.cancel(), true);
    assert.equal(future.running(), false);
    assert.equal(handler.calls[0]!.wasRunning, true);
    assert.ok(handler.calls[0]!.reason instanceof CancelledError, 'reason is a CancelledError');
    await assert.rejects(future.result(), CancelledError);
  });

  test('cancel() of a finished future returns false and keeps its result', async () => {
    const future = running<string>();
    future[kResolve]('kept');
    assert.equal(future.cancel(), false);
    assert.equal(future.cancelled(), false);
    assert.equal(await future, 'kept');
  });

  test('cancel() of a failed future returns false and keeps its error', async () => {
    const future = running<string>();
    const error = new Error('kept');
    future[kReject](error);
    assert.equal(future.cancel(), false);
    assert.equal(await future.exception(), error);
  });

  test('a second cancel() returns false', () => {
    const future = new Future<number>();
    assert.equal(future.cancel(), true);
    assert.equal(future.cancel(), false);
  });
});

describe('awaiting a Future', () => {
  test('a Future is a native Promise that await and Promise.all take as it is, with no wrapping', async () => {
    const future = running<number>();
    assert.ok(future instanceof Promise);
    assert.ok(future instanceof Future);
    assert.equal(Promise.resolve(future), future);
    future[kResolve](5);
    assert.deepEqual(await Promise.all([future]), [5]);
    assert.ok(!(future.then(() => 1) instanceof Future), 'then() returns a plain promise');
  });

  test('await resolves to a value set later', async () => {
    const future = running<number>();
    setTimeout(() => future[kResolve](7), 1);
    assert.equal(await future, 7);
  });

  test('await rejects with the same error object set later', async () => {
    const future = running<number>();
    const error = new TypeError('bad');
    setTimeout(() => future[kReject](error), 1);
    await assert.rejects((async () => await future)(), (e) => e === error);
  });

  test('awaiting a future that finished before anyone awaited still gives its value or error', async () => {
    const ok = running<number>();
    ok[kResolve](3);
    const failed = running<number>();
    const error = new Error('early');
    failed[kReject](error);
    await ticks();
    assert.equal(await ok, 3);
    await assert.rejects(failed.result(), (e) => e === error);
  });

  test('then, catch and finally behave like a promise', async () => {
    const ok = running<number>();
    ok[kResolve](2);
    assert.equal(await ok.then((v) => v * 10), 20);
    const failed = running<number>();
    const error = new Error('x');
    failed[kReject](error);
    assert.equal(await failed.catch((e: unknown) => e), error);
    assert.equal(await failed.then(undefined, (e: unknown) => e), error);
    let finallyRan = false;
    assert.equal(
      await ok.finally(() => {
        finallyRan = true;
      }),
      2,
    );
    assert.equal(finallyRan, true);
  });

  test('every awaiter of one future gets the same outcome', async () => {
    const future = running<{ id: number }>();
    const value = { id: 1 };
    const results = Promise.all([future.result(), future, future.then((v) => v)]);
    future[kResolve](value);
    for (const result of await results) assert.equal(result, value);
  });

  test('a Future works with Promise.all and Promise.race', async () => {
    const a = running<number>();
    const b = running<number>();
    const all = Promise.all([a, b]);
    const race = Promise.race([a, b]);
    await ticks(1);
    b[kResolve](2);
    assert.equal(await race, 2);
    a[kResolve](1);
    assert.deepEqual(await all, [1, 2]);
  });
});

describe('Future.result(timeoutMs)', () => {
  test('result() without a timeout waits for the value', async () => {
    const future = running<string>();
    const result = future.result();
    future[kResolve]('done');
    assert.equal(await result, 'done');
  });

  test('result(ms) rejects with TimeoutError when the future is not done in time; the future stays pending', async () => {
    const future = new Future<number>();
    await assert.rejects(
      future.result(20),
      (e) => e instanceof TimeoutError && e.code === 'SPINDLE_ERR_TIMEOUT',
    );
    assert.equal(future.state, 'pending');
    assert.equal(future.done(), false);
    // The timeout did not settle the future: the executor can still finish it.
    assert.equal(future[kResolve](5), true);
    assert.equal(await future, 5);
  });

  test('result(ms) of a running future rejects with TimeoutError and leaves it running', async () => {
    const future = running<number>();
    await assert.rejects(future.result(10), TimeoutError);
    assert.equal(future.state, 'running');
  });

  test('result(ms) resolves when the future finishes before the timeout', async () => {
    const future = running<number>();
    const result = future.result(10_000);
    future[kResolve](9);
    assert.equal(await result, 9);
  });

  test('result(ms) rejects with the task error, not TimeoutError, when the task fails in time', async () => {
    const future = running<number>();
    const error = new Error('task failed');
    const result = future.result(10_000);
    future[kReject](error);
    await assert.rejects(result, (e) => e === error);
  });

  test('result(0) of a done future gives its value', async () => {
    const future = running<number>();
    future[kResolve](1);
    assert.equal(await future.result(0), 1);
  });

  test('result(0) of a pending future rejects with TimeoutError', async () => {
    await assert.rejects(new Future<number>().result(0), TimeoutError);
  });

  test('result(0) and exception(0) only look: a future done a moment later still timed out', async () => {
    const future = running<number>();
    const result = future.result(0);
    const exception = future.exception(0);
    future[kResolve](1); // before any timer could fire: a 0 ms timer waits a millisecond
    await assert.rejects(result, TimeoutError);
    await assert.rejects(exception, TimeoutError);
  });

  test('result() rejects a negative, NaN or non-number timeout with InvalidArgumentError naming it', async () => {
    for (const bad of [-1, Number.NaN, '10', null]) {
      const future = new Future<number>();
      await assert.rejects(
        future.result(bad as number),
        (e) => e instanceof InvalidArgumentError && /`timeoutMs`/.test(e.message),
        `timeout ${String(bad)}`,
      );
      assert.equal(future.state, 'pending');
    }
  });

  test('result() rejects a bad timeout even when the future is already done', async () => {
    const future = running<number>();
    future[kResolve](1);
    await assert.rejects(future.result(-1), InvalidArgumentError);
  });

  test('result(Infinity) waits without a limit', async () => {
    const future = running<number>();
    const result = future.result(Infinity);
    result.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(await settledState(result), 'pending');
    future[kResolve](1);
    assert.equal(await result, 1);
  });
});

describe('Future.exception()', () => {
  test('exception() resolves to undefined for a future that succeeded', async () => {
    const future = running<number>();
    const exception = future.exception();
    future[kResolve](1);
    assert.equal(await exception, undefined);
  });

  test('exception() resolves to the error of a failed future, without rejecting', async () => {
    const future = running<number>();
    const error = new Error('failed');
    const exception = future.exception();
    future[kReject](error);
    assert.equal(await exception, error);
  });

  test('exception() of a future that failed with undefined resolves to undefined', async () => {
    const future = running<number>();
    future[kReject](undefined);
    assert.equal(await future.exception(), undefined);
    await assert.rejects(future.result(), (e) => e === undefined);
  });

  test('exception() rejects with the CancelledError of a cancelled future', async () => {
    const future = new Future<number>();
    future.cancel();
    await assert.rejects(future.exception(), CancelledError);
  });

  test('exception() rejects with the TimeoutError of a future cancelled by a timeout', async () => {
    const future = running<number>();
    const timeout = new TimeoutError('task timed out');
    future[kCancelWith](timeout);
    await assert.rejects(future.exception(), (e) => e === timeout);
  });

  test('exception(ms) rejects with TimeoutError while the future is pending, and leaves it pending', async () => {
    const future = new Future<number>();
    await assert.rejects(future.exception(10), TimeoutError);
    assert.equal(future.state, 'pending');
  });

  test('exception() rejects a bad timeout with InvalidArgumentError', async () => {
    await assert.rejects(new Future<number>().exception(-5), InvalidArgumentError);
  });
});

describe('Future.addDoneCallback()', () => {
  test('callbacks run once each, in the order added, with the future as argument', () => {
    const future = running<number>();
    const order: string[] = [];
    let seen: Future<number> | undefined;
    future.addDoneCallback((f) => {
      seen = f;
      order.push('a');
    });
    future.addDoneCallback(() => order.push('b'));
    future.addDoneCallback(() => order.push('c'));
    assert.deepEqual(order, []);
    future[kResolve](1);
    assert.deepEqual(order, ['a', 'b', 'c']);
    assert.equal(seen, future);
    future[kResolve](2);
    future.cancel();
    assert.deepEqual(order, ['a', 'b', 'c']);
  });

  test('callbacks run when the future fails or is cancelled', () => {
    const failed = running<number>();
    const cancelled = new Future<number>();
    const calls: string[] = [];
    failed.addDoneCallback((f) => calls.push(`failed:${f.state}`));
    cancelled.addDoneCallback((f) => calls.push(`cancelled:${f.state}`));
    failed[kReject](new Error('x'));
    cancelled.cancel();
    assert.deepEqual(calls, ['failed:finished', 'cancelled:cancelled']);
  });

  test('a callback added to a done future runs at once, synchronously', () => {
    const future = running<number>();
    future[kResolve](1);
    let ran = false;
    future.addDoneCallback(() => (ran = true));
    assert.equal(ran, true);
  });

  test('a callback may add another callback while callbacks are running', () => {
    const future = running<number>();
    const order: string[] = [];
    future.addDoneCallback((f) => {
      order.push('outer');
      f.addDoneCallback(() => order.push('inner'));
    });
    future.addDoneCallback(() => order.push('second'));
    future[kResolve](1);
    assert.deepEqual(order, ['outer', 'inner', 'second']);
  });

  test('a throwing callback does not stop the others, nor the transition, and is reported as a warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const future = running<number>();
      const order: string[] = [];
      future.addDoneCallback(() => order.push('first'));
      future.addDoneCallback(() => {
        throw new Error('callback exploded');
      });
      future.addDoneCallback(() => order.push('third'));
      assert.equal(future[kResolve](1), true);
      assert.deepEqual(order, ['first', 'third']);
      assert.equal(future.state, 'finished');
      assert.equal(await future, 1);
      // A callback on an already done future that throws must not throw out of addDoneCallback either.
      future.addDoneCallback(() => {
        throw new Error('late callback exploded');
      });
      await ticks();
      const ours = warnings.filter((w) => (w as Error & { code?: string }).code === 'SPINDLE_DONE_CALLBACK');
      assert.equal(ours.length, 2);
      assert.match(ours[0]!.message, /callback exploded/);
    } finally {
      process.off('warning', onWarning);
    }
  });

  test('addDoneCallback() with something that is not a function throws InvalidArgumentError', () => {
    const future = new Future<number>();
    for (const bad of [undefined, null, 'f', {}]) {
      assert.throws(
        () => future.addDoneCallback(bad as never),
        (e) => e instanceof InvalidArgumentError && /`callback`/.test(e.message),
      );
    }
  });
});

describe('Future and unhandled rejections', () => {
  test('a failed future nobody awaits raises no unhandled rejection', async () => {
    const seen = await unhandledRejectionsDuring(() => {
      const future = running<number>();
      future[kReject](new Error('nobody listens'));
    });
    assert.deepEqual(seen, []);
  });

  test('a cancelled future nobody awaits raises no unhandled rejection', async () => {
    const seen = await unhandledRejectionsDuring(() => {
      new Future<number>().cancel();
      running<number>()[kCancelWith](new TimeoutError('timed out'));
    });
    assert.deepEqual(seen, []);
  });

  test('inspecting a failed future with exception(), done callbacks or state raises no unhandled rejection', async () => {
    const seen = await unhandledRejectionsDuring(async () => {
      const future = running<number>();
      future.addDoneCallback(() => undefined);
      future[kReject](new Error('inspected'));
      assert.equal(future.done(), true);
      assert.equal((await future.exception()) instanceof Error, true);
    });
    assert.deepEqual(seen, []);
  });

  test('a future that fails after result(ms) timed out raises no unhandled rejection', async () => {
    const seen = await unhandledRejectionsDuring(async () => {
      const future = running<number>();
      await assert.rejects(future.result(1), TimeoutError);
      future[kReject](new Error('late failure'));
    });
    assert.deepEqual(seen, []);
  });
});

describe('Future memory', () => {
  test('finishing lets go of the resolving functions: callers keep many finished futures (Promise.all, result lists)', async () => {
    const { setFlagsFromString } = await import('node:v8');
    const { runInNewContext } = await import('node:vm');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const count = 20_000;
    const futures = new Array<Future<number>>(count);
    for (let i = 0; i < count; i++) futures[i] = new Future<number>();
    await ticks();
    gc();
    const pending = process.memoryUsage().heapUsed;
    for (const future of futures) future[kResolve](1);
    await ticks();
    gc();
    const freed = (pending - process.memoryUsage().heapUsed) / count;
    // Measured on Node 20: ~110 bytes freed a future (209 → 97); nothing while each kept its resolve function.
    assert.ok(freed > 50, `${freed.toFixed(0)} bytes freed a future`);
    assert.equal(futures.length, count);
  });
});
