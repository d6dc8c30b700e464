/**
 * The demo behind `npm run demo:backends`: the same CPU-bound task and the same I/O-bound task, run serially, on
 * AsyncExecutor, on worker threads and on child processes, with a table of timings. It shows the Node truth
 * the rest of Spindle builds on: threads and processes speed up CPU work; for I/O the event loop alone is
 * already concurrent, and workers only add start-up and copying.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { AsyncExecutor, ProcessPoolExecutor, ThreadPoolExecutor } from '../src/index.ts';
import type { Executor } from '../src/index.ts';
import { countPrimes, fetchLength } from './demo-tasks.ts';

const CPU_TASKS = 8;
const PRIME_LIMIT = 1_200_000;
const IO_TASKS = 40;
const IO_DELAY_MS = 50;

const server = createServer((_request, response) => {
  setTimeout(() => response.end('x'.repeat(1024)), IO_DELAY_MS);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
const cores = availableParallelism();

type Row = { strategy: string; startup: number | undefined; cpu: number; io: number };
const rows: Row[] = [];

async function time(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

async function serial(): Promise<Row> {
  const cpu = await time(async () => {
    for (let i = 0; i < CPU_TASKS; i++) await countPrimes.fn(PRIME_LIMIT);
  });
  const io = await time(async () => {
    for (let i = 0; i < IO_TASKS; i++) await fetchLength.fn(url);
  });
  return { strategy: 'serial (one after another)', startup: undefined, cpu, io };
}

async function onExecutor(strategy: string, make: () => Executor, workers: number): Promise<Row> {
  // Start-up (creating the executor and its workers, up to the first results) is timed on its own, so the
  // CPU and I/O columns compare steady-state throughput.
  let executor: Executor | undefined;
  const startup = await time(async () => {
    executor = make();
    await Promise.all(Array.from({ length: workers }, () => executor!.submit(countPrimes, 10)));
  });
  await using _ = executor!;
  const run = executor!;
  const cpu = await time(() =>
    Promise.all(Array.from({ length: CPU_TASKS }, () => run.submit(countPrimes, PRIME_LIMIT))),
  );
  const io = await time(() =>
    Promise.all(Array.from({ length: IO_TASKS }, () => run.submit(fetchLength, url))),
  );
  return { strategy, startup: workers > 0 ? startup : undefined, cpu, io };
}

console.log(
  `Spindle demo: ${CPU_TASKS} CPU tasks (primes below ${PRIME_LIMIT}) and ${IO_TASKS} HTTP requests`,
);
console.log(
  `(each answered after ${IO_DELAY_MS} ms by a local server), on ${cores} cores, Node ${process.version}\n`,
);
rows.push(await serial());
rows.push(
  await onExecutor(
    `AsyncExecutor (${IO_TASKS} at once)`,
    () => new AsyncExecutor({ maxConcurrency: IO_TASKS }),
    0,
  ),
);
const pool = { maxWorkers: cores, minWorkers: cores };
rows.push(
  await onExecutor(`ThreadPoolExecutor (${cores} workers)`, () => new ThreadPoolExecutor(pool), cores),
);
rows.push(
  await onExecutor(`ProcessPoolExecutor (${cores} workers)`, () => new ProcessPoolExecutor(pool), cores),
);
const hybrid = { ...pool, concurrencyPerWorker: IO_TASKS / cores };
rows.push(
  await onExecutor(
    `ThreadPoolExecutor (${cores} × ${hybrid.concurrencyPerWorker} async)`,
    () => new ThreadPoolExecutor(hybrid),
    cores,
  ),
);
server.close();

const base = rows[0]!;
const cell = (ms: number, ref: number): string =>
  `${ms.toFixed(0).padStart(6)} ms ${(ref / ms).toFixed(2).padStart(5)}×`;
const startup = (ms: number | undefined): string =>
  (ms === undefined ? '—' : `${ms.toFixed(0)} ms`).padStart(8);
console.log(
  `| ${'strategy'.padEnd(36)} | start-up | ${'CPU-bound'.padEnd(16)} | ${'I/O-bound'.padEnd(16)} |`,
);
console.log(`|${'-'.repeat(38)}|---------:|${'-'.repeat(17)}:|${'-'.repeat(17)}:|`);
for (const row of rows) {
  console.log(
    `| ${row.strategy.padEnd(36)} | ${startup(row.startup)} | ${cell(row.cpu, base.cpu)} | ${cell(row.io, base.io)} |`,
  );
}
const fastest = (key: 'cpu' | 'io'): string => rows.reduce((a, b) => (b[key] < a[key] ? b : a)).strategy;
console.log(`\nFastest for CPU-bound work: ${fastest('cpu')}`);
console.log(`Fastest for I/O-bound work: ${fastest('io')}`);
console.log(
  'On Node, worker threads run JavaScript in parallel (there is no GIL), and I/O is already concurrent on',
);
console.log(
  'the event loop: use threads (or processes, for crash isolation) for CPU work, AsyncExecutor for I/O.',
);
