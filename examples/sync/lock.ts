// examples/sync/lock.ts
// Lock: the seeds' counter. Ten threads each add 1 to one shared number 100,000 times.
import { Lock, Thread, sharedArray } from '../../src/index.ts';
import { increment, incrementUnguarded } from './tasks.ts';

/** Runs ten Threads over one shared counter, with the lock or without, and returns the count. */
async function count(lock: Lock | undefined): Promise<number> {
  const counter = sharedArray('int32', 2); // [count, scratch]: shared memory, not a copy per thread
  const threads = Array.from({ length: 10 }, () =>
    lock === undefined
      ? new Thread(incrementUnguarded, counter, 100_000)
      : new Thread(increment, counter, lock, 100_000),
  );
  for (const thread of threads) thread.start();
  for (const thread of threads) await thread.result(); // join() and rethrow the task's error, if any
  return counter[0]!;
}

console.log(`with a Lock:    ${await count(new Lock())}`);
const unguarded = await count(undefined);
console.log(`without a Lock: ${unguarded < 1_000_000 ? 'less than 1000000: updates were lost' : unguarded}`);

// prints:
// with a Lock:    1000000
// without a Lock: less than 1000000: updates were lost
