// examples/seeds/hybrid-server.ts
// Seed: "Multithreading vs Multiprocessing in Python: A Practical Guide", case study 3: a server whose many
// client connections (I/O) are handled by threads, while CPU-heavy jobs go to a ProcessPool job queue.
// Here: an HTTP server answers /health at once and sends /primes?limit=n to a ProcessPoolExecutor.
// Node lesson: Node's one event loop already is the I/O side (no thread per connection), and it must never
// compute: work done inline stalls every connection, /health included. Submitted to the pool, the same work
// runs in other processes and the loop keeps answering. The `?inline` route shows the difference.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProcessPoolExecutor } from '../../src/index.ts';
import { countPrimes } from './tasks.ts';

const LIMITS = [250_000, 500_000, 750_000, 1_000_000];
const cores = availableParallelism();
await using pool = new ProcessPoolExecutor({ maxWorkers: cores, minWorkers: cores });
await Promise.all(Array.from({ length: cores }, () => pool.submit(countPrimes, 10))); // workers up

const server = createServer(async (request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.pathname === '/health') {
    response.end('ok');
    return;
  }
  const limit = Number(url.searchParams.get('limit'));
  const inline = url.searchParams.has('inline'); // the mistake: CPU work on the event loop
  response.end(String(inline ? await countPrimes.fn(limit) : await pool.submit(countPrimes, limit)));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/** Sends the CPU requests at once and, meanwhile, probes /health; returns the counts and the slowest probe. */
async function underLoad(query: string): Promise<{ counts: string[]; worstHealthMs: number }> {
  const get = async (path: string): Promise<string> => (await fetch(base + path)).text();
  const cpu = Promise.all(LIMITS.map((limit) => get(`/primes?limit=${limit}${query}`)));
  let worstHealthMs = 0;
  for (let i = 0; i < 10; i++) {
    const start = performance.now();
    await get('/health');
    worstHealthMs = Math.max(worstHealthMs, performance.now() - start);
    await sleep(20);
  }
  return { counts: await cpu, worstHealthMs };
}

const pooled = await underLoad('');
LIMITS.forEach((limit, i) => console.log(`GET /primes?limit=${limit} -> ${pooled.counts[i]} primes`));
const inline = await underLoad('&inline');
console.log(`the same counts when computed inline: ${inline.counts.join() === pooled.counts.join()}`);
console.log(`~ slowest /health while ${cores} processes compute: ${pooled.worstHealthMs.toFixed(0)} ms`);
console.log(`~ slowest /health while the event loop computes: ${inline.worstHealthMs.toFixed(0)} ms`);
server.closeAllConnections();
server.close();

// prints:
// GET /primes?limit=250000 -> 22044 primes
// GET /primes?limit=500000 -> 41538 primes
// GET /primes?limit=750000 -> 60238 primes
// GET /primes?limit=1000000 -> 78498 primes
// the same counts when computed inline: true
// ~ slowest /health while <n> processes compute: <n> ms
// ~ slowest /health while the event loop computes: <n> ms
