// rejectUnknownOptions: a misspelt option is an error, not a silent default (core/known-options.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { rejectUnknownOptions } from '../../src/core/known-options.ts';
import { InvalidArgumentError } from '../../src/errors.ts';

describe('rejectUnknownOptions', () => {
  const known = ['timeout', 'signal', 'maxWorkers'];

  test('known options (and none) pass', () => {
    rejectUnknownOptions({}, known, 'f(options)');
    rejectUnknownOptions({ timeout: 1, signal: undefined }, known, 'f(options)');
  });

  test('an unknown option is named, with the place, the closest known name and the known list', () => {
    assert.throws(
      () => rejectUnknownOptions({ timeot: 5 }, known, 'task.with(options)'),
      (e: unknown) =>
        e instanceof InvalidArgumentError &&
        e.message ===
          'Unknown option `timeot` in task.with(options) (did you mean `timeout`?); known options: timeout, signal, maxWorkers',
    );
    assert.throws(() => rejectUnknownOptions({ maxworker: 2 }, known, 'f'), /did you mean `maxWorkers`/);
  });

  test('a name far from every known one gets no guess', () => {
    assert.throws(
      () => rejectUnknownOptions({ retries: 3 }, known, 'f'),
      (e: unknown) => e instanceof InvalidArgumentError && !/did you mean/.test(e.message),
    );
  });
});
