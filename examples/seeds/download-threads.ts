// examples/seeds/download-threads.ts
// Seed: "How to Use Python Multiprocessing and Multithreading Effectively", downloading several URLs with one
// threading.Thread each, then the concurrent.futures form: ThreadPoolExecutor(max_workers=5).map(fetch, urls).
// Node lesson: the downloads overlap on threads, as in Python, but threads are not why. fetch() never blocks
// a thread in Node: the event loop alone already waits for many answers at once, and each worker thread only
// adds its start-up. Keep threads for CPU work; download-async.ts is the Node way to do this.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Thread, ThreadPoolExecutor } from '../../src/index.ts';
import { download, fetchStatus } from './tasks.ts';

const DELAY_MS = 200; // every page answers after this long, like a slow remote site
const server = createServer((request, response) => {
  setTimeout(() => response.end(`<html>${request.url}</html>`), DELAY_MS);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const urls = ['/example.com', '/www.google.com', '/www.github.com'].map((path) => base + path);
const since = (start: number): string => (performance.now() - start).toFixed(0);

// The seed: one Thread per URL; start them all, then join them all.
let start = performance.now();
const threads = urls.map((url) => new Thread(download, url));
for (const thread of threads) thread.start();
for (const thread of threads) {
  const { path, status, bytes } = await thread.result(); // join() and take the task's return value
  console.log(`Completed ${path}: ${status}, ${bytes} bytes`);
}
console.log(`~ ${urls.length} threads: ${since(start)} ms`);

// The same downloads one after another on the main thread, for comparison.
start = performance.now();
for (const url of urls) await download.fn(url);
console.log(`~ one after another: ${since(start)} ms (each answer takes ${DELAY_MS} ms)`);

// The seed's concurrent.futures version: results come back in input order.
{
  await using executor = new ThreadPoolExecutor({ maxWorkers: 5 });
  const statuses: number[] = [];
  for await (const status of executor.map(fetchStatus, urls)) statuses.push(status);
  console.log(`ThreadPoolExecutor.map(fetchStatus, urls): ${statuses.join(', ')}`);
}
server.close();

// prints:
// Completed /example.com: 200, 25 bytes
// Completed /www.google.com: 200, 28 bytes
// Completed /www.github.com: 200, 28 bytes
// ~ 3 threads: <n> ms
// ~ one after another: <n> ms (each answer takes 200 ms)
// ThreadPoolExecutor.map(fetchStatus, urls): 200, 200, 200
