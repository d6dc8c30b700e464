// Tasks for scripts/train-library-cache.mjs.
import { createRequire } from 'node:module';
import { ProcessPoolExecutor, ThreadPoolExecutor, task } from '../dist/index.js';

export const increment = task(import.meta.url, (n) => n + 1);

/** In a worker: runs a task on a thread pool and on a process pool, then returns this isolate's compiled code. */
export const compiledCode = task(import.meta.url, async () => {
  for (const Pool of [ThreadPoolExecutor, ProcessPoolExecutor]) {
    const pool = new Pool({ maxWorkers: 1 });
    try {
      if ((await pool.submit(increment, 1)) !== 2) throw new Error(`${Pool.name}: the training task failed`);
    } finally {
      await pool.shutdown();
    }
  }
  const library = createRequire(import.meta.url)('../dist/library-loader.cjs');
  const compiled = library[Symbol.for('spindle.compiledCode')];
  if (typeof compiled !== 'function') throw new Error('the library was not loaded from its script');
  return compiled();
});
