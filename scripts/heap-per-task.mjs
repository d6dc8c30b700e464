// Live heap per queued task: what 100k tasks submitted at once to a thread pool keep alive until they are
// dispatched, after a full garbage collection. It sets the pace of a large first batch (README, "How the
// transport works"). Run after `npm run build`: node --expose-gc scripts/heap-per-task.mjs
import { isMainThread } from 'node:worker_threads';
import { ThreadPoolExecutor, task } from '../dist/index.js';

export const inc = task(import.meta.url, (n) => n + 1);

const TASKS = 100_000;

async function main() {
  if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
  const pool = new ThreadPoolExecutor({ maxWorkers: 2, minWorkers: 2 });
  try {
    await Promise.all(Array.from({ length: 2_000 }, (_, i) => pool.submit(inc, i)));
    const futures = new Array(TASKS);
    globalThis.gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < TASKS; i++) futures[i] = pool.submit(inc, i); // queued: dispatch waits for a microtask
    globalThis.gc();
    const bytes = (process.memoryUsage().heapUsed - before) / TASKS;
    console.log(`live heap per queued task: ${bytes.toFixed(0)} bytes (${TASKS.toLocaleString('en')} tasks)`);
    await Promise.all(futures);
  } finally {
    await pool.shutdown();
  }
}

// This file is also the task module its workers load: only the main thread measures.
if (isMainThread) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
