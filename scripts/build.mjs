// Builds dist/: type declarations with tsc, JavaScript with esbuild.
//
// The JavaScript is bundled into one chunk that holds the whole library, plus one small file per entry point:
// every worker thread and process loads its entry and then, through the task module, the library's index.
// The ES module loader pays ~0.6 ms per file, so a worker that loaded the ~20 chunks esbuild's splitting made
// of the library's import graph started ~5 ms later than one that loads a single chunk (measured). A single
// file per entry would not do: the entry and the index must share one copy of every module (the current
// task's signal, registered error classes, the shared objects' registry).
//
// How: esbuild puts code reached by exactly the same entry points into the same chunk. Every entry point,
// and every module the library loads with a dynamic `import()` (each one is an entry point too), gets an
// extra import of a virtual module that re-exports every library file, so every entry reaches all of the
// library. The advisor and the CLI stay out of that chunk: only `spindle profile` needs them.
//
// Entries and chunks all sit in dist/ itself, so `new URL('./thread-entry.cjs', import.meta.url)` resolves
// the same from whichever chunk the pool code lands in.
//
// Last, the library chunk becomes a script with a V8 code cache (dist/library.js, dist/library.cache) that a
// CommonJS module loads (dist/library-loader.cjs), the chunk's file a small module that requires it, and the
// worker entries CommonJS modules (dist/thread-entry.cjs, dist/process-entry.cjs): see library-script.mjs.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { build } from 'esbuild';
import { chunkModule, entryModule, libraryLoader, libraryScript, mappedModule } from './library-script.mjs';

const root = new URL('..', import.meta.url).pathname;
const src = `${root}src/`;
rmSync(`${root}dist`, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json', '--emitDeclarationOnly'],
  { cwd: root, stdio: 'inherit' },
);

const entryPoints = {
  index: 'src/index.ts',
  'thread-entry': 'src/backends/thread/thread-entry.ts',
  'process-entry': 'src/backends/process/process-entry.ts',
  // A manager's server process, and the helper thread that lets workers make blocking calls to a manager.
  'manager-server': 'src/manager/server-entry.ts',
  'manager-bridge': 'src/manager/bridge-entry.ts',
  // The `spindle` binary. The advisor's probe and built-in workloads are tasks, which workers import by
  // module URL: as entries of their own they land in chunks with no side effects, never inside cli.js
  // (whose import would run the CLI in every worker).
  cli: 'src/cli/main.ts',
  advisor: 'src/advisor/index.ts',
  'advisor-probe': 'src/advisor/probe-task.ts',
  'advisor-workloads': 'src/advisor/workloads/catalog.ts',
};

const sources = readdirSync(src, { recursive: true })
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
  .map((file) => `${src}${file}`);
const entryFiles = new Set(Object.values(entryPoints).map((file) => `${root}${file}`));
const outsideLibrary = (file) => file.startsWith(`${src}advisor/`) || file.startsWith(`${src}cli/`);
const libraryFiles = sources.filter((file) => !entryFiles.has(file) && !outsideLibrary(file));
/** Library files loaded by a literal dynamic import(): esbuild makes each an entry point of its own. */
const dynamicTargets = new Set(
  sources.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/import\(\s*'(\.{1,2}\/[^']+)'\s*\)/g)].map((match) =>
      resolve(dirname(file), match[1]),
    ),
  ),
);
const reachesLibrary = new Set([...entryFiles, ...dynamicTargets]);

const wholeLibrary = {
  name: 'whole-library',
  setup(b) {
    b.onResolve({ filter: /^spindle:library$/ }, () => ({ path: 'library', namespace: 'spindle' }));
    b.onLoad({ filter: /.*/, namespace: 'spindle' }, () => ({
      contents: libraryFiles.map((file, i) => `export * as m${i} from ${JSON.stringify(file)};`).join('\n'),
      resolveDir: root,
      loader: 'ts',
    }));
    // Appended, not prepended: the file's own imports still run first, in their order.
    b.onLoad({ filter: /\.ts$/ }, (args) =>
      reachesLibrary.has(args.path)
        ? { contents: `${readFileSync(args.path, 'utf8')}\nimport 'spindle:library';\n`, loader: 'ts' }
        : undefined,
    );
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints,
  plugins: [wholeLibrary],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  chunkNames: 'chunk-[hash]',
  logLevel: 'warning',
  metafile: true,
});

// Guard the point of all this: the library's modules must land in one chunk.
const libraryChunks = Object.entries(result.metafile.outputs).filter(
  ([output, meta]) =>
    output.endsWith('.js') &&
    Object.keys(meta.inputs).some(
      (input) => libraryFiles.includes(`${root}${input}`) && !dynamicTargets.has(`${root}${input}`),
    ),
);
if (libraryChunks.length !== 1) {
  throw new Error(
    `build: the library landed in ${libraryChunks.length} files: ${libraryChunks.map(([o]) => o).join(', ')}`,
  );
}

// esbuild escapes non-ASCII characters in strings but keeps doc comments as written, and one "→" in a comment
// makes V8 hold the whole 400 KB source as two-byte text, which every worker then decodes and scans slower
// (~1 ms of a worker's start, measured). Inside a comment an escape is only text, so escape them there too.
for (const output of Object.keys(result.metafile.outputs).filter((file) => file.endsWith('.js'))) {
  const path = `${root}${output}`;
  const code = readFileSync(path, 'utf8');
  const ascii = code.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (ascii !== code) writeFileSync(path, ascii);
}

// The library chunk as a script with a code cache (see library-script.mjs), loaded by a CommonJS module that
// the chunk's file and the worker entries require. The cache is made here, by running the script once as the
// loader will: V8 keeps in it the code of everything compiled by then, the top level and what it called.
const chunkPath = `${root}${libraryChunks[0][0]}`;
const chunkName = basename(chunkPath);
const chunk = readFileSync(chunkPath, 'latin1');
const { script, exportNames } = libraryScript(chunk);
const scriptPath = `${root}dist/library.js`;
writeFileSync(scriptPath, script, 'latin1');
writeFileSync(`${root}dist/library-mapped.cjs`, mappedModule(script), 'latin1'); // when source maps are on
writeFileSync(
  `${root}dist/library-loader.cjs`,
  libraryLoader(chunkName, 'library.js', 'library.cache', 'library-mapped.cjs', 'process-entry.cjs'),
);
writeFileSync(chunkPath, chunkModule(exportNames, 'library-loader.cjs'));
for (const entry of ['thread-entry', 'process-entry']) {
  const esm = `${root}dist/${entry}.js`;
  const cjs = entryModule(readFileSync(esm, 'latin1'), `./${chunkName}`, './library-loader.cjs');
  writeFileSync(`${root}dist/${entry}.cjs`, cjs, 'latin1'); // its source map stays dist/${entry}.js.map
  rmSync(esm);
}
const chunkUrl = pathToFileURL(chunkPath);
const compiled = new Script(script, { filename: scriptPath });
compiled.runInThisContext()(
  createRequire(chunkUrl),
  (specifier) => import(new URL(specifier, chunkUrl).href),
  { url: chunkUrl.href },
);
writeFileSync(`${root}dist/library.cache`, compiled.createCachedData());

// Then the cache of a library that has run a task on each backend, made in a worker (train-library-cache.mjs),
// in a `node` with no flags: the flags of every program that starts Spindle without any.
execFileSync(process.execPath, [`${root}scripts/train-library-cache.mjs`], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_OPTIONS: '' },
});
