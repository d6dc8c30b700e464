// Type tests for the typed executor API. `npm run typecheck` (tsc over test/) is what checks them; they also run
// as ordinary tests so the runtime behaviour behind each type is exercised once.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AsyncExecutor,
  asCompleted,
  wait,
  type Future,
  type Task,
  type TaskArgs,
  type TaskResult,
  type WaitResult,
} from '../../src/index.ts';
import { add, square as squareTask } from '../fixtures/async-tasks.ts';

/** True only when A and B are the same type (not merely mutually assignable through `any`). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Compiles only when its type argument is `true`. */
function expectTrue<_T extends true>(): void {}

const square = (n: number): number => n * n;
const greet = async (name: string): Promise<string> => `hello ${name}`;
const join = (a: string, b: number, c: boolean): string => `${a}${b}${c}`;

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('submit() types', () => {
  test('submit(square, 7) is a Future<number>', async () => {
    await using executor = new AsyncExecutor();
    const future = executor.submit(square, 7);
    expectTrue<Equals<typeof future, Future<number>>>();
    assert.equal(await future, 49);
  });

  test('submit() of an async function is a Future of the awaited type', async () => {
    await using executor = new AsyncExecutor();
    const future = executor.submit(greet, 'ann');
    expectTrue<Equals<typeof future, Future<string>>>();
    const value = await future;
    expectTrue<Equals<typeof value, string>>();
    assert.equal(value, 'hello ann');
  });

  test('submit() checks the arguments against the function', () => {
    const executor = new AsyncExecutor();
    // Type errors only; never called.
    const neverCalled = (): void => {
      // @ts-expect-error a string is not a number
      executor.submit(square, 'x');
      // @ts-expect-error the argument is missing
      executor.submit(square);
      // @ts-expect-error one argument too many
      executor.submit(square, 1, 2);
      // @ts-expect-error wrong type in second position
      executor.submit(join, 'a', 'b', true);
      // @ts-expect-error a task handle checks its arguments too
      executor.submit(squareTask, 'x');
      // @ts-expect-error a task handle with its argument missing
      executor.submit(add, 1);
    };
    assert.equal(typeof neverCalled, 'function');
  });

  test('submit() of a task handle accepts its arguments', async () => {
    await using executor = new AsyncExecutor();
    assert.equal(await executor.submit(add, 1, 2), 3);
  });

  test('submit(taskHandle, 7) is a Future<number>', async () => {
    await using executor = new AsyncExecutor();
    const future = executor.submit(squareTask, 7);
    expectTrue<Equals<typeof future, Future<number>>>();
    expectTrue<Equals<TaskResult<typeof squareTask>, number>>();
    assert.equal(await future, 49);
  });

  test('TaskArgs and TaskResult read plain functions and task arguments', () => {
    expectTrue<Equals<TaskArgs<typeof square>, [n: number]>>();
    expectTrue<Equals<TaskResult<typeof square>, number>>();
    expectTrue<Equals<TaskResult<typeof greet>, string>>();
    expectTrue<Equals<TaskArgs<typeof add>, [a: number, b: number]>>();
    assert.equal(square(3), 9);
  });

  test('task.with() keeps the task type', () => {
    const configured = squareTask.with({ timeout: 10 });
    expectTrue<Equals<typeof configured, Task<[n: number], number>>>();
    // Refused by the compiler, and at run time for JavaScript callers.
    // @ts-expect-error unknown option
    assert.throws(() => squareTask.with({ retries: 3 }), /Unknown option `retries`/);
    assert.equal(configured.fn(4), 16);
  });
});

describe('map(), mapUnordered() and starmap() types', () => {
  test('map(square, [1, 2]) yields numbers', async () => {
    await using executor = new AsyncExecutor();
    const results = executor.map(square, [1, 2]);
    expectTrue<Equals<typeof results, AsyncIterableIterator<number>>>();
    const values = await collect(results);
    expectTrue<Equals<typeof values, number[]>>();
    assert.deepEqual(values, [1, 4]);
  });

  test('map() of an async function yields awaited values, and of a task handle its result type', async () => {
    await using executor = new AsyncExecutor();
    const greetings = executor.map(greet, ['a']);
    expectTrue<Equals<typeof greetings, AsyncIterableIterator<string>>>();
    const squares = executor.mapUnordered(squareTask, [3]);
    expectTrue<Equals<typeof squares, AsyncIterableIterator<number>>>();
    assert.deepEqual(await collect(greetings), ['hello a']);
    assert.deepEqual(await collect(squares), [9]);
  });

  test('map() checks the item type against the function', () => {
    const executor = new AsyncExecutor();
    const neverCalled = (): void => {
      // @ts-expect-error strings are not numbers
      executor.map(square, ['x']);
      // @ts-expect-error strings are not numbers
      executor.mapUnordered(square, ['x']);
      // @ts-expect-error a two-argument function cannot be mapped
      executor.map(add, [1]);
      // @ts-expect-error concurrency is a number
      executor.map(square, [1], { concurrency: 'many' });
    };
    assert.equal(typeof neverCalled, 'function');
  });

  test('starmap() spreads tuples into the function and yields its result type', async () => {
    await using executor = new AsyncExecutor();
    const sums = executor.starmap(add, [
      [1, 2],
      [3, 4],
    ]);
    expectTrue<Equals<typeof sums, AsyncIterableIterator<number>>>();
    const joined = executor.starmap(join, [['x', 1, true]]);
    expectTrue<Equals<typeof joined, AsyncIterableIterator<string>>>();
    assert.deepEqual(await collect(sums), [3, 7]);
    assert.deepEqual(await collect(joined), ['x1true']);
  });

  test('starmap() checks each argument list', () => {
    const executor = new AsyncExecutor();
    const neverCalled = (): void => {
      // @ts-expect-error wrong types inside the tuple
      executor.starmap(add, [['a', 1]]);
      // @ts-expect-error items must be argument lists, not single values
      executor.starmap(add, [1, 2]);
      // @ts-expect-error wrong type in third position
      executor.starmap(join, [['x', 1, 'yes']]);
    };
    assert.equal(typeof neverCalled, 'function');
  });
});

describe('Future types', () => {
  test('a Future is PromiseLike and awaits to its result type', async () => {
    await using executor = new AsyncExecutor();
    const future = executor.submit(square, 3);
    const promiseLike: PromiseLike<number> = future;
    expectTrue<Equals<Awaited<typeof future>, number>>();
    const result = future.result(1000);
    expectTrue<Equals<typeof result, Promise<number>>>();
    const exception = future.exception();
    expectTrue<Equals<typeof exception, Promise<unknown>>>();
    let callbackArgument: unknown;
    future.addDoneCallback((done) => {
      expectTrue<Equals<typeof done, Future<number>>>();
      callbackArgument = done;
    });
    // @ts-expect-error a Future<number> is not a PromiseLike<string>
    const wrong: PromiseLike<string> = future;
    void wrong;
    assert.equal(await promiseLike, 9);
    assert.equal(await result, 9);
    assert.equal(await exception, undefined);
    assert.equal(callbackArgument, future);
  });

  test('wait() and asCompleted() keep the future type', async () => {
    await using executor = new AsyncExecutor();
    const futures = [executor.submit(square, 2), executor.submit(square, 3)];
    const waited = await wait(futures);
    expectTrue<Equals<typeof waited, WaitResult<Future<number>>>>();
    const next = await asCompleted(futures).next();
    if (next.done !== true) expectTrue<Equals<typeof next.value, Future<number>>>();
    assert.equal(waited.done.size, 2);
  });

  test('`for await` over asCompleted() yields the futures themselves at run time', async () => {
    await using executor = new AsyncExecutor();
    const futures = [executor.submit(square, 2)];
    // TypeScript types a `for await` variable as the awaited value of whatever is yielded (futures are
    // awaitable), so the loop variable reads as `number` to the compiler; at run time it is the Future, and
    // `await f` is right for both.
    for await (const f of asCompleted(futures)) {
      assert.equal(f as unknown, futures[0]);
      assert.equal(await f, 4);
    }
  });
});
