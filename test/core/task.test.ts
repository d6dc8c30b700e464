// task(): defining addressable task handles, isTask, .with(), and the shared value describer.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError, NotATaskError, TaskNotFoundError } from '../../src/errors.ts';
import { isTask, task } from '../../src/index.ts';
import { assertTask, describe as describeValue, resolveExportName } from '../../src/core/task.ts';
import * as fixtures from '../fixtures/async-tasks.ts';

const here = import.meta.url;

describe('task()', () => {
  test('returns a handle holding the module URL and the function, with no options and no export name', () => {
    const fn = (n: number): number => n + 1;
    const handle = task(here, fn);
    assert.equal(handle.moduleUrl, here);
    assert.equal(handle.fn, fn);
    assert.equal(handle.fn(1), 2);
    assert.deepEqual({ ...handle.callOptions }, {});
    assert.equal(handle.exportName, undefined);
  });

  test('accepts file:, data:, http(s): and node: module URLs', () => {
    for (const url of ['file:///x/tasks.js', 'data:text/javascript,export{}', 'https://e.x/t.js', 'node:x']) {
      assert.equal(task(url, () => 1).moduleUrl, url);
    }
  });

  test('rejects a moduleUrl that is not a module URL, with InvalidArgumentError naming `moduleUrl`', () => {
    for (const bad of ['tasks.ts', '/abs/tasks.ts', './tasks.ts', '', 42, undefined, null, new URL(here)]) {
      assert.throws(
        () => task(bad as string, () => 1),
        (e) =>
          e instanceof InvalidArgumentError &&
          /`moduleUrl`/.test(e.message) &&
          /import\.meta\.url/.test(e.message),
        `moduleUrl ${String(bad)}`,
      );
    }
  });

  test('rejects a fn that is not a function, with InvalidArgumentError naming `fn` and the value', () => {
    for (const [bad, shown] of [
      [undefined, '`undefined`'],
      ['square', '`"square"` (string)'],
      [{}, 'Object object'],
    ] as const) {
      assert.throws(
        () => task(here, bad as never),
        (e) => e instanceof InvalidArgumentError && e.message.includes('`fn`') && e.message.includes(shown),
      );
    }
  });

  test('rejects call options (they go on task.with) and unknown options, naming them', () => {
    assert.throws(
      () => task(here, () => 1, { timeout: 5 } as never),
      (e) =>
        e instanceof InvalidArgumentError &&
        e.message ===
          '`timeout` is a call option: attach it with `task.with({ timeout })`; task(moduleUrl, fn, options) takes only `name`',
    );
    assert.throws(
      () => task(here, () => 1, { nmae: 'x' } as never),
      /Unknown option `nmae`.*did you mean `name`/,
    );
    assert.throws(() => task(here, () => 1, 'square' as never), /Expected `options` to be an object/);
  });

  test('rejects an empty or non-string name', () => {
    for (const name of ['', 5, {}]) {
      assert.throws(
        () => task(here, () => 1, { name: name as string }),
        (e) => e instanceof InvalidArgumentError && /`options.name`/.test(e.message),
      );
    }
  });

  test('a given name becomes the export name at once', () => {
    assert.equal(task(here, () => 1, { name: 'one' }).exportName, 'one');
  });
});

describe('isTask()', () => {
  test('is true for handles and their .with() copies', () => {
    const handle = task(here, () => 1);
    assert.equal(isTask(handle), true);
    assert.equal(isTask(handle.with({ timeout: 5 })), true);
  });

  test('is false for functions, look-alike objects and primitives', () => {
    const handle = task(here, () => 1);
    for (const value of [
      handle.fn,
      () => 1,
      { moduleUrl: here, fn: () => 1, callOptions: {} },
      null,
      undefined,
      'task',
      1,
    ]) {
      assert.equal(isTask(value), false, String(value));
    }
  });

  test('recognises a handle from another copy of the package by its Symbol.for brand', () => {
    assert.equal(isTask({ [Symbol.for('spindle.task')]: {} }), true);
  });

  test('assertTask() throws NotATaskError explaining how to define a task, with a hint for plain functions', () => {
    assert.throws(
      () => assertTask(function work() {}, 'ThreadPoolExecutor.submit()'),
      (e) =>
        e instanceof NotATaskError &&
        e.message.startsWith('ThreadPoolExecutor.submit() expects a task handle, got function work.') &&
        /AsyncExecutor/.test(e.message),
    );
    assert.throws(() => assertTask(42, 'x'), NotATaskError);
    assert.doesNotThrow(() =>
      assertTask(
        task(here, () => 1),
        'x',
      ),
    );
  });
});

describe('task.with()', () => {
  test('returns a new handle with the options attached and leaves the original untouched', () => {
    const handle = task(here, (n: number) => n);
    const signal = new AbortController().signal;
    const configured = handle.with({ timeout: 100, signal });
    assert.notEqual(configured, handle);
    assert.deepEqual({ ...configured.callOptions }, { timeout: 100, signal });
    assert.deepEqual({ ...handle.callOptions }, {});
    assert.equal(configured.fn, handle.fn);
    assert.equal(configured.moduleUrl, handle.moduleUrl);
  });

  test('merges options: later ones override earlier ones, others are kept', () => {
    const signal = new AbortController().signal;
    const handle = task(here, () => 1)
      .with({ timeout: 100, signal })
      .with({ timeout: 5 });
    assert.deepEqual({ ...handle.callOptions }, { timeout: 5, signal });
  });

  test('validates options with InvalidArgumentError naming the option', () => {
    const handle = task(here, () => 1);
    const cases: [unknown, RegExp][] = [
      [{ timeout: -1 }, /`timeout` in task\.with\(options\)/],
      [{ timeout: Number.NaN }, /`timeout`/],
      [{ timeout: '100' }, /`timeout`/],
      [{ signal: 'abort' }, /`signal`/],
      [{ signal: new AbortController() }, /`signal`/],
      [{ transfer: 'buffer' }, /`transfer`/],
      [{ timeot: 100 }, /Unknown option `timeot` in task\.with\(options\) \(did you mean `timeout`\?\)/],
      [null, /task\.with\(options\)/],
      [5, /task\.with\(options\)/],
    ];
    for (const [options, message] of cases) {
      assert.throws(
        () => handle.with(options as never),
        (e) => e instanceof InvalidArgumentError && message.test(e.message),
        JSON.stringify(options),
      );
    }
  });

  test('copies share the export name of the handle they came from', () => {
    const handle = task(here, () => 1, { name: 'mine' });
    assert.equal(handle.with({ timeout: 1 }).exportName, 'mine');
  });
});

describe('export-name lookup', () => {
  test('finds the export name of a handle (and of its .with() copies) by importing its module', async () => {
    assert.equal(await resolveExportName(fixtures.square), 'square');
    assert.equal(await resolveExportName(fixtures.add.with({ timeout: 10 })), 'add');
    assert.equal(await resolveExportName(fixtures.aliased), 'aliased');
    assert.equal(fixtures.square.exportName, 'square');
  });

  test('uses the given name without importing anything', () => {
    assert.equal(resolveExportName(fixtures.named), 'named');
  });

  test('a task its module does not export fails with TaskNotFoundError', async () => {
    const unexported = task(new URL('../fixtures/async-tasks.ts', here).href, () => 1);
    await assert.rejects(
      async () => resolveExportName(unexported),
      (e) => e instanceof TaskNotFoundError && /not exported/.test(e.message),
    );
  });

  test('a module that cannot be imported fails with TaskNotFoundError carrying the cause', async () => {
    const missing = task(new URL('../fixtures/does-not-exist.ts', here).href, () => 1);
    await assert.rejects(
      async () => resolveExportName(missing),
      (e) => e instanceof TaskNotFoundError && /Cannot import/.test(e.message) && e.cause !== undefined,
    );
  });
});

describe('describe(value) for error messages', () => {
  test('shows primitives with their type, strings quoted, functions and objects by name', () => {
    const cases: [unknown, string][] = [
      [0, '`0` (number)'],
      [-1.5, '`-1.5` (number)'],
      [Number.NaN, '`NaN` (number)'],
      [true, '`true` (boolean)'],
      [10n, '`10` (bigint)'],
      ['x', '`"x"` (string)'],
      ['', '`""` (string)'],
      [null, '`null`'],
      [undefined, '`undefined`'],
      [function square() {}, 'function square'],
      [() => 1, 'function (anonymous)'],
      [{}, 'Object object'],
      [[1], 'Array object'],
      [new Map(), 'Map object'],
      [Object.create(null), 'Object object'],
    ];
    for (const [value, expected] of cases) assert.equal(describeValue(value), expected);
  });
});
