/**
 * The build step that turns the library's ES module chunk into a script V8 can load from a code cache
 * (scripts/library-script.mjs), on chunks written the way esbuild writes them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { describe, it } from 'node:test';
import {
  chunkModule,
  entryModule,
  libraryLoader,
  libraryScript,
  mappedModule,
} from '../../scripts/library-script.mjs';

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

describe('the loader, the chunk module and the mapped module', () => {
  /** Writes a built library of one counter into a temporary dist/, runs `main` there with plain node. */
  function runBuilt(main: string, flags: string[] = []): string {
    const dir = mkdtempSync(join(tmpdir(), 'spindle-loader-'));
    try {
      const chunk =
        'var loads = (globalThis.loads ?? 0) + 1;\nglobalThis.loads = loads;\nexport {\n  loads\n};';
      const { script, exportNames } = libraryScript(chunk);
      writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
      writeFileSync(join(dir, 'library.js'), script);
      writeFileSync(join(dir, 'library-mapped.cjs'), mappedModule(script));
      writeFileSync(
        join(dir, 'library-loader.cjs'),
        libraryLoader('chunk.js', 'library.js', 'library.cache', 'library-mapped.cjs', 'process-entry.cjs'),
      );
      writeFileSync(join(dir, 'chunk.js'), chunkModule(exportNames, 'library-loader.cjs'));
      writeFileSync(join(dir, 'main.mjs'), main);
      const env = { ...process.env };
      delete env.NODE_OPTIONS;
      const run = spawnSync(process.execPath, [...flags, join(dir, 'main.mjs')], { env, encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      return run.stdout.trim();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('gives the chunk module and a CommonJS require one copy of the library', () => {
    const main =
      "import { createRequire } from 'node:module';\nimport { loads } from './chunk.js';\n" +
      "const required = createRequire(import.meta.url)('./library-loader.cjs');\n" +
      'console.log(loads, required.loads, globalThis.loads);\n';
    assert.equal(runBuilt(main), '1 1 1'); // run once, with no cache file (it compiles from source)
    assert.equal(runBuilt(main, ['--enable-source-maps']), '1 1 1'); // the mapped module, once too
  });

  it('exports every name of the library, with no top-level await and no ES import of a built-in', () => {
    const chunk = chunkModule(['a', 'b'], 'library-loader.cjs');
    assert.match(chunk, /export const \{\n {2}a,\n {2}b,\n\} = library;/);
    assert.doesNotMatch(chunk, /\bawait\b|from "node:/);
  });
});

describe('entryModule', () => {
  it('requires the loader for the chunk and built-ins as they were, keeping every line', () => {
    const entry = [
      'import {',
      '  answer,',
      '  join as joinPath',
      '} from "./chunk-ABC.js";',
      'import { sep } from "node:path";',
      'console.log(answer, joinPath("a", "b"), sep);',
      '//# sourceMappingURL=entry.js.map',
    ].join('\n');
    const module = entryModule(entry, './chunk-ABC.js', './library-loader.cjs');
    assert.equal(module.split('\n').length, entry.split('\n').length);
    assert.match(
      module,
      /^"use strict";var \{ answer, join: joinPath \} = require\("\.\/library-loader\.cjs"\);\n/,
    );
    assert.match(module, /\nvar \{ sep \} = require\("node:path"\);\nconsole\.log/);
    assert.ok(module.endsWith('//# sourceMappingURL=entry.js.map'));
  });

  it('refuses what CommonJS cannot express', () => {
    const convert = (code: string) => () => entryModule(code, './chunk-ABC.js', './loader.cjs');
    assert.throws(convert('import { x } from "./other.js";'), /imports \.\/other\.js/);
    assert.throws(convert('var x = 1;\nexport { x };'), /exports something/);
    assert.throws(convert('console.log(import.meta.url);'), /import\.meta/);
    assert.throws(convert('await Promise.resolve();'), /top-level await/);
    assert.doesNotThrow(convert('async function f() { await Promise.resolve(); }\nvoid f();'));
  });
});
