/**
 * The measurements, written once against PoolAdapter / AsyncAdapter so every library meets the same code.
 * Each checks the results it gets back: a library that returned wrong answers fast would otherwise win.
 * Pool start-up (scenario 5) is timed in case.ts, around the adapter's construction.
 */
import { percentile } from './stats.ts';
import work from './tasks/work.cts';
import type { AsyncAdapter, Params, PoolAdapter } from './types.ts';

type Values = Record<string, number>;

const now = (): number => performance.now();

async function submitAll(count: number, submit: (i: number) => PromiseLike<number>): Promise<number[]> {
  const pending = new Array<PromiseLike<number>>(count);
  for (let i = 0; i < count; i++) pending[i] = submit(i);
  return Promise.all(pending);
}

function expectIncremented(results: readonly number[]): void {
  for (let i = 0; i < results.length; i++) {
    if (results[i] !== i + 1) throw new Error(`task ${i} returned ${String(results[i])}, expected ${i + 1}`);
  }
}

/**
 * 1. Tiny tasks, all submitted at once: tasks per second, twice in a row. The first batch runs while V8 is
 * still compiling the library's hot paths and growing the heap; the second shows the steady state.
 */
export async function tiny(pool: PoolAdapter, params: Params): Promise<Values> {
  expectIncremented(await submitAll(params.tinyWarmup, (i) => pool.inc(i)));
  const rates: number[] = [];
  for (let round = 0; round < 2; round++) {
    const start = now();
    const results = await submitAll(params.tinyTasks, (i) => pool.inc(i));
    rates.push(params.tinyTasks / ((now() - start) / 1000));
    expectIncremented(results);
  }
  return { tasksPerSec: rates[0]!, nextTasksPerSec: rates[1]! };
}

/** 2. One task at a time, each awaited before the next: latency percentiles in microseconds. */
export async function latency(pool: PoolAdapter, params: Params): Promise<Values> {
  for (let i = 0; i < params.roundTripWarmup; i++) await pool.inc(i);
  const samples = new Float64Array(params.roundTrips);
  for (let i = 0; i < params.roundTrips; i++) {
    const start = now();
    const result = await pool.inc(i);
    samples[i] = (now() - start) * 1000;
    if (result !== i + 1) throw new Error(`task ${i} returned ${String(result)}, expected ${i + 1}`);
  }
  return { p50Us: percentile(samples, 50), p99Us: percentile(samples, 99) };
}

/** 3. CPU-bound tasks spread over the workers: wall time of the batch (speedup is computed in the report). */
export async function cpu(pool: PoolAdapter, params: Params): Promise<Values> {
  // Start every worker and compile the loop there before timing.
  await submitAll(params.workers * 2, () => pool.spin(10_000));
  const start = now();
  const results = await submitAll(params.cpuTasks, () => pool.spin(params.spinIterations));
  const ms = now() - start;
  if (results.some((r) => r !== results[0])) throw new Error(`spin() results differ: ${results.join(', ')}`);
  return { poolMs: ms };
}

/** 3. The baseline: the same tasks one after another on the main thread. */
export function serial(params: Params): Values {
  work.spin(10_000);
  const start = now();
  for (let i = 0; i < params.cpuTasks; i++) work.spin(params.spinIterations);
  return { serialMs: now() - start };
}

/**
 * 4. Payloads: each task gets its own filled buffer (allocated before timing), copied or transferred.
 * After a transfer the sender's buffer must be detached; if it is not, the library copied instead.
 * Copies run twice in a row, as tiny tasks do: the first batch pays for faulting in the memory that the
 * receiving threads allocate, the second shows what a pool that has carried such payloads before does.
 */
export async function payload(pool: PoolAdapter, params: Params, transfer: boolean): Promise<Values> {
  const warm = await submitAll(params.workers * 2, () => pool.byteLength(new Uint8Array(1024), transfer));
  if (warm.some((n) => n !== 1024)) throw new Error(`warm-up byteLength returned ${warm.join(', ')}`);
  const tasks = transfer ? params.transferTasks : params.payloadTasks;
  const rates: number[] = [];
  for (let round = 0; round < (transfer ? 1 : 2); round++) {
    const buffers = Array.from({ length: tasks }, (_, i) =>
      new Uint8Array(params.payloadBytes).fill(i & 0xff),
    );
    const start = now();
    const results = await submitAll(tasks, (i) => pool.byteLength(buffers[i]!, transfer));
    const seconds = (now() - start) / 1000;
    const wrong = results.find((n) => n !== params.payloadBytes);
    if (wrong !== undefined)
      throw new Error(`byteLength returned ${String(wrong)}, expected ${params.payloadBytes}`);
    if (transfer && buffers.some((b) => b.byteLength !== 0))
      throw new Error('buffers were copied, not transferred');
    rates.push((tasks * params.payloadBytes) / 2 ** 20 / seconds);
  }
  return transfer ? { mibPerSec: rates[0]! } : { mibPerSec: rates[0]!, nextMibPerSec: rates[1]! };
}

/** 6. Async functions through a concurrency limiter: tasks per second. */
export async function asyncThroughput(limiter: AsyncAdapter, params: Params): Promise<Values> {
  expectIncremented(await submitAll(params.asyncWarmup, (i) => limiter.run(i)));
  const start = now();
  const results = await submitAll(params.asyncTasks, (i) => limiter.run(i));
  const seconds = (now() - start) / 1000;
  expectIncremented(results);
  return { tasksPerSec: params.asyncTasks / seconds };
}
