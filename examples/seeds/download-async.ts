// examples/seeds/download-async.ts
// Seed: the same downloads as download-threads.ts, in the form "Multithreading vs Multiprocessing in Python:
// A Practical Guide" recommends: executor.submit(download, u) for each URL, then as_completed(futures).
// Node lesson: in Node this is AsyncExecutor's job, not a thread pool's. It runs the task on the event loop,
// at most `maxConcurrency` at once: the answers overlap exactly as on threads, with no worker to start and
// nothing copied between threads. Switching to ThreadPoolExecutor is one line, and only slower here.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AsyncExecutor, ThreadPoolExecutor, asCompleted } from '../../src/index.ts';
import type { Executor } from '../../src/index.ts';
import { download } from './tasks.ts';

const DELAY_MS = 200; // every page answers after this long, like a slow remote site
const server = createServer((request, response) => {
  setTimeout(() => response.end(`<html>${request.url}</html>`), DELAY_MS);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const urls = Array.from({ length: 10 }, (_, i) => `${base}/page-${i}`);

/** Downloads every URL on `executor` and returns the bytes received and the time taken (ms). */
async function downloadAll(executor: Executor): Promise<{ bytes: number; ms: number }> {
  await using _ = executor;
  const start = performance.now();
  const futures = urls.map((url) => executor.submit(download, url));
  let bytes = 0;
  for await (const future of asCompleted(futures)) bytes += (await future).bytes; // completion order
  return { bytes, ms: performance.now() - start };
}

const onLoop = await downloadAll(new AsyncExecutor({ maxConcurrency: 20 }));
const onThreads = await downloadAll(new ThreadPoolExecutor({ maxWorkers: 5 }));
console.log(`AsyncExecutor:      ${urls.length} pages, ${onLoop.bytes} bytes`);
console.log(`ThreadPoolExecutor: ${urls.length} pages, ${onThreads.bytes} bytes`);
console.log(`~ AsyncExecutor (no workers): ${onLoop.ms.toFixed(0)} ms`);
console.log(`~ ThreadPoolExecutor (5 workers started): ${onThreads.ms.toFixed(0)} ms`);
console.log(`~ one answer takes ${DELAY_MS} ms; one after another would take ${urls.length * DELAY_MS} ms`);
server.close();

// prints:
// AsyncExecutor:      10 pages, 200 bytes
// ThreadPoolExecutor: 10 pages, 200 bytes
// ~ AsyncExecutor (no workers): <n> ms
// ~ ThreadPoolExecutor (5 workers started): <n> ms
// ~ one answer takes 200 ms; one after another would take 2000 ms
