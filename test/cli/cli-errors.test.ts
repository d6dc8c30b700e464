// The `spindle` command's bad-input paths, spawned as a user runs it (node --import tsx src/cli/main.ts):
// a non-zero exit and one message naming the problem, never a stack trace.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

const root = new URL('../..', import.meta.url).pathname;
const fixture = 'test/fixtures/advisor-tasks.ts';
const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function outDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'spindle-cli-'));
  dirs.push(dir);
  return dir;
}

interface Outcome {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `spindle` as a user would; concurrent tests keep the file short on a busy machine. */
function spindle(...args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { cwd: root, encoding: 'utf8', timeout: 50_000 },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

/** A user error: non-zero exit, one message naming the problem, no stack trace. */
function assertUserError(result: Outcome, pattern: RegExp): void {
  assert.notEqual(result.status, 0, result.stderr);
  assert.match(result.stderr, pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

describe('spindle profile: bad input', { concurrency: 4 }, () => {
  test('a module that does not exist', async () => {
    assertUserError(
      await spindle('profile', 'test/fixtures/nope.ts'),
      /Module not found: test\/fixtures\/nope\.ts/,
    );
  });

  test('an export that does not exist, listing the task exports', async () => {
    assertUserError(
      await spindle('profile', fixture, '--task', 'missing'),
      /no export named `missing`\. Task exports: `alwaysThrows`, .*`spin`/,
    );
  });

  test('an export that is not a task', async () => {
    assertUserError(await spindle('profile', fixture, '--task', 'notATask'), /`notATask` .* is not a task/);
  });

  test('several task exports and no --task: the error lists them', async () => {
    assertUserError(
      await spindle('profile', fixture),
      /exports 6 tasks; choose one with --task: `alwaysThrows`, .*`nap`, `spin`/,
    );
  });

  test('a module without tasks', async () => {
    assertUserError(await spindle('profile', 'test/fixtures/advisor-none.ts'), /exports no task/);
  });

  test('--args that is not JSON', async () => {
    assertUserError(
      await spindle('profile', fixture, '--task', 'spin', '--args', '[1,'),
      /--args is not valid JSON/,
    );
  });

  test('--args that is not an array', async () => {
    assertUserError(
      await spindle('profile', fixture, '--task', 'spin', '--args', '{"n":1}'),
      /--args must be a JSON array/,
    );
  });

  test('--inputs naming something that is not a list of argument lists', async () => {
    assertUserError(
      await spindle('profile', fixture, '--task', 'spin', '--inputs', 'badInputs'),
      /item 0 of `badInputs` must be an argument list/,
    );
  });

  test('a task that throws on every call: its error message is reported', async () => {
    assertUserError(
      await spindle('profile', fixture, '--task', 'alwaysThrows', '--quick', '--out', outDir()),
      /failed on every call.*RangeError: the fixture always fails/,
    );
  });

  test('a task that hangs is cut off by --timeout', async () => {
    assertUserError(
      await spindle('profile', fixture, '--task', 'hangs', '--timeout', '300', '--quick', '--out', outDir()),
      /did not finish within 300 ms/,
    );
  });

  test('an unknown option or a bad --timeout is a usage error (exit 2)', async () => {
    const unknown = await spindle('profile', fixture, '--frobnicate');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /Unknown option '--frobnicate'[\s\S]*Usage:/);
    const timeout = await spindle('profile', fixture, '--timeout', 'soon');
    assert.equal(timeout.status, 2);
    assert.match(timeout.stderr, /--timeout must be a number/);
    assert.equal((await spindle('frobnicate')).status, 2);
    assert.equal((await spindle('profile')).status, 2);
  });

  test('--help prints the usage', async () => {
    const help = await spindle('--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /spindle profile <module>/);
  });
});
