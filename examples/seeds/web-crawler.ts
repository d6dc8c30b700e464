// examples/seeds/web-crawler.ts
// Seed: "Multithreading vs Multiprocessing in Python: A Practical Guide", case study 1: a crawler fetching
// thousands of pages on a ThreadPoolExecutor of 50–100 threads, sharing state through a thread-safe queue.
// Here it crawls a local site of 40 pages (each answers after 50 ms), following every link once.
// Node lesson: crawling is waiting, and the event loop waits for many requests at once on one thread, so the
// pool is an AsyncExecutor whose `maxConcurrency` plays the thread count. With one thread, the `seen` set
// and the frontier need no lock and no queue. (`fetchLinks` is a task, so ThreadPoolExecutor is one line away.)
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AsyncExecutor, wait } from '../../src/index.ts';
import type { Future } from '../../src/index.ts';
import { fetchLinks } from './tasks.ts';

const PAGES = 40;
const DELAY_MS = 50;
const CONCURRENCY = 16;
let requests = 0;
let inFlight = 0;
let mostInFlight = 0;
// Page i links to the home page, to its parent and to its children 2i + 1 and 2i + 2: a tree with loops.
const server = createServer((request, response) => {
  requests++;
  mostInFlight = Math.max(mostInFlight, ++inFlight);
  const i = Number(/^\/page\/(\d+)$/.exec(request.url ?? '')?.[1] ?? 0);
  const targets = [0, Math.floor((i - 1) / 2), 2 * i + 1, 2 * i + 2].filter((t) => t >= 0 && t < PAGES);
  const body = targets.map((t) => `<a href="/page/${t}">page ${t}</a>`).join('\n');
  setTimeout(() => response.end(body, () => inFlight--), DELAY_MS);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const home = `http://127.0.0.1:${(server.address() as AddressInfo).port}/page/0`;

const start = performance.now();
const seen = new Set([home]);
let links = 0;
{
  await using executor = new AsyncExecutor({ maxConcurrency: CONCURRENCY });
  let pending = new Set<Future<string[]>>([executor.submit(fetchLinks, home)]);
  while (pending.size > 0) {
    const { done, notDone } = await wait(pending, { returnWhen: 'FIRST_COMPLETED' });
    pending = notDone;
    for (const future of done) {
      for (const link of await future) {
        links++;
        if (seen.has(link)) continue;
        seen.add(link);
        pending.add(executor.submit(fetchLinks, link));
      }
    }
  }
}
const ms = performance.now() - start;
server.close();

console.log(`crawled ${seen.size} pages in ${requests} requests, following ${links} links`);
console.log(`never more than ${CONCURRENCY} requests at once: ${mostInFlight <= CONCURRENCY}`);
console.log(
  `~ ${ms.toFixed(0)} ms with up to ${mostInFlight} at once; one at a time: over ${PAGES * DELAY_MS} ms`,
);

// prints:
// crawled 40 pages in 40 requests, following 118 links
// never more than 16 requests at once: true
// ~ <n> ms with up to <n> at once; one at a time: over 2000 ms
