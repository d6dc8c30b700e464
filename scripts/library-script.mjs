// Turns the library's ES module chunk into a script that V8 can load from a code cache.
//
// Why: every worker thread and process compiles the whole library before it can run a task (the task module
// imports 'spindle'), and Node 20 keeps no compiled code for ES modules between isolates: ~9 ms of a
// worker's start went to parsing the ~420 KB chunk, measured with a CPU profile. A `vm.Script` can be given
// the code V8 produced for it before (`cachedData`), which cut that to ~2.5 ms in the same measurement.
// Only scripts take a cache, so the chunk is rewritten as one: a function expression whose parameters stand
// in for the three things a script lacks (`require` for the built-in modules, `import()` and `import.meta`),
// and one more for what the loader hands the library (src/core/library-cache.ts), returning what the chunk
// exported. The chunk's file then holds a small ES module that compiles the script (with the cache when this
// Node accepts it) and exports the same names, so every other file of dist/ imports it as before and sees
// one copy of the library per isolate.
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
 * The ES module that takes the chunk's place: compiles the script, with its code cache if there is one and
 * this Node accepts it (V8 refuses a cache made by another V8 version or under other flags, and then
 * compiles the source as usual), and exports what the chunk exported.
 *
 * A worker thread takes the cache its parent hands it (src/core/library-cache.ts) before the shipped one: the
 * parent makes one only when V8 refused the shipped one, which the worker, under the same flags, would too.
 *
 * With source maps on (`--enable-source-maps`), it imports the chunk as it was, kept beside as an ES module,
 * instead: Node 20 maps the stack frames of modules, not of a vm.Script, and whoever asks for source maps
 * wants the TypeScript lines more than a faster start.
 * @param {string[]} exportNames
 * @param {string} scriptName file name of the script, beside the chunk
 * @param {string} cacheName file name of the code cache, beside the chunk
 * @param {string} moduleName file name of the chunk as an ES module, beside it
 */
export function libraryLoader(exportNames, scriptName, cacheName, moduleName) {
  return `// The library: ${scriptName}, compiled with the V8 code cache in ${cacheName}.
// See scripts/library-script.mjs.
// Built-ins come through require: an ES import of one builds a facade that reads every export, which loads
// what its lazy getters hold (node:fs's promises API, for one) in every worker.
const { createRequire } = process.getBuiltinModule?.("node:module") ?? (await import("node:module"));
const require = createRequire(import.meta.url);
const library = process.sourceMapsEnabled
  ? await import(${JSON.stringify(`./${moduleName}`)})
  : compile();
function compile() {
  const { readFileSync } = require("node:fs");
  const { fileURLToPath } = require("node:url");
  const { Script } = require("node:vm");
  const { workerData } = require("node:worker_threads");
  const file = fileURLToPath(new URL(${JSON.stringify(`./${scriptName}`)}, import.meta.url));
  const handed = workerData?.spindleLibraryCache;
  const given = handed instanceof Uint8Array ? handed : undefined;
  let cachedData = given;
  try {
    cachedData ??= readFileSync(new URL(${JSON.stringify(`./${cacheName}`)}, import.meta.url));
  } catch {
    cachedData = undefined;
  }
  const script = new Script(readFileSync(file, "latin1"), { filename: file, cachedData });
  const accepted = cachedData !== undefined && !script.cachedDataRejected;
  let made;
  // For this isolate's worker threads: nothing if they can take the shipped cache, else one that suits them.
  const codeCache = () => (accepted ? given : (made ??= script.createCachedData()));
  return script.runInThisContext()(require, (specifier) => import(specifier), import.meta, codeCache);
}
export const {
${exportNames.map((name) => `  ${name},`).join('\n')}
} = library;
`;
}
