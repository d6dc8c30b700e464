// examples/seeds/tasks.ts
// The worker side of the seed examples. A worker imports the module that defines a task, so every task lives
// here and the example files hold only main-thread code. Every task also runs as a plain call (`task.fn(x)`),
// which is how the examples time the serial baseline.
import { threadId } from 'node:worker_threads';
import { task } from '../../src/index.ts';
import type { ListProxy, Lock, QueueProxy } from '../../src/index.ts';

/** Blocks this worker like Python's `time.sleep` (fine in a worker; never on the main thread). */
function sleepBlocking(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// download-threads.ts, download-async.ts: the seeds' `download(url)` and `fetch(url)`.
export const download = task(import.meta.url, async (url: string) => {
  const response = await fetch(url);
  const body = await response.text();
  return { path: new URL(url).pathname, status: response.status, bytes: body.length };
});

export const fetchStatus = task(import.meta.url, async (url: string) => (await fetch(url)).status);

// pool-map-squares.ts: `def square(n): return n * n`.
export const square = task(import.meta.url, (n: number) => n * n);

// heavy-compute.ts: `def heavy_compute(n): return sum(range(n))`, as a loop, the way Python's sum runs it.
export const heavyCompute = task(import.meta.url, (n: number) => {
  let total = 0;
  for (let i = 0; i < n; i++) total += i;
  return total;
});

/** What a sleep task reports: which process and thread ran it, and when its sleep began and ended. */
export interface SleepReport {
  taskNumber: number;
  pid: number;
  threadId: number;
  start: number;
  end: number;
}

// sleep-tasks.ts: the seed's `task_sleep(sleep_duration, task_number, lock)`, blocking like time.sleep.
export const taskSleep = task(
  import.meta.url,
  (sleepSeconds: number, taskNumber: number, lock?: Lock): SleepReport => {
    if (lock !== undefined) {
      using _ = lock.hold(); // the seed's "operation that requires a common resource": not the sleep itself
    }
    const start = Date.now();
    sleepBlocking(sleepSeconds * 1000);
    return { taskNumber, pid: process.pid, threadId, start, end: Date.now() };
  },
);

// web-crawler.ts: fetch one page and return the links on it (absolute URLs).
export const fetchLinks = task(import.meta.url, async (url: string) => {
  const html = await (await fetch(url)).text();
  return [...html.matchAll(/href="([^"]+)"/g)].map((match) => new URL(match[1]!, url).href);
});

// image-filters.ts: grayscale, then a 3×3 box blur, then invert, on RGBA pixels (what PIL's filters do).
export const applyFilters = task(
  import.meta.url,
  (image: { width: number; height: number; pixels: Uint8ClampedArray }) => {
    const { width, height, pixels } = image;
    const gray = new Uint8ClampedArray(width * height);
    for (let i = 0; i < gray.length; i++) {
      gray[i] = 0.299 * pixels[4 * i]! + 0.587 * pixels[4 * i + 1]! + 0.114 * pixels[4 * i + 2]!;
    }
    const out = new Uint8ClampedArray(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let sum = 0;
        let count = 0;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const yy = y + dy;
            const xx = x + dx;
            if (yy < 0 || yy >= height || xx < 0 || xx >= width) continue;
            sum += gray[yy * width + xx]!;
            count++;
          }
        }
        out[y * width + x] = 255 - Math.round(sum / count);
      }
    }
    return out;
  },
);

// hybrid-server.ts: the CPU-heavy part of a request, counted by trial division (the demo's task).
export { countPrimes } from '../demo-tasks.ts';

// manager-list.ts: each process appends to the manager's shared list (`shared_list.append(...)`).
export const appendSquare = task(import.meta.url, (shared: ListProxy<number>, n: number) => {
  shared.append(n * n); // blocking: a round trip to the manager's process, fine in a worker
});

// queue-to-processes.ts: the seed's `worker(queue)`: take one message and say so.
export const receiveOne = task(import.meta.url, (queue: QueueProxy<string>) => {
  const message = queue.get();
  return `Received message: ${message}`;
});
