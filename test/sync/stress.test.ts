// Randomized stress: many threads with random operations and timeouts on a Lock, a Semaphore and a
// Condition for a bounded time, the main thread joining in with the async forms; then the invariants.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ThreadPoolExecutor } from '../../src/index.ts';
import { Condition } from '../../src/sync/condition.ts';
import { Lock } from '../../src/sync/lock.ts';
import { Semaphore } from '../../src/sync/semaphore.ts';
import { random, S, stress } from '../fixtures/sync-tasks.ts';

const WORKERS = 6;
const RUN_MS = 2_000;
const FINAL_ITEMS = 50;

const pool = new ThreadPoolExecutor({ maxWorkers: WORKERS, minWorkers: WORKERS });
after(() => pool.shutdown({ cancelFutures: true }));

test('no lost wake-up, no deadlock, mutual exclusion held and every permit accounted for', async () => {
  const seed = Date.now() | 0;
  const next = random(seed);
  const lock = new Lock();
  const semaphore = new Semaphore(3);
  const cond = new Condition(new Lock());
  const tally = new Int32Array(new SharedArrayBuffer(4 * S.cells));
  const workers = Array.from({ length: WORKERS }, (_, i) =>
    pool.submit(stress, lock, semaphore, cond, tally, seed + i + 1, RUN_MS, FINAL_ITEMS),
  );

  // The main thread takes part with the async forms, some of them aborted, until the workers stop.
  const end = performance.now() + RUN_MS;
  let mainViolations = 0;
  while (performance.now() < end) {
    const pick = next();
    const options = next() < 0.2 ? { signal: AbortSignal.timeout(1) } : { timeout: Math.floor(next() * 4) };
    try {
      if (pick < 0.4) {
        if (!(await lock.acquireAsync(options))) continue;
        if (Atomics.add(tally, S.lockInside, 1) !== 0) mainViolations++;
        Atomics.add(tally, S.lockTaken, 1);
        await Promise.resolve();
        Atomics.sub(tally, S.lockInside, 1);
        lock.release();
      } else if (pick < 0.8) {
        if (!(await semaphore.acquireAsync(options))) continue;
        Atomics.add(tally, S.semTaken, 1);
        if (Atomics.add(tally, S.semInside, 1) >= 3) mainViolations++;
        await Promise.resolve();
        Atomics.sub(tally, S.semInside, 1);
        Atomics.add(tally, S.semReturned, 1);
        semaphore.release();
      } else {
        await using _ = await cond.holdAsync();
        tally[S.items]!++;
        tally[S.produced]!++;
        cond.notify();
      }
    } catch (error) {
      if ((error as Error).name !== 'TimeoutError') throw error; // an aborted wait: its signal's reason
    }
  }

  // The final phase: exactly the items the workers still wait for, one notify each.
  for (let i = 0; i < WORKERS * FINAL_ITEMS; i++) {
    await using _ = await cond.holdAsync();
    tally[S.items]!++;
    tally[S.produced]!++;
    cond.notify();
  }
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`stress workers hung (seed ${seed}): a lost wake-up or deadlock`)),
      30_000,
    );
  });
  try {
    await Promise.race([Promise.all(workers), hung]);
  } finally {
    clearTimeout(timer);
  }

  const context = `seed ${seed}`;
  assert.equal(tally[S.lockViolations]! + mainViolations, 0, `mutual exclusion was violated (${context})`);
  assert.equal(tally[S.semViolations], 0, `more than 3 permits were out at once (${context})`);
  assert.equal(tally[S.itemViolations], 0, `an item was taken that was not there (${context})`);
  assert.equal(tally[S.semTaken], tally[S.semReturned], context);
  assert.equal(semaphore.value, 3, `every permit came back (${context})`);
  assert.equal(lock.locked(), false);
  assert.equal(cond.acquire({ blocking: false }), true, 'the condition’s lock is free');
  cond.release();
  assert.equal(tally[S.produced]! - tally[S.consumed]!, tally[S.items], `items balance (${context})`);
  assert.ok(tally[S.lockTaken]! > 100 && tally[S.semTaken]! > 100, 'the run did real work');
});
