/**
 * Spindle's side of the synchronisation scenarios (7–9): loops that run inside a worker thread and time
 * themselves there, so the figures are the cost of the primitive, not of dispatching the task.
 */
import type { SpindleLock, SpindleQueue } from '../spindle-api.ts';
import { spindleExport } from '../spindle-api.ts';

const task = await spindleExport('task');

/** Waits until the main thread raises the start flag, so both workers of a pair begin together. */
function awaitStart(flag: Int32Array): void {
  Atomics.add(flag, 1, 1);
  while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0, 10);
}

/** 7. Uncontended acquire + release; nanoseconds per pair, and per `using lock.hold()`. */
export const lockLoop = task(import.meta.url, (lock: SpindleLock, iterations: number) => {
  for (let i = 0; i < 100_000; i++) {
    lock.acquire();
    lock.release();
  }
  let start = performance.now();
  for (let i = 0; i < iterations; i++) {
    lock.acquire();
    lock.release();
  }
  const pairNs = ((performance.now() - start) * 1e6) / iterations;
  start = performance.now();
  for (let i = 0; i < iterations; i++) {
    using _ = lock.hold();
  }
  const holdNs = ((performance.now() - start) * 1e6) / iterations;
  if (lock.locked()) throw new Error('the lock is still held after the loops');
  return { pairNs, holdNs };
});

/** 8. Two workers on one lock, each incrementing a shared counter under it; returns its own elapsed ms. */
export const lockContend = task(
  import.meta.url,
  (lock: SpindleLock, counter: Int32Array, flag: Int32Array, iterations: number) => {
    awaitStart(flag);
    const start = performance.now();
    for (let i = 0; i < iterations; i++) {
      lock.acquire();
      counter[0] = counter[0]! + 1; // not atomic on purpose: the lock must make it exact
      lock.release();
    }
    return performance.now() - start;
  },
);

/** 9. Producer: puts `count` small items. */
export const produce = task(
  import.meta.url,
  (queue: SpindleQueue<number>, flag: Int32Array, count: number) => {
    awaitStart(flag);
    for (let i = 0; i < count; i++) queue.put(i);
    return 0;
  },
);

/** 9. Consumer: gets `count` items, checks their order, returns elapsed ms from the start flag. */
export const consume = task(
  import.meta.url,
  (queue: SpindleQueue<number>, flag: Int32Array, count: number) => {
    awaitStart(flag);
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const item = queue.get();
      if (item !== i) throw new Error(`item ${i} arrived as ${String(item)}`);
    }
    return performance.now() - start;
  },
);
