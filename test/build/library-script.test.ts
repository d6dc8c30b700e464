/**
 * The build step that turns the library's ES module chunk into a script V8 can load from a code cache
 * (scripts/library-script.mjs), on chunks written the way esbuild writes them.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Script } from 'node:vm';
import { describe, it } from 'node:test';
import { libraryLoader, libraryScript } from '../../scripts/library-script.mjs';

type Library = Record<string, unknown>;

/** Runs a converted chunk as the loader does, with the given stand-ins for import() and import.meta. */
function run(
  script: string,
  importer = (specifier: string) => import(specifier),
  url = import.meta.url,
): Library {
  const factory = new Script(script, { filename: 'library.js' }).runInThisContext() as (
    require: NodeJS.Require,
    importer: (specifier: string) => Promise<unknown>,
    meta: { url: string },
  ) => Library;
  return factory(createRequire(url), importer, { url });
}

describe('libraryScript', () => {
  it('requires the built-ins the chunk imported, in every import form', () => {
    const chunk = [
      'import { join, basename as base } from "node:path";',
      'import * as os from "node:os";',
      'import util from "node:util";',
      'import "node:fs";',
      'var answer = [join("a", "b"), base("/x/y"), typeof os.cpus, typeof util.inspect];',
      'export {',
      '  answer',
      '};',
    ].join('\n');
    const { script, exportNames } = libraryScript(chunk);
    assert.deepEqual(exportNames, ['answer']);
    assert.deepEqual(run(script).answer, ['a/b', 'y', 'function', 'function']);
  });

  it('returns the exports under their exported names, renamed ones included', () => {
    const chunk =
      'var a = 1;\nvar b2 = 2;\nfunction f() { return a + b2; }\nexport {\n  a,\n  b2 as b,\n  f\n};\n';
    const { script, exportNames } = libraryScript(chunk);
    assert.deepEqual(exportNames, ['a', 'b', 'f']);
    const library = run(script);
    assert.deepEqual([library.a, library.b, (library.f as () => number)()], [1, 2, 3]);
  });

  it('hands import() and import.meta to the stand-ins, also inside functions, and leaves strings alone', async () => {
    const chunk = [
      'var url = import.meta.url;',
      'var text = `import(${JSON.stringify("x")}) and import.meta`;',
      'function load(specifier) { return import(specifier); }',
      'export { url, text, load };',
    ].join('\n');
    const { script } = libraryScript(chunk);
    const asked: string[] = [];
    const library = run(
      script,
      (specifier) => {
        asked.push(specifier);
        return Promise.resolve('loaded');
      },
      'file:///somewhere/chunk.js',
    );
    assert.equal(library.url, 'file:///somewhere/chunk.js');
    assert.equal(library.text, 'import("x") and import.meta');
    assert.equal(await (library.load as (s: string) => Promise<unknown>)('./other.js'), 'loaded');
    assert.deepEqual(asked, ['./other.js']);
  });

  it('runs the script in strict mode, as the module ran', () => {
    const { script } = libraryScript(
      'var sloppy = (function () { return this === undefined; })();\nexport { sloppy };',
    );
    assert.equal(run(script).sloppy, true);
  });

  it('keeps every line where it was, so the chunk source map still applies', () => {
    const chunk = [
      'import {',
      '  join',
      '} from "node:path";',
      'var here = new Error("x").stack.split("\\n")[1];',
      'export {',
      '  here',
      '};',
    ].join('\n');
    const { script } = libraryScript(chunk);
    assert.equal(script.split('\n').length, chunk.split('\n').length + 1); // + the closing line
    assert.match(String(run(script).here), /library\.js:4:/);
  });

  it('refuses what a script cannot express', () => {
    assert.throws(() => libraryScript('import { x } from "./other-chunk.js";\nexport { x };'), /other-chunk/);
    assert.throws(() => libraryScript('export const x = 1;'), /exports a declaration/);
    assert.throws(() => libraryScript('var x = 1;'), /exports nothing/);
    assert.throws(() => libraryScript('export * from "node:path";'), /cannot express/);
    assert.throws(() => libraryScript('var x = 1;\nexport { x };\nx = 2;'), /code after its exports/);
  });
});

describe('libraryLoader', () => {
  it('exports every name of the library', () => {
    const loader = libraryLoader(['a', 'b'], 'library.js', 'library.cache', 'library.mjs');
    assert.match(loader, /export const \{\n {2}a,\n {2}b,\n\} = library;/);
    assert.match(loader, /new URL\("\.\/library\.cache", import\.meta\.url\)/);
    assert.match(loader, /process\.sourceMapsEnabled\s+\? await import\("\.\/library\.mjs"\)/);
  });
});
