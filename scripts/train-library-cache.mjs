// Rewrites dist/library.cache with the code of a library that has run, not just loaded.
//
// Why: the cache made at build time holds what the library's top level compiled; every function a pool or a
// worker first calls was still compiled on the way to the first result (~1.1 ms of a thread pool's start-up,
// ~1.4 ms of a process pool's, medians of 16 alternating runs). Here a process worker runs a task that starts
// a thread pool and a process pool of its own and runs a task on each, so one isolate has compiled both sides
// of both backends; its cache replaces the shipped one. V8 takes a cache only under the flags it was made
// with, so the build runs this file in a `node` without flags (see build.mjs).
import { writeFileSync } from 'node:fs';
import { ProcessPoolExecutor } from '../dist/index.js';
import { compiledCode, increment } from './library-cache-training-tasks.mjs';

const pool = new ProcessPoolExecutor({ maxWorkers: 1 });
try {
  if ((await pool.submit(increment, 1)) !== 2)
    throw new Error('train-library-cache: the warm-up task failed');
  const code = await pool.submit(compiledCode);
  writeFileSync(new URL('../dist/library.cache', import.meta.url), code);
} finally {
  await pool.shutdown();
}
