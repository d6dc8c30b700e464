// The runnable examples and the docs pages that embed them: for each page, every example in its folder runs and
// prints what its `// prints:` block says, and every code block in the page that names an example is that file.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertExitedCleanly, promisedLines, read, root, runExample } from '../helpers/examples.ts';

interface Page {
  /** The docs page. */
  readonly docPath: string;
  /** The folder of its examples, with a `tasks.ts` for the worker side. */
  readonly examplesDir: string;
  /** An example that takes much longer than the others: run first, beside them, rather than last and alone. */
  readonly runFirst?: string;
}

const PAGES: readonly Page[] = [
  // lock.ts starts twenty threads.
  { docPath: 'docs/sync-and-channels.md', examplesDir: 'examples/sync', runFirst: 'lock.ts' },
  { docPath: 'docs/processes.md', examplesDir: 'examples/processes' },
];
const TIMEOUT_MS = 30_000;

/** The ```ts blocks of a page whose first line names a file: `// examples/...`. */
function embeddedExamples(markdown: string): { file: string; code: string }[] {
  const blocks = [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
  return blocks.flatMap((code) => {
    const named = /^\/\/ (examples\/\S+)\n/.exec(code);
    return named === null ? [] : [{ file: named[1]!, code }];
  });
}

/** A file as the page shows it: imported from the package, not from the repository's sources. */
const asShown = (file: string): string =>
  read(file).replaceAll("from '../../src/index.ts'", "from 'spindle'");

for (const { docPath, examplesDir, runFirst } of PAGES) {
  const files = readdirSync(join(root, examplesDir))
    .filter((name) => name.endsWith('.ts'))
    .sort()
    .map((name) => `${examplesDir}/${name}`);
  const first = (file: string): number => Number(file === `${examplesDir}/${runFirst}`);
  const programs = files.filter((file) => !file.endsWith('/tasks.ts')).sort((a, b) => first(b) - first(a));

  // Two at a time: the machine has two cores, and each example starts workers (and a manager) of its own.
  describe(`every example in ${examplesDir} runs and prints what it says`, { concurrency: 2 }, () => {
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

  describe(`${docPath} embeds the examples verbatim`, () => {
    const markdown = read(docPath);
    const embedded = embeddedExamples(markdown);

    test('each block naming an example equals that file, imported from spindle', () => {
      assert.ok(embedded.length > 0, 'no block names an example');
      for (const { file, code } of embedded)
        assert.equal(code, asShown(file), `the block for ${file} differs from the file`);
    });

    test('each block quoting part of an example (`// from examples/...`) quotes it verbatim', () => {
      const excerpts = [...markdown.matchAll(/^```ts\n\/\/ from (examples\/\S+)\n([\s\S]*?)^```$/gm)];
      assert.ok(excerpts.length > 0, 'no block quotes part of an example');
      for (const [, file, code] of excerpts)
        assert.ok(asShown(file!).includes(code!), `a block quoting ${file} is not a part of it:\n${code}`);
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
}
