// examples/seeds/sleep-tasks.ts
// Seed: "Python Multithreading vs. Multiprocessing Explained" (Built In): task_sleep(2, n) on two
// threading.Threads (2.03 s), on two multiprocessing.Processes (2.81 s), and ten calls through starmap on a
// Pool(cpu_count() - 1) that had 2 processes (12.58 s). Here a sleep lasts 0.3 s, not 2 s, so each time is
// also split into the sleeping it could not avoid and the overhead on top, for Python and for Spindle.
// Node lesson: a blocking sleep (Atomics.wait, like time.sleep) holds its worker as in Python, so the pool
// needs ceil(10 / workers) sleeps in a row, and every new worker costs a start-up (here, under tsx, that
// includes compiling the TypeScript in each worker). An *awaited* sleep holds nothing: AsyncExecutor runs
// all ten at once on the main thread, in one sleep, with no worker at all.
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { AsyncExecutor, Lock, Process, ProcessPoolExecutor, Thread } from '../../src/index.ts';
import type { SleepReport } from './tasks.ts';
import { taskSleep } from './tasks.ts';

const SLEEP = 0.3; // seconds
const workers = Math.max(1, availableParallelism() - 1);

/** Times `run` against `rounds` back-to-back sleeps, beside the seed's figure (2 s sleeps, `python[1]` rounds). */
async function timed<T>(
  label: string,
  rounds: number,
  python: [seconds: number, rounds: number] | undefined,
  run: () => Promise<T>,
): Promise<T> {
  const start = performance.now();
  const result = await run();
  const s = (performance.now() - start) / 1000;
  const split = (total: number, n: number, sleep: number): string =>
    `${total.toFixed(2)} s = ${n} × ${sleep} s + ${(total - n * sleep).toFixed(2)} s`;
  const seed = python === undefined ? '' : ` (Python: ${split(python[0], python[1], 2)})`;
  console.log(`~ ${label}: ${split(s, rounds, SLEEP)}${seed}`);
  return result;
}

/** The seed's pattern: start both, join both (taking their results); then say where and when each slept. */
async function startAndJoin(
  label: string,
  python: number,
  pair: { start(): unknown; result(): Promise<SleepReport> }[],
): Promise<void> {
  const reports = await timed(label, 1, [python, 1], async () => {
    for (const worker of pair) worker.start();
    return Promise.all(pair.map((worker) => worker.result()));
  });
  for (const { taskNumber, pid, threadId } of reports) {
    const where = pid === process.pid ? 'the main process' : 'a child process';
    const thread = threadId === 0 ? 'its main thread' : 'a worker thread';
    console.log(`Task ${taskNumber} done (slept for ${SLEEP}s)! In ${where}, on ${thread}`);
  }
  const together = Math.min(...reports.map((r) => r.end)) - Math.max(...reports.map((r) => r.start));
  console.log(`Processes used: ${new Set(reports.map((r) => r.pid)).size}`);
  console.log(`~ both were asleep at once for ${(Math.max(0, together) / 1000).toFixed(2)} s of ${SLEEP} s`);
}

const lock = new Lock(); // the seed's optional lock, taken and released before the sleep
await startAndJoin('2 Threads', 2.03, [
  new Thread(taskSleep, SLEEP, 1, lock),
  new Thread(taskSleep, SLEEP, 2, lock),
]);
await startAndJoin('2 Processes', 2.81, [new Process(taskSleep, SLEEP, 1), new Process(taskSleep, SLEEP, 2)]);

const rounds = Math.ceil(10 / workers);
const pooled = await timed(`10 tasks on a pool of cores - 1 = ${workers}`, rounds, [12.58, 5], async () => {
  await using pool = new ProcessPoolExecutor({ maxWorkers: workers });
  const args = Array.from({ length: 10 }, (): [number, number] => [SLEEP, 1]);
  const done: SleepReport[] = [];
  for await (const report of pool.starmap(taskSleep, args)) done.push(report);
  return done;
});
console.log(`10 tasks done; processes used: ${new Set(pooled.map((r) => r.pid)).size} of ${workers}`);

await timed('10 awaited sleeps on AsyncExecutor', 1, undefined, async () => {
  await using executor = new AsyncExecutor({ maxConcurrency: 10 });
  await Promise.all(Array.from({ length: 10 }, () => executor.submit(() => sleep(SLEEP * 1000))));
});

// prints:
// ~ 2 Threads: <n> s = 1 × 0.3 s + <n> s (Python: 2.03 s = 1 × 2 s + 0.03 s)
// Task 1 done (slept for 0.3s)! In the main process, on a worker thread
// Task 2 done (slept for 0.3s)! In the main process, on a worker thread
// Processes used: 1
// ~ both were asleep at once for <n> s of 0.3 s
// ~ 2 Processes: <n> s = 1 × 0.3 s + <n> s (Python: 2.81 s = 1 × 2 s + 0.81 s)
// Task 1 done (slept for 0.3s)! In a child process, on its main thread
// Task 2 done (slept for 0.3s)! In a child process, on its main thread
// Processes used: 2
// ~ both were asleep at once for <n> s of 0.3 s
// ~ 10 tasks on a pool of cores - 1 = <n>: <n> s = <n> × 0.3 s + <n> s (Python: 12.58 s = 5 × 2 s + 2.58 s)
// 10 tasks done; processes used: <n> of <n>
// ~ 10 awaited sleeps on AsyncExecutor: <n> s = 1 × 0.3 s + <n> s
