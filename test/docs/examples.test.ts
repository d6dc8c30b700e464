// The runnable examples in examples/sync/ and the docs page that embeds them: every example runs and prints
// what its `// prints:` block says, and every code block in the page that names an example is that file.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertExitedCleanly, promisedLines, read, root, runExample } from '../helpers/examples.ts';

const examplesDir = 'examples/sync';
const docPath = 'docs/sync-and-channels.md';
const TIMEOUT_MS = 30_000;

const files = readdirSync(join(root, examplesDir))
  .filter((name) => name.endsWith('.ts'))
  .sort()
  .map((name) => `${examplesDir}/${name}`);
// lock.ts starts twenty threads and takes longest: run it first, beside the others.
const programs = files
  .filter((file) => !file.endsWith('/tasks.ts'))
  .sort((a, b) => Number(b.endsWith('/lock.ts')) - Number(a.endsWith('/lock.ts')));

// Two at a time: the machine has two cores, and each example starts worker threads of its own.
describe('every example in examples/sync runs and prints what it says', { concurrency: 2 }, () => {
  for (const file of programs) {
    test(file, { timeout: TIMEOUT_MS + 5_000 }, async () => {
      const expected = promisedLines(file)
        .map((line) => `${line}\n`)
        .join('');
      const run = await runExample(file, TIMEOUT_MS);
      assertExitedCleanly(file, run, TIMEOUT_MS);
      assert.equal(run.stdout, expected);
    });
  }
});

/** The ```ts blocks of the page whose first line names a file: `// examples/...`. */
function embeddedExamples(markdown: string): { file: string; code: string }[] {
  const blocks = [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
  return blocks.flatMap((code) => {
    const named = /^\/\/ (examples\/\S+)\n/.exec(code);
    return named === null ? [] : [{ file: named[1]!, code }];
  });
}

describe(`${docPath} embeds the examples verbatim`, () => {
  const embedded = embeddedExamples(read(docPath));

  test('each block naming an example equals that file, imported from spindle', () => {
    assert.ok(embedded.length > 0, 'no block names an example');
    for (const { file, code } of embedded) {
      const source = read(file).replaceAll("from '../../src/index.ts'", "from 'spindle'");
      assert.equal(code, source, `the block for ${file} differs from the file`);
    }
  });

  test('each block quoting part of an example (`// from examples/...`) quotes it verbatim', () => {
    const excerpts = [...read(docPath).matchAll(/^```ts\n\/\/ from (examples\/\S+)\n([\s\S]*?)^```$/gm)];
    assert.ok(excerpts.length > 0, 'no block quotes part of an example');
    for (const [, file, code] of excerpts) {
      const source = read(file!).replaceAll("from '../../src/index.ts'", "from 'spindle'");
      assert.ok(source.includes(code!), `a block quoting ${file} is not a part of it:\n${code}`);
    }
  });

  test('every example file, tasks module included, is embedded', () => {
    const shown = new Set(embedded.map(({ file }) => file));
    assert.deepEqual(
      files.filter((file) => !shown.has(file)),
      [],
    );
  });

  test('each example file names itself on its first line, as the blocks do', () => {
    for (const file of files) assert.ok(read(file).startsWith(`// ${file}\n`), `${file}: first line`);
  });
});
