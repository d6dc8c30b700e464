// The seed examples in examples/seeds/: each runs with one command and prints what its `// prints:` block
// says. In that block `<n>` stands for a number that varies from run to run or machine to machine (a time, a
// core count); every other character must match. Lines starting with `~ ` are the measured ones.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertExitedCleanly, promisedLines, read, root, runExample } from '../helpers/examples.ts';

const dir = 'examples/seeds';
const TIMEOUT_MS = 60_000;

const files = readdirSync(join(root, dir))
  .filter((name) => name.endsWith('.ts'))
  .sort()
  .map((name) => `${dir}/${name}`);
// The longest-running examples first, so the two test slots finish together.
const slowest = ['sleep-tasks.ts', 'heavy-compute.ts', 'download-threads.ts'];
const rank = (file: string): number => {
  const i = slowest.findIndex((name) => file.endsWith(`/${name}`));
  return i === -1 ? slowest.length : i;
};
const programs = files.filter((file) => !file.endsWith('/tasks.ts')).sort((a, b) => rank(a) - rank(b));

/** One pattern per promised line, `<n>` standing for any number. */
function expectedLines(file: string): RegExp[] {
  return promisedLines(file).map((line) => {
    const parts = line.split('<n>');
    const escaped = parts.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    return new RegExp(`^${escaped.join('-?\\d+(?:\\.\\d+)?')}$`);
  });
}

// Two at a time: the machine has two cores, and most examples start a worker per core.
describe('every example in examples/seeds runs and prints what it says', { concurrency: 2 }, () => {
  for (const file of programs) {
    test(file, { timeout: TIMEOUT_MS + 5_000 }, async () => {
      const expected = expectedLines(file);
      const run = await runExample(file, TIMEOUT_MS);
      assertExitedCleanly(file, run, TIMEOUT_MS);
      const { stdout } = run;
      const lines = stdout.trimEnd().split('\n');
      assert.equal(lines.length, expected.length, `${file} printed ${lines.length} lines:\n${stdout}`);
      lines.forEach((line, i) => assert.match(line, expected[i]!, `${file}, line ${i + 1}:\n${stdout}`));
    });
  }
});

describe('the seed examples explain themselves', () => {
  test('each file names itself on its first line', () => {
    for (const file of files) assert.ok(read(file).startsWith(`// ${file}\n`), `${file}: first line`);
  });

  test('each example says which seed example it mirrors and what the Node lesson is', () => {
    for (const file of programs) {
      const header = read(file).split('\nimport ')[0]!;
      assert.match(header, /^\/\/ Seed: /m, `${file}: no "// Seed:" line in the header`);
      assert.match(header, /^\/\/ Node lesson: /m, `${file}: no "// Node lesson:" line in the header`);
    }
  });

  test('the README gives every example its one command, and points to the lock example', () => {
    const readme = read(`${dir}/README.md`);
    for (const file of programs)
      assert.ok(readme.includes(`npx tsx ${file}`), `README: no command for ${file}`);
    assert.ok(readme.includes('npx tsx examples/sync/lock.ts'), 'README: no command for the lock example');
  });
});
