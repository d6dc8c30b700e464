import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadTarget, parseArgsJson } from '../../src/advisor/target.ts';
import { InvalidArgumentError, NotATaskError, TaskNotFoundError } from '../../src/index.ts';

const fixture = 'test/fixtures/advisor-tasks.ts';

describe('parseArgsJson', () => {
  test('an array of arrays is a list of argument lists', () => {
    assert.deepEqual(parseArgsJson('[[1, 2], [3, 4]]'), [
      [1, 2],
      [3, 4],
    ]);
  });

  test('an array with any non-array item is one argument list', () => {
    assert.deepEqual(parseArgsJson('[1, "a"]'), [[1, 'a']]);
    assert.deepEqual(parseArgsJson('[[1], 2]'), [[[1], 2]]);
  });

  test('an empty array is one empty argument list', () => {
    assert.deepEqual(parseArgsJson('[]'), [[]]);
  });

  test('invalid JSON and non-arrays are refused with the reason', () => {
    assert.throws(() => parseArgsJson('[1,'), /--args is not valid JSON/);
    assert.throws(() => parseArgsJson('5'), InvalidArgumentError);
  });
});

describe('loadTarget', () => {
  test('finds the named task and its --args', async () => {
    const target = await loadTarget({ module: fixture, task: 'spin', args: '[[10]]' });
    assert.equal(target.exportName, 'spin');
    assert.match(target.moduleUrl, /^file:.*advisor-tasks\.ts$/);
    assert.deepEqual(target.argLists, [[10]]);
  });

  test('without --args the task is called with no arguments', async () => {
    assert.deepEqual((await loadTarget({ module: fixture, task: 'spin' })).argLists, [[]]);
  });

  test('--inputs takes the argument lists from an export of the module', async () => {
    const target = await loadTarget({ module: fixture, task: 'spin', inputs: 'spinInputs' });
    assert.deepEqual(target.argLists, [[2_000], [3_000], [4_000]]);
  });

  test('--inputs must name an existing iterable of arrays', async () => {
    await assert.rejects(
      loadTarget({ module: fixture, task: 'spin', inputs: 'nope' }),
      /no export named `nope`/,
    );
    await assert.rejects(loadTarget({ module: fixture, task: 'spin', inputs: 'badInputs' }), /item 0/);
    await assert.rejects(loadTarget({ module: fixture, task: 'spin', inputs: 'spin' }), /array or iterable/);
  });

  test('the only task export is used when none is named', async () => {
    const target = await loadTarget({ module: 'test/fixtures/advisor-single.ts' });
    assert.equal(target.exportName, 'only');
  });

  test('each mistake gets its typed error', async () => {
    await assert.rejects(loadTarget({ module: 'test/fixtures/nope.ts' }), TaskNotFoundError);
    await assert.rejects(loadTarget({ module: fixture, task: 'missing' }), TaskNotFoundError);
    await assert.rejects(loadTarget({ module: fixture, task: 'notATask' }), NotATaskError);
    await assert.rejects(loadTarget({ module: fixture }), /choose one with --task/);
    await assert.rejects(loadTarget({ module: 'test/fixtures/advisor-none.ts' }), /exports no task/);
    await assert.rejects(
      loadTarget({ module: fixture, task: 'spin', args: '[]', inputs: 'spinInputs' }),
      /not both/,
    );
  });

  test('a module that throws while loading is reported as such', async () => {
    await assert.rejects(loadTarget({ module: 'test/fixtures/throws-at-import.ts' }), /Cannot import/);
  });
});
