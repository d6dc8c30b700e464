// AsyncExecutor: bounded concurrency on the event loop, behind the shared Executor API (submit, map, shutdown,
// cancellation, timeouts, signals, stats).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  AsyncExecutor,
  CancelledError,
  ExecutorShutdownError,
  InvalidArgumentError,
  NoCurrentTaskError,
  TimeoutError,
  currentSignal,
  task,
  type Future,
} from '../../../src/index.ts';
import { add, failAsync, failSync, sleep, square, type PipelineReport } from '../../fixtures/async-tasks.ts';
import { isSettled, tick, ticks, unhandledRejectionsDuring } from '../../helpers/futures.ts';

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Resolves when the current task's signal aborts, rejecting with its reason; never settles otherwise. */
function untilAborted(): Promise<never> {
  const signal = currentSignal();
  return new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

const execFileAsync = promisify(execFile);

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('AsyncExecutor.submit()', () => {
  test('submit of a plain function resolves to its return value', async () => {
    await using executor = new AsyncExecutor();
    assert.equal(await executor.submit((a: number, b: number) => a * b, 6, 7), 42);
  });

  test('submit of an async function resolves to the awaited value', async () => {
    await using executor = new AsyncExecutor();
    const future = executor.submit(async (s: string) => {
      await tick();
      return s.toUpperCase();
    }, 'abc');
    assert.equal(await future, 'ABC');
  });

  test('submit of a task handle runs its function with the arguments', async () => {
    await using executor = new AsyncExecutor();
    assert.equal(await executor.submit(square, 7), 49);
    assert.equal(await executor.submit(add, 2, 3), 5);
    assert.equal(await executor.submit(sleep, 1, 'done'), 'done');
  });

  test('a task starts in a later microtask, never inside submit()', async () => {
    await using executor = new AsyncExecutor();
    let started = false;
    const future = executor.submit(() => {
      started = true;
      return 1;
    });
    assert.equal(started, false);
    assert.equal(future.state, 'pending');
    await Promise.resolve();
    assert.equal(started, true);
    assert.equal(await future, 1);
  });

  test('a future is pending while queued, running while its task runs, finished after', async () => {
    await using executor = new AsyncExecutor({ maxConcurrency: 1 });
    const gate = deferred();
    const first = executor.submit(() => gate.promise);
    const second = executor.submit(() => 2);
    await tick();
    assert.equal(first.state, 'running');
    assert.equal(second.state, 'pending');
    gate.resolve();
    await first;
    assert.equal(first.state, 'finished');
    assert.equal(await second, 2);
  });

  test('a synchronous throw rejects the future with the same error object', async () => {
    await using executor = new AsyncExecutor();
    const error = new RangeError('sync');
    await assert.rejects(
      executor
        .submit(() => {
          throw error;
        })
        .result(),
      (e) => e === error,
    );
    await assert.rejects(executor.submit(failSync, 'from task').result(), /from task/);
  });

  test('an async rejection rejects the future with the same error object', async () => {
    await using executor = new AsyncExecutor();
    const error = new TypeError('async');
    const future = executor.submit(async () => {
      await tick();
      throw error;
    });
    await assert.rejects(future.result(), (e) => e === error);
    await assert.rejects(executor.submit(failAsync, 'from task').result(), /from task/);
  });

  test('a non-function, non-task is rejected with InvalidArgumentError describing the value', () => {
    const executor = new AsyncExecutor();
    for (const [bad, shown] of [
      [42, '`42` (number)'],
      [null, '`null`'],
      [{ fn: () => 1 }, 'Object object'],
    ] as const) {
      assert.throws(
        () => executor.submit(bad as unknown as () => void),
        (e) => e instanceof InvalidArgumentError && e.message.includes(shown),
      );
    }
  });

  test('a failed task nobody awaits raises no unhandled rejection', async () => {
    await using executor = new AsyncExecutor();
    const seen = await unhandledRejectionsDuring(async () => {
      const futures = [
        executor.submit(() => {
          throw new Error('sync, unobserved');
        }),
        executor.submit(async () => {
          throw new Error('async, unobserved');
        }),
      ];
      await ticks();
      assert.equal(futures.filter((f) => f.done()).length, 2);
    });
    assert.deepEqual(seen, []);
  });

  test('currentSignal() read at the start stays live; read after an await it throws instead of guessing', async () => {
    await using executor = new AsyncExecutor();
    const [first, late] = await executor.submit(async () => {
      const signal = currentSignal();
      await tick();
      let error: unknown;
      try {
        currentSignal();
      } catch (e) {
        error = e;
      }
      return [signal, error] as const;
    });
    assert.equal(first.aborted, false);
    assert.ok(late instanceof NoCurrentTaskError);
    assert.match(late.message, /before awaiting anything/);
  });

  test('concurrent tasks each get their own signal', async () => {
    await using executor = new AsyncExecutor();
    const signals = await Promise.all(
      range(3).map(() =>
        executor.submit(async () => {
          const signal = currentSignal();
          await tick();
          return signal;
        }),
      ),
    );
    assert.equal(new Set(signals).size, 3);
  });

  test('currentSignal() outside a task throws NoCurrentTaskError', () => {
    assert.throws(
      currentSignal,
      (e) => e instanceof NoCurrentTaskError && e.code === 'SPINDLE_ERR_NO_CURRENT_TASK',
    );
  });
});

describe('AsyncExecutor concurrency', () => {
  test('maxConcurrency is never exceeded, and is reached', async () => {
    await using executor = new AsyncExecutor({ maxConcurrency: 3 });
    let active = 0;
    let peak = 0;
    let peakSeenByStats = 0;
    const futures = range(24).map((i) =>
      executor.submit(async () => {
        active++;
        peak = Math.max(peak, active);
        peakSeenByStats = Math.max(peakSeenByStats, executor.stats().running);
        for (let k = 0; k <= i % 4; k++) await tick();
        active--;
        return i;
      }),
    );
    assert.deepEqual(await Promise.all(futures), range(24));
    assert.equal(peak, 3);
    assert.equal(peakSeenByStats, 3);
  });

  test('queued tasks start in submission order', async () => {
    await using executor = new AsyncExecutor({ maxConcurrency: 1 });
    const order: number[] = [];
    await Promise.all(
      range(10).map((i) =>
        executor.submit(async () => {
          order.push(i);
          await tick();
        }),
      ),
    );
    assert.deepEqual(order, range(10));
  });

  test('maxConcurrency defaults to 64', async () => {
    await using executor = new AsyncExecutor();
    assert.equal(executor.maxConcurrency, 64);
    const gate = deferred();
    let started = 0;
    const futures = range(100).map(() =>
      executor.submit(async () => {
        started++;
        await gate.promise;
      }),
    );
    await ticks();
    assert.equal(started, 64);
    assert.equal(executor.stats().queued, 36);
    gate.resolve();
    await Promise.all(futures);
    assert.equal(started, 100);
  });

  test('maxConcurrency: Infinity starts every task at once', async () => {
    await using executor = new AsyncExecutor({ maxConcurrency: Infinity });
    const gate = deferred();
    let started = 0;
    const futures = range(500).map(() =>
      executor.submit(async () => {
        started++;
        await gate.promise;
      }),
    );
    await ticks();
    assert.equal(started, 500);
    gate.resolve();
    await Promise.all(futures);
  });

  test('maxConcurrency that is not an integer from 1 up throws InvalidArgumentError naming the option', () => {
    for (const [bad, shown] of [
      [0, '`0` (number)'],
      [-1, '`-1` (number)'],
      [1.5, '`1.5` (number)'],
      ['x', '`"x"` (string)'],
      [Number.NaN, '`NaN` (number)'],
      [null, '`null`'],
      [-Infinity, '`-Infinity` (number)'],
    ] as const) {
      assert.throws(
        () => new AsyncExecutor({ maxConcurrency: bad as number }),
        (e) =>
          e instanceof InvalidArgumentError &&
          e.message.includes('`maxConcurrency`') &&
          e.message.includes(shown),
        `maxConcurrency ${String(bad)}`,
      );
    }
  });

  test('an unknown option throws InvalidArgumentError naming it', () => {
    assert.throws(
      () => new AsyncExecutor({ maxConcurency: 4 } as never),
      (e) => e instanceof InvalidArgumentError && /did you mean `maxConcurrency`/.test(e.message),
    );
  });

  test('options that are not an object throw InvalidArgumentError', () => {
    for (const bad of [null, 'fast', 4]) {
      assert.throws(
        () => new AsyncExecutor(bad as never),
        (e) => e instanceof InvalidArgumentError && /`options`/.test(e.message),
      );
    }
  });
});

describe('AsyncExecutor cancellation', () => {
  test('cancel() of a queued task means it never runs', async () => {
    await using executor = new AsyncExecutor({ maxConcurrency: 1 });
    const gate = deferred();
    const first = executor.submit(() => gate.promise);
    let ran = false;
    const queued = executor.submit(() => {
      ran = true;
    });
    await tick();
    assert.equal(queued.cancel(), true);
    assert.equal(queued.cancelled(), true);
    gate.resolve();
    await first;
    await ticks();
    assert.equal(ran, false);
    await assert.rejects(queued.result(), CancelledError);
    assert.equal(executor.stats().cancelled, 1);
  });

  test('cancel() of a running task aborts its currentSignal, rejects with CancelledError and frees its slot', async () => {
    await using executor = new AsyncExecutor({ maxConcurrency: 1 });
    let signal: AbortSignal | undefined;
    const running = executor.submit(() => {
      signal = currentSignal();
      return untilAborted();
    });
    let nextStarted = false;
    const next = executor.submit(() => {
      nextStarted = true;
      return 'next';
    });
    await tick();
    assert.equal(running.state, 'running');
    assert.equal(nextStarted, false);
    assert.equal(running.cancel(), true);
    assert.equal(running.state, 'cancelled');
    assert.equal(signal!.aborted, true);
    assert.ok(signal!.reason instanceof CancelledError, 'aborted with CancelledError');
    await assert.rejects(running.result(), CancelledError);
    assert.equal(await next, 'next');
    assert.equal(nextStarted, true);
    assert.equal(executor.stats().cancelled, 1);
  });

  test('the late result of a cancelled running task is ignored', async () => {
    await using executor = new AsyncExecutor();
    const gate = deferred<string>();
    const future = executor.submit(() => gate.promise);
    await tick();
    future.cancel();
    gate.resolve('too late');
    await ticks();
    assert.equal(future.state, 'cancelled');
    await assert.rejects(future.result(), CancelledError);
    assert.equal(executor.stats().completed, 0);
  });

  test('cancelling every future in submission order never starts the queued ones', async () => {
    await using executor = new AsyncExecutor({ maxConcurrency: 1 });
    const started: number[] = [];
    const futures = range(4).map((i) =>
      executor.submit(() => {
        started.push(i);
        return untilAborted();
      }),
    );
    await tick();
    for (const future of futures) future.cancel();
    await ticks();
    assert.deepEqual(started, [0]);
  });
});

describe('AsyncExecutor timeouts', () => {
  test('a task past its timeout rejects with TimeoutError, its signal aborts, and stats count it as timed out', async () => {
    await using executor = new AsyncExecutor();
    let signal: AbortSignal | undefined;
    const slow = task(import.meta.url, () => {
      signal = currentSignal();
      return untilAborted();
    });
    const future = executor.submit(slow.with({ timeout: 20 }));
    await assert.rejects(future.result(), (e) => e instanceof TimeoutError && /20 ms/.test(e.message));
    assert.equal(future.cancelled(), true);
    assert.equal(signal!.aborted, true);
    assert.ok(signal!.reason instanceof TimeoutError, 'aborted with TimeoutError');
    const stats = executor.stats();
    assert.equal(stats.timedOut, 1);
    assert.equal(stats.cancelled, 0);
    assert.equal(stats.running, 0);
  });

  test('a timed-out task frees its slot so the next queued task starts', async () => {
    await using executor = new AsyncExecutor({ maxConcurrency: 1 });
    const stuck = executor.submit(sleep.with({ timeout: 10 }), 60_000);
    const next = executor.submit(square, 3);
    await assert.rejects(stuck.result(), TimeoutError);
    assert.equal(await next, 9);
  });

  test('time spent queued does not count toward the timeout', async () => {
    await using executor = new AsyncExecutor({ maxConcurrency: 1 });
    const first = executor.submit(sleep, 80);
    // Synchronous: once started it settles before any timer can fire, so only time in the queue could time it out.
    const second = executor.submit(square.with({ timeout: 20 }), 4);
    await first;
    assert.equal(await second, 16);
    assert.equal(executor.stats().timedOut, 0);
  });

  test('a task that finishes before its timeout is not affected by it', async () => {
    await using executor = new AsyncExecutor();
    const future = executor.submit(sleep.with({ timeout: 5000 }), 1, 'in time');
    assert.equal(await future, 'in time');
    assert.equal(future.state, 'finished');
    assert.equal(executor.stats().timedOut, 0);
  });
});

describe('AsyncExecutor signals', () => {
  test('an already aborted signal cancels at submit: the task never runs', async () => {
    await using executor = new AsyncExecutor();
    const controller = new AbortController();
    const reason = new Error('user gave up');
    controller.abort(reason);
    let ran = false;
    const probe = task(import.meta.url, () => {
      ran = true;
    });
    const future = executor.submit(probe.with({ signal: controller.signal }));
    assert.equal(future.cancelled(), true);
    await assert.rejects(future.result(), (e) => e instanceof CancelledError && e.cause === reason);
    await ticks();
    assert.equal(ran, false);
    assert.equal(executor.stats().cancelled, 1);
  });

  test('aborting the signal later cancels a queued task, which never runs', async () => {
    await using executor = new AsyncExecutor({ maxConcurrency: 1 });
    const gate = deferred();
    const first = executor.submit(() => gate.promise);
    const controller = new AbortController();
    let ran = false;
    const probe = task(import.meta.url, () => {
      ran = true;
    });
    const queued = executor.submit(probe.with({ signal: controller.signal }));
    await tick();
    controller.abort('stop');
    assert.equal(queued.cancelled(), true);
    gate.resolve();
    await first;
    await ticks();
    assert.equal(ran, false);
    await assert.rejects(queued.result(), (e) => e instanceof CancelledError && e.cause === 'stop');
  });

  test('aborting the signal later cancels a running task and aborts its currentSignal', async () => {
    await using executor = new AsyncExecutor();
    const controller = new AbortController();
    let inner: AbortSignal | undefined;
    const waiting = task(import.meta.url, () => {
      inner = currentSignal();
      return untilAborted();
    });
    const future = executor.submit(waiting.with({ signal: controller.signal }));
    await tick();
    assert.equal(future.state, 'running');
    controller.abort();
    await assert.rejects(future.result(), CancelledError);
    assert.equal(inner!.aborted, true);
  });

  test('aborting the signal after the task finished changes nothing', async () => {
    await using executor = new AsyncExecutor();
    const controller = new AbortController();
    const future = executor.submit(square.with({ signal: controller.signal }), 5);
    assert.equal(await future, 25);
    controller.abort();
    assert.equal(future.state, 'finished');
    assert.equal(executor.stats().cancelled, 0);
  });
});

describe('AsyncExecutor shutdown', () => {
  test('submit(), map(), mapUnordered() and starmap() after shutdown() throw ExecutorShutdownError', async () => {
    const executor = new AsyncExecutor();
    assert.equal(executor.isShutdown, false);
    await executor.shutdown();
    assert.equal(executor.isShutdown, true);
    assert.throws(() => executor.submit(square, 1), ExecutorShutdownError);
    assert.throws(() => executor.map(square, [1]), ExecutorShutdownError);
    assert.throws(() => executor.mapUnordered(square, [1]), ExecutorShutdownError);
    assert.throws(() => executor.starmap(add, [[1, 2]]), ExecutorShutdownError);
  });

  test('shutdown() waits for running and queued tasks to finish', async () => {
    const executor = new AsyncExecutor({ maxConcurrency: 1 });
    const futures = range(3).map((i) => executor.submit(sleep, 5, `t${i}`));
    await executor.shutdown();
    assert.deepEqual(
      futures.map((f) => f.state),
      ['finished', 'finished', 'finished'],
    );
    assert.deepEqual(await Promise.all(futures), ['t0', 't1', 't2']);
  });

  test('shutdown({ wait: false }) resolves at once while tasks keep running to completion', async () => {
    const executor = new AsyncExecutor();
    const gate = deferred<string>();
    const future = executor.submit(() => gate.promise);
    await tick();
    await executor.shutdown({ wait: false });
    assert.equal(future.state, 'running');
    gate.resolve('finished anyway');
    assert.equal(await future, 'finished anyway');
  });

  test('shutdown({ cancelFutures: true }) cancels queued tasks and lets running ones finish', async () => {
    const executor = new AsyncExecutor({ maxConcurrency: 1 });
    const gate = deferred<string>();
    const running = executor.submit(() => gate.promise);
    let queuedRan = false;
    const queued = executor.submit(() => {
      queuedRan = true;
    });
    await tick();
    const done = executor.shutdown({ cancelFutures: true });
    assert.equal(queued.cancelled(), true);
    assert.equal(running.state, 'running');
    assert.equal(await isSettled(done), false);
    gate.resolve('ok');
    await done;
    assert.equal(await running, 'ok');
    assert.equal(queuedRan, false);
    await assert.rejects(queued.result(), CancelledError);
  });

  test('shutdown() again returns the same promise', async () => {
    const executor = new AsyncExecutor();
    const first = executor.shutdown();
    assert.equal(executor.shutdown(), first);
    await first;
  });

  test('shutdown() of an idle executor resolves at once', async () => {
    const executor = new AsyncExecutor();
    assert.equal(await isSettled(executor.shutdown()), true);
  });

  test('shutdown() with options that are not an object throws InvalidArgumentError', () => {
    const executor = new AsyncExecutor();
    assert.throws(() => executor.shutdown(null as never), InvalidArgumentError);
    assert.throws(
      () => executor.shutdown({ wait: 'yes' } as never),
      /`wait` in shutdown\(options\) to be a boolean/,
    );
    assert.throws(() => executor.shutdown({ cancelFutures: 1 } as never), /`cancelFutures`/);
    assert.throws(() => executor.shutdown({ cancelfutures: true } as never), /did you mean `cancelFutures`/);
    assert.equal(executor.isShutdown, false);
  });

  test('`await using` shuts the executor down at scope exit, after its tasks finish', async () => {
    let outer: AsyncExecutor | undefined;
    let future: Future<string> | undefined;
    {
      await using executor = new AsyncExecutor();
      outer = executor;
      future = executor.submit(async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        return 'done';
      });
    }
    assert.equal(outer.isShutdown, true);
    assert.equal(future.state, 'finished');
    assert.equal(await future, 'done');
  });
});

describe('AsyncExecutor.map()', () => {
  test('map() yields results in input order even when later items finish first', async () => {
    await using executor = new AsyncExecutor();
    const finished: number[] = [];
    const results = await collect(
      executor.map(async (i: number) => {
        for (let k = 0; k < 8 - i; k++) await tick();
        finished.push(i);
        return i * 10;
      }, range(8)),
    );
    assert.deepEqual(results, [0, 10, 20, 30, 40, 50, 60, 70]);
    assert.deepEqual(finished, range(8).reverse());
  });

  test('map() of a task handle, and of an empty input', async () => {
    await using executor = new AsyncExecutor();
    assert.deepEqual(await collect(executor.map(square, [1, 2, 3])), [1, 4, 9]);
    assert.deepEqual(await collect(executor.map(square, [])), []);
  });

  test('map() pulls input lazily: never more than `concurrency` items ahead of the consumer', async () => {
    await using executor = new AsyncExecutor();
    let pulled = 0;
    function* input(): Generator<number> {
      for (let i = 0; i < 50; i++) {
        pulled++;
        yield i;
      }
    }
    const results = executor.map((n: number) => n, input(), { concurrency: 3 });
    await ticks();
    assert.equal(pulled, 0, 'nothing is pulled before the first next()');
    let consumed = 0;
    let maxAhead = 0;
    for await (const value of results) {
      assert.equal(value, consumed);
      consumed++;
      maxAhead = Math.max(maxAhead, pulled - consumed);
      await ticks(2); // a slow consumer: the producer must not run ahead meanwhile
      maxAhead = Math.max(maxAhead, pulled - consumed);
    }
    assert.equal(consumed, 50);
    assert.ok(maxAhead <= 3, `pulled ${maxAhead} items ahead`);
    assert.ok(maxAhead >= 2, 'the window is used');
  });

  test('map() accepts an async iterable', async () => {
    await using executor = new AsyncExecutor();
    async function* input(): AsyncGenerator<number> {
      for (let i = 1; i <= 5; i++) {
        await tick();
        yield i;
      }
    }
    assert.deepEqual(await collect(executor.map(square, input(), { concurrency: 2 })), [1, 4, 9, 16, 25]);
  });

  test('map() throws the first failure where it is reached and cancels the tasks still in flight', async () => {
    await using executor = new AsyncExecutor();
    const error = new Error('item 2 failed');
    const signals = new Map<number, AbortSignal>();
    let pulled = 0;
    let inputClosed = false;
    function* input(): Generator<number> {
      try {
        for (let i = 0; i < 100; i++) {
          pulled++;
          yield i;
        }
      } finally {
        inputClosed = true;
      }
    }
    const work = async (i: number): Promise<number> => {
      signals.set(i, currentSignal());
      await tick();
      if (i < 2) return i;
      if (i === 2) throw error;
      return untilAborted();
    };
    const received: number[] = [];
    await assert.rejects(
      async () => {
        for await (const value of executor.map(work, input(), { concurrency: 4 })) received.push(value);
      },
      (e) => e === error,
    );
    assert.deepEqual(received, [0, 1]);
    assert.ok(pulled <= 2 + 4, `pulled ${pulled}`);
    assert.equal(inputClosed, true);
    const later = [...signals].filter(([i]) => i > 2);
    assert.ok(later.length >= 1, 'some later items were in flight');
    for (const [i, signal] of later) assert.equal(signal.aborted, true, `item ${i} was not cancelled`);
    for (const i of [0, 1, 2]) assert.equal(signals.get(i)!.aborted, false, `item ${i} was cancelled`);
    await ticks();
    const stats = executor.stats();
    assert.equal(stats.running, 0);
    assert.equal(stats.cancelled, later.length);
  });

  test("break out of map() cancels the tasks in flight and calls the input iterator's return()", async () => {
    await using executor = new AsyncExecutor();
    const signals = new Map<number, AbortSignal>();
    let returned = false;
    const input: Iterable<number> = {
      [Symbol.iterator]() {
        let i = 0;
        return {
          next: () => ({ done: false, value: i++ }),
          return: () => {
            returned = true;
            return { done: true, value: undefined };
          },
        };
      },
    };
    const work = (i: number): number | Promise<number> => {
      signals.set(i, currentSignal());
      return i === 0 ? 0 : untilAborted();
    };
    for await (const value of executor.map(work, input, { concurrency: 5 })) {
      assert.equal(value, 0);
      break;
    }
    assert.equal(returned, true);
    assert.deepEqual([...signals.keys()].sort(), [0, 1, 2, 3, 4]);
    for (const i of [1, 2, 3, 4]) assert.equal(signals.get(i)!.aborted, true, `item ${i} was not cancelled`);
    await ticks();
    assert.equal(executor.stats().running, 0);
    assert.equal(executor.stats().cancelled, 4);
  });

  test('break from map() never starts the tasks that were still queued', async () => {
    await using executor = new AsyncExecutor({ maxConcurrency: 2 });
    const started = new Set<number>();
    const work = (i: number): number | Promise<number> => {
      started.add(i);
      return i === 0 ? 0 : untilAborted();
    };
    for await (const value of executor.map(work, range(8), { concurrency: 8 })) {
      assert.equal(value, 0);
      break;
    }
    await ticks();
    // Item 0 finished, so 1 and 2 got the two slots; 3..7 were queued when the loop broke.
    assert.deepEqual([...started].sort(), [0, 1, 2]);
  });

  test('a million-item generator runs through map() with concurrency 16, never more than 16 in flight', async () => {
    // In a child process, away from node:test's per-promise async hook (see measureMapPipeline).
    const fixture = new URL('../../fixtures/async-tasks.ts', import.meta.url).href;
    const script =
      `const { measureMapPipeline } = await import(${JSON.stringify(fixture)});\n` +
      'process.stdout.write(JSON.stringify(await measureMapPipeline(1_000_000, 16)));';
    const { stdout } = await execFileAsync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', '--input-type=module', '--eval', script],
      { cwd: new URL('../../..', import.meta.url), timeout: 60_000 },
    );
    const report = JSON.parse(stdout) as PipelineReport;
    assert.equal(report.consumed, 1_000_000);
    assert.equal(report.completed, 1_000_000);
    assert.equal(report.firstOutOfOrder, -1);
    assert.ok(report.maxPulledAhead <= 16, `input pulled ${report.maxPulledAhead} items ahead`);
    assert.ok(report.maxStartedAhead <= 16, `tasks started ${report.maxStartedAhead} ahead`);
    assert.ok(report.maxHeapGrowth >= 0, 'the child ran with --expose-gc');
    assert.ok(report.maxHeapGrowth < 50 * 1024 * 1024, `heap grew by ${report.maxHeapGrowth} bytes`);
  });

  test('map() options (timeout, signal) apply to every call', async () => {
    await using executor = new AsyncExecutor();
    await assert.rejects(collect(executor.map(() => untilAborted(), [1, 2], { timeout: 10 })), TimeoutError);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      collect(executor.map(square, [1, 2], { signal: controller.signal })),
      CancelledError,
    );
  });

  test('map() of something that is not iterable throws InvalidArgumentError naming `items`', () => {
    const executor = new AsyncExecutor();
    for (const bad of [42, null, { length: 1 }, undefined]) {
      assert.throws(
        () => executor.map(square, bad as never),
        (e) => e instanceof InvalidArgumentError && /`items`/.test(e.message),
      );
    }
  });

  test('map() with a concurrency that is not an integer from 1 up throws InvalidArgumentError naming it', () => {
    const executor = new AsyncExecutor();
    for (const bad of [0, -1, 1.5, 'x', Number.NaN]) {
      assert.throws(
        () => executor.map(square, [1], { concurrency: bad as number }),
        (e) =>
          e instanceof InvalidArgumentError &&
          /`concurrency`/.test(e.message) &&
          e.message.includes(String(bad)),
        `concurrency ${String(bad)}`,
      );
    }
  });

  test('map() validates its call options', () => {
    const executor = new AsyncExecutor();
    assert.throws(() => executor.map(square, [1], { timeout: -1 }), /`timeout` in map options/);
    assert.throws(() => executor.map(square, [1], { signal: 'x' as never }), InvalidArgumentError);
    assert.throws(() => executor.map(square, [1], null as never), InvalidArgumentError);
    assert.throws(() => executor.map(square, [1], { concurency: 4 } as never), /did you mean `concurrency`/);
    // One transfer list cannot serve every call of a map.
    assert.throws(() => executor.map(square, [1], { transfer: [] } as never), /Unknown option `transfer`/);
  });
});

describe('AsyncExecutor.mapUnordered()', () => {
  test('mapUnordered() yields results in completion order', async () => {
    await using executor = new AsyncExecutor();
    const results = await collect(
      executor.mapUnordered(async (i: number) => {
        for (let k = 0; k < 8 - i; k++) await tick();
        return i;
      }, range(8)),
    );
    assert.deepEqual(results, range(8).reverse());
  });

  test('mapUnordered() is lazy and bounded by concurrency', async () => {
    await using executor = new AsyncExecutor();
    let pulled = 0;
    function* input(): Generator<number> {
      for (let i = 0; i < 40; i++) {
        pulled++;
        yield i;
      }
    }
    let consumed = 0;
    let maxAhead = 0;
    const seen: number[] = [];
    for await (const value of executor.mapUnordered(
      async (i: number) => {
        await tick();
        return i;
      },
      input(),
      { concurrency: 4 },
    )) {
      seen.push(value);
      consumed++;
      maxAhead = Math.max(maxAhead, pulled - consumed);
    }
    assert.deepEqual(
      seen.sort((a, b) => a - b),
      range(40),
    );
    assert.ok(maxAhead <= 4, `pulled ${maxAhead} ahead`);
  });

  test('mapUnordered() throws the first failure to complete and cancels the rest', async () => {
    await using executor = new AsyncExecutor();
    const error = new Error('fast failure');
    const work = async (i: number): Promise<number> => {
      if (i === 3) {
        await tick();
        throw error;
      }
      return untilAborted();
    };
    await assert.rejects(collect(executor.mapUnordered(work, range(5))), (e) => e === error);
    await ticks();
    assert.equal(executor.stats().running, 0);
    assert.equal(executor.stats().cancelled, 4);
  });
});

describe('AsyncExecutor.starmap()', () => {
  test('starmap() spreads each item as the argument list, keeping input order', async () => {
    await using executor = new AsyncExecutor();
    assert.deepEqual(
      await collect(
        executor.starmap(add, [
          [1, 2],
          [3, 4],
        ]),
      ),
      [3, 7],
    );
    const join = (a: string, b: number, c: boolean): string => `${a}${b}${c}`;
    assert.deepEqual(await collect(executor.starmap(join, [['x', 1, true] as const])), ['x1true']);
  });

  test('starmap() rejects an item that is not an array with InvalidArgumentError and cancels those in flight', async () => {
    await using executor = new AsyncExecutor();
    let firstSignal: AbortSignal | undefined;
    const work = (a: number, b: number): Promise<number> => {
      firstSignal ??= currentSignal();
      void a;
      void b;
      return untilAborted();
    };
    await assert.rejects(
      collect(executor.starmap(work, [[1, 2], 5 as never, [3, 4]])),
      (e) => e instanceof InvalidArgumentError && /starmap/.test(e.message),
    );
    await ticks();
    assert.equal(executor.stats().running, 0);
    if (firstSignal !== undefined) assert.equal(firstSignal.aborted, true);
  });
});

describe('AsyncExecutor.stats()', () => {
  test('stats() counts completed, failed, cancelled and timed-out tasks', async () => {
    await using executor = new AsyncExecutor();
    await executor.submit(square, 2);
    await executor.submit(add, 1, 1);
    await executor.submit(failSync, 'x').catch(() => undefined);
    const cancelled = executor.submit(sleep, 60_000);
    await tick();
    cancelled.cancel();
    await executor.submit(sleep.with({ timeout: 5 }), 60_000).catch(() => undefined);
    const stats = executor.stats();
    assert.equal(stats.completed, 2);
    assert.equal(stats.failed, 1);
    assert.equal(stats.cancelled, 1);
    assert.equal(stats.timedOut, 1);
    assert.equal(stats.workerRestarts, 0);
    assert.equal(stats.running, 0);
    assert.equal(stats.queued, 0);
  });

  test('stats() shows queued and running tasks as they are, and no workers', async () => {
    await using executor = new AsyncExecutor({ maxConcurrency: 2 });
    const gate = deferred();
    const futures = range(5).map(() => executor.submit(() => gate.promise));
    await tick();
    const busy = executor.stats();
    assert.equal(busy.running, 2);
    assert.equal(busy.queued, 3);
    assert.deepEqual(busy.workers, { total: 0, busy: 0, idle: 0 });
    gate.resolve();
    await Promise.all(futures);
    const idle = executor.stats();
    assert.equal(idle.running, 0);
    assert.equal(idle.queued, 0);
    assert.equal(idle.completed, 5);
  });

  test('stats().queued does not count tasks cancelled while queued', async () => {
    await using executor = new AsyncExecutor({ maxConcurrency: 1 });
    const gate = deferred();
    const running = executor.submit(() => gate.promise);
    const queued = range(3).map(() => executor.submit(() => undefined));
    await tick();
    for (const future of queued) future.cancel();
    try {
      assert.equal(executor.stats().queued, 0);
    } finally {
      gate.resolve();
      await running;
    }
  });

  test('stats() run and wait times (µs) cover every started task, with ordered percentiles', async () => {
    await using executor = new AsyncExecutor({ maxConcurrency: 1 });
    const futures = range(3).map(() => executor.submit(sleep, 20));
    const skipped = executor.submit(square, 1);
    skipped.cancel();
    await Promise.all(futures);
    const { runTime, waitTime } = executor.stats();
    assert.equal(runTime.count, 3);
    assert.equal(waitTime.count, 3);
    // Each ran for at least ~20 ms; the third waited for at least the two before it.
    assert.ok(runTime.p50 >= 15_000, `runTime.p50 ${runTime.p50}`);
    assert.ok(waitTime.max >= 30_000, `waitTime.max ${waitTime.max}`);
    for (const h of [runTime, waitTime]) {
      assert.ok(h.p50 <= h.p90 && h.p90 <= h.p99 && h.p99 <= h.max, JSON.stringify(h));
      assert.ok(h.mean > 0 && h.mean <= h.max, `mean ${h.mean}`);
    }
  });

  test('stats() is a frozen snapshot', async () => {
    await using executor = new AsyncExecutor();
    const before = executor.stats();
    assert.equal(Object.isFrozen(before), true);
    await executor.submit(square, 2);
    assert.equal(before.completed, 0);
    assert.equal(executor.stats().completed, 1);
  });
});
