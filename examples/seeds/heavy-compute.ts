// examples/seeds/heavy-compute.ts
// Seed: "Multithreading vs Multiprocessing in Python: A Practical Guide": one multiprocessing.Process per
// cpu_count(), each running heavy_compute(100_000_000), i.e. sum(range(n)).
// Node lesson: Node has no GIL, so one worker *thread* per core runs this in parallel just as one process per
// core does, and starts faster. The seed's Process throws the sum away; Spindle's returns it (`result()`).
// A new worker costs a start-up (under tsx, compiling the TypeScript too), so real code keeps a pool alive.
import { availableParallelism } from 'node:os';
import { Process, Thread, ThreadPoolExecutor } from '../../src/index.ts';
import { heavyCompute } from './tasks.ts';

const N = 100_000_000;
const cores = availableParallelism();
const perCore = Array.from({ length: cores }, () => N);
const sums = new Set<number>();

/** Runs `run`, prints its time, and keeps the sums it returned. */
async function timed(label: string, run: () => Promise<number[]>): Promise<void> {
  const start = performance.now();
  for (const sum of await run()) sums.add(sum);
  console.log(`~ ${label}: ${(performance.now() - start).toFixed(0)} ms`);
}

/** The seed's pattern: start one worker per core, then join them all, here taking their results too. */
async function startAndJoin(workers: { start(): unknown; result(): Promise<number> }[]): Promise<number[]> {
  for (const worker of workers) worker.start();
  return Promise.all(workers.map((worker) => worker.result()));
}

console.log(`heavy_compute(${N}) on each of the ${cores} cores:`);
await timed('one after another on the main thread', async () =>
  Promise.all(perCore.map((n) => heavyCompute.fn(n))),
);
await timed('one Process per core, started for it', () =>
  startAndJoin(perCore.map((n) => new Process(heavyCompute, n))),
);
await timed('one Thread per core, started for it', () =>
  startAndJoin(perCore.map((n) => new Thread(heavyCompute, n))),
);
{
  await using pool = new ThreadPoolExecutor({ maxWorkers: cores, minWorkers: cores });
  await Promise.all(perCore.map(() => pool.submit(heavyCompute, 1))); // every worker up and warm
  await timed('a ThreadPoolExecutor whose workers already run', () =>
    Promise.all(perCore.map((n) => pool.submit(heavyCompute, n))),
  );
}
console.log(`every run returned the same sum: ${[...sums].join(', ')}`);

// prints:
// heavy_compute(100000000) on each of the <n> cores:
// ~ one after another on the main thread: <n> ms
// ~ one Process per core, started for it: <n> ms
// ~ one Thread per core, started for it: <n> ms
// ~ a ThreadPoolExecutor whose workers already run: <n> ms
// every run returned the same sum: 4999999950000000
