/**
 * The built package (dist/), as users load it: `.ci/run` builds before it tests, and the rest of the suite
 * runs the sources under tsx, so only this file sees what the bundler made of them.
 */
import assert from 'node:assert/strict';
import type { SpawnSyncReturns } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { describe, it } from 'node:test';

const dist = new URL('../../dist/', import.meta.url);
const built = existsSync(new URL('index.js', dist));
const skip = built ? false : 'dist/ is not built (run `npm run build`; .ci/run does)';

/** Runs plain `node`: no tsx from NODE_OPTIONS, since this is the JavaScript users get. */
function runNode(args: string[], options: { cwd?: string; timeout?: number } = {}): SpawnSyncReturns<string> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return spawnSync(process.execPath, args, {
    cwd: options.cwd,
    env,
    encoding: 'utf8',
    timeout: options.timeout ?? 30_000,
  });
}

function chunksImportedBy(file: string): string[] {
  const source = readFileSync(new URL(file, dist), 'utf8');
  return [...source.matchAll(/from "\.\/(chunk-[A-Z0-9]+\.js)"/g)].map((match) => match[1]!);
}

describe('the built package', { skip }, () => {
  it('puts the whole library in one chunk that the index and every worker entry share', () => {
    const chunks = new Set(['index.js', 'manager-server.js', 'manager-bridge.js'].flatMap(chunksImportedBy));
    assert.equal(chunks.size, 1, `entries import ${[...chunks].join(', ')}`);
    // The chunk and the CommonJS worker entries all take the library from its loader, one copy per isolate.
    const [chunk] = chunks;
    for (const file of [chunk!, 'thread-entry.cjs', 'process-entry.cjs']) {
      const source = readFileSync(new URL(file, dist), 'utf8');
      assert.match(source, /\("\.\/library-loader\.cjs"\)/, `${file} does not require the loader`);
    }
  });

  it('starts workers on CommonJS entries, and lets Node require a module that imports the package', () => {
    // A worker started on an ES module sets up the ES module loader first (~3 ms of its start), and a module
    // with top-level await anywhere in its graph cannot be required: the index and the chunk must have none.
    for (const file of ['thread-entry.cjs', 'process-entry.cjs']) {
      const source = readFileSync(new URL(file, dist), 'utf8');
      assert.doesNotMatch(source, /^\s*(?:import|export)\b/m, `${file} is an ES module`);
    }
    for (const file of ['index.js', ...new Set(chunksImportedBy('index.js'))]) {
      const source = readFileSync(new URL(file, dist), 'utf8');
      assert.doesNotMatch(
        source,
        /from "node:/,
        `${file} imports a built-in (a facade that loads its lazy parts)`,
      );
      assert.doesNotMatch(source, /^[^/\n]*\bawait\b/m, `${file} has a top-level await`);
    }
  });

  it('loads task modules by require() where Node can, else by import(), and only the built-ins it needs', () => {
    const load = (flags: string[]): unknown[] => {
      const run = runNode([...flags, fileURLToPath(new URL('fixtures/dist-load.mjs', import.meta.url))]);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stderr, ''); // no warning from require()
      return run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown);
    };
    // Where Node cannot require ES modules (before 20.19) both ways are import().
    const canRequire = (process.features as { require_module?: boolean }).require_module === true;
    // A module with top-level await, and a CommonJS one, work either way (thread pool, then process pool).
    // Of the built-ins Spindle loads on demand, a thread worker has loaded only node:worker_threads and a
    // process worker only node:net (its sockets): none of node:perf_hooks (~0.6-1 ms of a worker's start),
    // node:v8 (~1.5 ms of a process worker's), node:crypto or node:child_process.
    const expected = (by: string) => [
      { loadedBy: by, tla: 42, cjs: 42, builtins: ['worker_threads'] },
      { loadedBy: by, tla: 42, cjs: 42, builtins: ['net'] },
    ];
    assert.deepEqual(load([]), expected(canRequire ? 'require' : 'import'));
    // A preload could register loader hooks, which apply to import() only: the module is imported.
    assert.deepEqual(load(['--import', 'data:text/javascript,']), expected('import'));
  });

  it('is ASCII throughout, so V8 holds each source as one-byte text', () => {
    for (const file of readdirSync(dist).filter((name) => name.endsWith('.js'))) {
      const source = readFileSync(new URL(file, dist), 'utf8');
      assert.ok(/^[\0-\x7f]*$/.test(source), `${file} has a non-ASCII character`);
    }
  });

  it('ships the library as a script with a code cache that this Node accepts', () => {
    // As the loader in the chunk compiles it: a rejected cache would cost every worker ~7 ms of its start.
    const file = fileURLToPath(new URL('library.js', dist));
    const script = new Script(readFileSync(file, 'latin1'), {
      filename: file,
      cachedData: readFileSync(new URL('library.cache', dist)),
    });
    assert.equal(script.cachedDataRejected, false);
  });

  it('ships the compiled code of a library that has run tasks, not only of its top level', () => {
    // The build's first cache, made once the top level has run, against the shipped one, made in a worker
    // after it ran a task on each backend (scripts/train-library-cache.mjs): the functions those called are in it.
    const topLevelOnly = runNode([
      '--input-type=module',
      '-e',
      [
        "import { readFileSync } from 'node:fs';",
        "import { createRequire } from 'node:module';",
        "import { Script } from 'node:vm';",
        `const url = new URL('library.js', ${JSON.stringify(dist.href)});`,
        "const script = new Script(readFileSync(url, 'latin1'), { filename: url.pathname });",
        'script.runInThisContext()(createRequire(url), (s) => import(s), { url: url.href }, () => undefined);',
        'console.log(script.createCachedData().byteLength);',
      ].join('\n'),
    ]);
    assert.equal(topLevelOnly.status, 0, topLevelOnly.stderr);
    const shipped = readFileSync(new URL('library.cache', dist)).byteLength;
    assert.ok(
      shipped > Number(topLevelOnly.stdout) * 1.15,
      `shipped ${shipped} bytes, top level alone ${topLevelOnly.stdout.trim()}`,
    );
  });

  it('loads the library as the script normally, and as a CommonJS module when source maps are on', () => {
    // Node 20 maps the frames of modules only: with --enable-source-maps a library error must point at src/.
    const code =
      "import('spindle').then(({ ThreadPoolExecutor }) => { try { new ThreadPoolExecutor({ maxWorkers: 0 }); } catch (e) { console.log(e.stack.split('\\n')[1]); } });";
    const frame = (flags: string[]): string => {
      const run = runNode([...flags, '--input-type=module', '-e', code], {
        cwd: fileURLToPath(new URL('..', dist)),
      });
      assert.equal(run.status, 0, run.stderr);
      return run.stdout;
    };
    assert.match(frame([]), /dist\/library\.js:\d+/);
    assert.match(frame(['--enable-source-maps']), /src\/backends\/pool\/pool-options\.ts:\d+/);
  });

  it('hands worker threads a code cache of its own when V8 flags make it refuse the shipped one', () => {
    const handed = (flags: string[]): unknown => {
      const run = runNode([...flags, fileURLToPath(new URL('fixtures/dist-cache.mjs', import.meta.url))]);
      assert.equal(run.status, 0, run.stderr);
      return JSON.parse(run.stdout);
    };
    assert.deepEqual(handed([]), { given: false }); // the shipped cache suits the workers
    // A flag V8 counts in a code cache's check on every Node line here: Node 24's V8 no longer counts heap
    // sizes (--max-old-space-size), which Node 20's did.
    assert.deepEqual(handed(['--no-opt']), { given: true, rejected: false });
  });

  it('runs without its code cache and with one V8 refuses; says which Node it needs on an older one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spindle-dist-'));
    try {
      cpSync(fileURLToPath(dist), join(dir, 'dist'), { recursive: true });
      writeFileSync(
        join(dir, 'task.mjs'),
        "import { task } from './dist/index.js';\nexport const triple = task(import.meta.url, (n) => n * 3);\n",
      );
      writeFileSync(
        join(dir, 'main.mjs'),
        "import { ThreadPoolExecutor } from './dist/index.js';\nimport { triple } from './task.mjs';\nconst pool = new ThreadPoolExecutor({ maxWorkers: 1 });\nconsole.log(await pool.submit(triple, 7));\nawait pool.shutdown();\n",
      );
      const cache = join(dir, 'dist', 'library.cache');
      for (const damage of [() => rmSync(cache), () => writeFileSync(cache, Buffer.alloc(4096, 7))]) {
        damage();
        const run = runNode([join(dir, 'main.mjs')]);
        assert.equal(run.status, 0, run.stderr);
        assert.equal(run.stdout.trim(), '21');
      }
      // Node before 20.16 has no process.getBuiltinModule: a clear error, not a TypeError from inside.
      writeFileSync(
        join(dir, 'old-node.mjs'),
        "delete process.getBuiltinModule;\nawait import('./main.mjs');\n",
      );
      const old = runNode([join(dir, 'old-node.mjs')]);
      assert.notEqual(old.status, 0);
      assert.match(old.stderr, /Spindle needs Node\.js 20\.16 or later; this is v\d+/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs tasks on every backend, with the manager and shared memory, under plain node', () => {
    const run = runNode([fileURLToPath(new URL('fixtures/dist-smoke.mjs', import.meta.url))], {
      timeout: 60_000,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), {
      thread: [42, 0], // add() answers the value before the addition
      process: [42, 1],
      async: 2,
      counter: 2,
      sharedMemory: 16,
    });
  });
});
