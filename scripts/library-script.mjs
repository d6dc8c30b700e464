// Turns the library's ES module chunk into a script that V8 can load from a code cache.
//
// Why: every worker thread and process compiles the whole library before it can run a task (the task module
// imports 'spindle'), and Node 20 keeps no compiled code for ES modules between isolates: ~9 ms of a
// worker's start went to parsing the ~420 KB chunk, measured with a CPU profile. A `vm.Script` can be given
// the code V8 produced for it before (`cachedData`), which cut that to ~2.5 ms in the same measurement.
// Only scripts take a cache, so the chunk is rewritten as one: a function expression whose parameters stand
// in for the three things a script lacks (`require` for the built-in modules, `import()` and `import.meta`),
// and one more for what the loader hands the library (src/core/library-cache.ts), returning what the chunk
// exported.
//
// A CommonJS module loads it (dist/library-loader.cjs: compiles the script, with the cache when this Node
// accepts it), and Node's module cache keeps one copy of the library per isolate whoever asks. The chunk's
// file holds a small ES module that requires the loader and exports the same names, so every other file of
// dist/ imports it as before. The worker entries are CommonJS too (see `entryModule`).
//
// Every edit keeps the text's line breaks, so the chunk's source map still maps the script's lines.
import ts from 'typescript';

const REQUIRE = 'require';
const IMPORT = '__spindleImport';
const IMPORT_META = '__spindleImportMeta';
/** See src/core/library-cache.ts. */
const CODE_CACHE = '__spindleLibraryCodeCache';

/**
 * @param {string} code the chunk, as esbuild wrote it
 * @returns {{ script: string, exportNames: string[] }}
 */
export function libraryScript(code) {
  const file = ts.createSourceFile('chunk.js', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  /** @type {{ start: number, end: number, text: string }[]} */
  const edits = [];
  /** @type {string[] | undefined} */
  let exportNames;
  const replace = (node, text) => {
    const start = node.getStart(file);
    const lines = code.slice(start, node.end).split('\n').length - 1;
    edits.push({ start, end: node.end, text: text + '\n'.repeat(lines) });
  };

  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement)) {
      const from = statement.moduleSpecifier.text;
      if (!from.startsWith('node:')) {
        throw new Error(`build: the library chunk imports ${from}; only built-in modules can be required`);
      }
      replace(statement, requireText(statement.importClause, from));
    } else if (ts.isExportDeclaration(statement)) {
      if (exportNames !== undefined || statement.moduleSpecifier !== undefined) {
        throw new Error('build: the library chunk has an export the script form cannot express');
      }
      if (statement !== file.statements.at(-1)) {
        throw new Error('build: the library chunk has code after its exports, which a return would skip');
      }
      const elements = statement.exportClause.elements;
      exportNames = elements.map((element) => element.name.text);
      const entries = elements.map((element) =>
        element.propertyName === undefined
          ? element.name.text
          : `${element.name.text}: ${element.propertyName.text}`,
      );
      replace(statement, `return { ${entries.join(', ')} };`);
    } else if (
      ts.canHaveModifiers(statement) &&
      ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
    ) {
      throw new Error('build: the library chunk exports a declaration directly; expected one export list');
    }
  }
  if (exportNames === undefined) throw new Error('build: the library chunk exports nothing');

  const visit = (node) => {
    if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
      replace(node, IMPORT_META);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      replace(node.expression, IMPORT);
      node.arguments.forEach(visit);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);

  edits.sort((a, b) => b.start - a.start);
  let body = code;
  for (const edit of edits) body = body.slice(0, edit.start) + edit.text + body.slice(edit.end);
  const head = `(function (${REQUIRE}, ${IMPORT}, ${IMPORT_META}, ${CODE_CACHE}) {"use strict";`;
  return { script: `${head}${body}\n})`, exportNames };
}

/** `import { a, b as c } from "node:x"` as `var { a, b: c } = require("node:x");`, on one line. */
function requireText(clause, from) {
  const required = `${REQUIRE}(${JSON.stringify(from)})`;
  if (clause === undefined) return `${required};`;
  const declarations = [];
  if (clause.name !== undefined) declarations.push(`${clause.name.text} = ${required}`);
  const bindings = clause.namedBindings;
  if (bindings !== undefined && ts.isNamespaceImport(bindings)) {
    declarations.push(`${bindings.name.text} = ${required}`);
  } else if (bindings !== undefined) {
    const names = bindings.elements.map((element) =>
      element.propertyName === undefined
        ? element.name.text
        : `${element.propertyName.text}: ${element.name.text}`,
    );
    declarations.push(`{ ${names.join(', ')} } = ${required}`);
  }
  return `var ${declarations.join(', ')};`;
}

/**
 * A worker entry (an ES module esbuild wrote, importing the library chunk) as a CommonJS module that requires
 * the library's loader instead. Why: a worker started on an ES module sets up Node's ES module loader before
 * its first line; one started on CommonJS does not, and then loads its task module by `require()` where Node
 * can (src/backends/common/task-module.ts): ~3 ms of a worker thread's ~30 ms start-up, measured.
 * @param {string} code the entry, as esbuild wrote it
 * @param {string} chunkSpecifier how the entry imports the library chunk (`./chunk-XXXX.js`)
 * @param {string} loaderSpecifier what it requires instead
 */
export function entryModule(code, chunkSpecifier, loaderSpecifier) {
  const file = ts.createSourceFile('entry.js', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  /** @type {{ start: number, end: number, text: string }[]} */
  const edits = [];
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement)) {
      const from = statement.moduleSpecifier.text;
      const target = from === chunkSpecifier ? loaderSpecifier : from.startsWith('node:') ? from : undefined;
      if (target === undefined)
        throw new Error(`build: a worker entry imports ${from}, which it cannot require`);
      const start = statement.getStart(file);
      const lines = code.slice(start, statement.end).split('\n').length - 1;
      edits.push({
        start,
        end: statement.end,
        text: requireText(statement.importClause, target) + '\n'.repeat(lines),
      });
    } else if (ts.isExportDeclaration(statement) || ts.isExportAssignment(statement)) {
      throw new Error('build: a worker entry exports something; it has nothing to export');
    }
  }
  const check = (node, inFunction) => {
    if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
      throw new Error('build: a worker entry uses import.meta, which CommonJS lacks');
    }
    if (ts.isAwaitExpression(node) && !inFunction) {
      throw new Error('build: a worker entry uses top-level await, which CommonJS lacks');
    }
    ts.forEachChild(node, (child) => check(child, inFunction || ts.isFunctionLike(node)));
  };
  check(file, false);
  edits.sort((a, b) => b.start - a.start);
  let body = code;
  for (const edit of edits) body = body.slice(0, edit.start) + edit.text + body.slice(edit.end);
  return `"use strict";${body}`;
}

/**
 * dist/library-loader.cjs: compiles the script, with its code cache if there is one and this Node accepts it
 * (V8 refuses a cache made by another V8 version or under other flags, and then compiles the source as
 * usual), and exports what the chunk exported.
 *
 * A worker thread takes the cache its parent hands it (src/core/library-cache.ts) before the shipped one: the
 * parent makes one only when V8 refused the shipped one, which the worker, under the same flags, would too.
 *
 * With source maps on (`--enable-source-maps`), it requires the same function as a CommonJS module instead
 * (`mappedName`): Node 20 maps the stack frames of modules, not of a vm.Script, and whoever asks for source
 * maps wants the TypeScript lines more than a faster start.
 * @param {string} chunkName file name of the chunk, whose URL the library takes for `import.meta.url`
 * @param {string} scriptName file name of the script
 * @param {string} cacheName file name of the code cache
 * @param {string} mappedName file name of the script as a CommonJS module
 * @param {string} processEntryName file name of the worker processes' entry
 */
export function libraryLoader(chunkName, scriptName, cacheName, mappedName, processEntryName) {
  return `"use strict";
// The library: ${scriptName}, compiled with the V8 code cache in ${cacheName}. See scripts/library-script.mjs.
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const { pathToFileURL } = require("node:url");
const meta = { url: pathToFileURL(join(__dirname, ${JSON.stringify(chunkName)})).href };
const load = (specifier) => import(specifier);
module.exports = process.sourceMapsEnabled
  ? require(${JSON.stringify(`./${mappedName}`)})(require, load, meta, undefined)
  : compile();
function compile() {
  const { Script } = require("node:vm");
  const file = join(__dirname, ${JSON.stringify(scriptName)});
  // Not in a worker process: node:worker_threads costs its main thread ~1.3 ms, for a cache only threads get.
  const handed = process.argv[1] === join(__dirname, ${JSON.stringify(processEntryName)})
    ? undefined
    : require("node:worker_threads").workerData?.spindleLibraryCache;
  const given = handed instanceof Uint8Array ? handed : undefined;
  let cachedData = given;
  try {
    cachedData ??= readFileSync(join(__dirname, ${JSON.stringify(cacheName)}));
  } catch {
    cachedData = undefined;
  }
  const script = new Script(readFileSync(file, "latin1"), { filename: file, cachedData });
  const accepted = cachedData !== undefined && !script.cachedDataRejected;
  let made;
  // For this isolate's worker threads: nothing if they can take the shipped cache, else one that suits them.
  const codeCache = () => (accepted ? given : (made ??= script.createCachedData()));
  const library = script.runInThisContext()(require, load, meta, codeCache);
  // For the build (scripts/train-library-cache.mjs): the code this isolate has compiled of the library so far.
  Object.defineProperty(library, Symbol.for("spindle.compiledCode"), { value: () => script.createCachedData() });
  return library;
}
`;
}

/**
 * The ES module that takes the chunk's place: requires the loader and exports what the chunk exported.
 * `process.getBuiltinModule` (Node 20.16) gives it `require` without an ES import of node:module, whose facade
 * costs a worker ~0.7 ms, or a top-level await, which would keep Node from requiring any module that imports
 * Spindle (src/backends/common/task-module.ts).
 * @param {string[]} exportNames
 * @param {string} loaderName file name of the loader, beside the chunk
 */
export function chunkModule(exportNames, loaderName) {
  return `// The library, loaded by ${loaderName}. See scripts/library-script.mjs.
if (typeof process.getBuiltinModule !== "function") {
  throw new Error(\`Spindle needs Node.js 20.16 or later; this is \${process.version}\`);
}
const library = process.getBuiltinModule("node:module").createRequire(import.meta.url)(${JSON.stringify(`./${loaderName}`)});
export const {
${exportNames.map((name) => `  ${name},`).join('\n')}
} = library;
`;
}

/** The script as a CommonJS module exporting its function, for when source maps are on (see libraryLoader). */
export function mappedModule(script) {
  return `module.exports = ${script};\n`;
}
